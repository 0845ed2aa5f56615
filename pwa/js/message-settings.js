// 短信提醒: the signed-in user's own choice of which messages also come by SMS (within what the county sends by SMS)
// and the daily digest, on the phone's 我的 and the desk's message centre alike (GET/PUT /api/notifications/preferences).
// Online only: the choice is the server's, and an SMS goes from the server.
import * as api from "./api.js";
import { esc } from "./html.js";
import { t } from "./i18n.js";

/** Fill the element with the form; said(text, error) shows what became of a save. */
export async function showMessageSettings(element) {
  let prefs;
  try {
    prefs = await api.get("/api/notifications/preferences");
  } catch (error) {
    element.innerHTML = `<p class="muted" id="ms-unavailable">${esc(error.message)}</p>`;
    return;
  }
  const kinds = Object.entries(t("notify_kinds")).filter(([kind]) => prefs.my_kinds.includes(kind)
    && (prefs.county_allows[kind] || []).includes("sms"));
  const wants = (kind) => !prefs.notify_channels || !(kind in prefs.notify_channels)
    || prefs.notify_channels[kind].includes("sms");
  element.innerHTML = `<form id="message-settings"><h2>${esc(t("ms_title"))}</h2><p class="muted">${esc(t("ms_hint"))}</p>
    ${prefs.mobile_on_file ? "" : `<p class="warn" id="ms-no-mobile">${esc(t("ms_no_mobile"))}</p>`}
    ${kinds.length ? kinds.map(([kind, name]) => `<label class="check"><input type="checkbox" name="sms" value="${esc(kind)}"
      ${wants(kind) ? "checked" : ""}> ${esc(name)}</label>`).join("") : `<p class="muted" id="ms-none">${esc(t("ms_none_allowed"))}</p>`}
    <label class="check"><input type="checkbox" name="digest" ${prefs.notify_digest ? "checked" : ""}> ${esc(t("ms_digest"))}</label>
    <button type="submit">${esc(t("ms_save"))}</button><p id="ms-said" role="status"></p></form>`;
  element.querySelector("form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const chosen = new Set([...form.querySelectorAll("input[name=sms]:checked")].map((box) => box.value));
    const said = form.querySelector("#ms-said");
    try {
      await api.put("/api/notifications/preferences", {
        notify_channels: Object.fromEntries(kinds.map(([kind]) => [kind, chosen.has(kind) ? ["sms"] : []])),
        notify_digest: form.elements.digest.checked });
      said.className = "ok";
      said.textContent = t("ms_saved");
    } catch (error) {
      said.className = "error";
      said.textContent = error.message;
    }
  });
}

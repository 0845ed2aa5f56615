// Settings (#settings): every county setting with its meaning, in a form the API validates (each problem shown
// beside its field); the values shown are the API's after saving, as after a reload.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { say, showFieldErrors } from "./register-forms.js";
import { markDrawn } from "./drawn.js";

const CHANNELS = ["letter", "walk_in", "phone", "sms", "online"];  // the petition channels a time limit may name
const LIMITS = ["acceptance_days", "resolution_days"];
const FLOATS = ["near_limit_share", "cluster_p_value"];
const OUTBOUND = ["wecom", "dingtalk", "sms"];  // the channels a kind of message may go out by
const checkbox = (name, value, on, label) =>
  `<label><input type="checkbox" name="${name}" value="${value}" ${on ? "checked" : ""}> ${esc(label)}</label>`;
const checked = (form, name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => box.value);

export async function showSettings(element, _params, { main, shown }) {
  const current = await api.get("/api/settings");
  if (!shown()) return;
  const meanings = t("setting_meanings");
  const rows = Object.keys(meanings).filter((key) => key in current).map((key) =>
    `<tr data-field="${key}"><th scope="row" class="text"><code>${esc(key)}</code></th>
      <td class="text">${control(key, current[key])}<span class="field-error" data-for="${key}" role="alert"></span></td>
      <td class="text">${esc(meanings[key])}</td></tr>`).join("");
  element.innerHTML = `<form id="settings-form" class="card"><div class="table-wrap"><table class="grid" id="settings-table">
      <thead><tr><th class="text">${esc(t("adm_setting"))}</th><th class="text">${esc(t("adm_value"))}</th>
        <th class="text">${esc(t("adm_meaning"))}</th></tr></thead><tbody>${rows}</tbody></table></div>
    <button type="submit">${esc(t("adm_save"))}</button></form>`;
  const form = element.querySelector("form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api.patch("/api/settings", read(form, current));
      await showSettings(element, _params, { main, shown });
      say(main, t("adm_settings_saved"));
    } catch (error) {
      if (error.status === 401) throw error;
      showFieldErrors(form, error);
      say(main, `${t("adm_failed")}：${t("adm_check_fields")}`, { error: true });
    }
  });
  markDrawn(form);
}

function control(key, value) {
  if (LIMITS.includes(key)) {
    return ["default", ...CHANNELS].map((channel) => `<label class="limit">${esc(channel === "default"
      ? t("adm_default_channel") : t("channels")[channel])} <input type="number" min="1" max="365" name="${key}.${channel}"
      value="${esc(value[channel] ?? "")}"> ${esc(t("adm_days"))}</label>`).join(" ");
  }
  if (key === "notify_channels") {
    return Object.entries(t("notify_kinds")).map(([kind, name]) => `<div class="limit" data-kind="${kind}">${esc(name)}：${
      OUTBOUND.map((c) => checkbox(`${key}.${kind}`, c, (value[kind] || []).includes(c), t("notify_channel_names")[c]))
        .join(" ")}</div>`).join("");
  }
  if (key === "quiet_hours") {
    return ["adm_quiet_from", "adm_quiet_to"].map((label, i) => `<label class="limit">${esc(t(label))} <input
      type="number" min="0" max="23" name="${key}.${i}" value="${esc(value[i])}"> ${esc(t("adm_hour"))}</label>`).join(" ");
  }
  if (typeof value === "boolean") return `<input type="checkbox" name="${key}" ${value ? "checked" : ""}>`;
  if (Array.isArray(value)) {
    return Object.entries(t("categories")).map(([code, name]) => checkbox(key, code, value.includes(code), name)).join(" ");
  }
  return `<input type="number" name="${key}" value="${esc(value)}" step="${FLOATS.includes(key) ? "any" : "1"}">`;
}

/** The settings as the form holds them, in the API's shapes (numbers typed as they are: the API checks them). */
function read(form, current) {
  const out = {};
  for (const key of Object.keys(current)) {
    if (LIMITS.includes(key)) {
      out[key] = Object.fromEntries(["default", ...CHANNELS].map((c) => [c, form.elements[`${key}.${c}`]?.value])
        .filter(([, v]) => v !== undefined && v !== "").map(([c, v]) => [c, Number(v)]));
    } else if (key === "notify_channels") {
      out[key] = Object.fromEntries(Object.keys(t("notify_kinds")).map((kind) => [kind, checked(form, `${key}.${kind}`)]));
    } else if (key === "quiet_hours") {
      out[key] = [0, 1].map((i) => Number(form.elements[`${key}.${i}`].value));
    } else if (typeof current[key] === "boolean") {
      out[key] = form.elements[key].checked;
    } else if (Array.isArray(current[key])) {
      out[key] = checked(form, key);
    } else if (form.elements[key]) {
      out[key] = form.elements[key].value === "" ? null : Number(form.elements[key].value);
    }
  }
  return out;
}

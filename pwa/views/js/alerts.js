// The early-warning inbox (预警): the active alerts for the signed-in user's level in their area, most severe
// first, each with its reason, sign-for (签收) and closing with a note of what was done (办结).
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { currentLanguage, t } from "/app/js/i18n.js";
import { showError } from "./session.js";
import { chinaDay } from "./format.js";

export const alertSection = () => `<section class="card" id="alerts"><h2>${esc(t("alerts"))}
    <span class="count"></span></h2><div class="body">${esc(t("loading"))}</div></section>`;

/** Fill the section (from alertSection) with the inbox; actions reload it. */
export async function showAlerts(section) {
  const body = section.querySelector(".body");
  try {
    const { items, total } = await api.get("/api/alerts?page_size=100");
    section.querySelector(".count").textContent = `（${total}）`;
    body.innerHTML = items.length ? `<ul class="alerts">${items.map(alertItem).join("")}</ul>`
      : `<p class="ok">${esc(t("no_alerts"))}</p>`;
  } catch (error) {
    if (error.status === 401) throw error;
    showError(body, error);
    return;
  }
  body.querySelectorAll("button[data-action='acknowledge']").forEach((button) => button.addEventListener(
    "click", () => act(section, () => api.post(`/api/alerts/${button.closest("li").dataset.id}/acknowledge`))));
  body.querySelectorAll("form.close-alert").forEach((form) => form.addEventListener("submit", (event) => {
    event.preventDefault();
    const note = form.elements.note.value.trim();
    act(section, () => api.post(`/api/alerts/${form.closest("li").dataset.id}/close`, { note }));
  }));
}

async function act(section, call) {
  try {
    await call();
  } catch (error) {
    if (error.status === 401) throw error;
    showError(section.querySelector(".body"), error);
    return;
  }
  await showAlerts(section);
}

function alertItem(alert) {
  const reason = currentLanguage() === "en" ? alert.reason : alert.reason_zh;
  const signed = alert.state === "acknowledged";
  return `<li class="alert severity-${esc(alert.severity)}" data-id="${esc(alert.id)}" data-state="${esc(alert.state)}">
    <div><span class="severity">${esc(t(`severity_${alert.severity}`))}</span> <strong>${esc(alert.unit_name)}</strong>
      <span class="muted">${esc(t(`rule_${alert.rule}`))} · ${esc(chinaDay(alert.raised_at))}</span></div>
    <p>${esc(reason)}</p>
    <div class="alert-actions">${signed ? `<span class="muted">${esc(t("acknowledged_by", { who: alert.acknowledged_by }))}</span>`
      : `<button type="button" data-action="acknowledge">${esc(t("acknowledge"))}</button>`}
      <form class="close-alert"><input name="note" required minlength="2" maxlength="2000"
        placeholder="${esc(t("close_note"))}" aria-label="${esc(t("close_note"))}">
        <button type="submit">${esc(t("close_alert"))}</button></form></div></li>`;
}

// Lists of disputes from /api/disputes: title, category, risk, state, level, due date in its deadline colour; each
// title opens the dispute's page on the desk.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { chinaDay, query } from "./format.js";

const PAGE_SIZE = 500;  // the API's maximum; a town's open disputes fit in one page

/** Disputes under a unit matching the filters, as {items, total}. */
export async function fetchDisputes(unitCode, filters) {
  const page = await api.get(`/api/disputes?${query({ unit_code: unitCode, page_size: PAGE_SIZE, ...filters })}`);
  return { items: page.items, total: page.total };
}

/** Open disputes held above the village (escalated to the town or the county), newest first. */
export const fetchEscalated = (unitCode) => fetchDisputes(unitCode, { open: true, escalated: true });

export function deadlineBadge(dispute) {
  const colour = dispute.deadline || "none";
  return `<span class="deadline deadline-${esc(colour)}">${esc(t(`deadline_${colour}`))} · ${esc(t("due"))}
    ${esc(chinaDay(dispute.due_at))}</span>`;
}

/** HTML of a list of disputes (every value escaped). */
export function disputeList(items, total = items.length) {
  if (!items.length) return `<p class="muted">${esc(t("none"))}</p>`;
  const more = total > items.length ? `<p class="muted">… ${esc(items.length)} / ${esc(total)}</p>` : "";
  return `<ul class="disputes">${items.map((d) => `<li data-id="${esc(d.id)}">
      <span class="risk risk-${esc(d.risk_colour)}" title="${esc(t("risks")[d.risk_colour] || d.risk_colour)}"></span>
      <a class="dispute-title" href="/views/desk#dispute/${esc(d.id)}"><strong>${esc(d.title)}</strong></a>
      <span class="muted">${esc(t("categories")[d.category] || d.category)} · ${esc(t("states")[d.state] || d.state)} ·
        ${esc(t("held_at"))} ${esc(t("level_names")[d.level] || d.level)} · ${esc(t("reported_on"))} ${esc(chinaDay(d.reported_at))}</span>
      ${deadlineBadge(d)}</li>`).join("")}</ul>${more}`;
}

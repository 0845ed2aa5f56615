// The audit log (#audit?username=&entity_type=&entity_id=&action=&from=&to=&page=): who did what, newest first, each
// entry's before and after side by side, masked as the API answers them.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { go, pager } from "./admin-common.js";
import { addDays, query } from "./format.js";
import { markDrawn } from "./drawn.js";

const FILTERS = ["username", "action", "entity_type", "entity_id", "from", "to"];
const LABELS = { username: "adm_person", action: "adm_action", entity_type: "adm_entity", entity_id: "adm_entity_id",
                 from: "adm_from", to: "adm_to" };
const WHEN = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", dateStyle: "short", timeStyle: "medium" });

export async function showAudit(element, params, { shown }) {
  const state = Object.fromEntries(FILTERS.map((key) => [key, params.get(key) || ""]));
  const page = Math.max(1, Number(params.get("page")) || 1);
  element.innerHTML = `<section class="card" id="audit"><form id="audit-filters" class="toolbar">${FILTERS.map((key) =>
      `<label>${esc(t(LABELS[key]))} <input name="${key}" ${key === "from" || key === "to" ? 'type="date"' : 'maxlength="64"'}
        value="${esc(state[key])}"></label>`).join("")}<button type="submit">${esc(t("adm_find"))}</button></form>
    <div id="audit-body">${esc(t("loading"))}</div></section>`;
  const form = element.querySelector("#audit-filters");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    go("audit", Object.fromEntries(FILTERS.map((key) => [key, form.elements[key].value.trim()])));
  });
  // China days: from the start of `from` to the end of `to` (+08:00, as the API wants an offset)
  const answer = await api.get(`/api/audit?${query({ username: state.username, action: state.action,
    entity_type: state.entity_type, entity_id: state.entity_id, page, page_size: 50,
    since: state.from && `${state.from}T00:00:00+08:00`, until: state.to && `${addDays(state.to, 1)}T00:00:00+08:00` })}`);
  if (!shown()) return;
  const body = element.querySelector("#audit-body");
  body.innerHTML = answer.items.length ? `<div class="table-wrap"><table class="grid" id="audit-table"><thead><tr>${
    ["adm_at", "adm_person", "adm_action", "adm_entity", "adm_before", "adm_after"].map((key) =>
      `<th scope="col" class="text">${esc(t(key))}</th>`).join("")}</tr></thead><tbody>${answer.items.map(row).join("")}</tbody></table></div>`
    : `<p class="muted" id="audit-empty">${esc(t("adm_none"))}</p>`;
  pager(body, answer, (n) => go("audit", { ...state, page: n }));
  markDrawn(element.querySelector("#audit"));
}

const shownValue = (value) => (value === null || value === undefined ? "—" : JSON.stringify(value, null, 1));

function row(entry) {
  return `<tr data-id="${entry.id}"><td class="text">${esc(WHEN.format(new Date(entry.at)))}</td>
    <td class="text">${esc(entry.username)}</td><td class="text" data-key="action">${esc(entry.action)}</td>
    <td class="text">${esc(entry.entity_type)} ${esc(entry.entity_id ?? "")}</td>
    <td class="text"><pre class="audit-before">${esc(shownValue(entry.before))}</pre></td>
    <td class="text"><pre class="audit-after">${esc(shownValue(entry.after))}</pre></td></tr>`;
}

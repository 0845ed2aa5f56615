// Worker activity 工作人员活跃度 (/views/activity) for village heads, town secretaries, county staff and the admin: per
// grid worker and cadre of a unit, a month's visits, the households still due, the visits flagged far from the
// household or with a poor GPS fix, the last visit and each phone's last sync. The filters and the sort live in the
// address (#unit=&role=&month=&sort=&order=), so a reload shows the same table. The server sorts the rows and the
// downloads carry the same query: the xlsx and CSV are the rows shown, in their order.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import "./activity-messages.js";
import { chinaTime, count, percent, query, thisMonth } from "./format.js";
import { startView } from "./session.js";
import { sortableTable } from "./table.js";
import { unitPicker } from "./unit-picker.js";
import { markDrawn } from "./drawn.js";

const SORTS = { display_name: "name", unit_name: "unit", phone_count: "phones" };  // a column → the API's sort, if renamed
const COLUMN_OF = Object.fromEntries(Object.entries(SORTS).map(([column, sort]) => [sort, column]));

function stateOf(user) {
  const params = new URLSearchParams(location.hash.slice(1));
  return { unit: params.get("unit") || user.unit_code, role: params.get("role") || "",
           month: params.get("month") || thisMonth(), sort: params.get("sort") || "unit",
           order: params.get("order") === "desc" ? "desc" : "asc" };
}

/** A new address: the hash change redraws the page. */
const go = (state) => { location.hash = query(state); };

const apiQuery = (state, format) => query({ under: state.unit, role: state.role, month: state.month, sort: state.sort,
                                            order: state.order, format });

async function render(main, user) {
  const state = stateOf(user), hash = location.hash;
  main.innerHTML = `<form id="activity-filters" class="toolbar">
      <span id="unit-picker" class="filters"></span>
      <label>${esc(t("act_role"))} <select name="role"><option value="">${esc(t("act_all_roles"))}</option>${
        Object.entries(t("act_roles")).map(([role, name]) =>
          `<option value="${role}" ${role === state.role ? "selected" : ""}>${esc(name)}</option>`).join("")}</select></label>
      <label>${esc(t("act_month"))} <input type="month" name="month" value="${esc(state.month)}" max="${thisMonth()}"></label>
      <span class="spacer"></span><span>${esc(t("act_download"))}:</span>
      <a class="button" id="export-xlsx" download href="/api/stats/worker-activity?${apiQuery(state, "xlsx")}">${esc(t("act_xlsx"))}</a>
      <a class="button" id="export-csv" download href="/api/stats/worker-activity?${apiQuery(state, "csv")}">${esc(t("act_csv"))}</a>
    </form>
    <section class="card" id="activity"><h2>${esc(t("activity"))} <span class="muted" id="activity-count"></span>
      <span class="muted" id="activity-running"></span></h2>
      <p class="muted" id="activity-note"></p><div id="activity-table">${esc(t("loading"))}</div></section>`;
  const form = main.querySelector("#activity-filters");
  form.elements.role.addEventListener("change", () => go({ ...state, role: form.elements.role.value }));
  form.elements.month.addEventListener("change", () => {
    if (form.elements.month.value) go({ ...state, month: form.elements.month.value });
  });
  const [answer] = await Promise.all([
    api.get(`/api/stats/worker-activity?${apiQuery(state)}`),
    unitPicker(main.querySelector("#unit-picker"), user, state.unit, (unit) => go({ ...state, unit })),
  ]);
  if (location.hash !== hash) return;  // the user has asked for another table meanwhile
  main.querySelector("#activity-count").textContent = t("act_count", { n: answer.rows.length });
  main.querySelector("#activity-running").textContent = answer.running ? `（${t("act_running")}）` : "";
  main.querySelector("#activity-note").textContent = t("act_note", { distance: answer.max_distance_m,
                                                                      accuracy: answer.max_accuracy_m });
  const element = main.querySelector("#activity-table");
  if (!answer.rows.length) {
    element.innerHTML = `<p class="muted" id="activity-empty">${esc(t("act_empty"))}</p>`;
    return;
  }
  sortableTable(element, columns(), answer.rows, {
    id: "activity-rows", rowKey: "username",
    sort: { key: COLUMN_OF[state.sort] || state.sort, descending: state.order === "desc" },
    onSort: ({ key, descending }) => go({ ...state, sort: SORTS[key] || key, order: descending ? "desc" : "asc" }),
  });
  markDrawn(main.querySelector("#activity"));
}

const flagged = (n) => n > 0;

const columns = () => [
  { key: "display_name", label: t("act_name"), text: true,
    html: (name, row) => `${esc(name)} <span class="muted">${esc(row.username)}</span>` },
  { key: "role", label: t("act_role"), text: true, format: (role) => t("act_roles")[role] || role },
  { key: "unit_name", label: t("act_unit"), text: true, html: (name, row) => `${esc(name)} <span class="muted">${
    esc([row.village_name, row.town_name].filter((above) => above && above !== name).join(" · "))}</span>` },
  { key: "households", label: t("act_households"), format: count },
  { key: "households_due", label: t("act_due"), format: count },
  { key: "completion_rate", label: t("act_completion"), format: percent },
  { key: "visits", label: t("act_visits"), format: count },
  { key: "visits_far", label: t("act_far"), format: count, flag: flagged },
  { key: "visits_poor_gps", label: t("act_poor_gps"), format: count, flag: flagged },
  { key: "last_visit_at", label: t("act_last_visit"), format: chinaTime },
  { key: "last_sync_at", label: t("act_last_sync"), flag: (at) => !at,
    format: (at) => (at ? chinaTime(at) : t("act_never_synced")) },
  // each phone by the start of its UUID and its last sync (month, day and time), its browser on hover
  { key: "phone_count", label: t("act_phones"), html: (_, row) => row.phones.map((phone) =>
    `<span class="phone" title="${esc(phone.user_agent || "")}">${esc(phone.device_id.slice(0, 8))} ${
      esc(chinaTime(phone.last_sync_at).slice(5))}</span>`).join("") || "—" },
];

window.addEventListener("hashchange", () => window.dispatchEvent(new CustomEvent("view-redraw")));
startView("activity", render);

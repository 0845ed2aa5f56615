// Boundary import on the console: pick a file, check it (a dry run), read the report as a table and on a map
// (a row zooms to its problem), and write it when nothing blocks it (POST /api/admin/grid/import).
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { currentLanguage, t } from "/app/js/i18n.js";
import { drawProblems, drawUnits, freshMap, problemTitle, zoomTo } from "./admin-grid-map.js";
import { count } from "./format.js";
import { sortableTable } from "./table.js";

const LEVELS = ["town", "village", "cell"];

/** The upload card in the element; onApplied() after a file was written (the tree is drawn again). */
export function showUpload(element, { onApplied }) {
  element.innerHTML = `<h2>${esc(t("ag_upload"))}</h2><p class="muted">${esc(t("ag_upload_hint"))}</p>
    <form id="grid-upload" class="toolbar">
      <label>${esc(t("ag_file"))} <input type="file" name="file" accept=".geojson,.json,.zip" required></label>
      <label>${esc(t("ag_level"))} <select name="level">${LEVELS.map((level) =>
        `<option value="${level}" ${level === "village" ? "selected" : ""}>${esc(t(`ag_level_${level}`))}</option>`).join("")}</select></label>
      <label>${esc(t("ag_crs"))} <select name="crs"><option value="wgs84">${esc(t("ag_crs_wgs84"))}</option>
        <option value="gcj02">${esc(t("ag_crs_gcj02"))}</option></select></label>
      <label>${esc(t("ag_code_field"))} <input name="code_field" value="code" maxlength="64" size="8" required></label>
      <label>${esc(t("ag_name_field"))} <input name="name_field" value="name" maxlength="64" size="8" required></label>
      <button type="submit">${esc(t("ag_check"))}</button>
      <button type="button" id="grid-apply" disabled>${esc(t("ag_apply"))}</button>
    </form>
    <p id="upload-said" role="status"></p>
    <div id="grid-report" hidden><p id="report-summary"></p><div id="report-table"></div></div>
    <div id="grid-report-map" class="map" hidden></div>`;
  const form = element.querySelector("#grid-upload");
  const applyButton = element.querySelector("#grid-apply");
  const said = element.querySelector("#upload-said");
  const say = (text, ok) => { said.textContent = text; said.className = ok ? "ok" : "error"; };

  const send = async (apply) => {
    const data = new FormData(form);
    if (apply) data.set("apply", "true");
    applyButton.disabled = true;
    say(t(apply ? "ag_applying" : "ag_checking"), true);
    try {
      const result = await api.postForm("/api/admin/grid/import", data);
      await showReport(element, result);
      if (result.applied) {
        say(t("ag_applied", { created: result.created.length, updated: result.updated.length,
                              moved: count(result.households_moved) }), true);
        await drawApplied(element, [...result.created, ...result.updated]);
        onApplied?.();
      } else {
        say("", true);
        applyButton.disabled = !(result.ok && result.features > 0);
      }
    } catch (error) {
      if (!(error instanceof api.ApiError)) throw error;
      if (error.body?.report) await showReport(element, error.body.report);
      say(t("ag_refused_apply", { message: error.message }), false);
    } finally {
      element.dataset.answered = String(Number(element.dataset.answered || 0) + 1);
    }
  };
  form.addEventListener("submit", (event) => { event.preventDefault(); send(false); });
  form.addEventListener("change", () => { applyButton.disabled = true; });  // a changed form must be checked again
  applyButton.addEventListener("click", () => send(true));
}

async function showReport(element, report) {
  const box = element.querySelector("#grid-report");
  box.hidden = false;
  const blocked = report.errors > 0;
  element.querySelector("#report-summary").innerHTML = `${esc(t("ag_report_summary", report))} <span class="${
    blocked ? "error" : "ok"}" id="report-verdict">${esc(blocked ? t("ag_blocked", { n: report.errors })
    : t(report.warnings ? "ag_report_warnings_only" : "ag_report_ok"))}</span>`;
  const mapElement = element.querySelector("#grid-report-map");
  mapElement.hidden = false;
  const map = window.L ? await freshMap(mapElement) : null;
  const layers = map ? drawProblems(map, report.problems) : new Map();
  const rows = report.problems.map((problem, index) => ({ ...problem, n: index + 1, index }));
  const table = element.querySelector("#report-table");
  sortableTable(table, columns(), rows, {
    rowKey: "n", id: "problems",
    onSelect: (row) => {
      table.querySelectorAll("tr.selected").forEach((tr) => tr.classList.remove("selected"));
      table.querySelector(`tbody tr[data-key="${row.n}"]`)?.classList.add("selected");
      const layer = layers.get(row.index);
      if (layer) { zoomTo(map, layer); mapElement.dataset.focused = String(row.n); }
    },
  });
  mapElement.dataset.problems = String(layers.size);
}

const columns = () => [
  { key: "n", label: "#" },
  { key: "severity", label: t("ag_severity"), text: true, format: (v) => t(v === "error" ? "ag_error" : "ag_warning") },
  { key: "kind", label: t("ag_kind"), text: true, format: (_, row) => problemTitle(row) },
  { key: "feature", label: t("ag_feature"), text: true, format: (v) => v || t("ag_whole_file") },
  { key: "message_zh", label: t("ag_description"), text: true,
    format: (v, row) => (currentLanguage() === "en" ? row.message : v) },
  { key: "area_m2", label: t("ag_area"), format: (v) => (v ? count(Math.round(v)) : "—") },
  { key: "location", label: t("ag_where"), text: true,
    format: (v) => (v ? `${v[0].toFixed(5)}, ${v[1].toFixed(5)}` : t("ag_no_place")) },
];

/** The units just written, as the server now holds them. */
async function drawApplied(element, codes) {
  const mapElement = element.querySelector("#grid-report-map");
  if (!window.L || !codes.length) return;
  const units = await Promise.all(codes.slice(0, 200).map((code) => api.get(`/api/grid/units/${encodeURIComponent(code)}`)));
  const map = await freshMap(mapElement);
  drawUnits(map, units);
  mapElement.dataset.applied = String(units.length);
}

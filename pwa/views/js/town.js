// The town view (/views/town): the town's cells on a map coloured by visit coverage or open disputes,
// a cell's details on click, overdue and escalated disputes, this month's zero reports (today's reports while the
// county is on daily reporting 日报告制), and the warnings inbox.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import {
  coverageColour, coverageLegend, createMap, disputeColour, disputeLegend, selectPath, setLegend, unitLayer,
} from "./choropleth.js";
import { alertSection, showAlerts } from "./alerts.js";
import { disputeList, fetchDisputes, fetchEscalated } from "./disputes.js";
import { markTimeline } from "./drawn.js";
import { count, percent, query } from "./format.js";
import { showError, startView } from "./session.js";

const COVERAGE_DAYS = 30;
const TOWN_CODE_LENGTH = 9;

const COLOURINGS = {
  coverage: { fill: (p) => coverageColour(p.coverage), legend: coverageLegend, title: "by_coverage" },
  disputes: { fill: (p) => disputeColour(p.open_disputes), legend: disputeLegend, title: "by_disputes" },
};

export async function render(main, user) {
  main.innerHTML = `<div class="toolbar"><h2 id="town-name">${esc(user.unit_name)}</h2>
      <label id="town-picker" hidden>${esc(t("choose_town"))} <select id="town"></select></label>
      <fieldset class="toggle" id="colour-by"><legend>${esc(t("colour_by"))}</legend>
        <label><input type="radio" name="colour" value="coverage" checked> ${esc(t("by_coverage"))}</label>
        <label><input type="radio" name="colour" value="disputes"> ${esc(t("by_disputes"))}</label></fieldset></div>
    <div class="town-layout">
      <div id="town-map" class="map" role="region" aria-label="${esc(t("map"))}"></div>
      <aside id="cell-panel" class="card" aria-live="polite"><p class="muted">${esc(t("click_cell"))}</p></aside>
    </div>
    <div class="town-lists">
      <section class="card" id="overdue"><h2>${esc(t("overdue_disputes"))} <span class="count"></span></h2>
        <div class="body">${esc(t("loading"))}</div></section>
      <section class="card" id="escalated"><h2>${esc(t("escalated_disputes"))} <span class="count"></span></h2>
        <div class="body">${esc(t("loading"))}</div></section>
      <section class="card" id="zero-report"><h2>${esc(t("zero_report"))}</h2>
        <div class="body">${esc(t("loading"))}</div></section>
      ${alertSection()}
    </div>`;
  const map = await createMap(main.querySelector("#town-map"));
  const view = { main, map, layer: null, cells: null, colouring: "coverage", loading: 0 };
  main.querySelector("#colour-by").addEventListener("change", (event) => {
    view.colouring = event.target.value;
    drawCells(view);
  });
  const town = await chooseTown(main, user, (code) => showTown(view, code));
  if (town) await showTown(view, town);
  else main.querySelector("#town-name").textContent = t("none");
  showAlerts(main.querySelector("#alerts"));  // once the town is drawn: its requests wait less
}

/** The town to show: a town secretary's own; county staff pick one (remembered in the address's #). */
async function chooseTown(main, user, onChange) {
  if (user.unit_code.length >= TOWN_CODE_LENGTH) return user.unit_code.slice(0, TOWN_CODE_LENGTH);
  const tree = await api.get("/api/grid/tree?depth=1");
  const towns = tree.root.children;
  main.querySelector("#town-name").hidden = true;  // the picker names the town
  const select = main.querySelector("#town");
  select.innerHTML = towns.map((town) => `<option value="${esc(town.code)}">${esc(town.name)}</option>`).join("");
  main.querySelector("#town-picker").hidden = false;
  const wanted = location.hash.slice(1);
  select.value = towns.some((town) => town.code === wanted) ? wanted : towns[0]?.code;
  select.addEventListener("change", () => {
    history.replaceState(null, "", `#${select.value}`);
    onChange(select.value);
  });
  return select.value;
}

async function showTown(view, townCode) {
  const ticket = ++view.loading;  // answers for a town no longer shown are dropped
  const { main } = view;
  main.querySelector("#cell-panel").innerHTML = `<p class="muted">${esc(t("click_cell"))}</p>`;
  try {
    const [cells, overdue, escalated] = await Promise.all([
      api.get(`/api/map/units?${query({ level: "cell", under: townCode, days: COVERAGE_DAYS })}`),
      fetchDisputes(townCode, { open: true, deadline: "red" }),
      fetchEscalated(townCode),
    ]);
    if (ticket !== view.loading) return;
    view.cells = cells;
    drawCells(view, true);
    showList(main.querySelector("#overdue"), overdue);
    showList(main.querySelector("#escalated"), escalated);
    showZeroReports(view);
    markTimeline("drawn");  // the map and the lists of this town
  } catch (error) {
    if (error.status === 401) throw error;
    showError(main, error);
  }
}

function drawCells(view, fit = false) {
  const { map } = view;
  const colouring = COLOURINGS[view.colouring];
  const selected = view.layer?.getLayers().find((path) => path.selected)?.feature.properties.code;
  if (view.layer) view.layer.remove();
  view.layer = unitLayer(map, view.cells, {  // recolouring keeps the reader's place and the selected cell
    fill: colouring.fill, fit, onClick: (cell, path) => showCell(view, cell, path) });
  const again = view.layer.getLayers().find((path) => !fit && path.feature.properties.code === selected);
  if (again) selectPath(view.layer, again);
  setLegend(map, t(colouring.title), colouring.legend());
}

function showList(section, { items, total }) {
  section.querySelector(".count").textContent = `（${total}）`;
  section.querySelector(".body").innerHTML = disputeList(items, total);
}

/** The card's title in the reporting mode the units layer names: this month's report, or today's daily report. */
const reportTitle = (view) => t(view.cells.zero_reports?.mode === "daily" ? "today_daily_report" : "zero_report");
const hasFiled = (cell) => cell.reports_due > 0 && cell.reports_filed >= cell.reports_due;

function showZeroReports(view) {
  const cells = view.cells.features.map((f) => f.properties);
  const missing = cells.filter((cell) => !hasFiled(cell));
  const section = view.main.querySelector("#zero-report");
  section.dataset.mode = view.cells.zero_reports?.mode || "monthly";
  section.querySelector("h2").textContent = reportTitle(view);
  const body = section.querySelector(".body");
  const done = cells.length - missing.length;
  const sum = (key) => cells.reduce((total, cell) => total + (cell[key] || 0), 0);
  const rate = sum("reports_due") ? sum("reports_filed") / sum("reports_due") : null;
  body.innerHTML = `<p class="figure"><strong id="zero-report-rate">${esc(percent(rate))}</strong>
      ${esc(t("zero_report_figure", { done, all: cells.length }))}</p>
    ${missing.length ? `<h3>${esc(t("not_filed"))}</h3><ul class="chips" id="not-filed">${missing.map((cell) =>
      `<li><button type="button" data-code="${esc(cell.code)}">${esc(cell.name)}</button></li>`).join("")}</ul>`
      : `<p class="ok">${esc(t("all_filed"))}</p>`}`;
  body.querySelectorAll("#not-filed button").forEach((button) => button.addEventListener("click", () => {
    const path = view.layer.getLayers().find((p) => p.feature.properties.code === button.dataset.code);
    showCell(view, path.feature.properties, path);
  }));
}

async function showCell(view, cell, path) {
  selectPath(view.layer, path);
  const panel = view.main.querySelector("#cell-panel");
  panel.dataset.code = cell.code;
  panel.innerHTML = `<h2>${esc(cell.name)} <span class="muted">${esc(cell.code)}</span></h2>
    <dl class="facts">
      <dt>${esc(t("worker"))}</dt><dd id="cell-workers">${esc((cell.workers || []).join("、") || t("none"))}</dd>
      <dt>${esc(t("households_count"))}</dt><dd id="cell-households">${esc(count(cell.households))}</dd>
      <dt>${esc(t("by_coverage"))}</dt><dd id="cell-coverage">${esc(percent(cell.coverage))}
        <span class="muted">${esc(t("visited", { n: count(cell.visited_households) }))}</span></dd>
      <dt>${esc(reportTitle(view))}</dt><dd id="cell-report">${esc(hasFiled(cell) ? t("filed") : t("not_filed_one"))}</dd>
    </dl>
    <h3>${esc(t("open_disputes"))} <span class="count">（${esc(cell.open_disputes ?? 0)}）</span></h3>
    <div id="cell-disputes">${esc(t("loading"))}</div>`;
  try {
    const { items, total } = await fetchDisputes(cell.code, { open: true });
    if (panel.dataset.code === cell.code) panel.querySelector("#cell-disputes").innerHTML = disputeList(items, total);
  } catch (error) {
    showError(panel, error);
  }
}

startView("town_view", render);

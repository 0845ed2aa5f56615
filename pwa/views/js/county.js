// The county view (/views/county): coverage choropleth drilling town → village → cell, the dispute heat map,
// the figures table of the current level, 12-month trends of the selected unit, cadres behind on visits,
// and exports. One period drives the map colours, the table, the heat map and the exports: by default the last
// complete month (the running month is a click away, and its trend point is marked as not over).
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { alertSection, showAlerts } from "./alerts.js";
import { lineChart } from "./charts.js";
import { coverageColour, coverageLegend, createMap, selectPath, setLegend, unitLayer, unitTooltip } from "./choropleth.js";
import { markTimeline } from "./drawn.js";
import { cadreColumns, figureColumns, totalRow, trendCharts } from "./figures.js";
import { addDays, lastCompleteMonth, monthPeriod, query, thisMonth } from "./format.js";
import { HeatLayer } from "./heat.js";
import { listDisputesOnClick } from "./heat-spot.js";
import { periodShownHtml, showPeriodShown } from "./period-shown.js";
import { showError, startView } from "./session.js";
import { sortableTable } from "./table.js";

const CHILD_LEVEL = { county: "town", town: "village", village: "cell" };
const LEVEL_OF_LENGTH = { 6: "county", 9: "town", 12: "village", 15: "cell" };
const TREND_MONTHS = 12;
const UNVISITED_DAYS = 30;

const options = (labels) => `<option value="">${esc(t("all"))}</option>${Object.entries(labels).map(([value, label]) =>
  `<option value="${esc(value)}">${esc(label)}</option>`).join("")}`;

export async function render(main, user) {
  main.innerHTML = `<div class="toolbar" id="period">
      <label>${esc(t("month"))} <input type="month" id="month"></label>
      <label>${esc(t("from"))} <input type="date" id="start"></label>
      <label>${esc(t("to"))} <input type="date" id="end"></label>
      <span class="spacer"></span><span>${esc(t("exports"))}:</span>
      <a class="button" id="export-xlsx" download>${esc(t("export_xlsx"))}</a>
      <a class="button" id="export-csv" download>${esc(t("export_csv"))}</a>
      <a class="button" id="export-geojson" download>${esc(t("export_geojson"))}</a></div>
    <div class="period-line">${periodShownHtml()}</div>
    <div class="county-maps">
      <section class="card"><h2>${esc(t("choropleth"))}</h2><nav class="breadcrumb" id="breadcrumb"></nav>
        <div id="drill-map" class="map"></div></section>
      <section class="card"><h2>${esc(t("heat_map"))}</h2><form class="filters" id="heat-filters">
          <label>${esc(t("category"))}<select name="category">${options(t("categories"))}</select></label>
          <label>${esc(t("risk"))}<select name="risk_colour">${options(t("risks"))}</select></label>
          <label>${esc(t("state"))}<select name="state">${options(t("states"))}</select></label>
          <label><input type="checkbox" name="open" value="true"> ${esc(t("open_only"))}</label></form>
        <div id="heat-map" class="map"></div></section>
    </div>
    <section class="card"><h2>${esc(t("figures"))} <span class="muted" id="figures-period"></span>
      <span class="muted">${esc(t("sort_hint"))}</span></h2><div id="figures-table">${esc(t("loading"))}</div></section>
    <section class="card"><h2 id="trend-title">${esc(t("trends"))}</h2><div class="charts" id="charts"></div></section>
    <section class="card"><h2>${esc(t("overdue_cadres"))} <span class="count" id="cadre-count"></span></h2>
      <div id="cadres-table" class="scroll">${esc(t("loading"))}</div></section>
    ${alertSection()}`;
  const root = { code: user.unit_code, name: user.unit_name, level: LEVEL_OF_LENGTH[user.unit_code.length] };
  const view = {
    main, path: [root], selected: root, month: lastCompleteMonth(), period: monthPeriod(lastCompleteMonth()), rows: [], units: null, layer: null,
    asked: new Map(),
  };
  // what the first drawing needs, asked for at once and before anything else (the map, the table, the trend)
  for (const url of [...levelUrls(root, CHILD_LEVEL[root.level], view.period), trendUrl(root, view.period)]) ask(view, url);
  Object.assign(view, { drillMap: await createMap(main.querySelector("#drill-map")),
                        heatMap: await createMap(main.querySelector("#heat-map")) });
  view.heat = new HeatLayer().addTo(view.heatMap);
  listDisputesOnClick(view.heatMap, () => heatFilters(view));
  const heatElement = main.querySelector("#heat-map");
  view.heat.on("drawn", () => {  // for tests and the curious: what the tiles on screen show
    heatElement.dataset.heatDraws = Number(heatElement.dataset.heatDraws || 0) + 1;
    heatElement.dataset.heatQuery = view.heat.getQuery();
  });
  wirePeriod(view);
  main.querySelector("#heat-filters").addEventListener("change", () => updateHeat(view));
  showPeriod(view);
  await showLevel(view);
  updateHeat(view);  // the heat map's tiles and the warnings once the map and the table are drawn: they wait less
  showAlerts(main.querySelector("#alerts"));
}

/** A request asked for ahead of its use (ask) is taken by the first who needs it (asked); others are sent then. */
function ask(view, url) {
  const answer = api.get(url);
  answer.catch(() => {});  // its taker sees the failure
  view.asked.set(url, answer);
}

function asked(view, url) {
  const answer = view.asked.get(url) ?? api.get(url);
  view.asked.delete(url);
  return answer;
}

const levelUrls = (unit, level, period) => [`/api/map/units?${query({ level, under: unit.code })}`,
                                            `/api/stats/figures?${query({ level, under: unit.code, ...period })}`];
const trendUrl = (unit, period) => `/api/stats/trend?${query({ under: unit.code, months: TREND_MONTHS, end: addDays(period.end, -1) })}`;

function wirePeriod(view) {
  const { main } = view;
  main.querySelector("#month").value = view.month;
  main.querySelector("#month").addEventListener("change", (event) => {
    if (event.target.value) showMonth(view, event.target.value);
  });
  for (const id of ["start", "end"]) main.querySelector(`#${id}`).addEventListener("change", () => {
    const start = main.querySelector("#start").value, last = main.querySelector("#end").value;
    if (!start || !last || last < start) return;
    view.period = { start, end: addDays(last, 1) };  // the API's end is the day after the last
    view.month = "";
    main.querySelector("#month").value = "";
    periodChanged(view);
  });
}

function showMonth(view, month) {
  Object.assign(view, { month, period: monthPeriod(month) });
  view.main.querySelector("#month").value = month;
  periodChanged(view);
}

function periodChanged(view) {
  showPeriod(view);
  updateHeat(view);
  showLevel(view);
}

function showPeriod(view) {
  const { main, period } = view;
  main.querySelector("#start").value = period.start;
  main.querySelector("#end").value = addDays(period.end, -1);
  main.querySelector("#figures-period").textContent = `${period.start} – ${addDays(period.end, -1)}`;
  showPeriodShown(main, view.month, period, (month) => showMonth(view, month));
}

/** The period and the heat map's filters: what the heat shows, and what a click on it lists. */
const heatFilters = (view) => ({ ...view.period, ...Object.fromEntries(new FormData(view.main.querySelector("#heat-filters"))) });

function updateHeat(view) {
  view.heat.setQuery(query(heatFilters(view)));
}

const parent = (view) => view.path[view.path.length - 1];

/** Loads the children of the current unit: map, table, trends, cadres and export links. */
async function showLevel(view) {
  const { main } = view;
  const unit = parent(view), level = CHILD_LEVEL[unit.level];
  const ticket = (view.ticket = (view.ticket || 0) + 1);  // a later click wins over slower answers
  const sameUnit = view.unitsOf === unit.code;  // a new period: same shapes, new figures
  showBreadcrumb(view);
  showExports(view, level);
  const [unitsUrl, figuresUrl] = levelUrls(unit, level, view.period);
  try {
    const [units, rows] = await Promise.all([sameUnit ? view.units : asked(view, unitsUrl), asked(view, figuresUrl)]);
    if (ticket !== view.ticket) return;
    Object.assign(view, { units, unitsOf: unit.code, rows });
    drawUnits(view, level, !sameUnit);
    if (view.path.length === 1 && !view.outlines) drawOutlines(view, units);
    showTable(view, level);
    main.querySelector("#drill-map").dataset.level = level;
    markTimeline("drawn");  // the map and the table of this level
  } catch (error) {
    if (error.status === 401) throw error;
    return showError(main, error);
  }
  showTrends(view);
  showCadres(view);
}

function drawUnits(view, level, fit) {
  const map = view.drillMap;
  const byCode = new Map(view.rows.map((row) => [row.code, row]));
  const coverage = (p) => (byCode.has(p.code) ? byCode.get(p.code).coverage : p.coverage);
  if (view.layer) view.layer.remove();
  view.layer = unitLayer(map, view.units, {
    fit, fill: (p) => coverageColour(coverage(p)),
    tooltip: (p) => unitTooltip({ ...p, coverage: coverage(p) }),
    onClick: (p, path) => (CHILD_LEVEL[level] ? drillInto(view, p, level) : select(view, p, path)),
  });
  if (fit && view.layer.getBounds().isValid()) view.heatMap.fitBounds(view.layer.getBounds());  // heat follows the drill
  const selected = view.layer.getLayers().find((path) => path.feature.properties.code === view.selected.code);
  if (selected) selectPath(view.layer, selected);
  setLegend(map, `${t("coverage")} ${view.period.start} – ${addDays(view.period.end, -1)}`, coverageLegend());
}

/** Outlines of the top-level units under the heat, for orientation (not clickable). */
function drawOutlines(view, units) {
  view.outlines = window.L.geoJSON(units, {
    coordsToLatLng: (c) => view.heatMap.toLatLng(c), interactive: false,
    style: { color: "#2d3a48", weight: 1, fill: false },
  }).addTo(view.heatMap);
  if (view.outlines.getBounds().isValid()) view.heatMap.fitBounds(view.outlines.getBounds(), { padding: [12, 12] });
}

function drillInto(view, unit, level) {
  const next = { code: unit.code, name: unit.name, level };
  view.path.push(next);
  view.selected = next;
  showLevel(view);
  ask(view, trendUrl(next, view.period));  // after the map's and table's requests, which go first
}

function select(view, unit, path) {
  view.selected = { code: unit.code, name: unit.name };
  if (path) selectPath(view.layer, path);
  else selectPath(view.layer, view.layer.getLayers().find((p) => p.feature.properties.code === unit.code));
  showTable(view, CHILD_LEVEL[parent(view).level]);
  showTrends(view);
}

function showBreadcrumb(view) {
  const nav = view.main.querySelector("#breadcrumb");
  const last = view.path.length - 1;
  nav.innerHTML = view.path.map((unit, i) => (i === last
    ? `<button type="button" aria-current="page" data-index="${i}">${esc(unit.name)}</button>`
    : `<button type="button" data-index="${i}">${esc(unit.name)}</button><span>›</span>`)).join("")
    + (parent(view).level === "town" ? ` <a class="muted" href="/views/town#${esc(parent(view).code)}">${
      esc(t("town_view"))} →</a>` : "");
  nav.querySelectorAll("button:not([aria-current])").forEach((button) => button.addEventListener("click", () => {
    view.path = view.path.slice(0, Number(button.dataset.index) + 1);
    view.selected = parent(view);
    showLevel(view);
  }));
}

function showTable(view, level) {
  const element = view.main.querySelector("#figures-table");
  sortableTable(element, figureColumns(view.rows), view.rows, {
    id: "figures", footer: totalRow(view.rows, `${t("total")}（${parent(view).name}）`), selected: view.selected.code,
    onSelect: (row) => select(view, row),
  });
  Object.assign(element.querySelector("table").dataset, { level, start: view.period.start });
}

/** Twelve months up to the period's last month, for the selected unit (slow queries: loaded apart). */
async function showTrends(view) {
  const unit = view.selected, end = addDays(view.period.end, -1);
  const key = `${unit.code}|${end}`;
  const charts = view.main.querySelector("#charts");
  view.main.querySelector("#trend-title").textContent = t("trend_for", { name: unit.name });
  if (charts.dataset.key === key) return;
  charts.dataset.key = key;
  charts.removeAttribute("data-ready");
  charts.innerHTML = `<p class="muted">${esc(t("loading"))}</p>`;
  try {
    const rows = await asked(view, trendUrl(unit, view.period));
    if (charts.dataset.key !== key) return;
    charts.innerHTML = trendCharts().map((chart) => lineChart({
      id: `trend-${chart.key}`, title: chart.title, percent: chart.percent, format: chart.format,
      points: rows.map((row) => ({ label: row.month.slice(2), value: row[chart.key], partial: row.month >= thisMonth() })),
      partialNote: t("partial_note"),
    })).join("");
    charts.dataset.ready = unit.code;
    markTimeline("charts");
  } catch (error) {
    if (charts.dataset.key === key) showError(charts, error);
  }
}

async function showCadres(view) {
  const under = parent(view).code;
  const element = view.main.querySelector("#cadres-table");
  try {
    view.cadres ??= api.get(`/api/stats/overdue-cadres?days=${UNVISITED_DAYS}`);  // after the first drawing
    const cadres = (await view.cadres).filter((c) => c.unit_code.startsWith(under))
      .sort((a, b) => b.unvisited - a.unvisited);
    if (parent(view).code !== under) return;
    view.main.querySelector("#cadre-count").textContent = `（${cadres.length}）`;
    sortableTable(element, cadreColumns(), cadres, { rowKey: "username", id: "cadres" });
  } catch (error) {
    showError(element, error);
  }
}

function showExports(view, level) {
  const { main, period } = view;
  const under = parent(view).code;
  main.querySelector("#export-xlsx").href = `/api/stats/figures?${query({ format: "xlsx", under, ...period })}`;
  for (const format of ["csv", "geojson"]) {
    main.querySelector(`#export-${format}`).href = `/api/stats/figures?${query({ format, level, under, ...period })}`;
  }
}

startView("county_view", render);

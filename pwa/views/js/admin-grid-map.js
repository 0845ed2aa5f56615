// The maps of the console's grid pages, on the desk's blank map (tiles only when configured): a validation
// report's problems (the offending geometry highlighted and a marker at each place), and a partition proposal's
// cells over the village's household points. Every layer carries a class so a reader (or a test) can find it.
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { createMap, setLegend } from "./choropleth.js";

const L = window.L;
const ERROR_COLOUR = "#c0392b", WARNING_COLOUR = "#e8892b", CELL_COLOUR = "#0b5cad", OUTLIER_COLOUR = "#c0392b";

/** A map in the element, kept on it and cleared of what an earlier answer drew. */
export async function freshMap(element) {
  const map = element.wanggeMap || await createMap(element);
  map.drawn?.remove();
  map.drawn = L.featureGroup().addTo(map);
  return map;
}

const geometryLayer = (map, geometry, style) => L.geoJSON(geometry, {
  coordsToLatLng: (coords) => map.toLatLng(coords), style, interactive: false });

/** Draw each located problem: its geometry highlighted and a marker; returns index → layer (for zooming to it). */
export function drawProblems(map, problems) {
  const layers = new Map();
  problems.forEach((problem, index) => {
    if (!problem.location) return;
    const colour = problem.severity === "error" ? ERROR_COLOUR : WARNING_COLOUR;
    const group = L.featureGroup().addTo(map.drawn);
    if (problem.geometry) {
      geometryLayer(map, problem.geometry, { color: colour, weight: 2, fillOpacity: 0.25, dashArray: "4 3",
                                             className: `problem-area problem-${problem.kind}` }).addTo(group);
    }
    L.circleMarker(map.toLatLng(problem.location), { radius: 7, color: "#fff", weight: 2, fillColor: colour,
                                                     fillOpacity: 0.95, className: "problem-marker" })
      .bindTooltip(`${esc(index + 1)}. ${esc(problemTitle(problem))}`).addTo(group);
    layers.set(index, group);
  });
  fitTo(map, map.drawn);
  setLegend(map, t("ag_report"), [[ERROR_COLOUR, t("ag_error")], [WARNING_COLOUR, t("ag_warning")]]);
  return layers;
}

export const problemTitle = (problem) => `${problem.title_zh} · ${problem.title}`;

/** Units as stored (GeoJSON Features of /api/grid/units/<code>), outlined. */
export function drawUnits(map, features, className = "applied-unit") {
  for (const feature of features) {
    geometryLayer(map, feature.geometry, { color: CELL_COLOUR, weight: 2, fillOpacity: 0.08, className })
      .bindTooltip(esc(feature.properties.name)).addTo(map.drawn);
  }
  fitTo(map, map.drawn);
}

/** A proposal's cells (outliers in red, each labelled with its count) over the village's households. */
export function drawProposal(map, proposal) {
  for (const cell of proposal.features) {
    const p = cell.properties;
    const colour = p.within_tolerance ? CELL_COLOUR : OUTLIER_COLOUR;
    const layer = geometryLayer(map, cell.geometry, {
      color: colour, weight: p.within_tolerance ? 1.5 : 3, fillColor: colour, fillOpacity: 0.12,
      className: `proposed-cell${p.within_tolerance ? "" : " cell-outlier"}` }).addTo(map.drawn);
    layer.bindTooltip(`${esc(p.name)}: ${esc(p.household_count)}`, { permanent: true, direction: "center",
                                                                      className: "cell-label" });
  }
  for (const household of proposal.households) {
    if (!household.location) continue;
    const outside = household.cell === null;
    L.circleMarker(map.toLatLng(household.location), {
      radius: outside ? 5 : 2.5, weight: outside ? 2 : 0, color: OUTLIER_COLOUR, fillColor: outside ? "#fff" : "#2d3a48",
      fillOpacity: 0.9, interactive: outside, className: outside ? "household-point household-outside" : "household-point",
    }).addTo(map.drawn);
  }
  fitTo(map, map.drawn);
  setLegend(map, t("ag_partition"), [[CELL_COLOUR, t("ag_fine")], [OUTLIER_COLOUR, t("ag_legend_outlier")],
                                     ["#2d3a48", t("ag_legend_household")], ["#fff", t("ag_legend_outside")]]);
}

/** Zoom to one layer (a problem's place). */
export function zoomTo(map, layer) {
  const bounds = layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds.pad(0.5), { maxZoom: 17 });
}

function fitTo(map, group) {
  const bounds = group.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], animate: false });
}

// Leaflet maps of grid units coloured by a figure, with a legend. Like the phone app's map they work
// without tiles; when the server configures Chinese (GCJ-02) tiles our WGS-84 shapes are shifted to match.
import { addTiles, fromTiles, tilesOf, toTiles } from "/app/js/basemap.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import { percent } from "./format.js";
import { labelUnits } from "./unit-labels.js";

const L = window.L;
const MAX_ZOOM = 18;
let tileConfig = null;

function config() {
  tileConfig ??= fetch("/app/config.json").then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  return tileConfig;
}
config();  // asked for as the page loads, beside the session, not after it

/** A map in the element; map.toLatLng([lon, lat]) places WGS-84 coordinates over whatever tiles are shown, and
 * map.fromLatLng(latlng) takes a click back to WGS-84 [lon, lat]. */
export async function createMap(element) {
  const tiles = tilesOf(await config());
  const map = L.map(element, { zoomSnap: 0.25, attributionControl: tiles.layers.length > 0, minZoom: 5,
                               maxZoom: MAX_ZOOM });
  addTiles(map, tiles, MAX_ZOOM);
  map.gcj02 = tiles.crs === "gcj02";
  const onTiles = toTiles(tiles);
  map.toLatLng = (lonLat) => L.latLng(onTiles(lonLat));
  map.fromLatLng = fromTiles(tiles);
  map.setView([33.3, 108.3], 9);
  element.wanggeMap = map;  // for the browser tests, which place clicks by coordinates
  return map;
}

// Coverage classes, best first: green when nearly every household was visited, red when few were.
const COVERAGE_CLASSES = [[0.95, "#1a7a3a", "≥ 95%"], [0.9, "#5ea04a", "90–95%"], [0.8, "#a9c94a", "80–90%"],
                          [0.7, "#ecc94b", "70–80%"], [0.6, "#e8892b", "60–70%"], [0, "#c0392b", "< 60%"]];
const DISPUTE_CLASSES = [[3, "#c0392b", "≥ 3"], [2, "#e8892b", "2"], [1, "#f2c744", "1"], [0, "#eef1f4", "0"]];
const NO_DATA = "#b7bcc2";

export function coverageColour(coverage) {
  if (coverage === null || coverage === undefined) return NO_DATA;
  return COVERAGE_CLASSES.find(([low]) => coverage >= low)[1];
}

export const disputeColour = (open) => DISPUTE_CLASSES.find(([low]) => (open || 0) >= low)[1];

export const coverageLegend = () => [...COVERAGE_CLASSES.map(([, colour, label]) => [colour, label]),
                                     [NO_DATA, t("no_data")]];
export const disputeLegend = () => DISPUTE_CLASSES.map(([, colour, label]) => [colour, label]);

/** Units of a GeoJSON FeatureCollection as polygons named where the names fit; fill(properties) gives each one's
 * colour; fit: zoom to them. */
export function unitLayer(map, collection, { fill, onClick, tooltip, fit = true }) {
  const layer = L.geoJSON(collection, {
    coordsToLatLng: (coords) => map.toLatLng(coords),
    style: (feature) => ({
      color: "#2d3a48", weight: 1.2, fillColor: fill(feature.properties), fillOpacity: 0.75,
      className: `unit unit-${String(feature.properties.code).replace(/\W/g, "")}`,
    }),
    onEachFeature: (feature, path) => {
      path.bindTooltip(tooltip ? tooltip(feature.properties) : esc(feature.properties.name), { sticky: true });
      if (onClick) path.on("click", () => onClick(feature.properties, path));
      path.on("mouseover", () => path.setStyle({ weight: 3 }));
      path.on("mouseout", () => path.setStyle({ weight: path.selected ? 3 : 1.2 }));
    },
  }).addTo(map);
  const bounds = layer.getBounds();
  if (fit && bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] });
  labelUnits(map, layer);
  return layer;
}

/** Marks one path of a unit layer as selected (thick dark outline). */
export function selectPath(layer, selected) {
  layer.eachLayer((path) => {
    path.selected = path === selected;
    path.setStyle({ weight: path.selected ? 3 : 1.2, color: path.selected ? "#0b1f33" : "#2d3a48" });
  });
  if (selected) selected.bringToFront();
}

export const unitTooltip = (p) => `<strong>${esc(p.name)}</strong><br>${esc(t("coverage"))}: ${esc(percent(p.coverage))}`;

/** A legend in the map's corner, replacing the previous one. */
export function setLegend(map, title, entries) {
  if (map.legendControl) map.legendControl.remove();
  const control = L.control({ position: "bottomright" });
  control.onAdd = () => {
    const div = L.DomUtil.create("div", "legend");
    div.innerHTML = `<strong>${esc(title)}</strong>${entries.map(([colour, label]) =>
      `<div><i style="background:${esc(colour)}"></i>${esc(label)}</div>`).join("")}`;
    return div;
  };
  map.legendControl = control.addTo(map);
}

// A small map of one cell for placing a household: the cell's boundary (GET /api/grid/units/{code}) on a blank map
// (tiles only when the server configures them, so it works offline), the household's point, and a click that picks
// a new one. Points stay WGS-84; over GCJ-02 tiles a click is taken back to WGS-84.
import * as api from "/app/js/api.js";
import { createMap } from "./choropleth.js";
import { markDrawn } from "./drawn.js";

const MARKER = { radius: 8, color: "#b3261e", weight: 2, fillOpacity: 0.8 };

/** Draw the cell with `point` ([lon, lat] or null) in the element; onPick([lon, lat]) after each click. */
export async function cellMap(element, cellCode, point, onPick) {
  if (!window.L) return null;
  const [map, unit] = await Promise.all([createMap(element), api.get(`/api/grid/units/${cellCode}`)]);
  const outline = window.L.geoJSON(unit.geometry, {
    coordsToLatLng: (coords) => map.toLatLng(coords), style: { color: "#0b5cad", weight: 2, fillOpacity: 0.06 },
    interactive: false,
  }).addTo(map);
  if (unit.geometry) map.fitBounds(outline.getBounds(), { padding: [12, 12], animate: false });
  let marker = point ? window.L.circleMarker(map.toLatLng(point), MARKER).addTo(map) : null;
  map.on("click", (event) => {
    marker?.remove();
    marker = window.L.circleMarker(event.latlng, MARKER).addTo(map);
    onPick?.(map.fromLatLng(event.latlng).map((c) => Math.round(c * 1e6) / 1e6));
  });
  markDrawn(element);
  return map;
}

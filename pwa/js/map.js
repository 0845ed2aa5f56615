// The map of my cell: its boundary and my households coloured by days since the last visit.
// Works with no tiles at all; the base map is drawn when the server configures one (basemap.js), our data
// shifted to GCJ-02 when the tile source is a Chinese commercial map.
import * as data from "./data.js";
import * as outbox from "./outbox.js";
import * as storage from "./storage.js";
import { addTiles, fromTiles, tilesOf, toTiles } from "./basemap.js";
import { t } from "./i18n.js";
import { esc } from "./html.js";

const MAX_ZOOM = 19;

export function ageColour(days) {
  if (days === null || days > 60) return "#b3261e";   // red: never, or over two months
  if (days > 30) return "#c77700";                    // amber: overdue
  return "#1b6e35";                                   // green: visited this month
}

function outline(shape, latLng, style) {
  const rings = shape.geometry.coordinates.flatMap((polygon) => polygon.map((ring) => ring.map(latLng)));
  return window.L.polygon(rings, style);
}

export async function show(root) {
  root.innerHTML = `<div id="map" role="img" aria-label="${t("map")}"></div><p class="muted" id="map-legend">
    <span style="color:#1b6e35">● ≤30</span> <span style="color:#c77700">● 31–60</span>
    <span style="color:#b3261e">● &gt;60 / ${t("never_visited")}</span></p>`;
  if (!window.L) { root.querySelector("#map").textContent = t("map_unavailable"); return; }
  const tiles = tilesOf(await storage.get("kv", "config"));
  const latLng = toTiles(tiles);
  const map = window.L.map(root.querySelector("#map"), { zoomControl: true, zoomSnap: 0.25,
                                                         attributionControl: tiles.layers.length > 0 });
  addTiles(map, tiles, MAX_ZOOM);
  const layers = [];
  const items = await outbox.items();
  const list = await data.households();
  // the cells that hold my households (a worker's cell even when empty; never an outline with none of a cadre's)
  for (const shape of await data.cellShapes()) {
    if (!shape.geometry) continue;
    layers.push(outline(shape, latLng, { color: "#0b5cad", weight: 3, fillOpacity: 0.05 }).addTo(map)
      .bindTooltip(esc(shape.properties.name)));  // Leaflet takes HTML
  }
  for (const h of list) {
    if (!h.location) continue;
    const days = data.daysSince(h, items);
    const marker = window.L.circleMarker(latLng(h.location.coordinates), {
      radius: 9, color: "#fff", weight: 2, fillColor: ageColour(days), fillOpacity: 1 }).addTo(map);
    marker.bindPopup(`<a href="#/household/${esc(h.code || h.client_id)}">${esc(h.head_name)}</a><br>${esc(h.address)}`);
    layers.push(marker);
  }
  const group = window.L.featureGroup(layers);
  if (layers.length) map.fitBounds(group.getBounds(), { padding: [20, 20] }); else map.setView([33.3, 108.3], 10);
}


// A small map in a form: a tap puts the place there (for a dispute reported away from the household).
export async function picker(element, start, onPick) {
  if (!window.L) return;
  const tiles = tilesOf(await storage.get("kv", "config"));
  const toLatLng = toTiles(tiles), clicked = fromTiles(tiles);
  const map = window.L.map(element, { zoomSnap: 0.25, attributionControl: false }).setView(
    toLatLng([start.lon, start.lat]), 16);
  addTiles(map, tiles, MAX_ZOOM);
  for (const shape of await data.cellShapes()) {
    if (shape.geometry) outline(shape, toLatLng, { color: "#0b5cad", weight: 2, fillOpacity: 0.05 }).addTo(map);
  }
  let marker = null;
  map.on("click", (event) => {
    const [lon, lat] = clicked(event.latlng);
    if (marker) marker.remove();
    marker = window.L.circleMarker(event.latlng, { radius: 10, color: "#b3261e", fillOpacity: 0.8 }).addTo(map);
    onPick({ lon, lat });
  });
}

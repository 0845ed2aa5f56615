// Units' names written on the map where they fit. Each name sits at its unit's label point (a point inside the
// shape as drawn, from /api/map/units) and is shown only while the whole name lies within the unit's box on screen
// and clear of every bigger unit's name, so names never pile up; recounted after every zoom. The names are in a
// pane of their own that takes no pointer events: a click on a name is a click on the unit under it.
import { esc } from "/app/js/html.js";

const L = window.L;
const PANE = "unit-labels";
const MARGIN_PX = 3;  // kept clear around a name

function labelPane(map) {
  if (!map.getPane(PANE)) {
    const pane = map.createPane(PANE);
    pane.style.zIndex = 450;  // over the units (overlayPane, 400), under tooltips and popups
    pane.style.pointerEvents = "none";
  }
  return PANE;
}

/** Labels for the units of a GeoJSON layer on the map; they go when the layer is removed. */
export function labelUnits(map, layer) {
  const group = L.layerGroup().addTo(map);
  const labels = layer.getLayers().filter((path) => path.feature.properties.label_point).map((path) => {
    const { code, name, label_point: point } = path.feature.properties;
    return { path, marker: L.marker(map.toLatLng(point), {
      pane: labelPane(map), interactive: false, keyboard: false,
      icon: L.divIcon({ className: "unit-label", iconSize: [0, 0],
                        html: `<span data-code="${esc(code)}">${esc(name)}</span>` }),
    }) };
  });
  const update = () => placeLabels(map, group, labels);
  update();
  map.on("zoomend", update);
  layer.on("remove", () => {
    map.off("zoomend", update);
    group.remove();
  });
  return group;
}

/** Each name's size on screen, read once it is drawn (a map not yet laid out measures 0: tried again later). */
function measure(group, labels) {
  const unmeasured = labels.filter((label) => !label.width);
  for (const label of unmeasured) group.addLayer(label.marker);
  for (const label of unmeasured) {
    const span = label.marker.getElement().firstElementChild;
    [label.width, label.height] = [span.offsetWidth, span.offsetHeight];
  }
}

function placeLabels(map, group, labels) {
  measure(group, labels);
  const zoom = map.getZoom();
  const boxes = labels.map((label) => {
    const bounds = label.path.getBounds();
    const [sw, ne] = [map.project(bounds.getSouthWest(), zoom), map.project(bounds.getNorthEast(), zoom)];
    return { label, unit: { left: sw.x, right: ne.x, top: ne.y, bottom: sw.y }, area: (ne.x - sw.x) * (sw.y - ne.y) };
  }).sort((a, b) => b.area - a.area);
  const placed = [];
  for (const { label, unit } of boxes) {
    const centre = map.project(label.marker.getLatLng(), zoom);
    const halfWidth = label.width / 2 + MARGIN_PX, halfHeight = label.height / 2 + MARGIN_PX;
    const name = { left: centre.x - halfWidth, right: centre.x + halfWidth,
                   top: centre.y - halfHeight, bottom: centre.y + halfHeight };
    const fits = label.width > 0 && within(name, unit) && !placed.some((other) => overlap(name, other));
    if (fits) {
      placed.push(name);
      group.addLayer(label.marker);
    } else {
      group.removeLayer(label.marker);
    }
  }
}

const within = (inner, outer) => inner.left >= outer.left && inner.right <= outer.right
  && inner.top >= outer.top && inner.bottom <= outer.bottom;
const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

// A heat map of disputes drawn in the browser from vector tiles (/api/map/heat/{z}/{x}/{y}.mvt): each tile
// holds point bins with an integer `count`, decoded with pbf + @mapbox/vector-tile and drawn with simpleheat.
//
// No seams: a heat blob near a tile's edge spills into the next tile, so the server sends each tile with a
// buffer of its neighbours' bins wider than a blob's reach (BUFFER_BINS in server/maps/heat.py), and each
// tile is drawn from its own bins and that buffer: one request per tile.
// Same scale everywhere: intensity is log(1 + count) against the largest seen at this zoom; when a larger
// one turns up, the tiles already drawn with a smaller maximum are drawn again.
import { PbfReader } from "/app/vendor/pbf/index.js";
import { VectorTile } from "/app/vendor/vector-tile/index.js";
import { toGcj02 } from "/app/js/gcj02.js";

const L = window.L;
const TILE = 256;
const RADIUS = 12, BLUR = 10, REACH = RADIUS + BLUR;  // pixels
const MIN_MAX = Math.log1p(5);  // a handful of disputes is not yet "hot"
const CACHE_LIMIT = 600;

export const HeatLayer = L.GridLayer.extend({
  options: { tileSize: TILE, className: "heat-layer", opacity: 0.85 },

  initialize(options) {
    L.GridLayer.prototype.initialize.call(this, options);
    this._query = "";
    this._reset();
    this.on("load", this._rescale, this);
  },

  getQuery() { return this._query; },

  /** New filters (a query string): forget every tile and draw again. */
  setQuery(queryString) {
    if (queryString === this._query) return this;
    this._query = queryString;
    this._reset();
    return this.redraw();
  },

  // Leaflet's own redraw() asks for tiles at the map's zoom unrounded (9.75/691/344 after a fitBounds with
  // zoomSnap 0.25); setting the view again rounds it as panning and zooming do.
  redraw() {
    if (this._map) {
      this._removeAllTiles();
      this._setView(this._map.getCenter(), this._map.getZoom());
    }
    return this;
  },

  createTile(coords, done) {
    const canvas = L.DomUtil.create("canvas", "heat-tile");
    canvas.width = canvas.height = TILE;
    canvas.getContext("2d", { willReadFrequently: true });  // simpleheat reads every tile back to colour it
    // Leaflet knows tiles by their coordinates: a tile removed by redraw() must not report the new one at
    // the same place as loaded, or "load" fires before the new tiles are drawn.
    const finish = (error) => {
      if (Object.values(this._tiles).some((tile) => tile.el === canvas)) done(error, canvas);
    };
    this._draw(canvas, coords).then(() => finish(null), finish);
    return canvas;
  },

  _reset() {
    this._bins = new Map();       // "query|z/x/y" → Promise of [[global x, global y, weight], …]
    this._maxByZoom = new Map();  // zoom → largest weight fetched
    this._generation = (this._generation || 0) + 1;
  },

  async _draw(canvas, coords) {
    const generation = this._generation;
    const bins = await this._tileBins(coords);
    if (generation !== this._generation) return;  // the filters changed meanwhile; redraw() follows
    canvas.heatBins = bins.map(([x, y, w]) => [x - coords.x * TILE, y - coords.y * TILE, w])
      .filter(([x, y]) => x > -REACH && x < TILE + REACH && y > -REACH && y < TILE + REACH);
    canvas.heatZoom = coords.z;
    this._paint(canvas);
  },

  _paint(canvas) {
    const max = Math.max(MIN_MAX, this._maxByZoom.get(canvas.heatZoom) || 0);
    canvas.heatMax = max;
    const heat = window.simpleheat(canvas).radius(RADIUS, BLUR).max(max).data(canvas.heatBins);
    if (canvas.heatBins.length) heat.draw(0.15);
    else canvas.getContext("2d").clearRect(0, 0, TILE, TILE);
    canvas.dataset.bins = canvas.heatBins.length;
  },

  /** After a batch of tiles: repaint those drawn before a larger maximum was known. */
  _rescale() {
    for (const { el } of Object.values(this._tiles)) {
      if (el.heatBins && el.heatMax < Math.max(MIN_MAX, this._maxByZoom.get(el.heatZoom) || 0)) this._paint(el);
    }
    this.fire("drawn");
  },

  _tileBins({ x, y, z }) {
    const key = `${this._query}|${z}/${x}/${y}`;
    if (x < 0 || y < 0 || x >= 2 ** z || y >= 2 ** z) return Promise.resolve([]);
    if (!this._bins.has(key)) {
      if (this._bins.size > CACHE_LIMIT) this._bins.delete(this._bins.keys().next().value);
      const zoomMax = this._maxByZoom;
      this._bins.set(key, fetchBins(z, x, y, this._query, this._map.gcj02).then((bins) => {
        for (const [, , w] of bins) if (w > (zoomMax.get(z) || 0)) zoomMax.set(z, w);
        return bins;
      }));
    }
    return this._bins.get(key);
  },
});

/** A tile's bins and those of its buffer, in global pixels at its zoom, weighted log(1 + count). */
async function fetchBins(z, x, y, queryString, gcj02) {
  const response = await fetch(`/api/map/heat/${z}/${x}/${y}.mvt${queryString ? `?${queryString}` : ""}`,
                               { credentials: "same-origin" });
  if (response.status === 204 || response.status === 404) return [];
  if (!response.ok) throw new Error(`heat tile ${z}/${x}/${y}: HTTP ${response.status}`);
  const buffer = await response.arrayBuffer();
  if (!buffer.byteLength) return [];
  const layer = new VectorTile(new PbfReader(new Uint8Array(buffer))).layers.disputes;
  const bins = [];
  for (let i = 0; layer && i < layer.length; i++) {
    const feature = layer.feature(i);
    const weight = Math.log1p(Number(feature.properties.count) || 0);
    for (const ring of feature.loadGeometry()) for (const point of ring) {
      let gx = (x + point.x / layer.extent) * TILE, gy = (y + point.y / layer.extent) * TILE;
      if (gcj02) [gx, gy] = shiftToGcj02(gx, gy, z);
      bins.push([gx, gy, weight]);
    }
  }
  return bins;
}

// Over Chinese tiles the heat must move with the GCJ-02 shift like the polygons do: global pixel → WGS-84
// → GCJ-02 → global pixel (Web Mercator).
function shiftToGcj02(gx, gy, z) {
  const world = TILE * 2 ** z;
  const lon = (gx / world) * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * gy) / world))) * 180) / Math.PI;
  const [glon, glat] = toGcj02(lon, lat);
  const rad = (glat * Math.PI) / 180;
  return [((glon + 180) / 360) * world, ((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * world];
}

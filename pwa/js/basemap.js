// The base map under the phone's and the desk's maps, as the server's /app/config.json gives it (server/config.py
// base_map): {tiles: {crs, layers: [{url, subdomains, attribution, max_zoom}, …]}}, bottom layer first. No layers
// (the maps work without), any one tile source, or 天地图's vector tiles with their annotation over them. Our data
// is WGS-84 (天地图's CGCS2000 is the same to a few centimetres); over GCJ-02 tiles (AMap, Tencent) it is shifted
// for display only, and a click is taken back.
import { fromGcj02, toGcj02 } from "./gcj02.js";

const NONE = { crs: "wgs84", layers: [] };

/** The tiles of a config.json (or of an older one kept on the phone, which had none of this shape: none). */
export const tilesOf = (config) => (config?.tiles?.layers ? config.tiles : NONE);

/** Puts the tile layers on the map, zoomable to maxZoom (past a layer's own last zoom its tiles are enlarged). */
export function addTiles(map, tiles, maxZoom) {
  for (const layer of tiles.layers) {
    window.L.tileLayer(layer.url, { subdomains: layer.subdomains, maxZoom, maxNativeZoom: layer.max_zoom ?? undefined,
                                    attribution: layer.attribution || "" }).addTo(map);
  }
}

/** WGS-84 [lon, lat] → Leaflet's [lat, lng] on the tiles. */
export const toTiles = (tiles) => (tiles.crs === "gcj02"
  ? ([lon, lat]) => toGcj02(lon, lat).reverse() : ([lon, lat]) => [lat, lon]);

/** A Leaflet latlng on the tiles (a click) → WGS-84 [lon, lat]. */
export const fromTiles = (tiles) => (tiles.crs === "gcj02"
  ? ({ lng, lat }) => fromGcj02(lng, lat) : ({ lng, lat }) => [lng, lat]);

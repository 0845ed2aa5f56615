// WGS-84 → GCJ-02, for drawing over Chinese commercial tiles only (storage stays WGS-84), and back for a click.
// The same formula as grids/crs.py on the server.
const A = 6378245.0, EE = 0.00669342162296594323;

function inChina(lon, lat) { return lon > 72.004 && lon < 137.8347 && lat > 0.8293 && lat < 55.8271; }

export function toGcj02(lon, lat) {
  if (!inChina(lon, lat)) return [lon, lat];
  const x = lon - 105, y = lat - 35, sx = Math.sqrt(Math.abs(x)), PI = Math.PI;
  const common = (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3;
  let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx + common
    + (20 * Math.sin(y * PI) + 40 * Math.sin(y / 3 * PI)) * 2 / 3 + (160 * Math.sin(y / 12 * PI) + 320 * Math.sin(y * PI / 30)) * 2 / 3;
  let dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx + common
    + (20 * Math.sin(x * PI) + 40 * Math.sin(x / 3 * PI)) * 2 / 3 + (150 * Math.sin(x / 12 * PI) + 300 * Math.sin(x / 30 * PI)) * 2 / 3;
  const rad = lat / 180 * PI, magic = 1 - EE * Math.sin(rad) ** 2, sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180) / ((A * (1 - EE)) / (magic * sqrtMagic) * PI);
  dLon = (dLon * 180) / (A / sqrtMagic * Math.cos(rad) * PI);
  return [lon + dLon, lat + dLat];
}

// GCJ-02 → WGS-84 (a tap or click on shifted tiles), by fixed-point steps of the forward formula: under a metre
export function fromGcj02(lon, lat) {
  let [wlon, wlat] = [lon, lat];
  for (let step = 0; step < 3; step++) {
    const [glon, glat] = toGcj02(wlon, wlat);
    [wlon, wlat] = [wlon - (glon - lon), wlat - (glat - lat)];
  }
  return [wlon, wlat];
}

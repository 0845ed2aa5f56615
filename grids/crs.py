"""Coordinate conversions at the edges: GCJ-02 ⇄ WGS-84, and an equal-area metric projection.

Storage is always EPSG:4326 (WGS-84). Chinese commercial maps (AMap/Gaode, Tencent) publish
GCJ-02, an obfuscated datum offset by a few hundred metres; convert their data before storing,
and convert WGS-84 to GCJ-02 only when drawing over their tiles. All functions take and return
numpy arrays (or scalars) and are vectorised.
"""
import numpy as np
import shapely

CRS_CHOICES = ("wgs84", "gcj02")  # the coordinates a file or a tile source may be in
_A = 6378245.0  # Krasovsky 1940 semi-major axis, as used by GCJ-02
_EE = 0.00669342162296594323
EARTH_RADIUS_M = 6371008.8


def _in_china(lon, lat):
    return (lon > 72.004) & (lon < 137.8347) & (lat > 0.8293) & (lat < 55.8271)


def _delta(lon, lat):
    x, y = lon - 105.0, lat - 35.0
    sx = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx + common
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx + common
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    radlat = np.radians(lat)
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    inside = _in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon, lat):
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _delta(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat, iterations: int = 8):
    """Inverse of wgs84_to_gcj02 by fixed-point iteration (error < 1e-9° after a few rounds)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    wlon, wlat = lon.copy(), lat.copy()
    for _ in range(iterations):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        wlon, wlat = wlon - (glon - lon), wlat - (glat - lat)
    return wlon, wlat


def _transform_geometry(geom, fn):
    return shapely.transform(geom, lambda xy: np.column_stack(fn(xy[:, 0], xy[:, 1])))


def geometry_gcj02_to_wgs84(geom):
    return _transform_geometry(geom, gcj02_to_wgs84)


def geometry_wgs84_to_gcj02(geom):
    return _transform_geometry(geom, wgs84_to_gcj02)


class LocalEqualArea:
    """Sinusoidal projection about a central meridian: equal-area, metres, accurate enough in
    distance across a county. Used for areas (overlaps, gaps), buffers and spacing."""

    def __init__(self, lon0: float):
        self.lon0 = lon0

    def forward(self, lon, lat):
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        return (EARTH_RADIUS_M * np.radians(lon - self.lon0) * np.cos(np.radians(lat)),
                EARTH_RADIUS_M * np.radians(lat))

    def inverse(self, x, y):
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        lat = np.degrees(y / EARTH_RADIUS_M)
        return self.lon0 + np.degrees(x / (EARTH_RADIUS_M * np.cos(np.radians(lat)))), lat

    def to_metres(self, geom):
        return _transform_geometry(geom, self.forward)

    def to_degrees(self, geom):
        return _transform_geometry(geom, self.inverse)

    @classmethod
    def around(cls, geom) -> "LocalEqualArea":
        return cls(shapely.centroid(geom).x)


def area_m2(geom) -> float:
    """Area in square metres of a lon/lat geometry (0 for empty)."""
    if geom is None or shapely.is_empty(geom):
        return 0.0
    return float(shapely.area(LocalEqualArea.around(geom).to_metres(geom)))

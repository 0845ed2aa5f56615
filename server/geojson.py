"""GeoJSON serialisation of stored geometries (kept apart from the views)."""
import numpy as np
import shapely
from geoalchemy2.shape import to_shape
from shapely.geometry import mapping


def geojson_geometry(element, decimals: int = 7):
    """A GeoJSON geometry dict for a GeoAlchemy2 element, or None. 7 decimals ≈ 1 cm."""
    if element is None:
        return None
    geom = shapely.transform(to_shape(element), lambda coords: np.round(coords, decimals))
    return mapping(geom)


def unit_feature(unit, properties: dict, with_geometry: bool = True) -> dict:
    return {
        "type": "Feature",
        "id": unit.code,
        "geometry": geojson_geometry(unit.boundary) if with_geometry else None,
        "properties": properties,
    }


def point_geojson(lon, lat, decimals: int = 7):
    """A GeoJSON point from plain coordinates, or None when either is missing."""
    if lon is None or lat is None:
        return None
    return {"type": "Point", "coordinates": [round(lon, decimals), round(lat, decimals)]}

"""GeoJSON (RFC 7946) as the API answers and takes it, for the OpenAPI document: a schema for each geometry type, and
a field that dumps a geometry (stored, or GeoJSON already) and shows it as one of them, told apart by `type`.
Positions are [longitude, latitude] in EPSG:4326. Marshmallow, no Flask."""
from marshmallow import Schema, fields, validate

from .geojson import geojson_geometry
from .one_of import OneOfSchemas


def _coordinates(depth: int) -> fields.List:
    """Positions nested `depth` lists deep: 0 a point's, 1 a line's, 2 a polygon's, 3 a multipolygon's."""
    def position(**kwargs):
        return fields.List(fields.Float(), validate=validate.Length(equal=2),
                           metadata={"description": "[longitude, latitude], EPSG:4326"}, **kwargs)
    if depth == 0:
        return position(required=True)
    field = position()
    for _ in range(depth - 1):
        field = fields.List(field)
    return fields.List(field, required=True)


def _geometry(name: str, **declared) -> type[Schema]:
    return Schema.from_dict({"type": fields.String(required=True, metadata={"enum": [name]}), **declared},
                            name=f"{name}GeometrySchema" if name != "GeometryCollection" else "GeometryCollectionSchema")


_SIMPLE = {name: _geometry(name, coordinates=_coordinates(depth)) for name, depth in (
    ("Point", 0), ("MultiPoint", 1), ("LineString", 1), ("MultiLineString", 2), ("Polygon", 2), ("MultiPolygon", 3))}
GEOMETRIES = {**_SIMPLE, "GeometryCollection": _geometry(
    "GeometryCollection", geometries=fields.List(OneOfSchemas(_SIMPLE, "type"), required=True))}


class Geometry(OneOfSchemas):
    """A geometry of the given types (any if none is named): a stored one (a GeoAlchemy element) is dumped as GeoJSON,
    a GeoJSON one as it is."""

    def __init__(self, *types: str, **kwargs):
        super().__init__({name: GEOMETRIES[name] for name in types or GEOMETRIES}, "type", **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return value if value is None or isinstance(value, dict) else geojson_geometry(value)


def geojson_type(name: str) -> fields.Constant:
    """A Feature's or a FeatureCollection's `type`: always `name`, a string of that one value in the document."""
    return fields.Constant(name, metadata={"type": "string", "enum": [name]})

"""Schemas of the grid API: units as GeoJSON features, the tree, households of a unit."""
from marshmallow import Schema, fields, validate

from ...geojson_schemas import Geometry, geojson_type
from ...models.vocab import UNIT_LEVELS
from ...register.schemas import HouseholdSchema  # a household as every answer shows it: the register's own
from ..pagination import page_schema


class UnitPropertiesSchema(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String(metadata={"enum": list(UNIT_LEVELS)})
    parent_code = fields.String(allow_none=True)
    target_households = fields.Integer(allow_none=True)
    household_count = fields.Integer()
    child_count = fields.Integer()


class FeatureSchema(Schema):
    type = geojson_type("Feature")
    id = fields.String()
    geometry = Geometry("Polygon", "MultiPolygon", allow_none=True, metadata={
        "description": "the boundary, EPSG:4326; null when the unit has none drawn or none was asked"})
    properties = fields.Nested(UnitPropertiesSchema)


class FeatureCollectionSchema(Schema):
    type = geojson_type("FeatureCollection")
    features = fields.List(fields.Nested(FeatureSchema))


class TreeNodeSchema(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String()
    children = fields.List(fields.Nested(lambda: TreeNodeSchema()))


class TreeSchema(Schema):
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "number of units at each level"})
    root = fields.Nested(TreeNodeSchema)


class TreeArgsSchema(Schema):
    depth = fields.Integer(load_default=3, validate=validate.Range(min=0, max=3),
                           metadata={"description": "levels below the county to include (0–3)"})


class ChildrenArgsSchema(Schema):
    geometry = fields.Boolean(load_default=True, metadata={"description": "include boundaries"})


HouseholdPageSchema = page_schema(HouseholdSchema, "HouseholdPage")

"""Arguments of the map layers."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ...geojson_schemas import Geometry, geojson_type
from ...models.vocab import CODE_LENGTH, UNIT_LEVELS
from ..common import MAPPED_LEVELS, UNIT_CODE
from ..disputes.schemas import DisputeFilterSchema
from ..stats.schemas import figure_fields


class UnitsArgsSchema(Schema):
    level = fields.String(load_default="town", validate=validate.OneOf(MAPPED_LEVELS))
    under = fields.String(load_default=None, validate=UNIT_CODE, metadata={"description": "only units under this"})
    days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=366),
                          metadata={"description": "coverage over the last `days` days, today included"})

    @validates_schema
    def _under_is_above(self, data, **_):
        if data["under"] and len(data["under"]) > CODE_LENGTH[data["level"]]:
            raise ValidationError("under must be a unit above level / under 须为该层级以上的单位编码", "under")


class HeatArgsSchema(DisputeFilterSchema):
    """The disputes drawn: the lists' filters."""


# the units of a level with their figures, as the map layer and the figures' GeoJSON answer them (server/maps/units.py)
UnitFiguresSchema = Schema.from_dict({
    **figure_fields(), "level": fields.String(metadata={"enum": list(UNIT_LEVELS)}),
    "parent_code": fields.String(allow_none=True),
    "label_point": fields.List(fields.Float(), allow_none=True, metadata={
        "description": "[lon, lat] inside the boundary as drawn, where the maps write the name"}),
    "workers": fields.List(fields.String(), metadata={"description": "cells: the names of their grid workers"}),
}, name="UnitFiguresSchema")


class UnitFeatureSchema(Schema):
    type = geojson_type("Feature")
    id = fields.String(metadata={"description": "the unit's code"})
    geometry = Geometry("Polygon", "MultiPolygon", allow_none=True, metadata={
        "description": "the simplified boundary, EPSG:4326; null when none is drawn"})
    properties = fields.Nested(UnitFiguresSchema)


class ZeroReportModeSchema(Schema):
    mode = fields.String(metadata={"enum": ["monthly", "daily"]})
    period = fields.Raw(metadata={
        "description": "monthly: the month's first day; daily: [the first day, the last day]",
        "oneOf": [{"type": "string", "format": "date"},
                  {"type": "array", "items": {"type": "string", "format": "date"}, "minItems": 2, "maxItems": 2}]})
    since = fields.Date(metadata={"description": "daily: the day daily reporting began"})


class UnitFeatureCollectionSchema(Schema):
    type = geojson_type("FeatureCollection")
    features = fields.List(fields.Nested(UnitFeatureSchema))
    zero_reports = fields.Nested(ZeroReportModeSchema, metadata={
        "description": "the map layer: how its zero reports are counted (this month's, or today's with daily reporting)"})

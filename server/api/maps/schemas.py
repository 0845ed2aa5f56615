"""Arguments of the map layers."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ...models.vocab import CODE_LENGTH, DISPUTE_CATEGORIES, DISPUTE_STATES, RISK_COLOURS
from ..common import MAPPED_LEVELS, UNIT_CODE


class UnitsArgsSchema(Schema):
    level = fields.String(load_default="town", validate=validate.OneOf(MAPPED_LEVELS))
    under = fields.String(load_default=None, validate=UNIT_CODE, metadata={"description": "only units under this"})
    days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=366),
                          metadata={"description": "coverage over the last `days` days, today included"})

    @validates_schema
    def _under_is_above(self, data, **_):
        if data["under"] and len(data["under"]) > CODE_LENGTH[data["level"]]:
            raise ValidationError("under must be a unit above level / under 须为该层级以上的单位编码", "under")


class HeatArgsSchema(Schema):
    start = fields.Date(load_default=None, metadata={"description": "reported from this day (China time)"})
    end = fields.Date(load_default=None, metadata={"description": "reported before this day"})
    category = fields.String(load_default=None, validate=validate.OneOf(DISPUTE_CATEGORIES))
    risk_colour = fields.String(load_default=None, validate=validate.OneOf(RISK_COLOURS))
    state = fields.String(load_default=None, validate=validate.OneOf(DISPUTE_STATES))
    open = fields.Boolean(load_default=False, metadata={"description": "only disputes not yet resolved"})

    @validates_schema
    def _period(self, data, **_):
        if data["start"] and data["end"] and data["end"] <= data["start"]:
            raise ValidationError("end must follow start / 结束日期须晚于开始日期", "end")

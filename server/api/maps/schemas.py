"""Arguments of the map layers."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ...models.vocab import CODE_LENGTH
from ..common import MAPPED_LEVELS, UNIT_CODE
from ..disputes.schemas import DisputeFilterSchema


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

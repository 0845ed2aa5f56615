from marshmallow import Schema, fields, validate

from ...privacy import mask_id_number
from ..grid.schemas import HouseholdSchema

REVEALABLE = ("head_id_number", "phone", "member_id_number")


class MemberSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    relation = fields.String()
    sex = fields.String()
    birth_date = fields.Date()
    id_number = fields.Function(lambda m: mask_id_number(m.id_number), allow_none=True)


class HouseholdDetailSchema(HouseholdSchema):
    members = fields.List(fields.Nested(MemberSchema))
    cell_name = fields.Function(lambda h: h.cell.name)


class RevealArgsSchema(Schema):
    field = fields.String(required=True, validate=validate.OneOf(REVEALABLE))
    member_id = fields.Integer(load_default=None, metadata={"description": "for member_id_number"})
    reason = fields.String(required=True, validate=validate.Length(min=2, max=200),
                           metadata={"description": "why it is needed; kept in the audit log"})


class RevealedSchema(Schema):
    field = fields.String()
    value = fields.String(allow_none=True)

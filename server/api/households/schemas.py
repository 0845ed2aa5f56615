from marshmallow import Schema, fields, validate

from ...models.types import INT_MAX
from ...privacy import mask_id_number
from ..grid.schemas import HouseholdSchema
from ..pagination import page_schema

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
    member_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=INT_MAX), metadata={"description": "for member_id_number"})
    reason = fields.String(required=True, validate=validate.Length(min=2, max=200),
                           metadata={"description": "why it is needed; kept in the audit log"})


class RevealedSchema(Schema):
    field = fields.String()
    value = fields.String(allow_none=True)


class VisitSchema(Schema):
    id = fields.UUID()
    kind = fields.String()
    notes = fields.String()
    findings = fields.String()
    visited_at = fields.DateTime()
    received_at = fields.DateTime()
    author = fields.String(allow_none=True)
    gps_accuracy_m = fields.Float(allow_none=True)
    distance_m = fields.Float(allow_none=True, metadata={"description": "from the household when logged"})
    follow_up_on = fields.Date(allow_none=True)
    flags = fields.List(fields.String(), metadata={"description": "far_from_household, poor_accuracy"})


VisitPageSchema = page_schema(VisitSchema, "VisitPage")

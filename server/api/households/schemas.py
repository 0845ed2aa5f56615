from marshmallow import Schema, fields, validate

from ...models.types import INT_MAX
from ...models.vocab import MOVE_STATES
from ...register.schemas import HouseholdRecordSchema, MoveSchema, RegistrationData
from ..pagination import page_schema

REVEALABLE = ("head_id_number", "phone", "member_id_number")


HouseholdDetailSchema = HouseholdRecordSchema  # GET, and every change's answer


class NewHouseholdSchema(RegistrationData):
    id = fields.UUID(load_default=None, metadata={
        "description": "a UUID made by the client: the same registration sent again is answered from the first (the "
                       "id a phone's household_new sync item carries; visits may name the household by it)"})


class MoveListArgsSchema(Schema):
    direction = fields.String(load_default="incoming", validate=validate.OneOf(("incoming", "outgoing")), metadata={
        "description": "incoming: into cells of your area (for you to accept); outgoing: out of them"})
    state = fields.String(load_default="pending", validate=validate.OneOf(MOVE_STATES + ("all",)))


class MoveListSchema(Schema):
    items = fields.List(fields.Nested(MoveSchema))


class MoveAnswerSchema(Schema):
    move = fields.Nested(MoveSchema)
    household = fields.Nested(HouseholdRecordSchema, allow_none=True, metadata={
        "description": "the household as it stands, when you may see it (after a move is accepted: the receiving side)"})


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

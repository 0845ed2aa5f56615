from marshmallow import Schema, ValidationError, fields, validate

from grids.codes import CODE_LENGTH

from ...models.types import INT_MAX
from ...models.vocab import HOUSEHOLD_TAGS, MOVE_STATES
from ...register.schemas import HouseholdRecordSchema, MoveSchema, RegistrationData
from ..attachments.schemas import AttachmentShortSchema
from ..pagination import PageArgsSchema, page_schema

REVEALABLE = ("head_id_number", "phone", "member_id_number")


HouseholdDetailSchema = HouseholdRecordSchema  # GET, and every change's answer


class NewHouseholdSchema(RegistrationData):
    id = fields.UUID(load_default=None, metadata={
        "description": "a UUID made by the client: the same registration sent again is answered from the first (the "
                       "id a phone's household_new sync item carries; visits may name the household by it)"})


REGISTER_LEVELS = ("town", "village", "cell")  # the levels a register is read at (the county's: the default)


def register_unit_code(code: str) -> None:
    if not code.isdigit() or not code.isascii() or len(code) not in {CODE_LENGTH[level] for level in REGISTER_LEVELS}:
        raise ValidationError("a town (9 digits), village (12) or cell (15) code / 须为乡镇（9位）、村（12位）或网格（15位）编码")


class RegisterArgsSchema(PageArgsSchema):
    unit_code = fields.String(load_default=None, validate=register_unit_code,
                              metadata={"description": "a town, village or cell of your area; default: your own unit"})
    q = fields.String(load_default=None, validate=validate.Length(min=1, max=50), metadata={
        "description": "part of the head's name, the address or the household code"})
    tag = fields.String(load_default=None, validate=validate.OneOf(HOUSEHOLD_TAGS))
    retired = fields.Boolean(load_default=False, metadata={
        "description": "true: retired households (注销) too, marked with retired_at; false: only those on the register"})


class RegisterListRowSchema(Schema):
    code = fields.String()
    head_name = fields.String()
    address = fields.String()
    cell_code = fields.String()
    cell_name = fields.String()
    member_count = fields.Integer(metadata={"description": "the head and the members who have not left"})
    tags = fields.List(fields.String(metadata={"enum": list(HOUSEHOLD_TAGS)}))
    phone = fields.String(allow_none=True, metadata={"description": "masked but for grid workers"})
    version = fields.Integer()
    last_visit_at = fields.DateTime(allow_none=True)
    retired_at = fields.DateTime(allow_none=True)
    has_pending_move = fields.Boolean(metadata={"description": "a move to another cell waits for the receiving side"})


RegisterPageSchema = page_schema(RegisterListRowSchema, "RegisterPage")


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
    attachments = fields.List(fields.Nested(AttachmentShortSchema), metadata={"description": "its photos and documents"})


VisitPageSchema = page_schema(VisitSchema, "VisitPage")

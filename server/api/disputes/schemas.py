from marshmallow import Schema, fields, validate

from ...models.vocab import DISPUTE_EVENT_KINDS, DISPUTE_STATES, HANDLING_LEVELS, RISK_COLOURS, SATISFACTION
from ...privacy import mask_id_number, shown_phone
from ..pagination import PageArgsSchema, page_schema

COLOURS = ("green", "yellow", "red")


class DisputeQuerySchema(PageArgsSchema):
    state = fields.String(validate=validate.OneOf(DISPUTE_STATES))
    level = fields.String(validate=validate.OneOf(HANDLING_LEVELS))
    risk_colour = fields.String(validate=validate.OneOf(RISK_COLOURS))
    deadline = fields.String(validate=validate.OneOf(COLOURS), metadata={"description": "green, yellow or red"})
    open = fields.Boolean(metadata={"description": "only disputes not yet resolved"})
    escalated = fields.Boolean(metadata={"description": "only disputes held above the village (town or county)"})
    unit_code = fields.String(validate=validate.Length(min=6, max=15), metadata={"description": "under this unit"})


class PetitionerSchema(Schema):
    """Who brought a petition; the ID number masked for everyone, the mobile as households' phones are shown."""
    name = fields.String()
    id_number = fields.Function(lambda p: mask_id_number(p["id_number"]), allow_none=True)
    mobile = fields.Function(lambda p: shown_phone(p["mobile"]), allow_none=True)
    address = fields.String(allow_none=True)


class DisputeSchema(Schema):
    id = fields.UUID()
    cell_code = fields.String()
    household_code = fields.String(allow_none=True)
    category = fields.String()
    risk_colour = fields.String()
    state = fields.String()
    level = fields.String()
    channel = fields.String()
    title = fields.String()
    description = fields.String()
    party_count = fields.Integer()
    leader_username = fields.String(allow_none=True)
    reported_at = fields.DateTime()
    accepted_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    satisfaction = fields.String(allow_none=True)
    version = fields.Integer()
    due_at = fields.DateTime(allow_none=True)
    deadline = fields.String(allow_none=True, metadata={"description": "green / yellow / red while open"})
    petitioner = fields.Nested(PetitionerSchema, allow_none=True, metadata={
        "description": "a petition's petitioner (信访人); null for disputes the grid found"})
    first_receiver = fields.String(allow_none=True, metadata={"description": "username of who received it first (首问)"})


class EventSchema(Schema):
    id = fields.UUID()
    kind = fields.String()
    to_state = fields.String(allow_none=True)
    note = fields.String()
    actor = fields.String(allow_none=True)
    occurred_at = fields.DateTime()


class DisputeDetailSchema(DisputeSchema):
    parties = fields.List(fields.Dict())
    events = fields.List(fields.Nested(EventSchema))


class LinkedCaseSchema(Schema):
    id = fields.UUID()
    title = fields.String()
    state = fields.String()
    channel = fields.String()
    level = fields.String()
    reported_at = fields.DateTime()
    linked_at = fields.DateTime()


class LinksSchema(Schema):
    earlier = fields.List(fields.Nested(LinkedCaseSchema), metadata={"description": "earlier cases this one repeats"})
    later = fields.List(fields.Nested(LinkedCaseSchema), metadata={"description": "later petitions linked to this one"})


class DisputeAnswerSchema(DisputeDetailSchema):
    """One dispute as the API answers it: with its timeline and the cases linked to it both ways (重复信访)."""
    links = fields.Nested(LinksSchema)


DisputePageSchema = page_schema(DisputeSchema, "DisputePage")


class StepSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf([k for k in DISPUTE_EVENT_KINDS if k != "report"]))
    version = fields.Integer(required=True, metadata={"description": "the version you saw; a newer one answers 409"})
    note = fields.String(load_default="", validate=validate.Length(max=4000))
    leader_username = fields.String(load_default=None, validate=validate.Length(max=64))
    satisfaction = fields.String(load_default=None, validate=validate.OneOf(SATISFACTION))

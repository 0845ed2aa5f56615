from marshmallow import Schema, fields, validate

from ...models.vocab import DISPUTE_EVENT_KINDS, DISPUTE_STATES, HANDLING_LEVELS, RISK_COLOURS, SATISFACTION
from ..common import UNIT_CODE
from ..pagination import PageArgsSchema, page_schema

COLOURS = ("green", "yellow", "red")


class DisputeQuerySchema(PageArgsSchema):
    state = fields.String(validate=validate.OneOf(DISPUTE_STATES))
    level = fields.String(validate=validate.OneOf(HANDLING_LEVELS))
    risk_colour = fields.String(validate=validate.OneOf(RISK_COLOURS))
    deadline = fields.String(validate=validate.OneOf(COLOURS), metadata={"description": "green, yellow or red"})
    open = fields.Boolean(metadata={"description": "only disputes not yet resolved"})
    escalated = fields.Boolean(metadata={"description": "only disputes held above the village (town or county)"})
    unit_code = fields.String(validate=UNIT_CODE, metadata={"description": "under this unit"})


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


DisputePageSchema = page_schema(DisputeSchema, "DisputePage")


class StepSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf([k for k in DISPUTE_EVENT_KINDS if k != "report"]))
    version = fields.Integer(required=True, metadata={"description": "the version you saw; a newer one answers 409"})
    note = fields.String(load_default="", validate=validate.Length(max=4000))
    leader_username = fields.String(load_default=None, validate=validate.Length(max=64))
    satisfaction = fields.String(load_default=None, validate=validate.OneOf(SATISFACTION))

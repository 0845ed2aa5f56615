"""Bodies and arguments of the early-warning API."""
from marshmallow import Schema, fields, validate

from ...models.alert import ALERT_RULES, ALERT_SEVERITIES, ALERT_STATES
from ...models.vocab import HANDLING_LEVELS
from ..pagination import PageArgsSchema


class AlertQuerySchema(PageArgsSchema):
    state = fields.String(load_default="active", validate=validate.OneOf(("active", "all") + ALERT_STATES),
                          metadata={"description": "active (open or acknowledged, the default), all, or one state"})
    level = fields.String(load_default=None, validate=validate.OneOf(HANDLING_LEVELS + ("all",)),
                          metadata={"description": "whose alerts: your own level's by default, or all in your area"})
    rule = fields.String(validate=validate.OneOf(ALERT_RULES))
    severity = fields.String(validate=validate.OneOf(ALERT_SEVERITIES))


class AlertSchema(Schema):
    id = fields.UUID()
    rule = fields.String()
    severity = fields.String()
    level = fields.String()
    unit_code = fields.String()
    unit_name = fields.String()
    reason = fields.String()
    reason_zh = fields.String()
    evidence = fields.List(fields.Dict(), metadata={
        "description": "[{type: dispute|household|unit, id or code, href: where the API shows it}]"})
    state = fields.String()
    raised_at = fields.DateTime()
    acknowledged_at = fields.DateTime(allow_none=True)
    acknowledged_by = fields.String(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    closed_by = fields.String(allow_none=True)
    close_note = fields.String()


class CloseSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(min=2, max=2000),
                         metadata={"description": "what was done / 处置情况"})

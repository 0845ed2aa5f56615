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


# where the API shows each kind of thing an alert rests on
EVIDENCE_HREF = {"dispute": "/api/disputes/{id}", "household": "/api/households/{code}", "unit": "/api/grid/units/{code}",
                 "reveals": "/api/audit?username={username}&action=reveal"}


class EvidenceSchema(Schema):
    """What an alert rests on, and where the API shows it."""
    type = fields.String(required=True, metadata={"enum": list(EVIDENCE_HREF)})
    id = fields.UUID(metadata={"description": "a dispute's"})
    code = fields.String(metadata={"description": "a household's or a unit's"})
    user_id = fields.Integer(metadata={"description": "reveals: the user who asked for full numbers"})
    username = fields.String(metadata={"description": "reveals: their username"})
    day = fields.String(metadata={"format": "date", "description": "reveals: the China day (YYYY-MM-DD)"})
    href = fields.String(required=True, metadata={"description": "where the API shows it"})


class AlertSchema(Schema):
    id = fields.UUID()
    rule = fields.String()
    severity = fields.String()
    level = fields.String()
    unit_code = fields.String()
    unit_name = fields.String()
    reason = fields.String()
    reason_zh = fields.String()
    evidence = fields.List(fields.Nested(EvidenceSchema))
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

"""The items a phone pushes, validated one by one: a bad item is rejected alone, with field messages."""
from marshmallow import Schema, fields, validate

from grids.codes import CODE_LENGTH, HOUSEHOLD_CODE_LENGTH

from ..models.sync import SYNC_ITEM_TYPES, ZERO_REPORT_KINDS
from ..models.vocab import (
    DISPUTE_CATEGORIES,
    DISPUTE_CHANNELS,
    DISPUTE_EVENT_KINDS,
    RISK_COLOURS,
    SATISFACTION,
    VISIT_KINDS,
)

MAX_BATCH = 500  # items per push; more answers 413
TEXT = validate.Length(max=4000)


class PointSchema(Schema):
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))


class VisitData(Schema):
    household_code = fields.String(required=True, validate=validate.Length(equal=HOUSEHOLD_CODE_LENGTH))
    kind = fields.String(required=True, validate=validate.OneOf(VISIT_KINDS))
    notes = fields.String(load_default="", validate=TEXT)
    findings = fields.String(load_default="", validate=TEXT)
    visited_at = fields.AwareDateTime(required=True, metadata={"description": "the phone's time, with its offset"})
    location = fields.Nested(PointSchema, load_default=None, allow_none=True)
    gps_accuracy_m = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100_000))
    follow_up_on = fields.Date(load_default=None, allow_none=True)


class PartySchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    role = fields.String(load_default="party", validate=validate.Length(max=20))


class DisputeData(Schema):
    household_code = fields.String(load_default=None, allow_none=True, validate=validate.Length(equal=HOUSEHOLD_CODE_LENGTH))
    cell_code = fields.String(load_default=None, allow_none=True, validate=validate.Length(equal=CODE_LENGTH["cell"]),
                              metadata={"description": "needed when there is no household"})
    category = fields.String(required=True, validate=validate.OneOf(DISPUTE_CATEGORIES))
    risk_colour = fields.String(required=True, validate=validate.OneOf(RISK_COLOURS))
    channel = fields.String(load_default="grid_screening", validate=validate.OneOf(DISPUTE_CHANNELS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=TEXT)
    parties = fields.List(fields.Nested(PartySchema), load_default=list, validate=validate.Length(max=100))
    party_count = fields.Integer(load_default=2, validate=validate.Range(min=1, max=100_000))
    reported_at = fields.AwareDateTime(required=True)
    location = fields.Nested(PointSchema, load_default=None, allow_none=True)
    gps_accuracy_m = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100_000))


class DisputeEventData(Schema):
    dispute_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf([k for k in DISPUTE_EVENT_KINDS if k != "report"]))
    note = fields.String(load_default="", validate=TEXT)
    occurred_at = fields.AwareDateTime(required=True)
    version = fields.Integer(load_default=None, allow_none=True,
                             metadata={"description": "the dispute's version the phone saw: a newer one is a conflict"})
    leader_username = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    satisfaction = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SATISFACTION))


class ZeroReportData(Schema):
    cell_code = fields.String(required=True, validate=validate.Length(equal=CODE_LENGTH["cell"]))
    kind = fields.String(load_default="monthly", validate=validate.OneOf(ZERO_REPORT_KINDS))
    period = fields.Date(required=True, metadata={
        "description": "monthly: a day of the month (stored as its first day); daily: the China day, at most today"})
    nothing_to_report = fields.Boolean(load_default=True)
    note = fields.String(load_default="", validate=TEXT)
    reported_at = fields.AwareDateTime(required=True)


class FollowUpDoneData(Schema):
    visit_id = fields.UUID(required=True, metadata={"description": "the visit whose follow-up is done"})
    done_at = fields.AwareDateTime(required=True)
    note = fields.String(load_default="", validate=TEXT)


DATA_SCHEMAS = {"visit": VisitData(), "dispute": DisputeData(), "dispute_event": DisputeEventData(),
                "zero_report": ZeroReportData(), "follow_up_done": FollowUpDoneData()}


def describe_items() -> str:
    """Each type's data fields for the OpenAPI document (required ones marked *), from the schemas themselves."""
    def shape(schema):
        return ", ".join(name + ("*" if field.required else "") for name, field in schema.fields.items())
    return "; ".join(f"`{kind}` {{{shape(schema)}}}" for kind, schema in DATA_SCHEMAS.items())


class ItemSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(SYNC_ITEM_TYPES))
    id = fields.UUID(required=True, metadata={"description": "generated on the phone; the key of idempotency"})
    data = fields.Dict(required=True)


class PushSchema(Schema):
    items = fields.List(fields.Raw(), required=True, metadata={
        "description": f"at most {MAX_BATCH} items: {{type, id, data}}, the data by type: {describe_items()}"})


class ItemResultSchema(Schema):
    id = fields.String(allow_none=True, metadata={"description": "the item's id as sent; null if it sent none"})
    type = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": ["accepted", "duplicate", "rejected"]})
    reason = fields.Dict(allow_none=True)


class PushResultSchema(Schema):
    results = fields.List(fields.Nested(ItemResultSchema))
    accepted = fields.Integer()
    rejected = fields.Integer()
    server_time = fields.DateTime()


class PullArgsSchema(Schema):
    since = fields.AwareDateTime(load_default=None, metadata={"description": "the cursor of the last pull"})

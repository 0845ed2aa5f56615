"""The items a phone pushes, validated one by one: a bad item is rejected alone, with field messages."""
from marshmallow import INCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from grids.codes import CODE_LENGTH, HOUSEHOLD_CODE_LENGTH

from ..attachments.attach import MAX_PER_RECORD
from ..document_components import UUIDText, component_field
from ..limits import MAX_PUSH_ITEMS
from ..models.sync import SYNC_ITEM_TYPES, ZERO_REPORT_KINDS
from ..models.vocab import (
    DISPUTE_CATEGORIES,
    DISPUTE_CHANNELS,
    DISPUTE_EVENT_KINDS,
    DISPUTE_STATES,
    HANDLING_LEVELS,
    MOVE_STATES,
    RISK_COLOURS,
    SATISFACTION,
    VISIT_KINDS,
)
from ..one_of import OneOfSchemas, one_of_given, with_fixed
from ..phone_time import BOUNDS as WHEN
from ..register.schemas import (
    EditData,
    HouseholdRecordSchema,
    JoinData,
    LeaveData,
    MoveData,
    MoveDecisionData,
    RegistrationData,
    RetireData,
)
from .devices import HEADER

TEXT = validate.Length(max=4000)


class PointSchema(Schema):
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))


def attachment_ids():
    """A record's `attachments` as sent: the ids of files uploaded before (POST /api/attachments)."""
    return fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=MAX_PER_RECORD), metadata={
        "description": f"ids of attachments you uploaded (POST /api/attachments) and not attached elsewhere, at most "
                       f"{MAX_PER_RECORD}"})


def _household_code(**kw):
    return fields.String(load_default=None, allow_none=True, validate=validate.Length(equal=HOUSEHOLD_CODE_LENGTH), **kw)


def _household_id():
    return fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "instead of household_code: the id of the household_new item that registered it (a household "
                       "registered on the phone whose code it does not know yet; earlier in the same batch too)"})


class NamesHousehold(Schema):
    """An item about a household names it by its code or by the UUID it was registered under."""

    @validates_schema
    def _named(self, data, **_):
        if self.household_required and not (data.get("household_code") or data.get("household_id")):
            raise ValidationError("name the household: household_code or household_id / 请填写住户编号或住户登记编号",
                                  "household_code")

    household_required = True


class VisitData(NamesHousehold):
    OPENAPI = one_of_given("household_code", "household_id")
    household_code = _household_code()
    household_id = _household_id()
    kind = fields.String(required=True, validate=validate.OneOf(VISIT_KINDS))
    notes = fields.String(load_default="", validate=TEXT)
    findings = fields.String(load_default="", validate=TEXT)
    visited_at = fields.AwareDateTime(required=True, metadata={"description": f"the phone's time, with its offset; {WHEN}"})
    location = fields.Nested(PointSchema, load_default=None, allow_none=True)
    gps_accuracy_m = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100_000))
    follow_up_on = fields.Date(load_default=None, allow_none=True)
    attachments = attachment_ids()


class PartySchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    role = fields.String(load_default="party", validate=validate.Length(max=20))


class DisputeData(NamesHousehold):
    household_required = False  # a dispute in a public place belongs to no household
    OPENAPI = one_of_given("household_code", "household_id", "cell_code")  # where it happened (handlers.py)
    household_code = _household_code()
    household_id = _household_id()
    cell_code = fields.String(load_default=None, allow_none=True, validate=validate.Length(equal=CODE_LENGTH["cell"]),
                              metadata={"description": "needed when there is no household"})
    category = fields.String(required=True, validate=validate.OneOf(DISPUTE_CATEGORIES))
    risk_colour = fields.String(required=True, validate=validate.OneOf(RISK_COLOURS))
    channel = fields.String(load_default="grid_screening", validate=validate.OneOf(DISPUTE_CHANNELS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=TEXT)
    parties = fields.List(fields.Nested(PartySchema), load_default=list, validate=validate.Length(max=100))
    party_count = fields.Integer(load_default=2, validate=validate.Range(min=1, max=100_000))
    reported_at = fields.AwareDateTime(required=True, metadata={"description": WHEN})
    location = fields.Nested(PointSchema, load_default=None, allow_none=True)
    gps_accuracy_m = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100_000))
    attachments = attachment_ids()


class DisputeEventData(Schema):
    dispute_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf([k for k in DISPUTE_EVENT_KINDS if k != "report"]))
    note = fields.String(load_default="", validate=TEXT)
    occurred_at = fields.AwareDateTime(required=True, metadata={"description": WHEN})
    version = fields.Integer(load_default=None, allow_none=True,
                             metadata={"description": "the dispute's version the phone saw: a newer one is a conflict"})
    leader_username = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    satisfaction = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SATISFACTION))
    attachments = attachment_ids()


class ZeroReportData(Schema):
    cell_code = fields.String(required=True, validate=validate.Length(equal=CODE_LENGTH["cell"]))
    kind = fields.String(load_default="monthly", validate=validate.OneOf(ZERO_REPORT_KINDS))
    period = fields.Date(required=True, metadata={
        "description": "monthly: a day of the month (stored as its first day); daily: the China day, at most today"})
    nothing_to_report = fields.Boolean(load_default=True)
    note = fields.String(load_default="", validate=TEXT)
    reported_at = fields.AwareDateTime(required=True, metadata={"description": WHEN})


class FollowUpDoneData(Schema):
    visit_id = fields.UUID(required=True, metadata={"description": "the visit whose follow-up is done"})
    done_at = fields.AwareDateTime(required=True, metadata={"description": WHEN})
    note = fields.String(load_default="", validate=TEXT)


class HouseholdNewData(RegistrationData):
    """A household registered on the phone: the item's id is the household's client UUID (its client_id)."""


# a change of the register, by kind: the fields of the API's body for it (server/register/schemas.py)
HOUSEHOLD_CHANGES = {"edit": EditData, "member_join": JoinData, "member_leave": LeaveData, "move": MoveData,
                     "retire": RetireData, "move_decision": MoveDecisionData}


class HouseholdChangeData(Schema):
    """{change, household_code | household_id, …the fields of that change}; move_decision names move_id instead."""

    class Meta:
        unknown = INCLUDE  # the change's own fields, loaded by its schema below

    change = fields.String(required=True, validate=validate.OneOf(HOUSEHOLD_CHANGES))
    household_code = _household_code()
    household_id = _household_id()
    move_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "move_decision: the move"})

    @post_load
    def _details(self, data, **_):
        own = ("change", "household_code", "household_id", "move_id")
        if data["change"] == "move_decision" and not data["move_id"]:
            raise ValidationError({"move_id": ["required / 必填"]})
        if data["change"] != "move_decision" and not (data["household_code"] or data["household_id"]):
            raise ValidationError({"household_code": ["name the household: household_code or household_id / "
                                                      "请填写住户编号或住户登记编号"]})
        details = HOUSEHOLD_CHANGES[data["change"]]().load({k: v for k, v in data.items() if k not in own})
        return {**{k: data[k] for k in own}, "details": details}


DATA_SCHEMAS = {"visit": VisitData(), "dispute": DisputeData(), "dispute_event": DisputeEventData(),
                "zero_report": ZeroReportData(), "follow_up_done": FollowUpDoneData(),
                "household_new": HouseholdNewData(), "household_change": HouseholdChangeData()}


class ItemSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(SYNC_ITEM_TYPES))
    id = fields.UUID(required=True, metadata={"description": "generated on the phone; the key of idempotency"})
    data = fields.Dict(required=True)


def _title(kind: str) -> str:
    return "".join(part.title() for part in kind.split("_"))  # member_join → MemberJoin


# what the document shows of the items, from the schemas above (the push loads the envelope and then each item's data
# by its type, server/sync/push.py): a change of the register is HouseholdChangeData's fields and its change's
CHANGE_SCHEMAS = {change: with_fixed(f"{_title(change)}Change", {
    **HouseholdChangeData._declared_fields, **schema._declared_fields}, "change", change)
    for change, schema in HOUSEHOLD_CHANGES.items()}
ITEM_SCHEMAS = {kind: with_fixed(f"{_title(kind)}Item", {
    **ItemSchema._declared_fields,
    "data": OneOfSchemas(CHANGE_SCHEMAS, "change", required=True) if kind == "household_change" else
    fields.Nested(type(schema), required=True)}, "type", kind)
    for kind, schema in DATA_SCHEMAS.items()}


class PushSchema(Schema):
    # an item that is no item (null, a number…) is answered "rejected" beside the others (server/sync/push.py)
    items = fields.List(OneOfSchemas(ITEM_SCHEMAS, "type", allow_none=True), required=True, metadata={
        "description": f"at most {MAX_PUSH_ITEMS} items (max_items), each {{type, id, data}} with the data of its type, each checked "
                       "and answered alone"})


class DisputeStandingSchema(Schema):
    """A dispute as it stands, answered to a step based on an older version of it."""
    state = fields.String(metadata={"enum": list(DISPUTE_STATES)})
    level = fields.String(metadata={"enum": list(HANDLING_LEVELS)})
    version = fields.Integer()


class DifferenceSchema(Schema):
    yours = component_field("JsonValue", metadata={"description": "what the item sent"})
    theirs = component_field("JsonValue", metadata={"description": "what the record holds now"})


class LocationWarningSchema(Schema):
    field = fields.String()
    code = fields.String(metadata={"enum": ["outside_cell"]})
    message = fields.String()
    message_zh = fields.String()
    confirm_with = fields.String(metadata={"description": "the flag to send with the item again to keep the value"})


class ItemReasonSchema(Schema):
    """Why an item was refused (or taken as a duplicate)."""
    message = fields.String(required=True)
    message_zh = fields.String(required=True)
    errors = component_field("FieldMessages")
    status = fields.Integer(metadata={"description": "the API's status for the same refusal: 403, 404, 409, 422"})
    current = OneOfSchemas({"household": HouseholdRecordSchema, "dispute": DisputeStandingSchema}, None, metadata={
        "description": "status 409: the household as it stands (a household change) or the dispute's state, level "
                       "and version (a dispute step)"})
    differences = fields.Dict(keys=fields.String(), values=fields.Nested(DifferenceSchema), metadata={
        "description": "a household change based on a stale version: what differs, field by field"})
    warnings = fields.List(fields.Nested(LocationWarningSchema), metadata={
        "description": "a location outside the cell: send the item again with confirm_location_outside"})
    retry = fields.Boolean(metadata={
        "description": "true when what the item names (a household, dispute, visit, cell) is not among yours yet and "
                       "may arrive: send the item again later, unchanged"})


class ItemDetailSchema(Schema):
    """What an accepted household item made."""
    household_code = fields.String()
    version = fields.Integer(metadata={"description": "the household's version now: send it with its next change"})
    move_id = fields.UUID(metadata={"description": "a move asked, or decided"})
    state = fields.String(metadata={"enum": list(MOVE_STATES),
                                    "description": "a move decided: its state"})


class ItemResultSchema(Schema):
    id = fields.String(allow_none=True, metadata={"description": "the item's id as sent; null if it sent none"})
    type = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": ["accepted", "duplicate", "rejected"]})
    reason = fields.Nested(ItemReasonSchema, allow_none=True, metadata={
        "description": "why it was refused, or why it is a duplicate; null when accepted"})
    detail = fields.Nested(ItemDetailSchema, allow_none=True, metadata={
        "description": "what an accepted household item made: the household's code and version (and a move's id)"})


class PushResultSchema(Schema):
    results = fields.Nested(ItemResultSchema, many=True)  # one dump of them all, not one per item
    accepted = fields.Integer()
    rejected = fields.Integer()
    server_time = fields.DateTime()


class PullArgsSchema(Schema):
    since = fields.AwareDateTime(load_default=None, metadata={"description": "the cursor of the last pull"})


class DeviceHeaderSchema(Schema):
    """The phone's own UUID, sent as a header with every pull and push (server/sync/devices.py)."""
    device_id = UUIDText(data_key=HEADER, load_default=None, metadata={
        "description": "the phone's own UUID (8-4-4-4-12 hex digits), made once on the phone and kept through sign-outs (the same for every user "
                       "of a shared phone): its last pull and push are recorded per user. Apps that send none still sync"})

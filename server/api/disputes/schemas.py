import math

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema
from webargs.fields import DelimitedList

from ...disputes.inbox import BOXES
from ...disputes.workflow import STEPS
from ...geojson_schemas import Geometry
from ...models.vocab import DISPUTE_CATEGORIES, DISPUTE_STATES, HANDLING_LEVELS, RISK_COLOURS, SATISFACTION
from ...privacy import mask_id_number, shown_phone
from ...sync.items import PartySchema, attachment_ids
from ..attachments.schemas import AttachmentShortSchema
from ..common import UNIT_CODE
from ..pagination import PageArgsSchema, page_schema

COLOURS = ("green", "yellow", "red")


class DisputeFilterSchema(Schema):
    """The filters the dispute lists and the heat map share (server/disputes/listing.py filter_conditions)."""
    start = fields.Date(load_default=None, metadata={"description": "reported from this day (China time)"})
    end = fields.Date(load_default=None, metadata={"description": "reported before this day"})
    category = fields.String(load_default=None, validate=validate.OneOf(DISPUTE_CATEGORIES))
    risk_colour = fields.String(load_default=None, validate=validate.OneOf(RISK_COLOURS))
    state = fields.String(load_default=None, validate=validate.OneOf(DISPUTE_STATES))
    open = fields.Boolean(load_default=False, metadata={"description": "only disputes not yet resolved"})

    @validates_schema
    def _period(self, data, **_):
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise ValidationError("end must follow start / 结束日期须晚于开始日期", "end")


class DisputeQuerySchema(PageArgsSchema, DisputeFilterSchema):
    level = fields.String(validate=validate.OneOf(HANDLING_LEVELS))
    deadline = fields.String(validate=validate.OneOf(COLOURS), metadata={"description": "green, yellow or red"})
    escalated = fields.Boolean(metadata={"description": "only disputes held above the village (town or county)"})
    unit_code = fields.String(validate=UNIT_CODE, metadata={"description": "under this unit"})
    box = fields.String(validate=validate.OneOf(BOXES), metadata={
        "description": "one box of your 待办 inbox (GET /api/disputes/inbox): " + ", ".join(BOXES)})
    bbox = DelimitedList(fields.Float(allow_nan=False), metadata={
        "description": "reported within west,south,east,north (longitude, latitude; WGS-84), e.g. a spot of the heat map"})

    @validates("bbox")
    def _bbox(self, value, **_):
        # checked here, not by the field alone: a failed Float still reaches this validator (webargs keeps the raw item)
        if len(value) != 4 or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in value):
            raise ValidationError("four numbers: west,south,east,north / 须为四个数：西,南,东,北")
        west, south, east, north = value
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise ValidationError("west < east and south < north, in degrees / 须为 西,南,东,北 经纬度，且西小于东、南小于北")


class PetitionerSchema(Schema):
    """Who brought a petition; the ID number masked for everyone, the mobile as households' phones are shown."""
    name = fields.String()
    id_number = fields.Function(lambda p: mask_id_number(p["id_number"]), allow_none=True, metadata={"type": "string"})
    mobile = fields.Function(lambda p: shown_phone(p["mobile"]), allow_none=True, metadata={"type": "string"})
    address = fields.String(allow_none=True)


class DisputeSchema(Schema):
    id = fields.UUID()
    cell_code = fields.String()
    cell_name = fields.String()
    household_code = fields.String(allow_none=True)
    household_head = fields.String(allow_none=True, metadata={"description": "the head of the household it concerns"})
    household_address = fields.String(allow_none=True)
    category = fields.String()
    risk_colour = fields.String()
    state = fields.String()
    level = fields.String()
    channel = fields.String()
    title = fields.String()
    description = fields.String()
    party_count = fields.Integer()
    leader_username = fields.String(allow_none=True)
    leader_name = fields.String(allow_none=True, metadata={"description": "the case leader 包案"})
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


class EventDetailsSchema(Schema):
    """What a step recorded besides its note (server/disputes/workflow.py DETAILS)."""
    notice = fields.String(metadata={"description": "decline: the notice 告知 saying where to go instead"})
    measures = fields.String(metadata={"description": "assign: the measures 化解措施"})
    responsible = fields.String(metadata={"description": "assign: the person responsible 责任人"})
    due_on = fields.String(metadata={"format": "date", "description": "assign: the time limit 办结时限"})  # kept as text
    owner_unit_code = fields.String(metadata={"description": "assign: the owner unit 责任单位"})
    agreement = fields.String(metadata={"description": "resolve: the agreement reached 调解协议"})
    satisfaction = fields.String(metadata={"enum": list(SATISFACTION), "description": "call_back: how it went"})
    declined = fields.Boolean(metadata={"description": "true on the close entry of a 不予受理"})


class EventSchema(Schema):
    id = fields.UUID()
    kind = fields.String()
    to_state = fields.String(allow_none=True)
    note = fields.String()
    details = fields.Nested(EventDetailsSchema)
    actor = fields.String(allow_none=True)
    occurred_at = fields.DateTime(metadata={"description": "when it happened, as the user gave it (a phone's time)"})
    received_at = fields.DateTime(metadata={"description": "when the server received it: later than occurred_at when "
                                                           "the phone was offline"})
    attachments = fields.List(fields.Nested(AttachmentShortSchema), metadata={
        "description": "photos and documents of the step; the report's are the dispute's own"})


class PlaceSchema(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String()


class DisputeDetailSchema(DisputeSchema):
    parties = fields.List(fields.Nested(PartySchema))
    events = fields.List(fields.Nested(EventSchema))
    location = Geometry("Point", allow_none=True, metadata={"description": "where it was reported"})


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
    """One dispute as the API answers it: with its timeline, the cases linked to it both ways (重复信访), where it
    lies and the steps you may take on it now."""
    links = fields.Nested(LinksSchema)
    places = fields.List(fields.Nested(PlaceSchema), metadata={"description": "town, village and cell it lies in"})
    owner_unit = fields.Nested(PlaceSchema, allow_none=True, metadata={"description": "the unit that owns the case"})
    actions = fields.List(fields.String(), metadata={
        "description": "the steps you may take now, in the loop's order (the buttons to offer)"})


DisputePageSchema = page_schema(DisputeSchema, "DisputePage")


class StepSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(STEPS)))
    version = fields.Integer(required=True, metadata={"description": "the version you saw; a newer one answers 409"})
    note = fields.String(load_default="", validate=validate.Length(max=4000))
    leader_username = fields.String(load_default=None, validate=validate.Length(max=64))
    satisfaction = fields.String(load_default=None, validate=validate.OneOf(SATISFACTION))
    notice = fields.String(load_default=None, validate=validate.Length(max=4000),
                           metadata={"description": "decline: the notice 不予受理告知 telling where to go instead"})
    measures = fields.String(load_default=None, validate=validate.Length(max=4000),
                             metadata={"description": "assign: the measures 定措施"})
    responsible = fields.String(load_default=None, validate=validate.Length(max=100),
                                metadata={"description": "assign: the person responsible 定责任"})
    due_on = fields.Date(load_default=None, metadata={"description": "assign: the time limit 定时限 (China day)"})
    owner_unit_code = fields.String(load_default=None, validate=UNIT_CODE,
                                    metadata={"description": "assign: the unit that owns the case (default: the holder)"})
    agreement = fields.String(load_default=None, validate=validate.Length(max=4000),
                              metadata={"description": "resolve: the agreement reached 调解协议"})
    attachments = attachment_ids()


class BoxSchema(Schema):
    key = fields.String(metadata={"description": ", ".join(BOXES)})
    label_zh = fields.String()
    count = fields.Integer()


class InboxSchema(Schema):
    boxes = fields.List(fields.Nested(BoxSchema))
    waiting = fields.Integer(metadata={"description": "disputes in any box (one may be in two): the count to show"})


class CaseLeaderSchema(Schema):
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    unit_name = fields.String()

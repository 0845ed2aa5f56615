"""The register's bodies, one definition for the API and the phones' sync items: what a registration and each
change carry, field by field (server/register/fields.py), and a household as every answer shows it (ID numbers
masked for everyone, phones for all but grid workers and cadres). Marshmallow, no Flask."""
from marshmallow import Schema, ValidationError, fields, validate

from ..geojson_schemas import Geometry
from ..models.vocab import (
    CODE_LENGTH,
    HOUSEHOLD_TAGS,
    MEMBER_JOIN_REASONS,
    MEMBER_LEAVE_REASONS,
    MEMBER_RELATIONS,
    MOVE_STATES,
    RETIRE_REASONS,
    SEXES,
)
from ..privacy import mask_id_number, shown_phone
from . import fields as checks

MAX_MEMBERS = 30
TEXT = validate.Length(max=4000)


class GeoJSONPoint(Geometry):
    """A GeoJSON point {"type": "Point", "coordinates": [lon, lat]} in EPSG:4326 (WGS-84), loaded as (lon, lat)."""

    def __init__(self, **kwargs):
        super().__init__("Point", **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        problem = ("a location is a GeoJSON point: {\"type\": \"Point\", \"coordinates\": [longitude, latitude]} / "
                   "位置须为 GeoJSON 点：{\"type\": \"Point\", \"coordinates\": [经度, 纬度]}")
        if not isinstance(value, dict) or value.get("type") != "Point":
            raise ValidationError(problem)
        coordinates = value.get("coordinates")
        if (not isinstance(coordinates, list) or len(coordinates) != 2
                or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coordinates)):
            raise ValidationError(problem)
        lon, lat = (float(c) for c in coordinates)
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationError("longitude −180…180, latitude −90…90 / 经度须在−180至180之间，纬度须在−90至90之间")
        return lon, lat


def _name(**kw):
    return fields.String(validate=[validate.Length(min=1, max=50), checks.not_blank], **kw)


def _id_number(**kw):
    return fields.String(load_default=None, allow_none=True, validate=checks.id_number,
                         metadata={"description": "resident ID number, 18 characters (GB 11643); unique among the "
                                                  "living people of the register"}, **kw)


def _version():
    return fields.Integer(required=True, validate=validate.Range(min=1), metadata={
        "description": "the household's version you saw: if it changed since, the answer is a conflict (409) with the "
                       "current record and what differs, and nothing is changed"})


def _day(description: str = "a China day, up to today"):
    return fields.Date(required=True, validate=checks.not_after_today, metadata={"description": description})


def _confirm():
    return fields.Boolean(load_default=False, metadata={
        "description": "keep a location outside the cell's boundary (the first answer warns of it)"})


class MemberData(Schema):
    name = _name(required=True)
    relation = fields.String(required=True, validate=validate.OneOf(MEMBER_RELATIONS),
                             metadata={"description": "to the head of household"})
    sex = fields.String(required=True, validate=validate.OneOf(SEXES))
    birth_date = fields.Date(load_default=None, allow_none=True, validate=checks.not_after_today)
    id_number = _id_number()


class RegistrationData(Schema):
    """A household to register, in the shape a household is answered in."""
    cell_code = fields.String(required=True, validate=validate.Length(equal=CODE_LENGTH["cell"]))
    head_name = _name(required=True)
    head_id_number = _id_number()
    address = fields.String(required=True, validate=[validate.Length(min=1, max=200), checks.not_blank])
    phone = fields.String(load_default=None, allow_none=True, validate=checks.mobile)
    location = GeoJSONPoint(load_default=None, allow_none=True, metadata={
        "description": "GeoJSON point, EPSG:4326; outside the cell's boundary it is kept only when confirmed"})
    members = fields.List(fields.Nested(MemberData), load_default=list, validate=validate.Length(max=MAX_MEMBERS),
                          metadata={"description": "the members besides the head"})
    tags = fields.List(fields.String(validate=validate.OneOf(HOUSEHOLD_TAGS)), load_default=list)
    confirm_location_outside = _confirm()


class EditData(Schema):
    """A correction of the household's own fields: only those sent change (tags: the whole list)."""
    version = _version()
    head_name = _name()
    head_id_number = fields.String(allow_none=True, validate=checks.id_number)
    address = fields.String(validate=[validate.Length(min=1, max=200), checks.not_blank])
    phone = fields.String(allow_none=True, validate=checks.mobile)
    location = GeoJSONPoint(allow_none=True, metadata={"description": "GeoJSON point, EPSG:4326; null: not located"})
    tags = fields.List(fields.String(validate=validate.OneOf(HOUSEHOLD_TAGS)))
    confirm_location_outside = _confirm()


class JoinData(MemberData):
    version = _version()
    reason = fields.String(required=True, validate=validate.OneOf(MEMBER_JOIN_REASONS))
    on = _day()


class LeaveData(Schema):
    version = _version()
    member_id = fields.Integer(required=True, validate=validate.Range(min=1))
    reason = fields.String(required=True, validate=validate.OneOf(MEMBER_LEAVE_REASONS))
    on = _day()


class MoveData(Schema):
    version = _version()
    to_cell_code = fields.String(required=True, validate=validate.Length(equal=CODE_LENGTH["cell"]))
    reason = fields.String(load_default="", validate=TEXT)


class RetireData(Schema):
    version = _version()
    on = _day("the China day it leaves the register (and the figures), up to today")
    reason = fields.String(required=True, validate=validate.OneOf(RETIRE_REASONS))
    note = fields.String(load_default="", validate=TEXT)


MOVE_ACTIONS = ("accept", "refuse", "cancel")


class MoveDecisionData(Schema):
    action = fields.String(required=True, validate=validate.OneOf(MOVE_ACTIONS), metadata={
        "description": "accept or refuse (the receiving side: someone whose area holds the target cell), cancel "
                       "(the sending side)"})
    note = fields.String(load_default="", validate=TEXT)


# the answers

def _worked_out(value, **kw):
    """A string worked out from the record (a number as shown, its cell's code), a string in the document too."""
    return fields.Function(value, metadata={"type": "string"}, **kw)


class MemberSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    relation = fields.String()
    sex = fields.String()
    birth_date = fields.Date(allow_none=True)
    id_number = _worked_out(lambda m: mask_id_number(m.id_number), allow_none=True)
    joined_on = fields.Date(allow_none=True, metadata={"description": "null: a member since registration"})
    join_reason = fields.String(allow_none=True, metadata={"enum": list(MEMBER_JOIN_REASONS)})
    left_on = fields.Date(allow_none=True, metadata={"description": "null: still a member"})
    leave_reason = fields.String(allow_none=True, metadata={"enum": list(MEMBER_LEAVE_REASONS)})


class HouseholdSchema(Schema):
    code = fields.String()
    cell_code = _worked_out(lambda h: h.cell.code)
    address = fields.String()
    head_name = fields.String()
    head_id_number = _worked_out(lambda h: mask_id_number(h.head_id_number), allow_none=True)
    phone = _worked_out(lambda h: shown_phone(h.phone), allow_none=True)
    member_count = fields.Integer(metadata={"description": "the head and the members who have not left"})
    tags = fields.List(fields.String())
    location = Geometry("Point", allow_none=True)
    version = fields.Integer(metadata={"description": "send it back with any change"})
    client_id = fields.UUID(allow_none=True, metadata={"description": "the UUID it was registered under, if any"})
    registered_at = fields.DateTime(allow_none=True, metadata={"description": "null: on the register from before"})
    retired_at = fields.DateTime(allow_none=True, metadata={
        "description": "注销: out of lists and figures from then (the China day's start); null: on the register"})
    retire_reason = fields.String(allow_none=True, metadata={"enum": list(RETIRE_REASONS)})
    retire_note = fields.String(allow_none=True)


class MoveSchema(Schema):
    id = fields.UUID()
    household_code = fields.String()
    head_name = fields.String()
    address = fields.String()
    member_count = fields.Integer()
    from_cell_code = fields.String()
    from_cell_name = fields.String()
    to_cell_code = fields.String()
    to_cell_name = fields.String()
    state = fields.String(metadata={"enum": list(MOVE_STATES)})
    reason = fields.String()
    requested_by = fields.String(allow_none=True)
    requested_at = fields.DateTime()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    note = fields.String()


class HouseholdRecordSchema(HouseholdSchema):
    """A household as the register holds it: members who left kept with their day and reason, its pending move."""
    members = fields.List(fields.Nested(MemberSchema), metadata={"description": "members who left included"})
    cell_name = _worked_out(lambda h: h.cell.name)
    pending_move = fields.Nested(MoveSchema, allow_none=True, metadata={
        "description": "a move to another cell waiting for the receiving side, or null"})

    def get_attribute(self, obj, attr, default):
        if attr == "pending_move":
            from .moves import describe_pending  # reads the move's cells past the scope
            return describe_pending(obj)
        return super().get_attribute(obj, attr, default)


def shown_differences(differences: dict) -> dict:
    """What differs, {field: {"yours": …, "theirs": …}}, with personal data shown as the user may see it."""
    shown = {"head_id_number": mask_id_number, "phone": shown_phone}
    return {field: {side: shown[field](value) if field in shown else value for side, value in pair.items()}
            for field, pair in differences.items()}

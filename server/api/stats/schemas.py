"""Arguments and rows of the figures API."""
import datetime as dt
import re

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from ... import clock
from ...stats.activity import ROLES as ACTIVITY_ROLES
from ...stats.activity import SORTS
from ...stats.figures import RATES
from ..common import MAPPED_LEVELS, UNIT_CODE


class FiguresArgsSchema(Schema):
    level = fields.String(load_default="town", validate=validate.OneOf(MAPPED_LEVELS))
    start = fields.Date(required=True, metadata={"description": "first day, China time"})
    end = fields.Date(required=True, metadata={"description": "day after the last"})
    under = fields.String(load_default=None, validate=UNIT_CODE)
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv", "xlsx", "geojson")),
                           metadata={"description": "xlsx: the monthly report, one sheet per level; "
                                                    "geojson: the units with their boundaries"})

    @validates_schema
    def _period(self, data, **_):
        if data["end"] <= data["start"] or (data["end"] - data["start"]).days > 400:
            raise ValidationError("end must follow start, within 400 days / 结束日期须晚于开始日期且不超过 400 天", "end")


COUNTS = ("households", "visited_households", "visits", "reported", "resolved", "resolved_on_time", "called_back",
          "satisfied", "early", "resolved_in_village", "resolved_in_town", "cells", "cells_reported",
          "reports_due", "reports_filed", "daily_report_days", "open_disputes", "overdue_disputes", "escalated_disputes")


def figure_fields() -> dict:
    return {"code": fields.String(), "name": fields.String(), **{c: fields.Integer() for c in COUNTS},
            **{r: fields.Float(allow_none=True) for r in RATES}}


FigureRowSchema = Schema.from_dict(figure_fields(), name="FigureRow")


class TrendArgsSchema(Schema):
    under = fields.String(load_default=None, validate=UNIT_CODE,
                          metadata={"description": "the unit; yours if not given"})
    months = fields.Integer(load_default=12, validate=validate.Range(min=1, max=36))
    end = fields.Date(load_default=None, metadata={"description": "a day in the last month; this month if not given"})


class OverdueArgsSchema(Schema):
    days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=365))


OverdueCadreSchema = Schema.from_dict({
    "username": fields.String(), "display_name": fields.String(), "unit_code": fields.String(),
    "unit_name": fields.String(), "linked": fields.Integer(), "unvisited": fields.Integer(),
    "oldest_visit": fields.DateTime(allow_none=True)}, name="OverdueCadre")


TrendRowSchema = Schema.from_dict({"month": fields.String(), **figure_fields()}, name="TrendRow")


class Month(fields.String):
    """A China calendar month as YYYY-MM, loaded as its first day."""
    PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
    default_error_messages = {"invalid": "Not a month as YYYY-MM / 月份格式应为 年-月（如 2026-11）"}

    def __init__(self, metadata=None, **kwargs):
        super().__init__(metadata={"pattern": self.PATTERN, "example": "2026-11", **(metadata or {})}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not re.match(self.PATTERN, text) or int(text[:4]) < 2000:
            raise self.make_error("invalid")
        return dt.date(int(text[:4]), int(text[5:]), 1)


class WorkerActivityArgsSchema(Schema):
    under = fields.String(load_default=None, validate=UNIT_CODE,
                          metadata={"description": "the unit whose workers and cadres are listed; yours if not given"})
    month = Month(load_default=None, metadata={"description": "China calendar month; the running one if not given"})
    role = fields.String(load_default=None, validate=validate.OneOf(ACTIVITY_ROLES),
                         metadata={"description": "only grid workers, or only cadres"})
    sort = fields.String(load_default="unit", validate=validate.OneOf(SORTS))
    order = fields.String(load_default="asc", validate=validate.OneOf(("asc", "desc")),
                          metadata={"description": "empty values come last either way"})
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv", "xlsx")),
                           metadata={"description": "csv or xlsx: the same rows in the same order, for Excel"})

    @validates("month")
    def _not_ahead(self, value, **_):
        if value is not None and value > clock.china_today():
            raise ValidationError("the month has not begun / 该月份尚未开始")


PhoneSchema = Schema.from_dict({
    "device_id": fields.UUID(), "last_pull_at": fields.DateTime(allow_none=True),
    "last_push_at": fields.DateTime(allow_none=True), "last_sync_at": fields.DateTime(),
    "user_agent": fields.String(allow_none=True)}, name="Phone")

WorkerActivityRowSchema = Schema.from_dict({
    "username": fields.String(), "display_name": fields.String(),
    "role": fields.String(metadata={"enum": list(ACTIVITY_ROLES)}),
    "unit_code": fields.String(), "unit_name": fields.String(),
    **{f"{level}_name": fields.String(allow_none=True, metadata={"description": f"the {level} the user's unit is or "
                                                                               f"lies in"})
       for level in ("town", "village", "cell")},
    "households": fields.Integer(metadata={"description": "a grid worker's: the cell's; a cadre's: their linked ones"}),
    "households_due": fields.Integer(metadata={
        "description": "not visited this month: a grid worker's by anyone; a cadre's by the cadre themselves"}),
    "completion_rate": fields.Float(allow_none=True, metadata={"description": "(households − due) ÷ households"}),
    "visits": fields.Integer(metadata={"description": "logged by them in the month"}),
    "visits_far": fields.Integer(metadata={"description": "of those, farther from the household than max_distance_m"}),
    "visits_poor_gps": fields.Integer(metadata={"description": "of those, with a GPS fix worse than max_accuracy_m"}),
    "last_visit_at": fields.DateTime(allow_none=True, metadata={"description": "their latest visit up to the month's end"}),
    "last_sync_at": fields.DateTime(allow_none=True, metadata={"description": "the latest pull or push of their phones; "
                                                                              "null: never synced"}),
    "phone_count": fields.Integer(),
    "phones": fields.List(fields.Nested(PhoneSchema), metadata={"description": "the phone synced last first"}),
}, name="WorkerActivityRow")


class WorkerActivitySchema(Schema):
    month = fields.String(metadata={"description": "YYYY-MM"})
    running = fields.Boolean(metadata={"description": "the month has not ended: its figures are so far"})
    max_distance_m = fields.Integer(metadata={"description": "a visit farther than this from the household is flagged"})
    max_accuracy_m = fields.Integer(metadata={"description": "a GPS fix worse than this is flagged"})
    rows = fields.List(fields.Nested(WorkerActivityRowSchema))

"""Arguments and rows of the figures API."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

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


def _figure_fields() -> dict:
    return {"code": fields.String(), "name": fields.String(), **{c: fields.Integer() for c in COUNTS},
            **{r: fields.Float(allow_none=True) for r in RATES}}


FigureRowSchema = Schema.from_dict(_figure_fields(), name="FigureRow")


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


TrendRowSchema = Schema.from_dict({"month": fields.String(), **_figure_fields()}, name="TrendRow")

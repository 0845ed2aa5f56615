"""Figures per unit for a period, as JSON, CSV or the monthly report in xlsx."""
import datetime as dt

from flask import Response, g
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ... import clock
from ...maps.units import feature_collection
from ...stats.export import monthly_report, to_csv
from ...stats.figures import RATES, cadres_with_unvisited_households, figures, monthly_trend
from ..blueprint import BINARY, OBJECT, TEXT, Blueprint, also_as
from ..maps.routes import GEOJSON, UNIT_CODE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
blp = Blueprint("stats", __name__, url_prefix="/api/stats", description="Figures 统计指标")
LEVELS = ("town", "village", "cell")


class FiguresArgsSchema(Schema):
    level = fields.String(load_default="town", validate=validate.OneOf(LEVELS))
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


def _bounds(args):
    return clock.china_midnight(args["start"]), clock.china_midnight(args["end"])


@blp.route("/figures")
class Figures(MethodView):
    @blp.arguments(FiguresArgsSchema, location="query")
    @blp.response(200, FigureRowSchema(many=True))
    @blp.doc(**also_as(200, {XLSX: BINARY, "text/csv": TEXT, GEOJSON: OBJECT}))
    def get(self, args):
        """Coverage, visits, resolution, on-time, satisfaction and early-warning rates, the shares resolved in
        the village and town, and zero-report completeness (reports_filed ÷ reports_due: the month's report per
        cell, or with daily reporting on one a day per cell for the period's `daily_report_days` days of it, up
        to today), for each unit of a level in your area."""
        start, end = _bounds(args)
        if args["format"] == "xlsx":
            sheets = {level: figures(level, start, end, args["under"]) for level in LEVELS}
            title = f"月报 {args['start']} 至 {args['end'] - dt.timedelta(days=1)}"
            return Response(monthly_report(sheets, title), headers={
                "Content-Disposition": f'attachment; filename="wangge-{args["start"]}.xlsx"'},
                mimetype=XLSX)
        rows = figures(args["level"], start, end, args["under"])
        if args["format"] in ("csv", "geojson"):
            text, mimetype = ((to_csv(rows), "text/csv") if args["format"] == "csv" else
                              (feature_collection(args["level"], args["under"], rows), GEOJSON))
            filename = f"wangge-{args['level']}-{args['start']}.{args['format']}"
            return Response(text, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
        return rows


class TrendArgsSchema(Schema):
    under = fields.String(load_default=None, validate=UNIT_CODE,
                          metadata={"description": "the unit; yours if not given"})
    months = fields.Integer(load_default=12, validate=validate.Range(min=1, max=36))
    end = fields.Date(load_default=None, metadata={"description": "a day in the last month; this month if not given"})


TrendRowSchema = Schema.from_dict({"month": fields.String(), **_figure_fields()}, name="TrendRow")


@blp.route("/trend")
class Trend(MethodView):
    @blp.arguments(TrendArgsSchema, location="query")
    @blp.response(200, TrendRowSchema(many=True))
    def get(self, args):
        """One unit's figures month by month, oldest first, for the trend charts (empty outside your area)."""
        code = args["under"] or g.user.unit.code
        return monthly_trend(code, args["end"] or clock.china_today(), args["months"])


class OverdueArgsSchema(Schema):
    days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=365))


OverdueCadreSchema = Schema.from_dict({
    "username": fields.String(), "display_name": fields.String(), "unit_code": fields.String(),
    "unit_name": fields.String(), "linked": fields.Integer(), "unvisited": fields.Integer(),
    "oldest_visit": fields.DateTime(allow_none=True)}, name="OverdueCadre")


@blp.route("/overdue-cadres")
class OverdueCadres(MethodView):
    @blp.arguments(OverdueArgsSchema, location="query")
    @blp.response(200, OverdueCadreSchema(many=True))
    def get(self, args):
        """Cadres in your area whose linked households have gone more than `days` days without a visit (每月上门)."""
        return cadres_with_unvisited_households(clock.now(), args["days"])

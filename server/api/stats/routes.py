"""Figures per unit for a period, as JSON, CSV or the monthly report in xlsx."""
import datetime as dt

from flask import Response, g
from flask.views import MethodView

from ... import clock
from ...maps.units import feature_collection
from ...stats.export import monthly_report, to_csv
from ...stats.figures import cadres_with_unvisited_households, figures, monthly_trend
from ..blueprint import Blueprint
from ..common import BINARY, GEOJSON, MAPPED_LEVELS, OBJECT, TEXT, XLSX, also_as
from .schemas import (
    FigureRowSchema,
    FiguresArgsSchema,
    OverdueArgsSchema,
    OverdueCadreSchema,
    TrendArgsSchema,
    TrendRowSchema,
)

blp = Blueprint("stats", __name__, url_prefix="/api/stats", description="Figures 统计指标")


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
            sheets = {level: figures(level, start, end, args["under"]) for level in MAPPED_LEVELS}
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


@blp.route("/trend")
class Trend(MethodView):
    @blp.arguments(TrendArgsSchema, location="query")
    @blp.response(200, TrendRowSchema(many=True))
    def get(self, args):
        """One unit's figures month by month, oldest first, for the trend charts (empty outside your area)."""
        code = args["under"] or g.user.unit.code
        return monthly_trend(code, args["end"] or clock.china_today(), args["months"])


@blp.route("/overdue-cadres")
class OverdueCadres(MethodView):
    @blp.arguments(OverdueArgsSchema, location="query")
    @blp.response(200, OverdueCadreSchema(many=True))
    def get(self, args):
        """Cadres in your area whose linked households have gone more than `days` days without a visit of the cadre's own
        (每月上门 is the cadre's duty: another visitor does not clear it)."""
        return cadres_with_unvisited_households(clock.now(), args["days"])

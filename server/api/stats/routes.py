"""Figures per unit for a period, as JSON, CSV or the monthly report in xlsx; the workers' and cadres' activity."""
from flask import Response, g
from flask.views import MethodView

from grids.codes import LEVEL_ZH, level_of

from ... import clock
from ...errors import api_abort
from ...maps.units import feature_collection
from ...stats import activity_export
from ...stats.activity import thresholds, worker_activity
from ...stats.export import to_csv
from ...stats.figures import cadres_with_unvisited_households, figures, monthly_trend, place_name
from ...stats.report import compiling_line, monthly_report, period_zh, report_title
from ..blueprint import Blueprint
from ..common import BINARY, GEOJSON, MAPPED_LEVELS, TEXT, XLSX, also_as, attachment
from ..maps.schemas import UnitFeatureCollectionSchema
from .schemas import (
    FigureRowSchema,
    FiguresArgsSchema,
    OverdueArgsSchema,
    OverdueCadreSchema,
    TrendArgsSchema,
    TrendRowSchema,
    WorkerActivityArgsSchema,
    WorkerActivitySchema,
)

blp = Blueprint("stats", __name__, url_prefix="/api/stats", description="Figures 统计指标")


def _bounds(args):
    return clock.china_midnight(args["start"]), clock.china_midnight(args["end"])


@blp.route("/figures")
class Figures(MethodView):
    @blp.arguments(FiguresArgsSchema, location="query")
    @blp.response(200, FigureRowSchema(many=True))
    @blp.doc(**also_as(200, {XLSX: BINARY, "text/csv": TEXT, GEOJSON: UnitFeatureCollectionSchema}))
    def get(self, args):
        """Coverage, visits, resolution, on-time, satisfaction and early-warning rates, the shares resolved in
        the village and town, and zero-report completeness (reports_filed ÷ reports_due: the month's report per
        cell, or with daily reporting on one a day per cell for the period's `daily_report_days` days of it, up
        to today), for each unit of a level in your area."""
        start, end = _bounds(args)
        if args["format"] == "xlsx":
            return _monthly_report(args, start, end)
        rows = figures(args["level"], start, end, args["under"])
        if args["format"] in ("csv", "geojson"):
            text, mimetype = ((to_csv(rows), "text/csv") if args["format"] == "csv" else
                              (feature_collection(args["level"], args["under"], rows), GEOJSON))
            name = f"{_place(args)}{LEVEL_ZH[args['level']]}指标（{period_zh(args['start'], args['end'])}）"
            fallback = f"wangge-{args['level']}-{args['start']}.{args['format']}"
            return Response(text, mimetype=mimetype, headers=attachment(f"{name}.{args['format']}", fallback))
        return rows


def _area(args) -> str:
    """The unit the figures are asked under: the one named, or the caller's."""
    return args["under"] or g.user.unit.code


def _place(args) -> str:
    """The name a file gives the area (宁陕县城关镇), which must be in the caller's area."""
    name = place_name(_area(args))
    if name is None:
        api_abort(404, f"No unit {_area(args)} in your area", f"您的范围内没有单位 {_area(args)}")
    return name


def _monthly_report(args, start, end) -> Response:
    place, area = _place(args), _area(args)
    sheets = {level: figures(level, start, end, args["under"]) for level in MAPPED_LEVELS}
    # the 合计 row: the area's own figures, counted in SQL like the rows (the sums of their counts)
    total = next(iter(figures(level_of(area), start, end, area)), None)
    title = report_title(place, args["start"], args["end"])
    compiled = compiling_line(g.user.unit.name, clock.china_today())
    fallback = f"wangge-monthly-report-{args['start']}.xlsx"
    return Response(monthly_report(sheets, total, title, compiled), mimetype=XLSX,
                    headers=attachment(f"{title}.xlsx", fallback))


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


@blp.route("/worker-activity")
class WorkerActivity(MethodView):
    @blp.arguments(WorkerActivityArgsSchema, location="query")
    @blp.response(200, WorkerActivitySchema)
    @blp.doc(**also_as(200, {XLSX: BINARY, "text/csv": TEXT}))
    def get(self, args):
        """Each grid worker and cadre of your area (under `under`) for a China month: visits logged, households due
        (a grid worker's: the cell's households nobody visited this month; a cadre's: linked households the cadre did not
        visit themselves), visits flagged far from the household or with a poor GPS fix, the last visit, and the last
        sync of each of their phones (null: never). Sorted by `sort`; csv and xlsx give the same rows in the same
        order. An `under` outside your area answers 404."""
        place = _place(args)
        today = clock.china_today()
        month = args["month"] or today.replace(day=1)
        rows = worker_activity(month, args["under"], args["role"], args["sort"], args["order"] == "desc")
        if args["format"] == "json":
            return {"month": month.strftime("%Y-%m"), "running": month == today.replace(day=1), **thresholds(),
                    "rows": rows}
        name, fallback = activity_export.title(place, month), f"wangge-worker-activity-{month:%Y-%m}.{args['format']}"
        if args["format"] == "csv":
            return Response(activity_export.activity_csv(rows), mimetype="text/csv",
                            headers=attachment(f"{name}.csv", fallback))
        lines = [name, compiling_line(g.user.unit.name, today), activity_export.note(thresholds())]
        return Response(activity_export.activity_workbook(rows, lines), mimetype=XLSX,
                        headers=attachment(f"{name}.xlsx", fallback))

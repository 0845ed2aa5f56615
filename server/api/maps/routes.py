"""Map layers for the township and county views: units coloured by their figures, and dispute heat tiles."""
import datetime as dt

from flask import Response
from flask.views import MethodView

from ... import clock
from ...disputes.listing import filter_values
from ...errors import api_abort
from ...maps.heat import LAYER, heat_tile
from ...maps.tiles import MAX_ZOOM, Tile, valid_tile
from ...maps.units import feature_collection
from ...stats.figures import figures, zero_report_mode
from ..blueprint import Blueprint
from ..common import BINARY, GEOJSON, MVT, also_as
from .schemas import HeatArgsSchema, UnitFeatureCollectionSchema, UnitsArgsSchema

blp = Blueprint("maps", __name__, url_prefix="/api/map", description="Map layers 网格地图")


@blp.route("/units")
class Units(MethodView):
    @blp.arguments(UnitsArgsSchema, location="query")
    @blp.response(200, UnitFeatureCollectionSchema, content_type=GEOJSON, description=(
        "GeoJSON FeatureCollection of the units with their figures (zero_report_completeness: this month's report, or "
        "today's with daily reporting on) and, for cells, their workers; beside the features, `zero_reports`"))
    def get(self, args):
        """Units of a level in your area with simplified boundaries, coverage over the last days, disputes open
        now (overdue, escalated) and the zero reports — this month's, or today's while the county is on daily
        reporting (日报告制): the choropleth of the town and county views."""
        today = clock.china_today()
        tomorrow = today + dt.timedelta(days=1)
        start, end = clock.china_midnight(today - dt.timedelta(days=args["days"] - 1)), clock.china_midnight(tomorrow)
        rows = figures(args["level"], start, end, args["under"], parts=("coverage", "open_disputes", "zero_reports"),
                       zero_report_days=(today, tomorrow))
        return Response(feature_collection(args["level"], args["under"], rows,
                                           {"zero_reports": zero_report_mode(today, tomorrow)}), mimetype=GEOJSON)


@blp.route("/heat/<int:z>/<int:x>/<int:y>.mvt")
class HeatTile(MethodView):
    @blp.arguments(HeatArgsSchema, location="query")
    @blp.response(200, content_type=MVT, description=f"Mapbox Vector Tile, layer `{LAYER}`: one point per bin "
                  "with its `count`; empty when no dispute falls in the tile")
    @blp.doc(**also_as(200, {MVT: BINARY}))
    def get(self, args, z, x, y):
        """Disputes in your area counted in bins of a map tile, for the heat map (filter by period, category,
        risk colour and state)."""
        if not valid_tile(z, x, y):
            api_abort(404, f"No tile {z}/{x}/{y} (zoom 0–{MAX_ZOOM})", f"无此瓦片 {z}/{x}/{y}（缩放级别 0–{MAX_ZOOM}）")
        body = heat_tile(Tile(z, x, y), filter_values(args))
        return Response(body, mimetype=MVT, headers={"Cache-Control": "private, max-age=60"})

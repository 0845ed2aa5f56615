"""Grid units as GeoJSON with their figures: the choropleths of the views and the GeoJSON export.

Boundaries are simplified in the database with a tolerance fitting the level (a town is drawn at county
zoom, a cell at village zoom) and written with 5 decimals (≈1 m), so a county's towns travel in tens of
kilobytes rather than megabytes. Each unit carries the point where the maps write its name (`label_point`): a
point on the surface of the simplified boundary (ST_PointOnSurface), inside the shape as drawn even when it is
a crescent or in pieces, where a centroid may fall outside."""
from __future__ import annotations

import json

import shapely
import sqlalchemy as sa

from ..extensions import db
from ..models import GridUnit, User
from ..models.vocab import CODE_LENGTH, UNIT_LEVELS
from ..scope import outside_scope

TOLERANCE = {"county": 0.001, "town": 0.0005, "village": 0.0002, "cell": 0.00005}  # degrees; 0.0001° ≈ 10 m
DECIMALS = 5
workers = outside_scope(User)
users = workers.c  # grid workers are named on their cell; the scope already limits the cells


def _in_level(level: str, under: str | None):
    condition = GridUnit.level == level
    return sa.and_(condition, GridUnit.code.startswith(under, autoescape=True)) if under else condition


def boundaries(level: str, under: str | None) -> dict[str, tuple[str, list[float]]]:
    """{unit code: (simplified boundary as GeoJSON text, its label point [lon, lat])} for the units of `level` in
    scope. The points come from the text as sent, by Shapely in one pass: a quarter of the time of
    ST_PointOnSurface in SpatiaLite, which would simplify every boundary again."""
    simplified = sa.func.ST_SimplifyPreserveTopology(GridUnit.boundary, TOLERANCE[level])
    rows = db.session.execute(
        sa.select(GridUnit.code, sa.func.ST_AsGeoJSON(simplified, DECIMALS)).where(_in_level(level, under))).all()
    inside = shapely.point_on_surface(shapely.from_geojson([shape for _, shape in rows]))
    points = shapely.get_coordinates(inside).round(DECIMALS).tolist()
    return {code: (shape, point) for (code, shape), point in zip(rows, points)}


def workers_by_cell(under: str | None) -> dict[str, list[str]]:
    rows = db.session.execute(
        sa.select(GridUnit.code, users.display_name).join(workers, users.unit_id == GridUnit.id)
        .where(_in_level("cell", under), users.role == "grid_worker", users.active.is_(True))
        .order_by(GridUnit.code, users.display_name)).all()
    named: dict[str, list[str]] = {}
    for code, name in rows:
        named.setdefault(code, []).append(name)
    return named


def feature_collection(level: str, under: str | None, rows: list[dict], members: dict | None = None) -> str:
    """A GeoJSON FeatureCollection (as text) of the figure rows of `level`, each with its unit's boundary, and
    `members` beside the features (foreign members, RFC 7946 §6.1)."""
    shapes = boundaries(level, under)
    workers = workers_by_cell(under) if level == "cell" else {}
    parent_length = CODE_LENGTH[UNIT_LEVELS[UNIT_LEVELS.index(level) - 1]] if level != "county" else None
    features = []
    for row in rows:
        code = row["code"]
        shape, label_point = shapes.get(code, ("null", None))
        properties = {**row, "level": level, "parent_code": code[:parent_length] if parent_length else None,
                      "label_point": label_point}
        if level == "cell":
            properties["workers"] = workers.get(code, [])
        features.append('{"type":"Feature","id":%s,"geometry":%s,"properties":%s}' % (
            json.dumps(code), shape, json.dumps(properties, ensure_ascii=False, default=str)))
    extra = "".join(",%s:%s" % (json.dumps(k), json.dumps(v, ensure_ascii=False)) for k, v in (members or {}).items())
    return '{"type":"FeatureCollection"%s,"features":[%s]}' % (extra, ",".join(features))

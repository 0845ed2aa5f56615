"""Grid units as GeoJSON with their figures: the choropleths of the views and the GeoJSON export.

Boundaries are simplified in the database with a tolerance fitting the level (a town is drawn at county
zoom, a cell at village zoom) and written with 5 decimals (≈1 m), so a county's towns travel in tens of
kilobytes rather than megabytes."""
from __future__ import annotations

import json

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


def boundaries(level: str, under: str | None) -> dict[str, str]:
    """{unit code: simplified boundary as GeoJSON text} for the units of `level` in scope."""
    simplified = sa.func.ST_SimplifyPreserveTopology(GridUnit.boundary, TOLERANCE[level])
    return dict(db.session.execute(
        sa.select(GridUnit.code, sa.func.ST_AsGeoJSON(simplified, DECIMALS)).where(_in_level(level, under))).all())


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
        properties = {**row, "level": level, "parent_code": code[:parent_length] if parent_length else None}
        if level == "cell":
            properties["workers"] = workers.get(code, [])
        features.append('{"type":"Feature","id":%s,"geometry":%s,"properties":%s}' % (
            json.dumps(code), shapes.get(code) or "null", json.dumps(properties, ensure_ascii=False, default=str)))
    extra = "".join(",%s:%s" % (json.dumps(k), json.dumps(v, ensure_ascii=False)) for k, v in (members or {}).items())
    return '{"type":"FeatureCollection"%s,"features":[%s]}' % (extra, ",".join(features))

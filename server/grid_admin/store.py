"""Reading and writing grid geometry and household points."""
from __future__ import annotations

import numpy as np
import shapely
import sqlalchemy as sa
from geoalchemy2.shape import from_shape

from ..extensions import db
from ..models import GridUnit, Household
from ..models.types import SRID


def unit_geometries(condition) -> list[tuple[int, str, int | None, object]]:
    """(id, code, parent id, shapely boundary) of the units matching a condition, ordered by code."""
    rows = db.session.execute(
        sa.select(GridUnit.id, GridUnit.code, GridUnit.parent_id, sa.func.ST_AsBinary(GridUnit.boundary))
        .where(condition).order_by(GridUnit.code)).all()
    return [(r[0], r[1], r[2], shapely.from_wkb(bytes(r[3]))) for r in rows]


def household_points(condition=None):
    """ids, current cell ids, lon, lat (NaN where unlocated) of households matching a condition."""
    rows = db.session.execute(
        sa.select(Household.id, Household.cell_id, sa.func.ST_X(Household.location), sa.func.ST_Y(Household.location))
        .where(condition if condition is not None else sa.true()).order_by(Household.id)).all()
    if not rows:
        return np.empty(0, dtype=int), np.empty(0, dtype=int), np.empty(0), np.empty(0)
    ids, cells, lon, lat = zip(*rows)
    to_float = np.vectorize(lambda v: np.nan if v is None else float(v), otypes=[float])
    return np.array(ids), np.array(cells), to_float(lon), to_float(lat)


def as_multipolygon(geom) -> shapely.MultiPolygon:
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
    return shapely.MultiPolygon(parts)


def set_geometry(unit: GridUnit, geom) -> None:
    multi = as_multipolygon(geom)
    unit.boundary = from_shape(multi, srid=SRID)
    unit.centroid = from_shape(shapely.centroid(multi), srid=SRID)

"""Dispute heat tiles: disputes counted in square bins of a Web-Mercator tile, as a Mapbox Vector Tile with
one layer of points (each a bin's centre, with its `count`).

A tile carries at most (BINS + 2·BUFFER_BINS)² points however many disputes lie under it. PostGIS bins and
encodes in one statement (ST_AsMVT); SpatiaLite bins in SQL through its R*Tree (the SpatialIndex virtual
table, which SpatiaLite does not use by itself) and the bins are encoded in Python (maps/mvt.py)."""
from __future__ import annotations

import functools
import math
from types import SimpleNamespace

import sqlalchemy as sa

from ..disputes.listing import filter_conditions
from ..extensions import db
from ..models import Dispute
from . import mvt
from .tiles import EARTH_RADIUS, Tile

LAYER = "disputes"
BINS = 64         # bins per tile side: 64 units of the 4096 extent, 4 px on a 256 px tile
BUFFER_BINS = 6   # bins beyond each edge (24 px), wider than a heat blob's reach in the county view, so
                  # each tile draws the blobs of its neighbours' edge bins too and no seam shows
UNITS_PER_BIN = mvt.EXTENT // BINS


def heat_tile(tile: Tile, filters: dict) -> bytes:
    """The tile's bins of the disputes meeting `filters` (server/disputes/listing.py filter_values); b"" when
    there are none."""
    if db.session.get_bind().dialect.name == "postgresql":
        return _postgis(tile, filters)
    return _spatialite(tile, filter_conditions(filters))


def _bins(tile, in_tile, ln):
    """(bx, by, count) of the disputes passing `in_tile`, by bin of the tile counted from its south-west
    corner. Web-Mercator metres come from plain arithmetic on the degrees, which on the benchmark county
    runs in half the time of ST_Transform; `ln` is the database's natural logarithm. `tile` has the
    xmin, ymin and size of the tile in metres, as numbers or bind parameters."""
    lon, lat = sa.func.ST_X(Dispute.location), sa.func.ST_Y(Dispute.location)
    mx = EARTH_RADIUS * sa.func.radians(lon)
    my = EARTH_RADIUS * ln(sa.func.tan(math.pi / 4 + sa.func.radians(lat) / 2))
    bin_size = tile.size / BINS
    bx = sa.func.floor((mx - tile.xmin) / bin_size).label("bx")
    by = sa.func.floor((my - tile.ymin) / bin_size).label("by")
    return sa.select(bx, by, sa.func.count().label("count")).where(in_tile).group_by(bx, by)


_TILE_PARAMETERS = ("west", "south", "east", "north", "xmin", "ymin", "size")


def _postgis(tile: Tile, filters: dict) -> bytes:
    west, south, east, north = tile.lonlat_bounds(BUFFER_BINS / BINS)
    where = dict(zip(_TILE_PARAMETERS, (west, south, east, north, tile.xmin, tile.ymin, tile.size)))
    encoded = db.session.scalar(_postgis_statement(tuple(sorted(filters))), {**where, **filters})
    return bytes(encoded or b"")


@functools.cache  # one statement per set of filters given (at most 2⁶)
def _postgis_statement(filters: tuple[str, ...]):
    """The tile's statement, built once with bind parameters: SQLAlchemy keeps a statement's cache key, which it
    would otherwise work out again for every tile, and building and keying it cost more than the query for the
    tiles of a town or a village."""
    bound = SimpleNamespace(**{name: sa.bindparam(name, type_=sa.Float) for name in _TILE_PARAMETERS})
    in_tile = sa.and_(Dispute.location.op("&&")(sa.func.ST_MakeEnvelope(bound.west, bound.south, bound.east,
                                                                         bound.north, 4326)),
                      *filter_conditions({name: sa.bindparam(name) for name in filters}))
    bins = _bins(bound, in_tile, sa.func.ln).subquery("bins")
    bin_size = bound.size / BINS
    centre = sa.func.ST_SetSRID(sa.func.ST_MakePoint(bound.xmin + (bins.c.bx + 0.5) * bin_size,
                                                     bound.ymin + (bins.c.by + 0.5) * bin_size), 3857)
    envelope = sa.func.ST_MakeEnvelope(bound.xmin, bound.ymin, bound.xmin + bound.size, bound.ymin + bound.size, 3857)
    features = sa.select(
        sa.func.ST_AsMVTGeom(centre, envelope, mvt.EXTENT, BUFFER_BINS * UNITS_PER_BIN, True).label("geom"),
        sa.cast(bins.c["count"], sa.Integer).label("count")).subquery("features")
    return sa.select(sa.func.ST_AsMVT(sa.literal_column("features"), LAYER, mvt.EXTENT, "geom")).select_from(features)


def _spatialite(tile: Tile, conditions: list) -> bytes:
    west, south, east, north = tile.lonlat_bounds(BUFFER_BINS / BINS)
    candidates = (sa.select(sa.literal_column("ROWID")).select_from(sa.table("SpatialIndex"))
                  .where(sa.literal_column("f_table_name") == "dispute",
                         sa.literal_column("f_geometry_column") == "location",
                         sa.literal_column("search_frame") == sa.func.BuildMbr(west, south, east, north, 4326)))
    in_tile = sa.and_(sa.literal_column("dispute.ROWID").in_(candidates), Dispute.location.is_not(None), *conditions)
    rows = db.session.execute(_bins(tile, in_tile, sa.func.Log)).all()  # SpatiaLite's Log(x) is the natural one
    centre = UNITS_PER_BIN // 2
    return mvt.point_layer(LAYER, (
        (int(x) * UNITS_PER_BIN + centre, mvt.EXTENT - (int(y) * UNITS_PER_BIN + centre), {"count": n})
        for x, y, n in rows if -BUFFER_BINS <= x < BINS + BUFFER_BINS and -BUFFER_BINS <= y < BINS + BUFFER_BINS))

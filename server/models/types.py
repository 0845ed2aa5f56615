"""Column types shared by the models, portable between SpatiaLite and PostGIS."""
from datetime import datetime, timezone

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.types import TypeDecorator

SRID = 4326
INT_MAX = 2**31 - 1  # the largest id or count an INTEGER column holds (PostgreSQL; SQLite fails beyond 2**63)


def point_column(**kw):
    return sa.Column(Geometry("POINT", srid=SRID, spatial_index=True), **kw)


def multipolygon_column(**kw):
    return sa.Column(Geometry("MULTIPOLYGON", srid=SRID, spatial_index=True), **kw)


class UTCDateTime(TypeDecorator):
    """A timestamp with time zone: timestamptz on PostgreSQL, UTC text on SQLite.

    Naive datetimes are refused rather than guessed at: a phone's clock time without an offset
    cannot be placed on the timeline.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: a time zone is required")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def utcnow() -> datetime:
    from .. import clock  # the one clock, so tests that freeze time freeze the defaults too
    return clock.now()


def one_of(column: str, values) -> str:
    """SQL for a CHECK that a column holds one of the vocabulary codes."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def all_digits(column: str) -> str:
    """Portable SQL test that a text column is made of digits only (SQLite has no regex)."""
    expr = column
    for d in "0123456789":
        expr = f"replace({expr}, '{d}', '')"
    return f"{expr} = ''"

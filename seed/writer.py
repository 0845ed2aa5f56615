"""Bulk writing of generated rows, in foreign-key order, in one transaction."""
from __future__ import annotations

from collections.abc import Iterable

import shapely
import sqlalchemy as sa
from tqdm import tqdm

from server.extensions import db

INTEGER_KEYED = ("grid_unit", "app_user", "household", "household_member", "cadre_link")


def ewkt(geom) -> str:
    return "SRID=4326;" + shapely.to_wkt(geom, rounding_precision=-1, trim=True)


def insert_rows(conn, table: str, rows: Iterable[dict], progress: tqdm | None = None, batch: int = 10_000) -> int:
    """Insert rows (dicts keyed by column) with executemany in batches; geometry given as EWKT."""
    t = db.metadata.tables[table]
    done = 0
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            conn.execute(t.insert(), chunk)
            done += len(chunk)
            if progress is not None:
                progress.update(len(chunk))
            chunk = []
    if chunk:
        conn.execute(t.insert(), chunk)
        done += len(chunk)
        if progress is not None:
            progress.update(len(chunk))
    return done


def reset_sequences(conn) -> None:
    """After inserting explicit ids, move PostgreSQL's sequences past them (SQLite needs nothing)."""
    if conn.dialect.name != "postgresql":
        return
    for table in INTEGER_KEYED:
        conn.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"))


def analyze(conn) -> None:
    conn.execute(sa.text("ANALYZE"))

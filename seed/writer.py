"""Bulk writing of generated rows, in foreign-key order, inside the caller's transaction.

PostgreSQL gets COPY (an order of magnitude faster than INSERT for millions of rows); SQLite gets
executemany of prepared INSERTs. Geometry travels as EWKT, which both accept."""
from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from collections.abc import Iterable

import shapely
import sqlalchemy as sa
from tqdm import tqdm

from server.extensions import db

INTEGER_KEYED = ("grid_unit", "app_user", "household", "household_member", "cadre_link")
BATCH = 20_000


def ewkt(geom) -> str:
    return "SRID=4326;" + shapely.to_wkt(geom, rounding_precision=-1, trim=True)


def insert_rows(conn, table: str, rows: Iterable[dict], progress: tqdm | None = None) -> int:
    """Insert rows (dicts keyed by column name) in batches; returns how many."""
    t = db.metadata.tables[table]
    write = _copy if conn.dialect.name == "postgresql" else _executemany
    done, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= BATCH:
            done += write(conn, t, chunk, progress)
            chunk = []
    if chunk:
        done += write(conn, t, chunk, progress)
    return done


def _executemany(conn, table, rows, progress) -> int:
    conn.execute(table.insert(), rows)
    if progress is not None:
        progress.update(len(rows))
    return len(rows)


def _copy(conn, table, rows, progress) -> int:
    given = [c.name for c in table.columns if c.name in rows[0]]
    # COPY bypasses SQLAlchemy, so fill the models' Python-side defaults (timestamps, versions) here; a column the
    # database fills itself (server_default) is left to it, so the generator also writes a schema from before it
    defaults = {c.name: _default(c) for c in table.columns
                if c.name not in rows[0] and c.default is not None and c.server_default is None}
    columns = given + list(defaults)
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join([_copy_text(row[c]) for c in given] + [_copy_text(v) for v in defaults.values()]))
        buf.write("\n")
    buf.seek(0)
    cursor = conn.connection.dbapi_connection.cursor()
    cursor.copy_expert(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN", buf)
    if progress is not None:
        progress.update(len(rows))
    return len(rows)


def _default(column):
    default = column.default
    return default.arg(None) if default.is_callable else default.arg


def _copy_text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime: a time zone is required")
        return value.isoformat()
    if isinstance(value, (dt.date, uuid.UUID, int, float)):
        return str(value)
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def reset_sequences(conn) -> None:
    """After inserting explicit ids, move PostgreSQL's sequences past them (SQLite needs nothing)."""
    if conn.dialect.name != "postgresql":
        return
    for table in INTEGER_KEYED:
        conn.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"))


def analyze(conn) -> None:
    conn.execute(sa.text("ANALYZE"))


def compact_register(engine) -> None:
    """Once a generated county is committed: its household table rewritten compact. The last-visit trigger wrote a
    new version of a household for each chunk of visits reaching it (13 times the live rows on the demo county),
    which neither CLUSTER nor VACUUM FULL inside the generating transaction may drop; a register is compact on its
    first day, and production keeps it so (migration 0018). PostgreSQL only: SQLite updates rows in place."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM FULL ANALYZE household"))

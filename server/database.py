"""Opening the database: SpatiaLite for the embedded default, PostGIS for production.

This is the one place that knows how to find a SQLite driver able to load extensions and how
to load SpatiaLite into it; everything else just uses the engine.
"""
from __future__ import annotations

import os
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

SPATIALITE_CANDIDATES = ("mod_spatialite", "mod_spatialite.so", "/usr/lib/x86_64-linux-gnu/mod_spatialite.so",
                         "/usr/lib/aarch64-linux-gnu/mod_spatialite.so", "/usr/local/lib/mod_spatialite.so",
                         "/opt/homebrew/lib/mod_spatialite.dylib")


class SpatiaLiteUnavailable(RuntimeError):
    """SQLite cannot be used as a spatial database on this machine; the message says why and what to do."""


def sqlite_driver():
    """A DB-API sqlite module whose connections can load extensions.

    Debian's /usr/bin/python3 has this in the standard library; a Python built without loadable
    extensions (pyenv's default build) does not, so fall back to pysqlite3 (pysqlite3-binary).
    """
    if hasattr(sqlite3.Connection, "enable_load_extension"):
        return sqlite3
    try:
        from pysqlite3 import dbapi2
    except ImportError as exc:
        raise SpatiaLiteUnavailable(
            "This Python's sqlite3 cannot load extensions and pysqlite3 is not installed: "
            "pip install pysqlite3-binary (see requirements.txt) or use a Python built with "
            "--enable-loadable-sqlite-extensions.") from exc
    return dbapi2


def load_spatialite(dbapi_conn) -> str:
    """Load the SpatiaLite extension into a raw connection; return the library name that worked."""
    dbapi_conn.enable_load_extension(True)
    explicit = os.environ.get("SPATIALITE_LIBRARY_PATH")
    candidates = (explicit,) if explicit else SPATIALITE_CANDIDATES
    errors = []
    try:
        for name in candidates:
            try:
                dbapi_conn.load_extension(name)
                return name
            except Exception as exc:  # the driver raises its own OperationalError class
                errors.append(f"{name}: {exc}")
    finally:
        dbapi_conn.enable_load_extension(False)
    raise SpatiaLiteUnavailable(
        "SpatiaLite could not be loaded (" + "; ".join(errors) + "). Install it with "
        "`apt-get install libsqlite3-mod-spatialite` or set SPATIALITE_LIBRARY_PATH.")


def _prepare_sqlite_connection(dbapi_conn, _record):
    load_spatialite(dbapi_conn)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA busy_timeout = 30000")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    if cur.execute("SELECT CheckSpatialMetaData()").fetchone()[0] < 1:
        # Only the WGS-84 family of SRIDs: 4326 for storage, 3857 for tiles. Much faster than all of EPSG.
        cur.execute("SELECT InitSpatialMetaData(1, 'WGS84')")
    cur.close()


def engine_options(database_url: str) -> dict:
    """Extra create_engine() options for a database URL."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return {"module": sqlite_driver(), "connect_args": {"timeout": 30}}
    if url.get_backend_name() == "postgresql":
        # jit: compiling pays off for hours-long analytics, not for these queries (on the benchmark county it
        # spent 1.9 s compiling a heat tile that runs in 0.1 s). work_mem: the scope's "household in my area"
        # test is a hashed subplan only if the area's household ids fit in it; at the default 4 MB a county's
        # 300,000 households fall back to a scan per visit, and a month's figures take minutes, not a second.
        return {"pool_pre_ping": True, "connect_args": {"options": "-c jit=off -c work_mem=32MB"}}
    raise ValueError(f"DATABASE_URL must be sqlite:/// or postgresql://, not {url.get_backend_name()}")


def prepare_engine(engine: Engine) -> None:
    """Attach per-connection set-up (SpatiaLite loading, pragmas) to an engine."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _prepare_sqlite_connection)


def is_sqlite(engine_or_conn) -> bool:
    return engine_or_conn.dialect.name == "sqlite"


def alembic_include_object(obj, name, type_, reflected, compare_to):
    """Alembic autogenerate filter: only compare what the models own, never propose dropping
    SpatiaLite's or PostGIS's own tables, and let GeoAlchemy2 handle spatial indexes."""
    from geoalchemy2 import alembic_helpers
    if type_ == "table" and reflected and compare_to is None:
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)

"""The Alembic revisions build the schema from empty, match the models, and go back down."""
import datetime as dt

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from server.database import alembic_include_object
from server.extensions import db
from tests.conftest import make_app

NOW = dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc)

TABLES = {"grid_unit", "household", "household_member", "household_tag", "app_user", "cadre_link", "visit",
          "dispute", "dispute_event"}
SPATIAL_COLUMNS = {("grid_unit", "boundary"), ("grid_unit", "centroid"), ("household", "location"),
                   ("visit", "location"), ("dispute", "location"), ("dispute_event", "location")}


def spatially_indexed_columns(conn):
    if conn.dialect.name == "postgresql":
        rows = conn.execute(sa.text(
            "SELECT t.relname, a.attname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_class t ON t.oid = x.indrelid JOIN pg_am am ON am.oid = i.relam "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(x.indkey) WHERE am.amname = 'gist'"))
    else:
        rows = conn.execute(sa.text(
            "SELECT f_table_name, f_geometry_column FROM geometry_columns WHERE spatial_index_enabled = 1"))
    return {(t, c) for t, c in rows}


def test_upgrade_from_empty_builds_every_table_with_spatial_indexes(db_server):
    app = make_app(db_server.new_database())
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            assert TABLES <= set(sa.inspect(conn).get_table_names())
            assert SPATIAL_COLUMNS <= spatially_indexed_columns(conn)


def test_models_and_migrations_agree(db_server):
    app = make_app(db_server.new_database())
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "include_object": alembic_include_object, "compare_type": False})
            assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_empty_and_up_again(db_server):
    app = make_app(db_server.new_database())
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert not TABLES & set(sa.inspect(conn).get_table_names())
        upgrade()
        with db.engine.connect() as conn:
            assert TABLES <= set(sa.inspect(conn).get_table_names())


def test_0010_rewrites_the_time_limits_stored_in_the_old_shapes(db_server):
    """A county that saved its settings before 0010 has resolution_days as a number and, if it saved the old default,
    an SMS acceptance limit of 7 days: they become the limits as the sources state them, and go back on downgrade."""
    app = make_app(db_server.new_database())
    setting = sa.table("setting", sa.column("key", sa.String), sa.column("value", sa.JSON),
                       sa.column("updated_at", sa.DateTime(timezone=True)))
    with app.app_context():
        upgrade(revision="0009")
        with db.engine.begin() as conn:
            conn.execute(sa.insert(setting), [
                {"key": "resolution_days", "value": 45, "updated_at": NOW},
                {"key": "acceptance_days", "value": {"default": 10, "sms": 7, "phone": 5}, "updated_at": NOW}])
        upgrade(revision="0010")
        with db.engine.connect() as conn:
            stored = dict(conn.execute(sa.select(setting.c.key, setting.c.value)).all())
        assert stored == {"resolution_days": {"default": 45, "sms": 7, "online": 15},
                          "acceptance_days": {"default": 10, "phone": 5}}
        downgrade(revision="0009")
        with db.engine.connect() as conn:
            assert dict(conn.execute(sa.select(setting.c.key, setting.c.value)).all())["resolution_days"] == 45


def channel_check(conn) -> str:
    """dispute's CHECK on channel as the database holds it (SQLite: in the table's schema)."""
    return str(conn.execute(sa.text(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'ck_dispute_channel'"
        if conn.dialect.name == "postgresql" else
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'dispute'")).scalar())


def test_0010_widens_and_narrows_the_channel_check(db_server):
    app = make_app(db_server.new_database())
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            assert "letter" in channel_check(conn)
        downgrade(revision="0009")
        with db.engine.connect() as conn:
            check = channel_check(conn)
        assert "letter" not in check and "walk_in" in check

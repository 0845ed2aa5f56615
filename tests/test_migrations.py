"""The Alembic revisions build the schema from empty, match the models, and go back down."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from server.database import alembic_include_object
from server.extensions import db
from tests.conftest import make_app

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

"""Shared fixtures. The whole suite runs against one back end per pytest run, chosen with
--db=spatialite (default) or --db=postgis; `make test` runs it once with each."""
from __future__ import annotations

import datetime as dt
import itertools
import os

import pytest

from server import create_app
from server.config import Config

# The demo county is generated once per run with a fixed last day, so figures are reproducible.
DEMO_END_DATE = dt.date(2026, 11, 20)


def pytest_addoption(parser):
    parser.addoption("--db", choices=("spatialite", "postgis"), default=os.environ.get("WANGGE_TEST_DB", "spatialite"),
                     help="database back end for this run")


def pytest_report_header(config):
    return f"wangge database back end: {config.getoption('--db')}"


class DatabaseServer:
    """Hands out new empty databases on the chosen back end."""

    def __init__(self, backend: str, tmp_path_factory):
        self.backend = backend
        self._tmp = tmp_path_factory
        self._names = (f"wangge_{i}" for i in itertools.count(1))
        self.pg = None
        if backend == "postgis":
            from tests.pg_cluster import TemporaryPostgres
            self.pg = TemporaryPostgres().start()

    def new_database(self) -> str:
        name = next(self._names)
        if self.pg:
            return self.pg.create_database(name)
        return f"sqlite:///{self._tmp.mktemp('db') / (name + '.sqlite')}"

    def describe(self) -> str:
        return self.pg.version() if self.pg else "SpatiaLite (embedded)"

    def close(self):
        if self.pg:
            self.pg.stop()


@pytest.fixture(scope="session")
def db_server(request, tmp_path_factory):
    server = DatabaseServer(request.config.getoption("--db"), tmp_path_factory)
    print(f"\n[wangge] running on {server.describe()}")
    yield server
    server.close()


@pytest.fixture(scope="session")
def backend(db_server) -> str:
    return db_server.backend


def make_app(database_url: str):
    class TestConfig(Config):
        TESTING = True
        STATS_CACHE_SECONDS = 0  # tests read what they just wrote; tests/api/test_maps.py turns it on
        SQLALCHEMY_DATABASE_URI = database_url
        SECRET_KEY = "test"

    return create_app(TestConfig)


def migrated_app(db_server):
    from flask_migrate import upgrade
    app = make_app(db_server.new_database())
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(scope="session")
def demo_app(db_server):
    """A database migrated from empty and seeded with the demo county (once per run)."""
    from seed.county import generate_county
    from seed.spec import demo_spec
    from server.extensions import db
    app = migrated_app(db_server)
    with app.app_context(), db.engine.begin() as conn:
        app.config["SEED_REPORT"] = generate_county(conn, demo_spec(DEMO_END_DATE), quiet=True)
    return app


def small_county_app(db_server):
    """A fresh database with the small generated county (2 towns, 6 villages, 24 cells, 1,300 households)."""
    from seed.county import generate_county
    from seed.spec import small_spec
    from server.extensions import db
    app = migrated_app(db_server)
    with app.app_context(), db.engine.begin() as conn:
        generate_county(conn, small_spec(DEMO_END_DATE), quiet=True)
    return app


@pytest.fixture
def small_app(db_server):
    """A small county of the test's own, for tests that change data."""
    return small_county_app(db_server)


DEMO_PASSWORD = "wangge2026"


def signed_in(app, username, password=DEMO_PASSWORD):
    """A test client signed in as the user, sending the CSRF token on every request."""
    client = app.test_client()
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    client.environ_base["HTTP_X_CSRF_TOKEN"] = response.get_json()["csrf_token"]
    return client


@pytest.fixture
def client(demo_app):
    """County staff: sees the whole county."""
    return signed_in(demo_app, "county01")


@pytest.fixture(scope="module")
def blank_app(db_server):
    """A migrated, empty database, shared by a module; tests roll back what they write."""
    return migrated_app(db_server)


@pytest.fixture
def session(blank_app):
    from server.extensions import db
    with blank_app.app_context():
        yield db.session
        db.session.rollback()

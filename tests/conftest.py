"""Shared fixtures. The whole suite runs against one back end per pytest run, chosen with
--db=spatialite (default) or --db=postgis; `make test` runs it once with each."""
from __future__ import annotations

import datetime as dt
import itertools
import os
import threading
from contextlib import contextmanager

import pytest

# the app as the suite and the runners in tools/ build it (imported from here by the tests)
from tools.app import DEMO_END_DATE, DEMO_PASSWORD, make_app, signed_in  # noqa: F401


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
            from tools.postgres import TemporaryPostgres
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


@contextmanager
def serving(app):
    """The app served on a free loopback port while the block runs: its base address."""
    from werkzeug.serving import make_server

    from tools.postgres import free_port
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()


@pytest.fixture
def small_app(db_server):
    """A small county of the test's own, for tests that change data."""
    return small_county_app(db_server)


def lately(hours: float = 2) -> str:
    """A phone's time `hours` before now, in China with its offset: inside the bounds the server sets on a phone's
    times (server/phone_time.py: 14 days back at most), however long after the tests were written they run."""
    return (dt.datetime.now(dt.timezone(dt.timedelta(hours=8))) - dt.timedelta(hours=hours)).replace(
        microsecond=0).isoformat()


class Clock:
    """The server's clock as a test sets it: an hour after real time to begin with (so after anything generated)."""

    def __init__(self):
        self.at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)

    def __call__(self):
        return self.at

    def advance(self, **delta) -> dt.datetime:
        self.at += dt.timedelta(**delta)
        return self.at


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """server.clock.now, which every server time (a push's, pull's cursor, column defaults) reads, under test control."""
    from server import clock as server_clock
    frozen = Clock()
    monkeypatch.setattr(server_clock, "now", frozen)
    return frozen


@pytest.fixture
def worker_cell(small_app, clock) -> dict:
    """The first grid worker's cell, with the clock under the test's control: the worker, a household linked to a
    cadre, another household of the cell (not that cadre's), and a household of another town."""
    import sqlalchemy as sa

    from server.extensions import db
    from server.models import CadreLink, GridUnit, Household, User
    with small_app.app_context():
        worker = db.session.scalars(sa.select(User).where(User.role == "grid_worker").order_by(User.id)).first()
        code, cadre = db.session.execute(
            sa.select(Household.code, User.username).join(CadreLink, CadreLink.household_id == Household.id)
            .join(User, User.id == CadreLink.cadre_id)
            .where(Household.cell_id == worker.unit_id, CadreLink.valid_to.is_(None)).order_by(Household.code)).first()
        theirs = sa.select(CadreLink.household_id).join(User, User.id == CadreLink.cadre_id).where(
            User.username == cadre, CadreLink.valid_to.is_(None))
        other = db.session.scalar(sa.select(Household.code).where(Household.cell_id == worker.unit_id,
                                                                  Household.id.not_in(theirs)).order_by(Household.code))
        elsewhere = db.session.scalar(sa.select(Household.code).join(GridUnit, GridUnit.id == Household.cell_id)
                                      .where(GridUnit.code.startswith("610923101")).order_by(Household.code))
        return {"worker": worker.username, "cell": worker.unit.code, "household": code, "cadre": cadre,
                "other": other, "elsewhere": elsewhere, "clock": clock}


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

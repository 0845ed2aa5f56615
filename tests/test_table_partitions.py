"""The growing tables partitioned on PostgreSQL (migration 0007, server/table_partitions.py).

Every PostGIS run of the suite already runs on this layout, since the migrations build it; these tests
check the layout itself, that the app's own period queries read only the partitions of their period,
that rows outside every partition are kept and later moved, and that the migration keeps every row."""
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from seed.county import generate_county
from seed.spec import small_spec
from server.extensions import db
from server.table_partitions import TABLES, ensure_partitions, is_partitioned, partitions_of
from tests.conftest import DEMO_END_DATE, make_app, signed_in

GROWING = {part.table: part for part in TABLES}
on_postgresql = pytest.mark.usefixtures("postgresql_only")


@pytest.fixture
def postgresql_only(backend):
    if backend != "postgis":
        pytest.skip("partitioning is PostgreSQL's; SQLite keeps plain tables")


def counts(conn, tables=GROWING) -> dict[str, int]:
    return {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in tables}


@on_postgresql
def test_growing_tables_are_partitioned_and_the_seed_fills_partitions_not_the_default(demo_app):
    with demo_app.app_context(), db.engine.connect() as conn:
        for table, part in GROWING.items():
            assert is_partitioned(conn, table)
            names = [name for name, _ in partitions_of(conn, table)]
            assert part.default in names
            assert conn.execute(sa.text(f"SELECT COUNT(*) FROM {part.default}")).scalar() == 0, table
        visits = dict(partitions_of(conn, "visit"))
        # China's October, shown in the server's UTC
        assert "FROM ('2026-09-30 16:00:00+00') TO ('2026-10-31 16:00:00+00')" in visits["visit_2026_10"]
        per_partition = sum(conn.execute(sa.text(f"SELECT COUNT(*) FROM {name}")).scalar() for name in visits)
        assert per_partition == conn.execute(sa.text("SELECT COUNT(*) FROM visit")).scalar() > 100_000
        # twelve months of visits spread over at least twelve monthly partitions
        assert sum(1 for name in visits if conn.execute(sa.text(f"SELECT EXISTS (SELECT 1 FROM {name})")).scalar()) >= 12


def relations_read(conn, statement, parameters) -> set[str]:
    plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
    found, stack = set(), [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        if "Relation Name" in node:
            found.add(node["Relation Name"])
        stack.extend(node.get("Plans", []))
    return found


def statements_of(app, client, url) -> list[tuple]:
    captured = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))
    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    assert response.status_code == 200, response.get_json()
    return captured


def partitions_read(app, client, url, table) -> set[str]:
    with app.app_context():
        statements = statements_of(app, client, url)
        with db.engine.connect() as conn:
            read = set().union(*(relations_read(conn, s, p) for s, p in statements if s.lstrip().startswith(("SELECT", "WITH"))))
    return {name for name in read if name.startswith(table + "_")}


@on_postgresql
def test_a_months_figures_read_only_that_months_visit_partition(demo_app):
    client = signed_in(demo_app, "county01")
    read = partitions_read(demo_app, client, "/api/stats/figures?level=town&start=2026-10-01&end=2026-11-01", "visit")
    assert read == {"visit_2026_10"}
    read = partitions_read(demo_app, client, "/api/stats/figures?level=town&start=2026-09-01&end=2026-11-01", "visit")
    assert read == {"visit_2026_09", "visit_2026_10"}


@on_postgresql
def test_an_audit_search_by_date_reads_only_those_months(small_app):
    client = signed_in(small_app, "county01")
    read = partitions_read(small_app, client, "/api/audit?since=2026-11-02T00:00:00%2B08:00"
                           "&until=2026-11-20T00:00:00%2B08:00", "audit_log")
    assert read == {"audit_log_2026_11"}


@on_postgresql
def test_rows_outside_every_partition_are_kept_then_moved_to_their_own(small_app):
    old = dt.datetime(2019, 3, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with small_app.app_context(), db.engine.begin() as conn:
        household, author = conn.execute(sa.text(
            "SELECT h.id, u.id FROM household h, app_user u WHERE u.role = 'grid_worker' LIMIT 1")).one()
        visit = uuid.uuid4()
        conn.execute(sa.text("INSERT INTO visit (id, household_id, author_id, kind, notes, findings, visited_at, "
                             "received_at) VALUES (:id, :h, :a, 'policy', '', '', :at, now())"),
                     {"id": visit, "h": household, "a": author, "at": old})
        conn.execute(sa.text("INSERT INTO audit_log (at, username, action, entity_type) "
                             "VALUES (:at, 'import', 'create', 'household')"), {"at": old})
        assert conn.execute(sa.text("SELECT COUNT(*) FROM visit_default")).scalar() == 1
        before = counts(conn)

    with small_app.app_context(), db.engine.begin() as conn:
        created = ensure_partitions(conn)
    assert {"visit_2019_03", "audit_log_2019_03"} <= set(created)
    assert ensure_partitions_again(small_app) == []

    with small_app.app_context(), db.engine.begin() as conn:
        assert counts(conn) == before
        assert conn.execute(sa.text("SELECT COUNT(*) FROM visit_default")).scalar() == 0
        assert conn.execute(sa.text("SELECT id FROM visit_2019_03")).scalar() == visit
        assert conn.execute(sa.text("SELECT COUNT(*) FROM audit_log_2019_03")).scalar() == 1
    # the moved audit rows are as append-only as ever
    with small_app.app_context(), db.engine.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="append-only"):
        conn.execute(sa.text("DELETE FROM audit_log_2019_03"))


def ensure_partitions_again(app):
    with app.app_context(), db.engine.begin() as conn:
        return ensure_partitions(conn)


@on_postgresql
def test_coming_months_are_created_ahead(small_app):
    with small_app.app_context(), db.engine.begin() as conn:
        created = ensure_partitions(conn, today=dt.date(2028, 6, 10))
    assert {"visit_2028_07", "visit_2028_09", "audit_log_2028_09", "dispute_event_2028"} <= set(created)
    assert "visit_2028_10" not in created and "visit_2027_12" not in created


@on_postgresql
def test_the_migration_partitions_existing_rows_and_its_downgrade_keeps_them(db_server):
    app = make_app(db_server.new_database())
    with app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as conn:
            generate_county(conn, small_spec(DEMO_END_DATE), quiet=True)
            conn.execute(sa.text("INSERT INTO audit_log (at, username, action, entity_type) "
                                 "VALUES (now(), 'system', 'create', 'household')"))
            before = counts(conn)
            assert not any(is_partitioned(conn, t) for t in GROWING)
        upgrade()
        with db.engine.begin() as conn:
            assert counts(conn) == before
            assert all(is_partitioned(conn, t) for t in GROWING)
            assert counts(conn, [p.default for p in TABLES]) == {p.default: 0 for p in TABLES}
            # the trigger came across: a new visit still moves its household's last visit
            household, author = conn.execute(sa.text(
                "SELECT h.id, u.id FROM household h, app_user u WHERE u.role = 'grid_worker' LIMIT 1")).one()
            conn.execute(sa.text("INSERT INTO visit (id, household_id, author_id, kind, notes, findings, visited_at, "
                                 "received_at) VALUES (:id, :h, :a, 'policy', '', '', now(), now())"),
                         {"id": uuid.uuid4(), "h": household, "a": author})
            assert conn.execute(sa.text("SELECT last_visit_at > now() - interval '1 minute' FROM household "
                                        "WHERE id = :h"), {"h": household}).scalar()
            before = counts(conn)
        downgrade(revision="0006")
        with db.engine.begin() as conn:
            assert counts(conn) == before
            assert not any(is_partitioned(conn, t) for t in GROWING)
            nextval = conn.execute(sa.text("INSERT INTO audit_log (at, username, action, entity_type) VALUES "
                                           "(now(), 'system', 'create', 'household') RETURNING id")).scalar()
            assert nextval > conn.execute(sa.text("SELECT MIN(id) FROM audit_log")).scalar()


def test_the_cron_command_creates_what_is_missing_or_says_there_is_nothing_to_do(small_app, backend):
    runner = small_app.test_cli_runner()
    result = runner.invoke(args=["partitions", "ensure", "--since", "2024-01"])
    assert result.exit_code == 0, result.output
    if backend == "postgis":
        assert "visit_2024_01" in result.output and "dispute_event_2024" in result.output
        assert "created 0 partition(s)" in runner.invoke(args=["partitions", "ensure", "--since", "2024-01"]).output
    else:
        assert "nothing to do" in result.output
    assert runner.invoke(args=["partitions", "ensure", "--since", "January"]).exit_code == 2

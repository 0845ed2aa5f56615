"""The household table after a year of visits applied the way production applies them, and coverage on it.

A county is generated, its year of visits set aside, and the county starts again from no visits (households compacted,
as on its first day). The visits then arrive day by day in batches of 500, each its own transaction as a sync push
commits: the batch's households marked changed (updated_at, for the next pull), then the visits, each firing the
last-visit trigger. Between days the tables are vacuumed and analysed the way autovacuum
would (its default thresholds: dead tuples over 50 + 20 % of the rows, changes over 50 + 10 %; autovacuum itself is
off in this throwaway cluster, so every run vacuums at the same points). Never VACUUM FULL.

Measured three times: the county as the seed generates it (its year of visits bulk-loaded in chunks, no vacuum between
them), after the year applied day by day, and after VACUUM FULL of that (the compact reference). Each time: the
household heap and indexes against the live rows they hold, dead tuples, updates and HOT updates (during the year: the
year's own), and the county coverage choropleth (coverage of the last 30
days: the query the last visits serve) through the app beside its raw SQL.

    python -m tools.bench.run --only lastvisit --households 20000 --cells 400 --visits 240000

The section keeps a row per layout (the schema's last migration): run it at an older commit to measure that layout."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import sqlalchemy as sa

HEADING = "## Households after a year of visits"
BATCH = 500  # a sync push's visits per transaction
VACUUM_THRESHOLD, VACUUM_SCALE = 50, 0.2  # autovacuum's defaults
ANALYZE_THRESHOLD, ANALYZE_SCALE = 50, 0.1
URL = "/api/map/units?level=town"  # the county choropleth: coverage of the last 30 days


def _start_without_visits(conn) -> None:
    """Set the generated year aside and clear every last visit: the county as on its first day."""
    conn.execute(sa.text("CREATE TABLE year_of_visits AS SELECT * FROM visit"))
    conn.execute(sa.text("CREATE INDEX ON year_of_visits (id)"))
    conn.execute(sa.text("TRUNCATE visit"))
    conn.execute(sa.text("UPDATE household SET last_visit_at = NULL"))


def _days(conn) -> list[dt.date]:
    return [row[0] for row in conn.execute(sa.text(
        "SELECT DISTINCT (visited_at AT TIME ZONE 'Asia/Shanghai')::date FROM year_of_visits ORDER BY 1"))]


def _vacuum_as_autovacuum_would(engine) -> list[str]:
    """VACUUM (ANALYZE) or ANALYZE each table past autovacuum's thresholds; returns the tables vacuumed."""
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_stat_force_next_flush()"))
        conn.commit()
        rows = conn.execute(sa.text(
            "SELECT s.relname, s.n_dead_tup, s.n_mod_since_analyze, GREATEST(c.reltuples, 0) FROM pg_stat_user_tables s "
            "JOIN pg_class c ON c.oid = s.relid WHERE s.schemaname = 'public'")).all()
    vacuumed = []
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table, dead, changed, tuples in rows:
            if dead > VACUUM_THRESHOLD + VACUUM_SCALE * tuples:
                conn.execute(sa.text(f'VACUUM (ANALYZE) "{table}"'))
                vacuumed.append(table)
            elif changed > ANALYZE_THRESHOLD + ANALYZE_SCALE * tuples:
                conn.execute(sa.text(f'ANALYZE "{table}"'))
    return vacuumed


def apply_year_of_visits(engine) -> dict:
    """The set-aside visits, day by day in batches of BATCH (by arrival), each batch one transaction."""
    with engine.begin() as conn:
        days = _days(conn)
    batches, vacuums = 0, Counter()
    for day in days:
        with engine.begin() as conn:
            ids = [row[0] for row in conn.execute(sa.text(
                "SELECT CAST(id AS text) FROM year_of_visits WHERE (visited_at AT TIME ZONE 'Asia/Shanghai')::date = :d "
                "ORDER BY received_at, id"), {"d": day})]
        for start in range(0, len(ids), BATCH):
            with engine.begin() as conn:  # as a push writes its visits (server/sync/handlers.py write_visits)
                batch = {"ids": ids[start:start + BATCH]}
                conn.execute(sa.text("UPDATE household SET updated_at = now() WHERE id IN (SELECT household_id FROM "
                                     "year_of_visits WHERE id = ANY(CAST(:ids AS uuid[])))"), batch)
                conn.execute(sa.text("INSERT INTO visit SELECT * FROM year_of_visits WHERE id = ANY(CAST(:ids AS uuid[]))"),
                             batch)
            batches += 1
        vacuums.update(_vacuum_as_autovacuum_would(engine))
    return {"days": len(days), "batches": batches, "vacuums": vacuums}


def table_health(conn, table: str) -> dict:
    """The table's heap and indexes against the live rows it holds, and its tuple counters."""
    conn.execute(sa.text("SELECT pg_stat_force_next_flush()"))
    conn.commit()
    heap, indexes = conn.execute(sa.text("SELECT pg_relation_size(:t), pg_indexes_size(:t)"), {"t": table}).one()
    live_bytes, rows = conn.execute(sa.text(f"SELECT COALESCE(SUM(pg_column_size(t.*)), 0), COUNT(*) FROM {table} t")).one()
    stats = conn.execute(sa.text(
        "SELECT n_live_tup, n_dead_tup, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = :t"),
        {"t": table}).mappings().one()
    return {"table": table, "heap": heap, "indexes": indexes, "live_bytes": int(live_bytes), "rows": rows, **stats}


def health(engine, since: list[dict] | None = None) -> list[dict]:
    """table_health of household; updates counted from `since` (an earlier health) when given."""
    with engine.connect() as conn:
        tables = [table_health(conn, "household")]
    for now, before in zip(tables, since or []):
        now["n_tup_upd"] -= before["n_tup_upd"]
        now["n_tup_hot_upd"] -= before["n_tup_hot_upd"]
    return tables


def _autocommit(engine, *statements) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for statement in statements:
            conn.execute(sa.text(statement))


def bench_lastvisit(households: int, cells: int, visits: int, repeat: int = 40) -> dict:
    from flask_migrate import upgrade

    from seed.county import generate_county
    from seed.spec import benchmark_spec
    from server import clock
    from server.extensions import db
    from tools.app import make_app, signed_in
    from tools.postgres import TemporaryPostgres
    cluster = TemporaryPostgres().start()
    states = []
    try:
        app = make_app(cluster.create_database("wangge_lastvisit"))

        def measure(state: str, tables: list[dict]) -> None:
            client = signed_in(app, "county01", "wangge2026")
            states.append({"state": state, "tables": tables, "coverage": coverage(app, client, repeat),
                           "plan": coverage_plan(app, client)})
            db.session.remove()  # the requests ran in this app context: its transaction would block VACUUM FULL
        with app.app_context():
            upgrade()
            engine = db.engine
            _autocommit(engine, "ALTER SYSTEM SET autovacuum = off", "SELECT pg_reload_conf()")
            with engine.begin() as conn:
                generate_county(conn, benchmark_spec(clock.china_today(), households, cells, visits,
                                                     max(1, households // 30)), quiet=True)
                layout = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            measure("as generated", health(engine))
            with engine.begin() as conn:
                _start_without_visits(conn)
            _autocommit(engine, "VACUUM FULL ANALYZE household")  # the first day's compact table, once
            start = health(engine)
            applied = apply_year_of_visits(engine)
            measure("after a year of visits", health(engine, since=start))
            _autocommit(engine, "VACUUM FULL ANALYZE household")
            measure("after VACUUM FULL", health(engine, since=health(engine)))
    finally:
        cluster.stop()
    return {"layout": layout, "households": households, "visits": visits, **applied, "states": states}


def coverage(app, client, repeat: int) -> dict:
    from tools.bench.run import bench_request
    return bench_request(app, client, "county coverage choropleth", URL, repeat, "")


def coverage_plan(app, client) -> str:
    """EXPLAIN ANALYZE of the statement of the map's request that counts coverage (the one reading last visits): the
    nodes that read the household and last-visit tables."""
    from server.extensions import db
    from tools.bench.run import captured_sql
    statement, parameters = next((s, p) for s, p in captured_sql(app, client, URL) if "last_visit_at" in s)
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + statement, parameters)
            lines = [row[0] for row in cursor.fetchall()]
        finally:
            raw.close()
    return "\n".join(line for line in lines if " on household" in line or "Execution Time" in line)


def _mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def rows_of(result: dict) -> list[str]:
    """The section's table rows for one run: one per state and table measured."""
    out = []
    for state in result["states"]:
        c = state["coverage"]
        for t in state["tables"]:
            hot = f"{t['n_tup_hot_upd']:,} ({t['n_tup_hot_upd'] / t['n_tup_upd']:.0%})" if t["n_tup_upd"] else "—"
            timing = (f"{c['p50'] * 1000:.1f} ms | {c['raw_p50'] * 1000:.1f} ms | {c['p50'] / c['raw_p50']:.2f}×"
                      if t["table"] == "household" else "| |")
            vacuums = result["vacuums"].get(t["table"], 0) if state["state"] == STATES[1] else "—"
            out.append(f"| {result['layout']} | {state['state']} | {t['table']} | {t['rows']:,} | {_mb(t['heap'])} | "
                       f"{_mb(t['live_bytes'])} | {t['heap'] / max(t['live_bytes'], 1):.1f}× | {_mb(t['indexes'])} | "
                       f"{t['n_dead_tup']:,} | {t['n_tup_upd']:,} | {hot} | {vacuums} | {timing} | "
                       f"{dt.date.today().isoformat()} |")
    return out


def section(result: dict, old: str = "") -> str:
    """The section with this run's rows, keeping the rows of other layouts from the section as it was (`old`)."""
    kept = [line for line in old.splitlines() if line.startswith("| 00") and not line.startswith(f"| {result['layout']} ")]
    after = next(s for s in result["states"] if s["state"] == "after a year of visits")
    return "\n".join([
        HEADING, "",
        f"Written by `python -m tools.bench.run --only lastvisit` (a county of {result['households']:,} households "
        f"and {result['visits']:,} visits a year in PostGIS, in a throwaway cluster). The county is measured as the "
        "seed generates it (the year bulk-loaded in chunks, no vacuum between them); then given its year again the "
        f"way production applies it — {result['days']} days, {result['batches']:,} transactions of up to {BATCH} "
        "visits, each firing the last-visit trigger, vacuumed (plain VACUUM) and analysed between days where "
        "autovacuum's default thresholds say so, never VACUUM FULL; then after VACUUM FULL, the "
        "compact reference. Heap: pg_relation_size; live: the bytes of the rows it holds (pg_column_size); "
        "indexes: pg_indexes_size; dead, updates, HOT: pg_stat_user_tables (updates: those of that phase); VACUUMs: the table's "
        "plain VACUUMs during the year. "
        "Coverage: the county choropleth (/api/map/units?level=town, coverage of the last 30 days) through the app, "
        "p50 of 40, beside its statements through the driver. Layout: the schema's last migration (0017: "
        "last_visit_at on household, indexed with cell_id, so no update is HOT; 0018: the column unindexed and the "
        "table filled to 90 %, so the trigger's updates stay on their page); a layout's rows stay until it is measured "
        "again (at its commit).", "",
        "| layout | state | table | rows | heap | live | heap ÷ live | indexes | dead tuples | updates | HOT updates "
        "| VACUUMs | coverage p50 | raw SQL p50 | ratio | measured |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *sorted(kept + rows_of(result), key=_order), "",
        f"The coverage statement's reads of the household tables after the year ({result['layout']}):", "", "```",
        after["plan"], "```", ""])


def _order(row: str) -> tuple:
    layout, state, table = (cell.strip() for cell in row.split("|")[1:4])
    return layout, STATES.index(state) if state in STATES else len(STATES), table


STATES = ("as generated", "after a year of visits", "after VACUUM FULL")


def print_result(result: dict) -> None:
    for line in rows_of(result):
        print(line)
    for state in result["states"]:
        print(state["state"], state["plan"], sep="\n")

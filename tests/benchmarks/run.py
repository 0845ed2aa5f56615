"""Benchmarks on the benchmark county in PostGIS: prints figures and writes BENCHMARKS.md.

    python -m tests.benchmarks.run            (make bench)

The county is built once into a PostgreSQL cluster kept under instance/bench-pg (or into
BENCHMARK_DATABASE_URL) and reused by later runs. Each figure is measured beside the equivalent
raw SQL on the same data in the same run, so the ratio means something on any machine."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "BENCHMARKS.md"


def timed(fn, repeat: int):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def open_database(args):
    """The benchmark database URL, building the county when the database is new."""
    url = os.environ.get("BENCHMARK_DATABASE_URL")
    cluster = None
    if not url:
        from tests.pg_cluster import TemporaryPostgres
        cluster = TemporaryPostgres(str(ROOT / "instance" / "bench-pg")).start()
        if not cluster.database_exists("wangge_bench"):
            cluster.create_database("wangge_bench")
        url = cluster.url("wangge_bench")
    return url, cluster


def build_if_empty(app, args) -> str:
    from flask_migrate import upgrade

    from seed.county import database_is_empty, generate_county
    from seed.spec import benchmark_spec
    from server.extensions import db
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            if not database_is_empty(conn):
                return "reused"
            spec = benchmark_spec(dt.date(2026, 11, 20), args.households, args.cells, args.visits, args.disputes)
            report = generate_county(conn, spec)
        return f"built in {report.seconds:.0f} s"


def spatialite_app():
    """The demo county in a SpatiaLite file under instance/, built once."""
    from flask_migrate import upgrade

    from seed.county import database_is_empty, generate_county
    from seed.spec import demo_spec
    from server.extensions import db
    from tests.conftest import make_app
    app = make_app(f"sqlite:///{ROOT / 'instance' / 'bench-spatialite.sqlite'}")
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            if database_is_empty(conn):
                generate_county(conn, demo_spec(dt.date(2026, 11, 20)))
    return app


def bench_assignment(app, repeat):
    """Assigning every household to its cell: the app's path (load, STRtree, compare) vs. a PostGIS join."""
    from server.extensions import db
    from server.grid_admin.assignment import reassign_households
    with app.app_context():
        households = db.session.scalar(sa.text("SELECT COUNT(*) FROM household"))
        cells = db.session.scalar(sa.text("SELECT COUNT(*) FROM grid_unit WHERE level = 'cell'"))
        app_p50, app_max = timed(lambda: reassign_households(), repeat)
        raw = sa.text("SELECT COUNT(*) FROM household h JOIN grid_unit c "
                      "ON c.level = 'cell' AND ST_Within(h.location, c.boundary)")
        raw_p50, raw_max = timed(lambda: db.session.execute(raw).scalar(), repeat)
    return {"name": f"assign {households:,} households to {cells:,} cells", "p50": app_p50, "max": app_max,
            "raw_p50": raw_p50, "target": "< 10 s"}


def bench_sync(app, label: str, batches: int, size: int = 500):
    """Visits pushed in batches of 500 through the API (validation, scope, GPS distance, idempotency
    records, audit, commit), against inserting the same rows into the visit table directly."""
    import uuid

    from server.extensions import db
    from tests.conftest import signed_in
    with app.app_context():
        worker, cell_id = db.session.execute(sa.text(
            "SELECT username, unit_id FROM app_user WHERE role = 'grid_worker' ORDER BY id LIMIT 1")).one()
        households = db.session.execute(sa.text(
            "SELECT h.code, h.id, ST_X(h.location), ST_Y(h.location) FROM household h "
            "WHERE h.cell_id = :c AND h.location IS NOT NULL"), {"c": cell_id}).all()
        author = db.session.scalar(sa.text("SELECT id FROM app_user WHERE username = :u"), {"u": worker})
    client = signed_in(app, worker, "wangge2026")

    def batch():
        return [{"type": "visit", "id": str(uuid.uuid4()), "data": {
            "household_code": households[i % len(households)][0], "kind": "policy", "notes": "入户走访",
            "visited_at": "2026-11-19T09:30:00+08:00", "gps_accuracy_m": 8.0,
            "location": {"lon": households[i % len(households)][2], "lat": households[i % len(households)][3]}}}
            for i in range(size)]

    payloads = [batch() for _ in range(batches)]
    start = time.perf_counter()
    for items in payloads:
        body = client.post("/api/sync/push", json={"items": items}).get_json()
        assert body["accepted"] == size, body
    app_rate = batches * size / (time.perf_counter() - start)

    now = dt.datetime.now(dt.timezone.utc)
    rows = [[{"id": uuid.uuid4(), "household_id": households[i % len(households)][1], "author_id": author,
              "kind": "policy", "notes": "入户走访", "findings": "", "visited_at": now, "received_at": now,
              "location": f"SRID=4326;POINT({households[i % len(households)][2]} {households[i % len(households)][3]})",
              "gps_accuracy_m": 8.0, "distance_m": 0.0, "follow_up_on": None} for i in range(size)]
            for _ in range(batches)]
    with app.app_context():
        start = time.perf_counter()
        for chunk in rows:
            with db.engine.begin() as conn:  # one transaction per batch, as the API commits per batch
                conn.execute(sa.insert(db.metadata.tables["visit"]), chunk)
        raw_rate = batches * size / (time.perf_counter() - start)
    return {"name": f"sync: visits pushed in batches of {size} ({label})", "rate": app_rate, "raw_rate": raw_rate,
            "target": "≥ 2,000 visits/s on PostGIS"}


def write_results(rows, built):
    lines = [
        "# Benchmarks", "",
        f"Written by `make bench` ({' '.join(['python -m tests.benchmarks.run'])}) on {dt.date.today()}; "
        f"machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"PostgreSQL + PostGIS. Benchmark county {built}.", "",
        "| measure | p50 | max | raw SQL p50 | ratio | target |", "|---|---|---|---|---|---|"]
    for r in rows:
        if "rate" in r:
            continue
        lines.append(f"| {r['name']} | {r['p50']:.2f} s | {r['max']:.2f} s | {r['raw_p50']:.2f} s | "
                     f"{r['p50'] / r['raw_p50']:.2f}× | {r['target']} |")
    lines += ["", "| throughput | through the API | raw INSERT, same rows | ratio | target |", "|---|---|---|---|---|"]
    for r in rows:
        if "rate" in r:
            lines.append(f"| {r['name']} | {r['rate']:,.0f} visits/s | {r['raw_rate']:,.0f} rows/s | "
                         f"{r['rate'] / r['raw_rate']:.2f}× | {r['target']} |")
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=300_000)
    parser.add_argument("--cells", type=int, default=6_000)
    parser.add_argument("--visits", type=int, default=3_600_000)
    parser.add_argument("--disputes", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sync-batches", type=int, default=20)
    args = parser.parse_args()

    from tests.conftest import make_app
    url, cluster = open_database(args)
    try:
        app = make_app(url)
        built = build_if_empty(app, args)
        print(f"benchmark county: {built}")
        rows = [bench_assignment(app, args.repeat), bench_sync(app, "PostGIS", args.sync_batches),
                bench_sync(spatialite_app(), "SpatiaLite", args.sync_batches)]
        for r in rows:
            if "rate" in r:
                print(f"{r['name']}: {r['rate']:,.0f} visits/s, raw insert {r['raw_rate']:,.0f} rows/s, "
                      f"ratio {r['rate'] / r['raw_rate']:.2f}×, target {r['target']}")
            else:
                print(f"{r['name']}: p50 {r['p50']:.2f} s (max {r['max']:.2f} s), raw SQL {r['raw_p50']:.2f} s, "
                      f"ratio {r['p50'] / r['raw_p50']:.2f}×, target {r['target']}")
        write_results(rows, built)
        print(f"→ {RESULTS.relative_to(ROOT)}")
    finally:
        if cluster:
            cluster.stop()


if __name__ == "__main__":
    main()

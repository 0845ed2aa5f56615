"""Benchmarks on the benchmark county in PostGIS: prints figures and writes BENCHMARKS.md.

    python -m tools.bench.run            (make bench)

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
from urllib.parse import quote

import sqlalchemy as sa

from tools.bench.attachments import HEADING as ATTACHMENTS_HEADING
from tools.bench.attachments import bench_attachments
from tools.bench.attachments import section as attachments_section
from tools.bench.lastvisit import HEADING as LASTVISIT_HEADING
from tools.bench.lastvisit import bench_lastvisit, print_result
from tools.bench.lastvisit import section as lastvisit_section
from tools.bench.outbound import HEADING as OUTBOUND_HEADING
from tools.bench.outbound import bench_outbound
from tools.bench.outbound import section as outbound_section
from tools.bench.pages import HEADING as PAGES_HEADING
from tools.bench.pages import bench_pages
from tools.bench.pages import section as pages_section
from tools.bench.register import HEADING as REGISTER_HEADING
from tools.bench.register import bench_register
from tools.bench.register import section as register_section
from tools.bench.report import percentile, split_section, write_keeping_sections, write_section
from tools.bench.sweep import HEADING as SWEEP_HEADING
from tools.bench.sweep import bench_sweep
from tools.bench.sweep import section as sweep_section
from tools.bench.sync import HEADING as SYNC_HEADING
from tools.bench.sync import bench_sync
from tools.bench.sync import section as sync_section

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "BENCHMARKS.md"
LASTVISIT_HOUSEHOLDS = 20_000  # the county of a full run's "households after a year of visits" (write_lastvisit)


def timed(fn, repeat: int):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def p95(times: list[float]) -> float:
    return percentile(times, 95)


def open_database(directory: str = "bench-pg", name: str = "wangge_bench", env: str = "BENCHMARK_DATABASE_URL"):
    """The database URL from the environment variable `env`, or a database `name` in a PostgreSQL cluster
    kept under instance/`directory` (created when new), and that cluster to stop."""
    url = os.environ.get(env)
    cluster = None
    if not url:
        from tools.postgres import TemporaryPostgres
        cluster = TemporaryPostgres(str(ROOT / "instance" / directory)).start()
        if not cluster.database_exists(name):
            cluster.create_database(name)
        url = cluster.url(name)
    return url, cluster


def build_if_empty(app, make_spec) -> str:
    """Migrates the app's database and generates the county make_spec() describes when it is empty."""
    from flask_migrate import upgrade

    from seed.county import database_is_empty, generate_county
    from seed.writer import compact_register
    from server.extensions import db
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            if not database_is_empty(conn):
                return "reused"
            report = generate_county(conn, make_spec())
        compact_register(db.engine)  # as `flask seed` leaves it
        return f"built in {report.seconds:.0f} s"


def spatialite_app(name: str = "bench-spatialite.sqlite", make_spec=None):
    """A county (by default the demo county) in a SpatiaLite file under instance/, built once."""
    from seed.spec import demo_spec
    from tools.app import make_app
    app = make_app(f"sqlite:///{ROOT / 'instance' / name}")
    build_if_empty(app, make_spec or (lambda: demo_spec(dt.date(2026, 11, 20))))
    return app


def demo_app(cluster):
    """The demo county in PostGIS beside the benchmark county (in the same cluster, or DEMO_BENCHMARK_DATABASE_URL
    when the benchmark county's database is given by URL), built once."""
    from seed.spec import demo_spec
    from tools.app import make_app
    url = os.environ.get("DEMO_BENCHMARK_DATABASE_URL")
    if not url:
        if cluster is None:
            raise SystemExit("BENCHMARK_DATABASE_URL is set: set DEMO_BENCHMARK_DATABASE_URL for the demo county too")
        if not cluster.database_exists("wangge_demo"):
            cluster.create_database("wangge_demo")
        url = cluster.url("wangge_demo")
    app = make_app(url)
    print(f"demo county: {build_if_empty(app, lambda: demo_spec(dt.date(2026, 11, 20)))}")
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


def captured_sql(app, client, url) -> list[tuple]:
    """The statements (with their parameters) one request sends to the database, but for the user's
    session lookup: the "raw SQL" the request is measured against."""
    from server.extensions import db
    statements = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith("SELECT app_user.id AS app_user_id"):
            statements.append((statement, parameters))
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", keep)
        try:
            assert client.get(url).status_code == 200, url
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", keep)
    return statements


def bench_request(app, client, name: str, url: str, repeat: int, target: str, raw_bytes=None) -> dict:
    """p50 / p95 of a GET through the whole app (session, policy, scope, query, response), beside the same
    statements sent straight to the database through the driver, alternating so both see the same caches."""
    from server.extensions import db
    statements = captured_sql(app, client, url)
    with app.app_context():
        raw = db.engine.raw_connection()
    app_times, raw_times, size = [], [], 0
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            size = len(client.get(url).data)
            app_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            cursor = raw.cursor()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                cursor.fetchall()
            raw.rollback()
            raw_times.append(time.perf_counter() - start)
    finally:
        raw.close()
    return {"name": name, "url": url, "p50": statistics.median(app_times), "p95": p95(app_times),
            "raw_p50": statistics.median(raw_times), "raw_p95": p95(raw_times), "bytes": size,
            "raw_bytes": raw_bytes, "target": target}


def densest_town_centre(app) -> tuple[float, float, str]:
    from server.extensions import db
    with app.app_context():
        return tuple(db.session.execute(sa.text(
            "SELECT ST_X(t.centroid), ST_Y(t.centroid), t.name FROM grid_unit t JOIN "
            "(SELECT substr(c.code, 1, 9) AS code, COUNT(*) AS n FROM dispute d JOIN grid_unit c ON c.id = d.cell_id "
            " GROUP BY 1 ORDER BY 2 DESC LIMIT 1) busiest ON busiest.code = t.code")).one())


def raw_points_geojson_bytes(app, tile) -> int:
    """What the tile's disputes would weigh as a GeoJSON of points, the way a naive layer would send them."""
    import json

    from server.extensions import db
    west, south, east, north = tile.lonlat_bounds()
    with app.app_context():
        rows = db.session.execute(sa.text(
            "SELECT id, ST_X(location), ST_Y(location), category, risk_colour, state, reported_at FROM dispute "
            "WHERE location && ST_MakeEnvelope(:w, :s, :e, :n, 4326)"), {"w": west, "s": south, "e": east, "n": north})
        features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(x, 6), round(y, 6)]},
                     "properties": {"id": str(i), "category": c, "risk_colour": r, "state": st,
                                    "reported_at": at.isoformat()}} for i, x, y, c, r, st, at in rows]
    return len(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode())


def full_boundaries_bytes(app, level: str) -> int:
    from server.extensions import db
    with app.app_context():
        return db.session.scalar(sa.text(
            "SELECT SUM(LENGTH(ST_AsGeoJSON(boundary))) FROM grid_unit WHERE level = :l"), {"l": level})


def unit_counts(app) -> dict[str, int]:
    from server.extensions import db
    with app.app_context():
        counts = dict(db.session.execute(sa.text("SELECT level, COUNT(*) FROM grid_unit GROUP BY level")).all())
        return {**counts, "households": db.session.scalar(sa.text("SELECT COUNT(*) FROM household"))}


def bench_views(app, repeat: int, county: str) -> list[dict]:
    """The township and county views' requests, as county staff, and a grid worker's pull, on one county
    (`county` names it in the table: the same measures on the demo and the benchmark county show how each
    cost grows with the data)."""
    from server import clock, freeze_start_up_objects
    from server.maps.tiles import lonlat_to_tile
    from tools.app import signed_in
    client = signed_in(app, "county01", "wangge2026")
    lon, lat, town = densest_town_centre(app)
    units = unit_counts(app)
    freeze_start_up_objects()  # as wsgi.py does in a serving process
    rows = [bench_request(app, client, f"county coverage choropleth: {units['town']:,} towns, coverage of the "
                          "last 30 days", "/api/map/units?level=town", repeat, "p50 < 200 ms",
                          full_boundaries_bytes(app, "town"))]
    for z, zoom_name in ((8, "county"), (9, "county"), (10, "county"), (11, "town"), (13, "village")):
        tile = lonlat_to_tile(lon, lat, z)
        rows.append(bench_request(
            app, client, f"dispute heat tile z{z} ({zoom_name} zoom, over {town})",
            f"/api/map/heat/{z}/{tile.x}/{tile.y}.mvt", repeat, "p50 < 100 ms, ≤ 1.3× raw, ≥ 10× fewer bytes",
            raw_points_geojson_bytes(app, tile)))
    first = clock.china_today().replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    rows.append(bench_request(app, client, f"figures table: every figure for the {units['town']:,} towns, this month",
                              f"/api/stats/figures?level=town&start={first}&end={following}", repeat, "≤ 1.3× raw"))
    rows.append(bench_request(app, client, f"figures table: every figure for the {units['village']:,} villages, "
                              "this month", f"/api/stats/figures?level=village&start={first}&end={following}",
                              repeat, "≤ 1.3× raw"))
    rows += bench_pull(app, repeat)
    rows.append(bench_request(app, client, "a signed-in request that does nothing: who am I", "/api/auth/me", repeat,
                              "≤ 2 ms above raw"))  # what every request pays before its own work
    households = units["households"]
    return [{**row, "county": f"{county}, {households:,} households", "households": households} for row in rows]


def bench_pull(app, repeat: int) -> list[dict]:
    """A grid worker's pull: the first (everything the phone keeps of the cell) and the one every sync sends
    after it (what changed since the cursor, and the lists answered whole)."""
    from server.extensions import db
    from server.sync.pull import OVERLAP
    from tools.app import signed_in
    with app.app_context():
        worker = db.session.scalar(sa.text(
            "SELECT username FROM app_user WHERE role = 'grid_worker' ORDER BY id LIMIT 1"))
    client = signed_in(app, worker)
    cursor = client.get("/api/sync/pull").get_json()["cursor"]
    with app.app_context():  # a county built moments ago would still be inside the cursor's overlap
        newest = db.session.scalar(sa.text(
            "SELECT MAX(t) FROM (SELECT MAX(updated_at) AS t FROM household UNION ALL SELECT MAX(updated_at) "
            "FROM cadre_link UNION ALL SELECT MAX(updated_at) FROM dispute) changes"))
    cursor = max(dt.datetime.fromisoformat(cursor), newest + OVERLAP + dt.timedelta(seconds=1)).isoformat()
    return [bench_request(app, client, "pull: a grid worker's first, the whole cell", "/api/sync/pull", repeat,
                          "≤ 1.3× raw"),
            bench_request(app, client, "pull: a grid worker's next, nothing changed",
                          f"/api/sync/pull?since={quote(cursor)}", repeat, "≤ 1.3× raw")]


def bench_warnings(app) -> list[dict]:
    """`flask warnings scan` on the benchmark county: each rule's query, the whole scan raising its alerts,
    and the same scan again (it must raise nothing). Rolled back, so every run starts from no alerts."""
    from server import clock, settings
    from server.extensions import db
    from server.warnings.engine import scan
    from server.warnings.rules import RULES
    now = clock.now()
    rows = []
    with app.app_context():
        config = settings.all_settings()
        for rule, find in RULES.items():
            start = time.perf_counter()
            found = len(find(now, config))
            rows.append({"warning": f"rule {rule}", "seconds": time.perf_counter() - start, "alerts": found})
        start = time.perf_counter()
        raised = scan(now)
        rows.append({"warning": "whole scan, raising the alerts", "seconds": time.perf_counter() - start,
                     "alerts": sum(raised.values())})
        start = time.perf_counter()
        again = scan(now)
        rows.append({"warning": "the same scan again (idempotent)", "seconds": time.perf_counter() - start,
                     "alerts": sum(again.values())})
        db.session.rollback()
    return rows


def growth_text(cost: float, data: float) -> str:
    """How a measure grew from the demo county to the benchmark county beside how the households grew; one that grew
    faster is marked, for its note in "Issue 21's targets" (written by hand, kept by full runs)."""
    return f"{cost:.1f}× (data {data:.1f}×)" + (" **faster than the data**" if cost > data else "")


def write_results(rows, built):
    lines = [
        "# Benchmarks", "",
        f"Written by `make bench` ({' '.join(['python -m tools.bench.run'])}) on {dt.date.today()}; "
        f"machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"PostgreSQL + PostGIS. Benchmark county {built}.", "",
        "| measure | p50 | max | raw SQL p50 | ratio | target |", "|---|---|---|---|---|---|"]
    for r in rows:
        if "url" in r or "warning" in r:
            continue
        lines.append(f"| {r['name']} | {r['p50']:.2f} s | {r['max']:.2f} s | {r['raw_p50']:.2f} s | "
                     f"{r['p50'] / r['raw_p50']:.2f}× | {r['target']} |")
    lines += ["", "The views' requests, as county staff through the whole app (session, access policy, scope, "
              "query, response), and a grid worker's pull, beside the same SQL sent straight through the driver; "
              "p50 and p95 of alternating runs. Raw GeoJSON: the heat tile's disputes as GeoJSON points, or the "
              "units' unsimplified boundaries. The app's time includes what every signed-in request costs before "
              "its query (reading the session, loading the user, the access policy, the scope). Each measure on the "
              "demo county, then on the benchmark county; growth: how many times the benchmark county's p50 is the "
              "demo county's, beside how many times its households are.",
              "", "| measure | county | p50 | p95 | raw SQL p50 | ratio | growth | bytes | raw GeoJSON bytes | "
              "fewer bytes | target |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    views = [r for r in rows if "url" in r]
    counties = list(dict.fromkeys(r["county"] for r in views))
    by_county = [[r for r in views if r["county"] == c] for c in counties]
    for measures in zip(*by_county):  # the same measure on each county, side by side
        first = measures[0]
        for r in measures:
            raw_bytes = f"{r['raw_bytes']:,}" if r["raw_bytes"] else "—"
            fewer = f"{r['raw_bytes'] / r['bytes']:.0f}×" if r["raw_bytes"] and r["bytes"] else "—"
            growth = "—" if r is first else growth_text(r['p50'] / first['p50'], r['households'] / first['households'])
            lines.append(f"| {r['name']} | {r['county']} | {r['p50'] * 1000:.1f} ms | {r['p95'] * 1000:.1f} ms | "
                         f"{r['raw_p50'] * 1000:.1f} ms | {r['p50'] / r['raw_p50']:.2f}× | {growth} | "
                         f"{r['bytes']:,} | {raw_bytes} | {fewer} | {r['target']} |")
    warnings = [r for r in rows if "warning" in r]
    if warnings:
        lines += ["", "Early warnings on the benchmark county (`flask warnings scan`; target: the whole scan under 60 s). "
                  "Alerts: candidates a rule finds, or alerts a scan raised.", "",
                  "| early warnings | seconds | alerts |", "|---|---|---|"]
        lines += [f"| {r['warning']} | {r['seconds']:.2f} | {r['alerts']:,} |" for r in warnings]
    write_keeping_sections(RESULTS, "\n".join(lines) + "\n")


def bench_both_syncs(app, args, spec) -> str:
    """The sync push on the benchmark county in PostGIS and on a SpatiaLite county, printed; BENCHMARKS.md's section."""
    default = args.instance == "bench-pg"
    lite = spatialite_app() if default else spatialite_app(f"{args.instance}.sqlite", spec)
    results = [bench_sync(app, "PostGIS", args.sync_batches), bench_sync(lite, "SpatiaLite", args.sync_batches)]
    for r in results:
        print(f"sync ({r['label']}): {r['rate']:,.0f} visits/s; raw INSERT {r['raw_rate']:,.0f} rows/s, ratio "
              f"{r['rate'] / r['raw_rate']:.2f}×; with sync_item and audit rows {r['bookkeeping_rate']:,.0f} rows/s, "
              f"ratio {r['rate'] / r['bookkeeping_rate']:.2f}×")
        for part, seconds in r["profile"].items():
            print(f"    {part}: {seconds * 1000:.1f} ms")
    sizes = f"{args.households:,} households, {args.cells:,} cells, {args.visits:,} visits, {args.disputes:,} disputes"
    county = (f"the benchmark county ({sizes}) in PostGIS and the demo county in SpatiaLite" if default else
              f"a smaller benchmark county ({sizes}) in PostGIS and in SpatiaLite (`--instance {args.instance}`)")
    return sync_section(results, county)


def write_lastvisit(args, old: str | None = None) -> None:
    """The household table after a year of visits, on a county of its own in a throwaway cluster: --households etc.
    with --only lastvisit; in a full run a county of LASTVISIT_HOUSEHOLDS (a year of 300,000 households' visits applied
    day by day is 3.6 million trigger firings, most of an hour; the table's health is a ratio that does not need it)."""
    households, cells, visits = ((args.households, args.cells, args.visits) if args.only == "lastvisit" else
                                 (LASTVISIT_HOUSEHOLDS, LASTVISIT_HOUSEHOLDS // 50, LASTVISIT_HOUSEHOLDS * 12))
    result = bench_lastvisit(households, cells, visits)
    print_result(result)
    if old is None:  # the section as it is now (a full run passes it as it was before it rewrote the file)
        old = lastvisit_before()
    write_section(RESULTS, LASTVISIT_HEADING, lastvisit_section(result, old))
    print(f"→ {RESULTS.relative_to(ROOT)} ({LASTVISIT_HEADING[3:]})")


def lastvisit_before() -> str:
    """The households-after-a-year section as BENCHMARKS.md holds it: its rows of other layouts are kept."""
    return split_section(RESULTS.read_text(encoding="utf-8"), LASTVISIT_HEADING)[1] if RESULTS.exists() else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=300_000)
    parser.add_argument("--cells", type=int, default=6_000)
    parser.add_argument("--visits", type=int, default=3_600_000)
    parser.add_argument("--disputes", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sync-batches", type=int, default=20)
    parser.add_argument("--view-repeat", type=int, default=40, help="requests per view measure")
    parser.add_argument("--instance", default="bench-pg", help="the folder under instance/ of the PostgreSQL cluster "
                        "holding the benchmark county; another one (e.g. bench-sync) keeps a smaller county apart, "
                        "with its SpatiaLite copy in instance/<folder>.sqlite (the default's: the demo county)")
    parser.add_argument("--only", choices=("views", "warnings", "register", "attachments", "outbound", "sweep", "sync",
                                           "pages", "lastvisit"),
                        help="only the views' or the warnings' measures, printed (BENCHMARKS.md is written by full "
                             "runs); or only the register import, the attachment uploads, the outbound sender, the "
                             "desk's pages in a browser, the sync push or the household table after a year of visits "
                             "(on a county of --households, --cells and --visits of its own), which write their own "
                             "sections of BENCHMARKS.md")
    args = parser.parse_args()
    if args.only == "register":  # needs no benchmark county: a fresh database of its own on each back end
        write_section(RESULTS, REGISTER_HEADING, register_section(bench_register()))
        print(f"→ {RESULTS.relative_to(ROOT)} ({REGISTER_HEADING[3:]})")
        return
    if args.only == "attachments":  # a small county of its own on each back end
        write_section(RESULTS, ATTACHMENTS_HEADING, attachments_section(bench_attachments()))
        print(f"→ {RESULTS.relative_to(ROOT)} ({ATTACHMENTS_HEADING[3:]})")
        return
    if args.only == "pages":  # the demo county in a SpatiaLite file of its own, Chromium through Playwright
        write_section(RESULTS, PAGES_HEADING, pages_section(bench_pages()))
        print(f"→ {RESULTS.relative_to(ROOT)} ({PAGES_HEADING[3:]})")
        return
    if args.only == "lastvisit":
        write_lastvisit(args)
        return
    if args.only == "outbound":  # a small county of its own on each back end, the fake gateway on loopback
        write_section(RESULTS, OUTBOUND_HEADING, outbound_section(bench_outbound()))
        print(f"→ {RESULTS.relative_to(ROOT)} ({OUTBOUND_HEADING[3:]})")
        return

    from seed.spec import benchmark_spec
    from tools.app import make_app
    url, cluster = open_database(args.instance)

    def spec():
        return benchmark_spec(dt.date(2026, 11, 20), args.households, args.cells, args.visits, args.disputes)
    try:
        app = make_app(url)
        built = build_if_empty(app, spec)
        print(f"benchmark county: {built}")
        if args.only == "sweep":
            write_section(RESULTS, SWEEP_HEADING, sweep_section(bench_sweep(app)))
            print(f"→ {RESULTS.relative_to(ROOT)} ({SWEEP_HEADING[3:]})")
            return
        sync = bench_both_syncs(app, args, spec) if args.only in (None, "sync") else None
        if args.only == "sync":
            write_section(RESULTS, SYNC_HEADING, sync)
            print(f"→ {RESULTS.relative_to(ROOT)} ({SYNC_HEADING[3:]})")
            return
        rows = [] if args.only else [bench_assignment(app, args.repeat)]
        if args.only in (None, "views"):
            rows += bench_views(demo_app(cluster), args.view_repeat, "demo")
            rows += bench_views(app, args.view_repeat, "benchmark")
        rows += bench_warnings(app) if args.only in (None, "warnings") else []
        for r in rows:
            if "warning" in r:
                print(f"warnings, {r['warning']}: {r['seconds']:.2f} s, {r['alerts']:,} alerts")
            elif "url" in r:
                print(f"{r['name']} [{r['county']}]: p50 {r['p50'] * 1000:.1f} ms, p95 {r['p95'] * 1000:.1f} ms, raw SQL p50 "
                      f"{r['raw_p50'] * 1000:.1f} ms, ratio {r['p50'] / r['raw_p50']:.2f}×, {r['bytes']:,} bytes"
                      + (f" (raw GeoJSON {r['raw_bytes']:,})" if r["raw_bytes"] else ""))
            else:
                print(f"{r['name']}: p50 {r['p50']:.2f} s (max {r['max']:.2f} s), raw SQL {r['raw_p50']:.2f} s, "
                      f"ratio {r['p50'] / r['raw_p50']:.2f}×, target {r['target']}")
        if args.only:
            print(f"(--only: {RESULTS.relative_to(ROOT)} left as it was)")
        else:
            lastvisit_rows = lastvisit_before()  # write_results rewrites the file, keeping only the hand-kept sections
            write_results(rows, built)
            write_section(RESULTS, SYNC_HEADING, sync)  # after write_results, which rewrites the file
            write_section(RESULTS, REGISTER_HEADING, register_section(bench_register()))
            write_section(RESULTS, ATTACHMENTS_HEADING, attachments_section(bench_attachments()))
            write_section(RESULTS, OUTBOUND_HEADING, outbound_section(bench_outbound()))
            write_section(RESULTS, SWEEP_HEADING, sweep_section(bench_sweep(app)))
            write_section(RESULTS, PAGES_HEADING, pages_section(bench_pages()))
            write_lastvisit(args, lastvisit_rows)
            print(f"→ {RESULTS.relative_to(ROOT)}")
    finally:
        if cluster:
            cluster.stop()


if __name__ == "__main__":
    main()

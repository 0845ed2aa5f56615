"""Load test: grid workers syncing batches and county staff browsing maps, at once, against gunicorn +
PostGIS on the demo county; then every item a push accepted is looked for in the database.

    python -m tools.load.run [--workers 200] [--county-users 20] [--duration 60] [--seed 1]   (make loadtest)

The demo county is built once into a PostgreSQL cluster kept under instance/load-pg (or into
LOADTEST_DATABASE_URL) and reused; each run adds its visits and disputes to it. The server and the clients
share the machine and talk over loopback. Prints a table and writes the "## Load test" section of
BENCHMARKS.md (the rest of the file is kept)."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shlex
import threading
import time
import uuid

import sqlalchemy as sa

from tools.app import DEMO_PASSWORD, make_app
from tools.bench.report import LOAD_TEST, write_section
from tools.bench.run import RESULTS, build_if_empty, open_database
from tools.load.client import Area, CountyUser, GridWorker, Session
from tools.load.summary import summarise, table_lines

GUNICORN = "--workers 4 --worker-class gthread --threads 4"


def plan(app, workers: int, county_users: int, rng: random.Random):
    """The grid workers (with their cells' households), the county staff accounts, and the county's area."""
    from server.extensions import db
    from server.maps.tiles import lonlat_to_tile
    with app.app_context():
        run = db.session.execute
        all_workers = run(sa.text("SELECT u.username, u.unit_id FROM app_user u WHERE u.role = 'grid_worker' "
                                  "AND u.active AND u.unit_id IS NOT NULL ORDER BY u.username")).all()
        chosen = rng.sample(all_workers, min(workers, len(all_workers)))
        households = {}
        for cell_id, code, lon, lat in run(sa.text(
                "SELECT cell_id, code, ST_X(location), ST_Y(location) FROM household "
                "WHERE cell_id = ANY(:cells) AND location IS NOT NULL"), {"cells": [c for _, c in chosen]}):
            households.setdefault(cell_id, []).append((code, lon, lat))
        staff = run(sa.text("SELECT username FROM app_user WHERE role = 'county_staff' AND active "
                            "ORDER BY username")).scalars().all()
        county = run(sa.text("SELECT code FROM grid_unit WHERE level = 'county'")).scalar_one()
        towns = {}
        for town, village in run(sa.text("SELECT t.code, v.code FROM grid_unit t JOIN grid_unit v ON v.parent_id = t.id "
                                         "WHERE t.level = 'town' ORDER BY 1, 2")):
            towns.setdefault(town, []).append(village)
        extents = dict(run(sa.text("SELECT code, ARRAY[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)] FROM "
                                   "(SELECT code, boundary::box2d AS b FROM grid_unit "
                                   " WHERE level IN ('county', 'town')) e")).all())

    def tiles(code, z):
        west, south, east, north = extents[code]
        nw, se = lonlat_to_tile(west, north, z), lonlat_to_tile(east, south, z)
        return [(z, x, y) for x in range(nw.x, se.x + 1) for y in range(nw.y, se.y + 1)]

    area = Area(county, towns, {z: tiles(county, z) for z in (9, 10)}, {t: tiles(t, 11) for t in towns})
    workers_plan = [(username, households[cell]) for username, cell in chosen if households.get(cell)]
    return workers_plan, [staff[i % len(staff)] for i in range(county_users)], area


def simulate(user, ready: threading.Barrier, signing_in: threading.Semaphore, clock: dict):
    """Sign in (and the first pull), a few users at a time (sessions last 30 days: phones do not sign in
    all at once), wait for everyone, then act and pause until the end of the run."""
    with signing_in:
        started = user.start(DEMO_PASSWORD)
    ready.wait()
    if not started:
        return
    time.sleep(user.rng.uniform(0, user.pause()))  # spread the first actions over a pause
    while time.monotonic() < clock["end"]:
        user.step()
        pause = user.pause()
        if time.monotonic() + pause >= clock["end"]:
            break
        time.sleep(pause)
    user.session.close()


def run_load(port: int, workers: list[GridWorker], county: list[CountyUser], duration: float) -> tuple[float, float]:
    users = [*workers, *county]
    ready = threading.Barrier(len(users) + 1)
    clock = {"end": float("inf")}
    signing_in = threading.Semaphore(4)
    threads = [threading.Thread(target=simulate, args=(u, ready, signing_in, clock), daemon=True) for u in users]
    for thread in threads:
        thread.start()
    ready.wait()  # everyone signed in
    start = time.monotonic()
    clock["end"] = start + duration
    print(f"signed in; running for {duration:.0f} s…", flush=True)
    for thread in threads:
        thread.join(timeout=max(1.0, clock["end"] + 120 - time.monotonic()))
    return start, time.monotonic()


def written(app, usernames: list[str]) -> dict[str, int]:
    """Visits and disputes these users have written, in all."""
    from server.extensions import db
    with app.app_context():
        return {kind: db.session.execute(sa.text(
            f"SELECT COUNT(*) FROM {kind} JOIN app_user u ON u.id = {kind}.{author} WHERE u.username = ANY(:u)"),  # noqa: S608
            {"u": usernames}).scalar() for kind, author in (("visit", "author_id"), ("dispute", "reporter_id"))}


def verify(app, workers: list[GridWorker], before: dict[str, int]) -> dict:
    """Every accepted item exists once, and the workers wrote nothing else during the run."""
    from server.extensions import db
    accepted = {}
    for worker in workers:
        accepted.update(worker.accepted)
    after = written(app, [w.username for w in workers])
    counts = {}
    with app.app_context():
        for kind in ("visit", "dispute"):
            ids = [uuid.UUID(i) for i, t in accepted.items() if t == kind]
            found = sum(db.session.execute(sa.text(f"SELECT COUNT(*) FROM {kind} WHERE id = ANY(:ids)"),  # noqa: S608
                                           {"ids": ids[i:i + 5000]}).scalar() for i in range(0, len(ids), 5000))
            counts[kind] = {"accepted": len(ids), "found": found, "lost": len(ids) - found,
                            "duplicates": after[kind] - before[kind] - found}
    counts["rejected"] = sum(len(w.rejected) for w in workers)
    counts["resend_mismatches"] = sum(w.resend_mismatches for w in workers)
    counts["unsent"] = sum(w.unsent for w in workers)
    return counts


def markdown(summary: dict, items: dict, setting: dict) -> str:
    lost = sum(items[k]["lost"] for k in ("visit", "dispute"))
    duplicates = sum(items[k]["duplicates"] for k in ("visit", "dispute"))
    target_met = all(row["p95"] < 0.3 for row in summary["rows"] if row["target"]) and summary["errors"] == 0
    lines = [
        LOAD_TEST, "",
        f"Written by `make loadtest` (`python -m tools.load.run {setting['argv']}`) on {dt.date.today()}; machine: "
        f"{os.cpu_count()} cores (load average {setting['load']:.1f} just before the run: other work on the machine "
        "takes its share), server, PostgreSQL and clients on the same machine over loopback. gunicorn "
        f"`{setting['gunicorn']}`; demo county (415 cells, 22,013 households, PostGIS, {setting['built']}).", "",
        f"{setting['workers']} grid workers (one connection each) push a batch of 5–30 visits to households of their "
        f"own cell (a dispute in one batch of ten), send {setting['resend']:.0%} of the batches again as a phone "
        f"whose reply was lost, and pull what changed, every {setting['think'] * 0.5:.1f}–{setting['think'] * 1.5:.1f} s; "
        f"{setting['county_users']} county users on {setting['accounts']} county staff accounts (several share one) "
        "browse the county view (units, figures and trends town → village → cell, heat tiles over the county at "
        f"z9–z10 and over a town at z11, open disputes) with {CountyUser.think[0]:g}–{CountyUser.think[1]:g} s between "
        "actions. Signing in and each phone's first "
        f"full pull come before the {summary['seconds']:.0f} s measured; rows after the line are those warm-up "
        "requests.", "",
        "| request | requests | req/s | p50 | p95 | p99 | max | errors | target p95 < 300 ms |",
        "|---|---|---|---|---|---|---|---|---|",
        *table_lines(summary, markdown=True), "",
        f"Items: {items['visit']['accepted']:,} visits ({items['visit']['accepted'] / summary['seconds']:,.0f} visits/s) "
        f"and {items['dispute']['accepted']:,} disputes accepted; found in the database {items['visit']['found']:,} and "
        f"{items['dispute']['found']:,}: **lost {lost}, duplicates {duplicates}** (rows these workers wrote during "
        f"the run beyond the accepted ones); rejected {items['rejected']}, re-sent batches answered "
        f"differently {items['resend_mismatches']}, items never answered (left in the outbox) {items['unsent']}.", "",
        f"Target (p95 < 300 ms for sync and map requests, no errors, no item lost): **{'met' if target_met and not lost and not duplicates else 'not met'}**.",
    ]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=200, help="grid workers syncing")
    parser.add_argument("--county-users", type=int, default=20, help="county users browsing the county view")
    parser.add_argument("--duration", type=float, default=60, help="seconds measured, after signing in")
    parser.add_argument("--seed", type=int, default=1)
    # 200 workers syncing every 15–45 s: about as many syncs a second as all 415 of the demo county's workers
    # each syncing once a minute; phones sync when they have signal, a few times an hour
    parser.add_argument("--think", type=float, default=30, help="a grid worker's mean seconds between syncs")
    parser.add_argument("--resend", type=float, default=0.15, help="share of pushes sent again")
    parser.add_argument("--timeout", type=float, default=30, help="seconds before a request counts as timed out")
    parser.add_argument("--gunicorn", default=GUNICORN, help=f"gunicorn's options (default: {GUNICORN})")
    parser.add_argument("--no-write", action="store_true", help=f"print only, leave {RESULTS.name} as it is")
    args = parser.parse_args()

    from seed.spec import demo_spec
    from tools.gunicorn_server import Server
    rng = random.Random(args.seed)
    url, cluster = open_database("load-pg", "wangge_load", "LOADTEST_DATABASE_URL")
    server = None
    try:
        app = make_app(url)
        built = build_if_empty(app, lambda: demo_spec(dt.date.today()))
        workers_plan, accounts, area = plan(app, args.workers, args.county_users, rng)
        server = Server(url, tuple(shlex.split(args.gunicorn))).start()
        print(f"demo county {built}; gunicorn {args.gunicorn} on port {server.port}; {len(workers_plan)} grid "
              f"workers, {len(accounts)} county users on {len(set(accounts))} accounts", flush=True)
        workers = [GridWorker(Session(server.port, args.timeout), name, homes, random.Random(rng.random()),
                              think=args.think, resend_share=args.resend) for name, homes in workers_plan]
        county = [CountyUser(Session(server.port, args.timeout), name, area, random.Random(rng.random()))
                  for name in accounts]
        before = written(app, [w.username for w in workers])
        load = os.getloadavg()[0]
        start, end = run_load(server.port, workers, county, args.duration)
        server.kill()
        server = None
        summary = summarise([s for u in (*workers, *county) for s in u.session.samples], start, start + args.duration)
        items = verify(app, workers, before)
        for line in table_lines(summary):
            print(line)
        setting = {"argv": " ".join(f"--{k.replace('_', '-')} {v}" for k, v in (
            ("workers", args.workers), ("county_users", args.county_users), ("duration", f"{args.duration:g}"),
            ("seed", args.seed))), "gunicorn": args.gunicorn, "built": f"county {built}", "workers": len(workers),
            "county_users": len(county), "accounts": len(set(accounts)), "think": args.think, "resend": args.resend,
            "load": load}
        section = markdown(summary, items, setting)
        print("\n".join(section.splitlines()[-3:]))
        if not args.no_write:
            write_section(RESULTS, LOAD_TEST, section)
            print(f"→ {RESULTS.relative_to(RESULTS.parent)} ({LOAD_TEST})")
    finally:
        if server:
            server.kill()
        if cluster:
            cluster.stop()


if __name__ == "__main__":
    main()

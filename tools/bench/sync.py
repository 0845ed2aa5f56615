"""Sync push throughput: visits pushed in batches of 500 through POST /api/sync/push (webargs, NUL check, validation,
scope, GPS distance, idempotency records, audit, the household locks, commit), beside two raw sides measured on the
same rows in the same table in the same run, one batch of each in turn: a plain INSERT of the visits, and raw SQL
that also writes what sync keeps with them (a sync_item row per visit and the batch's audit row). Both raw sides fire
the visit table's triggers too (the household's last visit), as sync does. Then one batch pushed under a profiler
that parts its time (each part's own time: SQL by statement, and the Python around it).

    python -m tools.bench.run --only sync [--instance bench-sync --households 20000 --cells 400 ...]"""
from __future__ import annotations

import datetime as dt
import json
import time
import uuid

import sqlalchemy as sa

from grids.distance import haversine_m

HEADING = "## Sync push"
SIZE = 500
PROFILED = 5  # batches pushed under the profiler
# an hour ago, China time: a phone's time within the server's bounds (server/phone_time.py)
VISITED = (dt.datetime.now(dt.timezone(dt.timedelta(hours=8))) - dt.timedelta(hours=1)).replace(microsecond=0).isoformat()


def _payload(households, size):
    return [{"type": "visit", "id": str(uuid.uuid4()), "data": {
        "household_code": code, "kind": "policy", "notes": "入户走访", "visited_at": VISITED, "gps_accuracy_m": 8.0,
        "location": {"lon": lon, "lat": lat}}} for code, _, lon, lat in (households[i % len(households)]
                                                                      for i in range(size))]


def _raw_rows(households, author, size, now):
    """The rows sync writes for a batch of visits like _payload's: visits (the same values, the distance computed the
    same way) and their sync_item rows."""
    visited = dt.datetime.fromisoformat(VISITED)
    visits, items = [], []
    for i in range(size):
        _, household_id, lon, lat = households[i % len(households)]
        visit_id = uuid.uuid4()
        visits.append({"id": visit_id, "household_id": household_id, "author_id": author, "kind": "policy",
                       "notes": "入户走访", "findings": "", "visited_at": visited, "received_at": now,
                       "location": f"SRID=4326;POINT({lon} {lat})", "gps_accuracy_m": 8.0,
                       "distance_m": round(haversine_m(lon, lat, lon, lat), 1), "follow_up_on": None})
        items.append({"id": visit_id, "item_type": "visit", "user_id": author, "content_hash": uuid.uuid4().hex * 2,
                      "status": "accepted", "reason": None, "received_at": now})
    return visits, items


def bench_sync(app, label: str, batches: int, size: int = SIZE) -> dict:
    from server.extensions import db
    from tools.app import signed_in
    with app.app_context():
        worker, author, cell_id = db.session.execute(sa.text(
            "SELECT username, id, unit_id FROM app_user WHERE role = 'grid_worker' ORDER BY id LIMIT 1")).one()
        households = db.session.execute(sa.text(
            "SELECT h.code, h.id, ST_X(h.location), ST_Y(h.location) FROM household h "
            "WHERE h.cell_id = :c AND h.location IS NOT NULL ORDER BY h.code"), {"c": cell_id}).all()
        visits_before = db.session.scalar(sa.text("SELECT COUNT(*) FROM visit"))
        tables = db.metadata.tables
    client = signed_in(app, worker, "wangge2026")
    bodies = [json.dumps({"items": _payload(households, size)}).encode() for _ in range(batches + 1)]
    now = dt.datetime.now(dt.timezone.utc)
    raw = [_raw_rows(households, author, size, now) for _ in range(2 * batches)]
    audit_row = {"at": now, "user_id": author, "username": worker, "address": "127.0.0.1", "action": "sync",
                 "entity_type": "sync_batch", "entity_id": None, "before": None, "after": {"accepted": {}}}
    seconds = {"app": 0.0, "plain": 0.0, "bookkeeping": 0.0}
    answers = []
    push(client, bodies[-1])  # a first batch, not counted: the statements' caches
    with app.app_context():
        for i, body in enumerate(bodies[:-1]):
            start = time.perf_counter()
            answers.append(push(client, body))
            seconds["app"] += time.perf_counter() - start
            visits, _ = raw[2 * i]
            start = time.perf_counter()
            with db.engine.begin() as conn:  # one transaction per batch, as sync commits per batch
                conn.execute(sa.insert(tables["visit"]), visits)
            seconds["plain"] += time.perf_counter() - start
            visits, items = raw[2 * i + 1]
            start = time.perf_counter()
            with db.engine.begin() as conn:
                conn.execute(sa.insert(tables["visit"]), visits)
                conn.execute(sa.insert(tables["sync_item"]), items)
                conn.execute(sa.insert(tables["audit_log"]), [audit_row])
            seconds["bookkeeping"] += time.perf_counter() - start
    for response in answers:
        assert response.status_code == 200 and response.get_json()["accepted"] == size, response.get_json()
    from tools.bench.sync_profile import profile_push
    profile = profile_push(app, client, [json.dumps({"items": _payload(households, size)}).encode()
                                         for _ in range(PROFILED)], size)
    visits = batches * size
    return {"label": label, "batches": batches, "size": size, "visits_before": visits_before,
            "rate": visits / seconds["app"], "raw_rate": visits / seconds["plain"],
            "bookkeeping_rate": visits / seconds["bookkeeping"], "profile": profile}


def push(client, body: bytes):
    return client.post("/api/sync/push", data=body, content_type="application/json")


def throughput_rows(results) -> list[str]:
    lines = ["| sync: visits pushed in batches of 500 | through the API | raw INSERT, same rows | ratio | raw INSERT with "
             "sync_item and audit rows | ratio | target |", "|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['label']} ({r['visits_before']:,} visits before, {r['batches']} batches) | "
                     f"{r['rate']:,.0f} visits/s | {r['raw_rate']:,.0f} rows/s | {r['rate'] / r['raw_rate']:.2f}× | "
                     f"{r['bookkeeping_rate']:,.0f} rows/s | {r['rate'] / r['bookkeeping_rate']:.2f}× | "
                     "≥ 0.5× the plain INSERT |")
    return lines


def profile_rows(results) -> list[str]:
    parts = list(dict.fromkeys(part for r in results for part in r["profile"]))
    lines = ["| one batch of 500, each part's own time | " + " | ".join(r["label"] for r in results) + " |",
             "|---|" + "---|" * len(results)]
    for part in parts:
        lines.append(f"| {part} | " + " | ".join(f"{r['profile'].get(part, 0.0) * 1000:.1f} ms" for r in results) + " |")
    return lines


def section(results, county: str, history: str = "") -> str:
    return "\n".join([
        HEADING, "",
        f"Written by `python -m tools.bench.run` (also alone: `--only sync`) on {dt.date.today().isoformat()}, on "
        f"{county}. Visits pushed by one grid worker in batches of 500 through `POST /api/sync/push` (webargs, the NUL "
        "check, validation, scope, GPS distance, the household locks, idempotency records, audit, commit), beside "
        "two raw sides on the same rows (fresh ids) in the same table in the same run, one batch of each in turn, "
        "each batch its own transaction: a plain INSERT of the visits, and the same INSERT with what sync writes "
        "beside them (a sync_item row per visit and the batch's audit row). The visit table's trigger (each "
        "household's last visit) fires on every side. Not on the raw sides: reading the households and the "
        "sync_item table, locking and marking the households changed.", "",
        *throughput_rows(results), "",
        f"Then {PROFILED} more batches pushed under the profiler of `tools/bench/sync_profile.py`: each part's own time "
        "(SQL by statement; the Python around it by function), so a batch's parts add up to the request as the server "
        "sees it; the median of each part, and of the whole.", "",
        *profile_rows(results), "", *([history, ""] if history else [])])

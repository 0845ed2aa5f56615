"""The notifications sweep on the benchmark county (`flask notifications sweep`): every open dispute checked against its
time limits, every cell's report and every follow-up, as cron runs it. Measured twice in one transaction, rolled back
after: the first sweep of a county (every yellow and red dispute told to its holders at once), then the one cron runs
every few minutes after it (nothing new to tell). The steady sweep's own statements, sent straight through the driver
on the same data, are the raw SQL it is compared with.

    python -m tools.bench.run --only sweep     (this section alone; make bench runs it with the rest)"""
from __future__ import annotations

import datetime as dt
import statistics
import time

import sqlalchemy as sa

HEADING = "## Notifications sweep"
REPEAT = 5


def bench_sweep(app) -> dict:
    from server.extensions import db
    from server.notifications.sweep import sweep
    now = dt.datetime.now(dt.timezone.utc)
    with app.app_context():
        open_disputes = db.session.scalar(sa.text(
            "SELECT COUNT(*) FROM dispute WHERE state IN ('reported', 'accepted', 'assigned', 'mediating')"))
        start = time.perf_counter()
        first = sweep(now)
        first_seconds = time.perf_counter() - start
        db.session.flush()
        statements = []

        def keep(conn, cursor, statement, parameters, context, executemany):
            statements.append((statement, parameters))
        sa.event.listen(db.engine, "before_cursor_execute", keep)
        try:
            sweep(now)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", keep)
        steady, raw = [], []
        connection = db.session.connection().connection  # the driver's, inside the same transaction
        for _ in range(REPEAT):
            start = time.perf_counter()
            again = sweep(now)
            steady.append(time.perf_counter() - start)
            start = time.perf_counter()
            cursor = connection.cursor()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                if cursor.description:
                    cursor.fetchall()
            raw.append(time.perf_counter() - start)
        db.session.rollback()
    assert sum(again.values()) == 0, again
    return {"open_disputes": open_disputes, "first": first, "first_seconds": first_seconds,
            "steady": statistics.median(steady), "raw": statistics.median(raw)}


def section(result: dict) -> str:
    written = ", ".join(f"{kind} {n:,}" for kind, n in result["first"].items())
    return "\n".join([
        HEADING, "",
        f"Written by `python -m tools.bench.run` (also alone: `--only sweep`) on {dt.date.today().isoformat()}, on the "
        f"benchmark county in PostGIS: {result['open_disputes']:,} open disputes checked against their limits, with "
        "every cell's report and every open follow-up. The first sweep tells everything due at once; the steady one "
        "is what cron runs every few minutes after it (nothing new). Raw: the steady sweep's own statements through "
        "the driver. Both in one transaction, rolled back. Target: the steady sweep within a few seconds, well "
        "inside the minutes between runs.", "",
        "| sweep | seconds | messages written | raw SQL | ratio |", "|---|---|---|---|---|",
        f"| first (the county's first) | {result['first_seconds']:.2f} | {written} | — | — |",
        f"| steady (median of {REPEAT}) | {result['steady']:.2f} | 0 | {result['raw']:.2f} | "
        f"{result['steady'] / result['raw']:.2f}× |", ""])

"""Generate a whole county into an empty database: grid, households, people, visits, disputes.

Deterministic: the same spec (seed, sizes, end date) gives the same rows."""
from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass

import numpy as np
import shapely
import sqlalchemy as sa
from tqdm import tqdm
from werkzeug.security import generate_password_hash

from server.auth.passwords import DEMO_PASSWORD
from server.table_partitions import ensure_partitions

from .activity import generate_visits, generate_zero_reports
from .disputes import generate_disputes
from .grid import GridBuilder
from .population import generate_households, generate_people
from .spec import CountySpec
from .writer import analyze, ewkt, insert_rows, reset_sequences


@dataclass
class SeedReport:
    counts: dict
    seconds: float


def database_is_empty(conn) -> bool:
    return conn.execute(sa.text("SELECT COUNT(*) FROM grid_unit")).scalar() == 0


def generate_county(conn, spec: CountySpec, quiet: bool = False) -> SeedReport:
    """Write the county described by spec through the connection (the caller owns the transaction)."""
    if not database_is_empty(conn):
        raise RuntimeError("the database already holds a grid: seed only into an empty database")
    started = time.monotonic()
    rng, nprng = random.Random(spec.seed), np.random.default_rng(spec.seed)
    say = (lambda *_: None) if quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))

    say(f"生成网格 building the grid of {spec.name} ({spec.cells} cells)…")
    units = GridBuilder(spec, rng, nprng, quiet).build()
    counts = {"grid_unit": insert_rows(conn, "grid_unit", (_unit_row(u) for u in units))}

    say(f"生成住户 generating {spec.households} households…")
    cells = [u for u in units if u.level == "cell"]
    households = generate_households(spec, cells, rng, nprng, quiet)
    people = generate_people(spec, units, households, generate_password_hash(DEMO_PASSWORD), rng)
    for table, rows in (("app_user", people.users), ("household", households.rows),
                        ("household_member", households.members), ("household_tag", households.tags),
                        ("cadre_link", people.links)):
        counts[table] = insert_rows(conn, table, rows)

    ensure_partitions(conn, since=spec.start_date)  # PostgreSQL: the months the visits fall in
    say("生成走访 generating twelve months of visits…")
    bar = tqdm(total=spec.visits, unit=" visits", disable=quiet, file=sys.stderr, mininterval=1)
    counts["visit"] = sum(insert_rows(conn, "visit", chunk, bar) for chunk in
                          generate_visits(spec, units, households, people, rng, nprng))
    bar.close()

    say(f"生成矛盾纠纷 generating {spec.disputes} disputes…")
    disputes, events = generate_disputes(spec, units, households, people, rng, nprng)
    counts["dispute"] = insert_rows(conn, "dispute", disputes)
    counts["dispute_event"] = insert_rows(conn, "dispute_event", events)
    counts["zero_report"] = insert_rows(conn, "zero_report", generate_zero_reports(
        spec, units, disputes, people, rng, nprng))
    reset_sequences(conn)
    analyze(conn)
    return SeedReport(counts, time.monotonic() - started)


def _unit_row(u) -> dict:
    return {"id": u.id, "level": u.level, "parent_id": u.parent.id if u.parent else None, "code": u.code,
            "name": u.name, "boundary": ewkt(u.boundary), "centroid": ewkt(shapely.centroid(u.boundary)),
            "target_households": u.target_households}

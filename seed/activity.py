"""Twelve months of visits and disputes (with their timelines) at plausible rates."""
from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator

import numpy as np

from .population import Households, People, ewkt_point
from .texts import FINDINGS, NO_FINDING, VISIT_NOTES

CHINA_TZ = dt.timezone(dt.timedelta(hours=8))
VISIT_KINDS = ("poverty_check", "employment_help", "counselling", "policy", "other")
VISIT_KIND_WEIGHTS = (0.3, 0.2, 0.15, 0.25, 0.1)
METRES_PER_DEGREE = 111_320.0


def _uuid(nprng) -> uuid.UUID:
    return uuid.UUID(bytes=nprng.bytes(16), version=4)


def _local_time(day: dt.date, rng: random.Random, first_hour=8, last_hour=18) -> dt.datetime:
    seconds = rng.randrange(first_hour * 3600, last_hour * 3600)
    return dt.datetime.combine(day, dt.time(), CHINA_TZ) + dt.timedelta(seconds=seconds)


def _jitter(point, metres: float, nprng) -> str:
    lon, lat = point
    dx, dy = nprng.normal(0, metres, 2)
    return ewkt_point(lon + dx / (METRES_PER_DEGREE * np.cos(np.radians(lat))), lat + dy / METRES_PER_DEGREE)


def months(spec) -> list[tuple[dt.date, int]]:
    """(first day, number of days) of the twelve monthly periods ending on spec.end_date."""
    out, start = [], spec.start_date + dt.timedelta(days=1)
    for m in range(12):
        first = start + dt.timedelta(days=round(m * 365 / 12))
        last = start + dt.timedelta(days=round((m + 1) * 365 / 12))
        out.append((first, (last - first).days))
    return out


def generate_visits(spec, units, households: Households, staff: People, rng: random.Random, nprng,
                    chunk: int = 50_000) -> Iterator[list[dict]]:
    """Visits in chunks of rows. Each village has its own diligence, so coverage varies on the map."""
    cell_of = {h["id"]: h["cell_id"] for h in households.rows}
    village_of_cell = {u.id: u.parent.id for u in units if u.level == "cell"}
    villages = sorted(set(village_of_cell.values()))
    diligence = dict(zip(villages, nprng.uniform(0.8, 1.1, len(villages))))
    mean_rate = spec.visits / (len(households.rows) * 12)
    mean_diligence = float(np.mean(list(diligence.values())))
    key_person = {t["household_id"] for t in households.tags if t["tag"] == "key_person"}
    rows = []
    for first, days in months(spec):
        for h in households.rows:
            hid = h["id"]
            rate = mean_rate * diligence[village_of_cell[cell_of[hid]]] / mean_diligence
            n = int(rate) + (rng.random() < rate - int(rate)) + (hid in key_person)
            for _ in range(n):
                day = first + dt.timedelta(days=rng.randrange(days))
                if day > spec.end_date:
                    continue
                rows.append(_visit(spec, hid, cell_of[hid], day, households, staff, rng, nprng))
                if len(rows) >= chunk:
                    yield rows
                    rows = []
    if rows:
        yield rows


def _visit(spec, hid, cell_id, day, households, staff, rng, nprng) -> dict:
    kind = rng.choices(VISIT_KINDS, VISIT_KIND_WEIGHTS)[0]
    author = staff.worker_of_cell[cell_id] if rng.random() < 0.1 else staff.cadre_on(hid, day)
    visited_at = _local_time(day, rng)
    accuracy = float(np.clip(nprng.lognormal(np.log(10), 0.6), 3, 150))
    point = households.points.get(hid)
    far = rng.random() < 0.02  # logged away from the house: later flagged by the GPS check
    location = None if point is None else _jitter(point, rng.uniform(300, 2000) if far else accuracy, nprng)
    follow_up = day + dt.timedelta(days=rng.randint(7, 30)) if rng.random() < 0.05 else None
    return {
        "id": _uuid(nprng), "household_id": hid, "author_id": author, "kind": kind,
        "notes": rng.choice(VISIT_NOTES[kind]),
        "findings": rng.choice(FINDINGS) if rng.random() < 0.12 else NO_FINDING,
        "visited_at": visited_at,
        "received_at": visited_at + dt.timedelta(minutes=rng.choice((1, 5, 30, 240, 1440, 2880))),
        "location": location, "gps_accuracy_m": round(accuracy, 1), "follow_up_on": follow_up,
    }


def generate_zero_reports(spec, units, disputes: list[dict], staff: People, rng: random.Random, nprng,
                          filing_rate: float = 0.9) -> list[dict]:
    """Each cell's monthly report (零报告) for every calendar month in the period, filed by its grid worker in
    the month's last ten days — most cells, not all (completeness is a figure the county watches). The
    month still running is filed by a share of cells in proportion to how far it has got."""
    with_disputes = {(d["cell_id"], d["reported_at"].astimezone(CHINA_TZ).date().replace(day=1)) for d in disputes}
    first_months, month = [], spec.start_date.replace(day=1)
    while month <= spec.end_date:
        first_months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    rows = []
    for cell in (u for u in units if u.level == "cell"):
        for first in first_months:
            last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            share = 1.0 if last <= spec.end_date else (spec.end_date - first).days / (last - first).days
            if rng.random() >= filing_rate * share:
                continue
            day = min(spec.end_date, last - dt.timedelta(days=rng.randrange(10)))
            nothing = (cell.id, first) not in with_disputes
            rows.append({"id": _uuid(nprng), "cell_id": cell.id, "kind": "monthly", "period": first,
                         "nothing_to_report": nothing, "note": "" if nothing else "本月矛盾纠纷已按程序上报",
                         "author_id": staff.worker_of_cell[cell.id], "reported_at": _local_time(day, rng)})
    return rows

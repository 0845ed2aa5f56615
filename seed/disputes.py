"""Twelve months of disputes, each with the timeline of the closed loop it has gone through so far."""
from __future__ import annotations

import datetime as dt
import random

import numpy as np

from . import names
from .activity import _jitter, _local_time, _uuid
from .population import Households, People
from .texts import CATEGORY_TITLES, EVENT_NOTES

CATEGORIES = tuple(CATEGORY_TITLES)
VILLAGE_MIX = (0.28, 0.18, 0.16, 0.06, 0.08, 0.03, 0.02, 0.04, 0.04, 0.06, 0.05)
COMMUNITY_MIX = (0.22, 0.15, 0.02, 0.05, 0.12, 0.06, 0.22, 0.06, 0.03, 0.02, 0.05)
RISKS = ("blue", "yellow", "orange", "red")
RISK_WEIGHTS = (0.45, 0.33, 0.16, 0.06)
SERIOUS = {"land_requisition", "unpaid_wages", "enterprise_community", "housing"}
CHANNELS = ("grid_screening", "visit", "walk_in", "phone", "sms", "online", "petition_county", "petition_higher")
CHANNEL_WEIGHTS = (0.86, 0.06, 0.03, 0.02, 0.01, 0.01, 0.007, 0.003)
SATISFACTION = ("satisfied", "basically_satisfied", "unsatisfied")
SATISFACTION_WEIGHTS = (0.90, 0.08, 0.02)


def generate_disputes(spec, units, households: Households, staff: People, rng: random.Random, nprng):
    """Returns (dispute rows, event rows). Villages differ in how contentious they are (hot spots)."""
    unit_by_id = {u.id: u for u in units}
    county = units[0]
    hh = households.rows
    heat = {u.id: nprng.lognormal(0, 0.9) for u in units if u.level == "village"}
    weights = np.array([heat[unit_by_id[h["cell_id"]].parent.id] for h in hh])
    picks = nprng.choice(len(hh), size=spec.disputes, p=weights / weights.sum())
    period = (spec.end_date - spec.start_date).days
    disputes, events = [], []
    for i in picks.tolist():
        h = hh[i]
        cell = unit_by_id[h["cell_id"]]
        village, town = cell.parent, cell.parent.parent
        reported = _local_time(spec.start_date + dt.timedelta(days=rng.randrange(1, period + 1)), rng, 7, 21)
        category = rng.choices(CATEGORIES, COMMUNITY_MIX if cell.community else VILLAGE_MIX)[0]
        risk = rng.choices(RISKS, RISK_WEIGHTS)[0]
        if category in SERIOUS and rng.random() < 0.3:
            risk = RISKS[min(3, RISKS.index(risk) + 1)]
        channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
        party_count = rng.randint(3, 40) if category in SERIOUS and rng.random() < 0.4 else 2
        reporter = (staff.county_staff[0] if channel.startswith("petition") else
                    staff.cadre_on(h["id"], reported.date()) if channel == "visit" else staff.worker_of_cell[cell.id])
        d = {
            "id": _uuid(nprng), "cell_id": cell.id, "household_id": h["id"], "reporter_id": reporter,
            "category": category, "risk_colour": risk, "channel": channel,
            "title": f"{cell.name}{rng.choice(CATEGORY_TITLES[category])}",
            "description": f"{h['address']}，{h['head_name']}等{party_count}方当事人反映相关诉求。",
            "parties": _parties(h["head_name"], party_count, rng), "party_count": party_count,
            "reported_at": reported, "received_at": reported + dt.timedelta(minutes=rng.choice((2, 20, 600))),
            "location": _jitter(households.points[h["id"]], 30, nprng) if h["id"] in households.points else None,
            "gps_accuracy_m": round(rng.uniform(5, 40), 1),
        }
        leaders = {"village": staff.head_of_village[village.id], "town": staff.secretary_of_town[town.id],
                   "county": rng.choice(staff.county_staff)}
        owners = {"village": village.id, "town": town.id, "county": county.id}
        timeline = _timeline(d, risk, leaders, rng, spec.end_date)
        _apply(d, timeline, owners, leaders)
        disputes.append(d)
        events.extend({"id": _uuid(nprng), "dispute_id": d["id"], "actor_id": actor, "kind": kind, "to_state": state,
                       "note": EVENT_NOTES[kind], "occurred_at": at, "received_at": at, "location": None,
                       "gps_accuracy_m": None} for kind, state, at, actor, _level in timeline)
    return disputes, events


def _parties(head_name, count, rng):
    shown = [{"name": head_name, "role": "applicant"}]
    shown += [{"name": names.person_name(rng, rng.choice("MF")), "role": "respondent"} for _ in range(min(count, 4) - 1)]
    return shown


def _timeline(d, risk, leaders, rng, end_date):
    """[(kind, new state, when, actor, level)] up to the end of the period. Acceptance is late in ~5 %
    of cases, resolution overdue (beyond 60 days) in ~6 %, and ~3 % are stuck unresolved."""
    at = d["reported_at"]
    end = dt.datetime.combine(end_date, dt.time(23, 59), at.tzinfo)
    level = "village"
    steps = [("report", "reported", at, d["reporter_id"], level)]

    def step(kind, state, days, actor):
        nonlocal at
        at = at + dt.timedelta(days=days, minutes=rng.randrange(30, 600))
        if at > end:
            return False
        steps.append((kind, state, at, actor, level))
        return True

    if not step("accept", "accepted", rng.expovariate(1 / 2) if rng.random() > 0.05 else rng.uniform(16, 30),
                leaders[level]):
        return steps
    escalate_p = {"blue": 0.05, "yellow": 0.12, "orange": 0.35, "red": 0.6}[risk]
    if rng.random() < escalate_p:
        level = "town"
        if not step("escalate", "accepted", rng.uniform(0, 5), leaders["village"]):
            return steps
        if rng.random() < (0.35 if risk == "red" else 0.08):
            level = "county"
            if not step("escalate", "accepted", rng.uniform(1, 7), leaders["town"]):
                return steps
    if not step("assign", "assigned", rng.uniform(0, 2), leaders[level]):
        return steps
    if not step("mediate", "mediating", rng.uniform(0, 3), leaders[level]) or rng.random() < 0.03:
        return steps
    overdue = rng.random() < 0.06
    if not step("resolve", "resolved", rng.uniform(61, 120) if overdue else rng.gammavariate(2, 6 + 4 * (level != "village")),
                leaders[level]):
        return steps
    if not step("call_back", "called_back", rng.uniform(1, 7), leaders[level]):
        return steps
    step("close", "closed", rng.uniform(0, 3), leaders[level])
    return steps


def _apply(d, timeline, owners, leaders):
    """Set the dispute's current state, level, owner, leader and milestone times from its timeline."""
    kind, state, at, actor, level = timeline[-1]
    d["state"], d["level"], d["version"] = state, level, len(timeline)
    d["owner_unit_id"] = owners[level] if len(timeline) > 1 else None
    d["leader_id"] = leaders[level] if any(k == "assign" for k, *_ in timeline) else None
    when = {k: t for k, _, t, _, _ in timeline}
    d["accepted_at"], d["resolved_at"], d["closed_at"] = when.get("accept"), when.get("resolve"), when.get("close")
    d["satisfaction"] = None
    if "call_back" in when:
        d["satisfaction"] = random.Random(str(d["id"])).choices(SATISFACTION, SATISFACTION_WEIGHTS)[0]
    d["updated_at"] = at

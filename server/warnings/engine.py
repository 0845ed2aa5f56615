"""Raising alerts: the rules' candidates whose key is new become alerts, in one insert."""
from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from .. import audit, settings
from ..extensions import db
from ..models import Alert
from ..notifications import rules as notify
from ..scope import outside_scope
from .rules import RULES, Candidate, high_risk, repeat_disputes

CHUNK = 1000  # keys looked up at a time (SQLite limits the parameters of one statement)


def raise_alerts(candidates: list[Candidate], now: dt.datetime) -> dict[str, int]:
    """Insert the candidates not raised before (by key); {rule: how many raised}. Core insert, not the ORM:
    a first scan of a county raises thousands, and the scan is audited as one action instead."""
    unique = {c.key: c for c in candidates}
    keys = list(unique)
    # keys are unique in the whole table, and an alert raised on a user's action may lie outside their area (the
    # county's, about a village head's bulk reveals)
    stored = outside_scope(Alert).c
    existing = set()
    for i in range(0, len(keys), CHUNK):
        existing.update(db.session.scalars(sa.select(stored.key).where(stored.key.in_(keys[i:i + CHUNK]))))
    new = [c for key, c in unique.items() if key not in existing]
    if new:
        ids = [uuid.uuid4() for _ in new]
        db.session.execute(sa.insert(Alert), [{
            "id": alert_id, "key": c.key, "rule": c.rule, "severity": c.severity, "level": c.level,
            "unit_id": c.unit_id, "reason": c.reason, "reason_zh": c.reason_zh, "evidence": c.evidence,
            "state": "open", "raised_at": now, "close_note": ""} for alert_id, c in zip(ids, new)])
        notify.alerts_raised(ids, now)
    raised: dict[str, int] = {}
    for c in new:
        raised[c.rule] = raised.get(c.rule, 0) + 1
    return raised


def scan(now: dt.datetime, rules: list[str] | None = None) -> dict[str, int]:
    """Run the rules over the whole county and raise what is new (the caller commits)."""
    config = settings.all_settings()
    candidates = [c for rule in (rules or RULES) for c in RULES[rule](now, config)]
    raised = raise_alerts(candidates, now)
    audit.record("warnings_scan", "alert", after={"rules": list(rules or RULES), "candidates": len(candidates),
                                                  "raised": raised})
    return raised


def on_new_disputes(disputes, now: dt.datetime) -> dict[str, int]:
    """The cheap rules, for disputes just written: high risk, and repeats of the same household."""
    config = settings.all_settings()
    ids = [d.id for d in disputes]
    households = [d.household_id for d in disputes if d.household_id is not None]
    candidates = high_risk(now, config, only=ids)
    if households:
        candidates += repeat_disputes(now, config, only=households)
    return raise_alerts(candidates, now)

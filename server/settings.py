"""County settings that staff change at run time, with their defaults (seeds 000 and 001)."""
from __future__ import annotations

import sqlalchemy as sa

from .extensions import db
from .models import Setting

DEFAULTS = {
    # days to send the acceptance notice, by the channel the dispute came in through (SMS: 7)
    "acceptance_days": {"default": 15, "sms": 7},
    "resolution_days": 60,
    "near_limit_share": 0.25,       # yellow when less than this share of the time limit is left
    "daily_reporting": False,       # sensitive periods: cells report every day (日报告制)
    "visit_max_distance_m": 300,    # a visit logged farther than this from the household is flagged
    "visit_max_accuracy_m": 100,    # a GPS fix worse than this is flagged
    # early warnings (server/warnings/rules.py)
    "repeat_dispute_days": 90,      # two disputes of a household (or the same parties) within this: a repeat
    "cluster_days": 14,             # recent window of the cluster test ...
    "cluster_baseline_days": 182,   # ... against the unit's own rate over the months before
    "cluster_p_value": 0.01,        # Poisson upper tail below this: a cluster
    "cluster_min_disputes": 3,
    "high_risk_categories": ["land_rights", "land_requisition", "unpaid_wages"],
    "high_risk_min_parties": 10,
    "stalled_days": 7,              # yellow or red with no step for this long
    "key_person_visit_days": 30,
    "zero_report_grace_days": 5,    # days into a month before last month's missing reports are raised
}


def get(key: str):
    if key not in DEFAULTS:
        raise KeyError(key)
    value = db.session.scalar(sa.select(Setting.value).where(Setting.key == key))
    return DEFAULTS[key] if value is None else value


def all_settings() -> dict:
    stored = dict(db.session.execute(sa.select(Setting.key, Setting.value)).all())
    return {key: stored.get(key, default) for key, default in DEFAULTS.items()}


def put(key: str, value) -> None:
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    db.session.flush()


def acceptance_days(channel: str) -> int:
    limits = get("acceptance_days")
    return int(limits.get(channel, limits["default"]))

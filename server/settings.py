"""County settings that staff change at run time, with their defaults (docs/domain.md, "Time limits and deadline
colours"), and the China day daily reporting has been on since, which this module keeps itself."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from . import clock
from .extensions import db
from .models import Setting

DEFAULTS = {
    # Time limits in days by the channel the dispute came in through ("default": every other channel). The notice
    # of acceptance 告知受理 within 15 days of the report; resolution 办结 within 60 days of acceptance, SMS petitions
    # within 7 and online / WeChat ones within 15 (the fast tracks of the city report). server/disputes/deadlines.py
    "acceptance_days": {"default": 15},
    "resolution_days": {"default": 60, "sms": 7, "online": 15},
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
    # outbound channels (server/notifications/outbox.py): which kinds go out by which channel (a channel is used only
    # when configured, server/config.py), no SMS in quiet hours (China time) except urgent ones, at most so many SMS
    # a person an hour, and the hour of the daily digest for those who chose it
    "notify_channels": {"dispute_arrived": ["wecom", "dingtalk", "sms"], "case_assigned": ["sms"],
                        "deadline_near": ["sms"], "deadline_passed": ["wecom", "dingtalk", "sms"],
                        "supervised": ["sms"], "alert_raised": ["wecom", "dingtalk", "sms"], "report_due": ["sms"],
                        "follow_up_due": [], "move_awaiting": []},
    "quiet_hours": [22, 7],
    "notify_sms_per_hour": 6,
    "digest_hour": 8,
}
# Kept here, never put by a client: the China day from which daily reporting (日报告制) is on. Daily completeness
# can be counted only for days on which cells were asked to report daily, so the day the switch went from off to
# on is stored in its own row, written by put() in the same transaction as the switch (they cannot disagree and
# the audit log shows both); switching off removes it. A stored day rather than one read back from the audit log
# or the switch row's updated_at: those are bookkeeping that may be pruned or touched for other reasons; the
# updated_at is only the fallback for a switch turned on before this row existed. Clients cannot set it, so no
# one can backdate the mode and count days on which nobody was asked to report.
DAILY_SINCE = "daily_reporting_since"


def get(key: str):
    if key not in DEFAULTS:
        raise KeyError(key)
    value = db.session.scalar(sa.select(Setting.value).where(Setting.key == key))
    return DEFAULTS[key] if value is None else value


def all_settings() -> dict:
    """Every setting in force, and the day daily reporting has been on since (None when it is off)."""
    rows = {row.key: row for row in db.session.scalars(sa.select(Setting))}
    return {**{key: rows[key].value if key in rows else default for key, default in DEFAULTS.items()},
            DAILY_SINCE: _since(rows)}


def put(key: str, value) -> None:
    if key not in DEFAULTS:
        raise KeyError(key)  # daily_reporting_since included: it follows the switch
    if key == "daily_reporting":
        _follow_daily_reporting(bool(value))
    _store(key, value)


def _store(key: str, value) -> None:
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    elif row.value != value:
        row.value = value
    db.session.flush()


def _follow_daily_reporting(on: bool) -> None:
    """Switched from off to on: daily reporting starts today (China). Switched off: it has no start any more.
    Switched on again while on: the start stays."""
    since, current = db.session.get(Setting, DAILY_SINCE), daily_reporting_since()
    if on and (current is None or since is None):  # off until now, or on from before the day was kept
        _store(DAILY_SINCE, (current or clock.china_today()).isoformat())
    elif not on and since is not None:
        db.session.delete(since)
        db.session.flush()


def daily_reporting_since() -> dt.date | None:
    """The China day from which daily reporting is on; None while the county reports monthly."""
    return _since({row.key: row for row in db.session.scalars(
        sa.select(Setting).where(Setting.key.in_(("daily_reporting", DAILY_SINCE))))})


def _since(rows: dict) -> dt.date | None:
    """daily_reporting_since() from the setting rows by key."""
    switch, since = rows.get("daily_reporting"), rows.get(DAILY_SINCE)
    if switch is None or not switch.value:
        return None
    if since is not None:
        return dt.date.fromisoformat(since.value)
    return switch.updated_at.astimezone(clock.CHINA).date()  # switched on before the day was kept


LIMITS = ("acceptance_days", "resolution_days")


def by_channel(limits) -> dict:
    """A time-limit setting as {channel: days, "default": days}. A bare number (how resolution_days was stored before
    migration 0010; a settings row restored from an old backup) is the limit for every channel."""
    return {"default": int(limits)} if isinstance(limits, (int, float)) else limits


def limit_days(key: str, channel: str, config: dict | None = None) -> int:
    """The days of one time limit (acceptance_days or resolution_days) for a channel."""
    limits = by_channel((config or all_settings())[key])
    return int(limits.get(channel, limits["default"]))

"""The sweep 定时检查 (`flask notifications sweep`, run every few minutes by cron): the messages that no request
causes, because they come from the clock — a step near its limit (yellow) or past it (red), a cell's report due and
not filed, a follow-up visit falling due. Each is told once (its event key); a sweep run again, or two at once,
writes nothing more. Candidates come from SQL, and only those not told yet are written."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from .. import clock, settings
from ..disputes.deadlines import deadline_columns
from ..disputes.workflow import OPEN
from ..extensions import db
from ..follow_ups import open_follow_up
from ..models import Dispute, Household, Notification, Visit
from ..warnings.rules import cells_without_report
from .rules import holders, place_names, tell, workers_of

CHUNK = 500  # ids in one IN (...): SQLite's limit on a statement's parameters
MONTH_END_DAYS = 3   # a cell's monthly report is asked for in the month's last days
DAILY_FROM_HOUR = 17  # in daily reporting, today's report is asked for from 17:00 China time


def sweep(now: dt.datetime) -> dict[str, int]:
    """Every timed message due now; how many were written, by kind. The caller commits."""
    config = settings.all_settings()
    return {"deadline": deadlines(now, config), "report_due": reports_due(now, config),
            "follow_up_due": follow_ups_due(now)}


def _told(keys: list[str]) -> set[str]:
    """Which of the event keys someone has been told already."""
    out: set[str] = set()
    for i in range(0, len(keys), CHUNK):
        out.update(db.session.scalars(sa.select(Notification.event_key).where(
            Notification.event_key.in_(keys[i:i + CHUNK])).distinct()))
    return out


def _audiences(select_for, cell_ids) -> dict[int, list[int]]:
    """Users by cell id, from a holders()/workers_of() SELECT, in chunks."""
    out: dict[int, list[int]] = {}
    ids = list(dict.fromkeys(cell_ids))
    for i in range(0, len(ids), CHUNK):
        for user_id, cell_id in db.session.execute(select_for(ids[i:i + CHUNK])):
            out.setdefault(cell_id, []).append(user_id)
    return out


def deadlines(now: dt.datetime, config: dict) -> int:
    """Open disputes that turned yellow or red: whoever holds them at their level, and their case's leader."""
    columns = deadline_columns(now, config)
    rows = db.session.execute(
        sa.select(Dispute.id, Dispute.cell_id, Dispute.level, Dispute.leader_id, Dispute.state, columns["colour"],
                  columns["due_at"])
        .where(Dispute.state.in_(OPEN), columns["colour"].in_(("yellow", "red")))).all()
    key = lambda r: f"deadline:{r.id}:{'accept' if r.state == 'reported' else 'resolve'}:{r.colour}"  # noqa: E731
    told = _told([key(r) for r in rows])
    fresh = [r for r in rows if key(r) not in told]
    if not fresh:
        return 0
    places = place_names({r.cell_id for r in fresh})
    by_level = {level: _audiences(lambda ids, level=level: holders(level, ids),
                                  [r.cell_id for r in fresh if r.level == level])
                for level in {r.level for r in fresh}}
    written = 0
    for r in fresh:
        audience = by_level[r.level].get(r.cell_id, []) + ([r.leader_id] if r.leader_id else [])
        due = r.due_at.astimezone(clock.CHINA).strftime("%Y-%m-%d")
        written += tell("deadline_passed" if r.colour == "red" else "deadline_near", audience, key(r), r.id, now,
                        urgent=r.colour == "red", place=places[r.cell_id], due=due,
                        phase="accept" if r.state == "reported" else "resolve")
    return written


def reports_due(now: dt.datetime, config: dict) -> int:
    """The cells whose report is due and not filed: the month's in its last days, or in daily reporting today's
    from the afternoon. Their grid workers hear of it."""
    local = now.astimezone(clock.CHINA)
    today = local.date()
    if config["daily_reporting"]:
        if local.hour < DAILY_FROM_HOUR:
            return 0
        kind, period, period_en, period_zh = "daily", today, "daily", "今日日报告"
    else:
        next_month = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        if (next_month - today).days > MONTH_END_DAYS:
            return 0
        kind, period, period_en, period_zh = "monthly", today.replace(day=1), "monthly", f"{today:%m}月零报告"
    missing = cells_without_report(kind, period)
    keys = {row.id: f"report:{row.id}:{kind}:{period.isoformat()}" for row in missing}
    told = _told(list(keys.values()))
    fresh = [row for row in missing if keys[row.id] not in told]
    if not fresh:
        return 0
    workers = _audiences(workers_of, [row.id for row in fresh])
    places = place_names({row.id for row in fresh})
    return sum(tell("report_due", workers.get(row.id, []), keys[row.id], row.code, now, place=places[row.id],
                    period_en=period_en, period_zh=period_zh) for row in fresh)


def follow_ups_due(now: dt.datetime) -> int:
    """Follow-up visits due today or before, not superseded by a later visit nor marked done: their authors."""
    today = now.astimezone(clock.CHINA).date()
    rows = db.session.execute(
        sa.select(Visit.id, Visit.author_id, Visit.follow_up_on, Household.code, Household.cell_id)
        .join(Household, Household.id == Visit.household_id)
        .where(open_follow_up(), Visit.follow_up_on <= today)).all()
    told = _told([f"follow_up:{r.id}" for r in rows])
    fresh = [r for r in rows if f"follow_up:{r.id}" not in told]
    places = place_names({r.cell_id for r in fresh}) if fresh else {}
    return sum(tell("follow_up_due", [r.author_id], f"follow_up:{r.id}", r.id, now, place=places[r.cell_id],
                    due=r.follow_up_on.isoformat(), api={"household_code": r.code}) for r in fresh)

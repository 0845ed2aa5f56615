"""Showing a personal number in full 查看完整号码 (an ID number or a mobile, masked everywhere else): every endpoint that
shows one goes through show(), which holds the per-user limits, records the reveal in the audit log and raises the
county's alert on bulk reveals (issue 22 point 6: a script revealed 60 full ID numbers in 1.8 s).

The limits are counted from the user's rows in the audit log, which every worker shares, by the server's clock. They
are set for a cadre's real work: a village head shows a few numbers a day to call people, county staff at the petition
window a few more to check who stands before them; a person reads a number and makes the call, so more than
PER_MINUTE in a minute is a script. A request past a limit shows nothing, and is kept in the audit log too: asking
in bulk is what the county must hear of, shown or not."""
from __future__ import annotations

import datetime as dt
import math

import sqlalchemy as sa

from . import audit, clock
from .extensions import db
from .i18n import wait_in_words
from .models import AuditLog, GridUnit, User
from .models.vocab import CODE_LENGTH
from .refusal import Refusal
from .roles import ROLE
from .scope import outside_scope
from .warnings.engine import raise_alerts
from .warnings.rules import Candidate

PER_MINUTE = 5      # numbers shown to one user in any 60 seconds
PER_DAY = 30        # numbers shown to one user in a China calendar day
BULK_ALERT_AT = 20  # requests for a full number in a China day, shown or refused, that raise the county's alert
MINUTE = dt.timedelta(minutes=1)
SHOWN, REFUSED = "reveal", "reveal_refused"  # their actions in the audit log


class TooManyReveals(Refusal):
    """Past one of the limits: nothing is shown; `limit` names which ("minute", "day"), `retry_after` the wait."""
    status = 429

    def __init__(self, message: str, message_zh: str, *, limit: str, retry_after: int):
        super().__init__(message, message_zh)
        self.limit, self.retry_after = limit, retry_after


def show(user: User, entity_type: str, entity_id, field: str, reason: str, now: dt.datetime) -> None:
    """Record that the user is shown `field` of the entity, for `reason`; past a limit, record the refused request and
    raise TooManyReveals. The caller commits either way (a refusal is kept too). Either may raise the county's alert.

    The alert is raised here, in the request's transaction, rather than by the scan: the county hears of a script at
    once (a high alert is an urgent message), not at the next cron run, and the counts are the ones just read, where a
    scan would read every user's day of the audit log."""
    _one_at_a_time(user.id)
    day = now.astimezone(clock.CHINA).date()
    counts = _counts(user.id, now, clock.china_midnight(day))
    refusal = _refusal(counts, now, day)
    detail = {"field": field, "reason": reason}
    if refusal is None:
        audit.record(SHOWN, entity_type, entity_id, after=detail)
    else:
        audit.record(REFUSED, entity_type, entity_id, after={**detail, "limit": refusal.limit})
    shown = counts.shown_today + (refusal is None)
    refused = counts.refused_today + (refusal is not None)
    if shown + refused >= BULK_ALERT_AT:
        raise_alerts([bulk_reveal_alert(user, day, shown, refused)], now)  # once: the key names the user and the day
    if refusal is not None:
        raise refusal


def _one_at_a_time(user_id: int) -> None:
    """Two requests of one user at once are counted one after the other, or a script sending them in parallel would
    each find room under the limit. A write that changes nothing takes the lock: the user's row on PostgreSQL, the
    database's one writer on SQLite (where reads never wait, so a row lock alone would not do)."""
    users = outside_scope(User)  # the user's own row, whatever their scope
    db.session.execute(sa.update(users).where(users.c.id == user_id).values(active=users.c.active))


def _counts(user_id: int, now: dt.datetime, day_start: dt.datetime):
    """The user's numbers shown today and in the last minute, the earliest of those, and the requests refused today:
    one query on the audit log's (user, time) index."""
    minute_ago = now - MINUTE
    shown, in_minute = AuditLog.action == SHOWN, sa.and_(AuditLog.action == SHOWN, AuditLog.at > minute_ago)
    today = AuditLog.at >= day_start
    return db.session.execute(sa.select(
        sa.func.count(sa.case((sa.and_(shown, today), 1))).label("shown_today"),
        sa.func.count(sa.case((sa.and_(AuditLog.action == REFUSED, today), 1))).label("refused_today"),
        sa.func.count(sa.case((in_minute, 1))).label("shown_in_minute"),
        sa.func.min(sa.case((in_minute, AuditLog.at))).label("first_in_minute"))
        .where(AuditLog.user_id == user_id, AuditLog.action.in_((SHOWN, REFUSED)),
               AuditLog.at >= min(day_start, minute_ago), AuditLog.at <= now)).one()


def _refusal(counts, now: dt.datetime, day: dt.date) -> TooManyReveals | None:
    if counts.shown_today >= PER_DAY:
        wait = _seconds(clock.china_midnight(day + dt.timedelta(days=1)) - now)
        en, zh = wait_in_words(wait)
        return TooManyReveals(f"At most {PER_DAY} full numbers may be shown a day: try again tomorrow (in {en})",
                              f"每天最多查看 {PER_DAY} 个完整号码，今天已满，请明天再试（{zh}后）",
                              limit="day", retry_after=wait)
    if counts.shown_in_minute >= PER_MINUTE:
        wait = _seconds(counts.first_in_minute + MINUTE - now)
        en, zh = wait_in_words(wait)
        return TooManyReveals(f"At most {PER_MINUTE} full numbers may be shown a minute: try again in {en}",
                              f"每分钟最多查看 {PER_MINUTE} 个完整号码，请 {zh}后再试", limit="minute", retry_after=wait)
    return None


def _seconds(delta: dt.timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))  # rounded up: never back too early


def bulk_reveal_alert(user: User, day: dt.date, shown: int, refused: int) -> Candidate:
    """The county's alert about a user asking for many full numbers in a day. It is about the county (its staff act
    on it), not the user's unit: the village head or town secretary it may concern neither sees nor handles it."""
    county = outside_scope(GridUnit)  # the county lies outside a village head's scope
    county_id = db.session.scalar(sa.select(county.c.id).where(
        county.c.code == user.unit.code[:CODE_LENGTH["county"]]))
    asked = shown + refused
    return Candidate(
        f"bulk_reveal:{user.id}:{day.isoformat()}", "bulk_reveal", "high", "county", county_id,
        f"{user.display_name} ({user.username}, {user.role.replace('_', ' ')} of {user.unit.name}) asked for {asked} "
        f"full ID or phone numbers on {day.isoformat()}: {shown} shown, {refused} refused by the limits",
        f"{user.unit.name}{ROLE[user.role].zh}{user.display_name}（{user.username}）{day:%Y年%m月%d日}请求查看完整号码 "
        f"{asked} 次（{shown} 次已显示，{refused} 次超出限额被拒绝），请核查",
        [{"type": "reveals", "user_id": user.id, "username": user.username, "day": day.isoformat()}])

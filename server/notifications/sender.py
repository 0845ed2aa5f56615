"""The sender 消息发送 (`flask notifications send`): delivers the outbox (outbox.py) by the channels (channels.py),
outside any request.

Each round first sends the daily digest if its hour has come, then claims the due rows (pending, next attempt now
or before) a small batch at a time, oldest first: the claim moves their next attempt a lease ahead in one UPDATE
whose SELECT is FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite has one writer), and commits, so two senders never take
the same row and no transaction stays open across a call to a gateway. Each row is then sent and marked in a
transaction of its own: 2xx (and errcode 0 from a robot) → sent; a failure or a timeout → attempts + 1 and the next
attempt after a backoff (30 s × 2^(attempts − 1), at most an hour, with jitter), the reason kept without secrets;
after MAX_ATTEMPTS → failed. A sent row is never taken again.

Delivery is at least once: a sender stopped after a gateway took a message but before it was marked sent leaves it
claimed, and once the lease runs out it is sent again with the same Idempotency-Key, which makes it once at a
gateway that honours the key. Before an SMS goes: in quiet hours a non-urgent one waits until they end, and a person
who had `notify_sms_per_hour` in the last hour waits until the oldest of them is an hour old."""
from __future__ import annotations

import datetime as dt
import logging
import random
import uuid

import sqlalchemy as sa
from flask import current_app

from .. import clock, settings
from ..extensions import db
from ..models import OutboundMessage, User
from ..scope import outside_scope
from . import channels, outbox

log = logging.getLogger(__name__)

BATCH = 20
LEASE = dt.timedelta(minutes=5)  # longer than a batch at the timeouts (20 × 13 s)
MAX_ATTEMPTS = 8
BACKOFF_FIRST, BACKOFF_CAP = 30, 3600  # seconds

rows = OutboundMessage.__table__  # Core statements: bookkeeping, not audited row changes
people = outside_scope(User).c  # the recipient's mobile and role, whoever runs the sender


def send_due() -> dict[str, int]:
    """One round: the digest if due, then every row due now. Counts by outcome."""
    config = settings.all_settings()
    counts = {"digests": digest(clock.now(), config), "sent": 0, "retry": 0, "failed": 0, "deferred": 0}
    while claimed := claim(clock.now()):
        for row in claimed:
            counts[send_one(row, config)] += 1
            db.session.commit()  # one message a transaction: a crash loses at most the one in flight
    return counts


def claim(now: dt.datetime) -> list:
    """Take up to BATCH due rows for a lease, oldest first; commits. The rows with the recipient's mobile and role."""
    due = (sa.select(rows.c.id).where(rows.c.status == "pending", rows.c.next_attempt_at <= now)
           .order_by(rows.c.next_attempt_at, rows.c.created_at, rows.c.id).limit(BATCH)
           .with_for_update(skip_locked=True))
    ids = db.session.scalars(sa.update(rows).where(rows.c.id.in_(due), rows.c.status == "pending")
                             .values(next_attempt_at=now + LEASE).returning(rows.c.id)).all()
    db.session.commit()
    if not ids:
        return []
    return db.session.execute(
        sa.select(rows, people.phone, people.role).outerjoin(outside_scope(User), people.id == rows.c.user_id)
        .where(rows.c.id.in_(ids)).order_by(rows.c.created_at, rows.c.id)).all()


def send_one(row, config: dict) -> str:
    """Send one claimed row (or put it off); the outcome: sent, retry, failed or deferred."""
    now = clock.now()
    if row.channel == "sms":
        later = sms_not_before(row, now, config)
        if later:
            _update(row, next_attempt_at=later)
            return "deferred"
        if not row.phone:
            _update(row, status="failed", last_error="no mobile on file")
            return "failed"
    request = channels.build(row.channel, current_app.config, row.body,
                             current_app.config["PUBLIC_URL"].rstrip("/") + row.link, row.phone,
                             int(now.timestamp() * 1000))
    reason = channels.deliver(request, row.idempotency_key, current_app.config["NOTIFY_TIMEOUT"])
    if reason is None:
        mark_sent(row)
        log.info("outbound %s %s sent", row.channel, row.id)
        return "sent"
    attempts = row.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        _update(row, status="failed", attempts=attempts, last_error=reason)
        log.warning("outbound %s %s failed for good after %d attempts: %s", row.channel, row.id, attempts, reason)
        return "failed"
    _update(row, attempts=attempts, last_error=reason, next_attempt_at=clock.now() + backoff(attempts))
    log.warning("outbound %s %s attempt %d failed: %s", row.channel, row.id, attempts, reason)
    return "retry"


def mark_sent(row) -> None:
    _update(row, status="sent", attempts=row.attempts + 1, last_error=None, sent_at=clock.now())


def _update(row, **values) -> None:
    db.session.execute(sa.update(rows).where(rows.c.id == row.id, rows.c.status == "pending").values(**values))


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the attempts-th failure: 30 s, 1, 2, 4 min …, at most an hour, stretched by up to a fifth."""
    seconds = BACKOFF_FIRST * 2 ** (attempts - 1) * random.uniform(1, 1.2)  # noqa: S311 (jitter, not a secret)
    return dt.timedelta(seconds=min(seconds, BACKOFF_CAP))


def sms_not_before(row, now: dt.datetime, config: dict) -> dt.datetime | None:
    """When an SMS may go if not now: the end of quiet hours (unless urgent), or when the person's hourly
    allowance has room again."""
    if not row.urgent and outbox.in_quiet_hours(now, config["quiet_hours"]):
        return outbox.after_quiet_hours(now, config["quiet_hours"])
    limit = config["notify_sms_per_hour"]
    recent = db.session.scalars(
        sa.select(rows.c.sent_at).where(rows.c.user_id == row.user_id, rows.c.channel == "sms",
                                        rows.c.status == "sent", rows.c.sent_at > now - dt.timedelta(hours=1))
        .order_by(rows.c.sent_at.desc()).limit(limit)).all()
    return recent[-1] + dt.timedelta(hours=1) if len(recent) >= limit else None


def digest(now: dt.datetime, config: dict) -> int:
    """From `digest_hour` (China), one SMS to each person with held ones from before it today, saying how many and
    linking to their message centre; the held ones are then digested. Once a day a person (its key). Commits."""
    local = now.astimezone(clock.CHINA)
    if local.hour < config["digest_hour"]:
        return 0
    moment = clock.china_midnight(local.date()) + dt.timedelta(hours=config["digest_hour"])
    held = sa.and_(rows.c.status == "held", rows.c.created_at < moment)
    written = 0
    for user_id, role, count in db.session.execute(
            sa.select(rows.c.user_id, people.role, sa.func.count())
            .join(outside_scope(User), people.id == rows.c.user_id).where(held)
            .group_by(rows.c.user_id, people.role)).all():
        page = outbox.centre(role)
        if outbox.insert([{"id": uuid.uuid4(), "channel": "sms", "user_id": user_id, "notification_id": None,
                           "idempotency_key": f"sms:digest:{user_id}:{local.date().isoformat()}",
                           "body": outbox.body(f"您有{count}条新消息", page), "link": page, "urgent": False,
                           "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now}]):
            db.session.execute(sa.update(rows).where(held, rows.c.user_id == user_id)
                               .values(status="digested", sent_at=now))
            written += 1
    db.session.commit()
    return written

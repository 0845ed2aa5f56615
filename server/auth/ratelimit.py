"""Login rate limiting, per username and per address, kept in the database (shared by all workers)."""
from __future__ import annotations

import datetime as dt
import math

import sqlalchemy as sa

from ..extensions import db
from ..models import LoginAttempt

WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20


def minutes_to_wait(username: str, address: str, now: dt.datetime) -> int:
    """0 if a login may be tried now, else how many minutes until it may."""
    since = now - WINDOW
    waits = []
    for column, value, limit in ((LoginAttempt.username, username, MAX_FAILURES_PER_USER),
                                 (LoginAttempt.address, address, MAX_FAILURES_PER_ADDRESS)):
        last_success = db.session.scalar(sa.select(sa.func.max(LoginAttempt.at))
                                         .where(column == value, LoginAttempt.success.is_(True), LoginAttempt.at > since))
        start = max(since, last_success) if last_success else since
        failures = db.session.scalars(
            sa.select(LoginAttempt.at).where(column == value, LoginAttempt.success.is_(False), LoginAttempt.at > start)
            .order_by(LoginAttempt.at.desc()).limit(limit)).all()
        if len(failures) >= limit:
            waits.append((failures[-1] + WINDOW - now).total_seconds() / 60)
    return math.ceil(max(waits)) if waits else 0


def note_attempt(username: str, address: str, success: bool, now: dt.datetime) -> None:
    db.session.add(LoginAttempt(username=username, address=address, success=success, at=now))

"""Login throttling, kept in the database (shared by all workers), by the (username, address) pair and by the address,
never by the username alone: wrong passwords typed for an account from elsewhere must not keep its owner out
(issue 22 point 4: five from anywhere locked the real user out for 15 minutes, again and again). Past a number of
failures each key waits a delay that doubles with every further failure, up to MAX_DELAY, rather than a hard lock: a
script slows to a crawl, a person who mistyped waits seconds. A success clears its own pair only: signing in to one's
own account does not forgive an address the guesses it made at others (57 got through a limit of 20 that way)."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import LoginAttempt

WINDOW = dt.timedelta(minutes=15)  # failures older than this are forgotten
MAX_DELAY = WINDOW
FIRST_DELAY = dt.timedelta(seconds=30)


@dataclass(frozen=True)
class Throttle:
    free_failures: int  # failures allowed before the delays begin

    def delay(self, failures: int) -> dt.timedelta:
        """How long after the last failure the next attempt must wait: none up to free_failures, then FIRST_DELAY
        doubling with each failure beyond, at most MAX_DELAY."""
        if failures < self.free_failures:
            return dt.timedelta(0)
        return min(MAX_DELAY, FIRST_DELAY * 2 ** (failures - self.free_failures))


PER_PAIR = Throttle(free_failures=5)       # one account from one address: a person mistyping, or a guesser
PER_ADDRESS = Throttle(free_failures=20)   # every account from one address (an office behind one NAT has many users)


def seconds_to_wait(username: str, address: str, now: dt.datetime) -> int:
    """0 if a login may be tried now, else how many seconds until it may."""
    since = now - WINDOW
    pair = sa.and_(LoginAttempt.username == username, LoginAttempt.address == address)
    last_success = db.session.scalar(sa.select(sa.func.max(LoginAttempt.at))
                                     .where(pair, LoginAttempt.success.is_(True), LoginAttempt.at > since))
    waits = [_wait(pair, max(since, last_success) if last_success else since, PER_PAIR, now),
             _wait(LoginAttempt.address == address, since, PER_ADDRESS, now)]
    return max(0, *waits)


def _wait(key, start: dt.datetime, throttle: Throttle, now: dt.datetime) -> int:
    failures, last = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(LoginAttempt.at))
        .where(key, LoginAttempt.success.is_(False), LoginAttempt.at > start)).one()
    if not failures:
        return 0
    remaining = (last + throttle.delay(failures) - now).total_seconds()
    return math.ceil(remaining) if remaining > 0 else 0


def note_attempt(username: str, address: str, success: bool, now: dt.datetime) -> None:
    db.session.add(LoginAttempt(username=username, address=address, success=success, at=now))

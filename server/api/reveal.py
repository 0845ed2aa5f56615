"""The answer of every endpoint that shows a personal number in full (a household's, a petitioner's): the reveal goes
through server/reveals.py (the per-user limits, the audit log, the county's alert on bulk reveals) and is committed;
past a limit the refused request is committed too, and the answer is 429 naming the limit and the wait."""
from flask import g

from .. import clock, reveals
from ..errors import api_abort
from ..extensions import db


def revealed(entity_type: str, entity_id, field: str, reason: str, value) -> dict:
    try:
        reveals.show(g.user, entity_type, entity_id, field, reason, clock.now())
    except reveals.TooManyReveals as exc:
        db.session.commit()  # the refused request stays in the audit log, with the alert it may have raised
        api_abort(429, exc.message, exc.message_zh, retry_after_seconds=exc.retry_after)
    db.session.commit()
    return {"field": field, "value": value}

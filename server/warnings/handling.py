"""Handling an alert 预警处置, its state machine beside the dispute workflow's: open → acknowledged 签收 → closed 办结
(closing acknowledges it too). The alert must already be in the user's scope (callers find it through the scoped
session); the timestamps are the server's."""
from __future__ import annotations

from .. import clock
from ..models import Alert, User
from ..refusal import Refusal


class AlertError(Refusal):
    """The alert's state does not allow the step: 409."""
    status = 409


def acknowledge(alert: Alert, user: User) -> None:
    """You have seen it and someone is on it; acknowledging it again changes nothing."""
    if alert.state == "closed":
        raise AlertError("The alert is closed", "该预警已办结")
    if alert.state == "open":
        alert.state, alert.acknowledged_at, alert.acknowledged_by = "acknowledged", clock.now(), user.id


def close(alert: Alert, user: User, note: str) -> None:
    """Close it, saying what was done."""
    if alert.state == "closed":
        raise AlertError("The alert is already closed", "该预警已办结")
    now = clock.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, user.id
    alert.state, alert.closed_at, alert.closed_by, alert.close_note = "closed", now, user.id, note

"""Handling an alert 预警处置, its state machine beside the dispute workflow's: open → acknowledged 签收 → closed 办结
(closing acknowledges it too). The alert must already be in the user's scope (callers find it through the scoped
session), and is handled at its level, as a dispute is: by the village head, the town secretary or county staff,
whichever it was raised for (a village head's area holds the town's and the county's alerts about its cells, and one
closed is never raised again); the timestamps are the server's."""
from __future__ import annotations

from grids.codes import LEVEL_SHORT_ZH

from .. import clock
from ..models import Alert, User
from ..refusal import Refusal
from ..roles import HANDLER


class AlertError(Refusal):
    """The alert's state does not allow the step: 409."""
    status = 409


def may_handle(user: User, alert: Alert) -> bool:
    return user.role == HANDLER[alert.level]


def _at_its_level(alert: Alert, user: User) -> None:
    if not may_handle(user, alert):
        raise AlertError(f"a {user.role} cannot handle an alert raised for the {alert.level} level",
                         f"该预警由{LEVEL_SHORT_ZH[alert.level]}级处置，您的角色不能签收或办结", status=403)


def acknowledge(alert: Alert, user: User) -> None:
    """You have seen it and someone is on it; acknowledging it again changes nothing."""
    _at_its_level(alert, user)
    if alert.state == "closed":
        raise AlertError("The alert is closed", "该预警已办结")
    if alert.state == "open":
        alert.state, alert.acknowledged_at, alert.acknowledged_by = "acknowledged", clock.now(), user.id


def close(alert: Alert, user: User, note: str) -> None:
    """Close it, saying what was done."""
    _at_its_level(alert, user)
    if alert.state == "closed":
        raise AlertError("The alert is already closed", "该预警已办结")
    now = clock.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, user.id
    alert.state, alert.closed_at, alert.closed_by, alert.close_note = "closed", now, user.id, note

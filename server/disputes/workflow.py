"""The closed loop as a state machine: which step may follow which, and who may take it.

reported → accepted → assigned → mediating → resolved → called_back → closed, with escalation one
level up (village → town → county) from any open state, supervision (督办) and notes at any time.
The level that holds the dispute acts on it: the village head at village level, the town secretary
at town level, county staff at county level ("小事不出村、大事不出镇、矛盾不上交")."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm.attributes import flag_modified

from .. import clock
from ..extensions import db
from ..models import Dispute, DisputeEvent, GridUnit, User
from ..models.vocab import CODE_LENGTH, SATISFACTION

HANDLER = {"village": "village_head", "town": "town_secretary", "county": "county_staff"}
NEXT_LEVEL = {"village": "town", "town": "county"}
LEVEL_ZH = {"village": "村", "town": "镇", "county": "县"}
STATE_ZH = {"reported": "已上报", "accepted": "已受理", "assigned": "已交办", "mediating": "调处中", "resolved": "已化解",
            "called_back": "已回访", "closed": "已结案"}
STEP_ZH = {"accept": "受理", "assign": "交办", "mediate": "调处", "resolve": "化解", "call_back": "回访", "close": "结案",
           "escalate": "上交", "supervise": "督办", "note": "备注"}
OPEN = ("reported", "accepted", "assigned", "mediating")
NOT_CLOSED = OPEN + ("resolved", "called_back")  # on the phones: the call-back 回访 is made from them


@dataclass(frozen=True)
class Step:
    sources: tuple          # states it may start from
    target: str | None      # new state, None: the state does not change
    who: str                # "handler": the level's handler; "handler_or_worker"; "supervisor"; "anyone"


STEPS = {
    "accept": Step(("reported",), "accepted", "handler"),
    "assign": Step(("accepted",), "assigned", "handler"),
    "mediate": Step(("assigned", "called_back"), "mediating", "handler"),  # again after an unsatisfied call-back
    "resolve": Step(("mediating",), "resolved", "handler"),
    "call_back": Step(("resolved",), "called_back", "handler_or_worker"),
    "close": Step(("called_back",), "closed", "handler"),
    "escalate": Step(OPEN, "accepted", "handler"),
    "supervise": Step(OPEN + ("resolved", "called_back"), None, "supervisor"),
    "note": Step(OPEN + ("resolved", "called_back", "closed"), None, "anyone"),
}


class WorkflowError(Exception):
    def __init__(self, status: int, message: str, message_zh: str, field: str | None = None):
        super().__init__(message)
        self.status, self.message, self.message_zh, self.field = status, message, message_zh, field


def may_take(user: User, dispute: Dispute, kind: str) -> bool:
    who = STEPS[kind].who
    if who == "anyone":
        return True
    if who == "supervisor":
        return user.role in ("town_secretary", "county_staff")
    if user.role == HANDLER[dispute.level]:
        return True
    return who == "handler_or_worker" and user.role == "grid_worker"


def take_step(dispute: Dispute, user: User, kind: str, occurred_at: dt.datetime, *, note: str = "",
              leader_username: str | None = None, satisfaction: str | None = None,
              event_id: uuid.UUID | None = None, expected_version: int | None = None) -> DisputeEvent:
    """Move the dispute on (or record a supervision or note) and add the timeline entry. The dispute
    must already be in the user's scope (callers find it through the scoped session)."""
    if expected_version is not None and expected_version != dispute.version:
        raise WorkflowError(409, f"The dispute was changed meanwhile (version {dispute.version}, you had "
                                 f"{expected_version})", f"该事件已被他人修改（当前版本 {dispute.version}）")
    step = STEPS.get(kind)
    if step is None:
        raise WorkflowError(422, f"unknown step {kind}", f"未知操作 {kind}", "kind")
    if dispute.state not in step.sources:
        raise WorkflowError(409, f"cannot {kind} a dispute that is {dispute.state}",
                            f"事件当前{STATE_ZH[dispute.state]}，不能{STEP_ZH[kind]}")
    if not may_take(user, dispute, kind):
        raise WorkflowError(403, f"a {user.role} cannot {kind} a dispute held at {dispute.level} level",
                            f"您的角色不能对{LEVEL_ZH[dispute.level]}级事件执行{STEP_ZH[kind]}")
    if kind == "escalate":
        _escalate(dispute)
    elif kind == "assign":
        _assign(dispute, leader_username)
    elif kind == "call_back":
        if satisfaction not in SATISFACTION:
            raise WorkflowError(422, "a call-back needs satisfaction: satisfied, basically_satisfied or unsatisfied",
                                "回访须填写满意度", "satisfaction")
        dispute.satisfaction = satisfaction
    if step.target:
        dispute.state = step.target
    milestone = {"accept": "accepted_at", "resolve": "resolved_at", "close": "closed_at"}.get(kind)
    if milestone:
        setattr(dispute, milestone, occurred_at)
    if kind == "escalate" and dispute.accepted_at is None:
        dispute.accepted_at = occurred_at  # it arrives above as accepted: the resolution limit runs from here
    # Every step writes the dispute's row, a note or a supervision too: pull sends the dispute again (with its
    # timeline) when updated_at moves, by the server's clock its cursor is read from, not the phone's occurred_at.
    dispute.updated_at = clock.now()
    flag_modified(dispute, "updated_at")  # written even when the clock shows the time of the last write
    event = DisputeEvent(id=event_id or uuid.uuid4(), dispute=dispute, actor_id=user.id, kind=kind,
                         to_state=step.target, note=note, occurred_at=occurred_at)
    db.session.add(event)
    db.session.flush()  # bumps the version; a concurrent change makes this fail (StaleDataError)
    return event


def _escalate(dispute: Dispute):
    if dispute.level not in NEXT_LEVEL:
        raise WorkflowError(409, "a county-level dispute cannot be escalated further", "县级事件不能再上交")
    dispute.level = NEXT_LEVEL[dispute.level]
    dispute.owner_unit_id = unit_at(dispute.cell_id, dispute.level)
    dispute.leader_id = None  # the new level names its own leader


def _assign(dispute: Dispute, leader_username: str | None):
    if not leader_username:
        raise WorkflowError(422, "assigning needs the leader who owns the case (leader_username)",
                            "交办须指定包案领导", "leader_username")
    leader = db.session.scalar(sa.select(User).where(User.username == leader_username, User.active.is_(True)))
    if leader is None or leader.role not in ("village_head", "town_secretary", "county_staff", "cadre"):
        raise WorkflowError(422, f"{leader_username} cannot own a case", f"{leader_username} 不能担任包案领导",
                            "leader_username")
    dispute.leader_id = leader.id
    dispute.owner_unit_id = unit_at(dispute.cell_id, dispute.level)


def unit_at(cell_id: int, level: str) -> int:
    """The id of the cell's ancestor at a level (village, town or county), by code prefix. Read from the
    plain table: the unit a dispute is escalated to lies outside the escalating user's scope."""
    unit = GridUnit.__table__.c
    cell_code = db.session.scalar(sa.select(unit.code).where(unit.id == cell_id))
    return db.session.scalar(sa.select(unit.id).where(unit.code == cell_code[:CODE_LENGTH[level]]))

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

from grids.codes import LEVEL_SHORT_ZH

from .. import clock, phone_time
from ..extensions import db
from ..models import Dispute, DisputeEvent, GridUnit, User
from ..models.vocab import CODE_LENGTH, SATISFACTION
from ..notifications import rules as notify
from ..refusal import Refusal
from ..roles import CASE_LEADER_ROLES, HANDLER, ROLE
from ..scope import outside_scope

NEXT_LEVEL = {"village": "town", "town": "county"}
STATE_ZH = {"reported": "已上报", "accepted": "已受理", "assigned": "已交办", "mediating": "调处中", "resolved": "已化解",
            "called_back": "已回访", "closed": "已结案"}
STEP_ZH = {"report": "上报", "accept": "受理", "decline": "不予受理", "assign": "交办", "mediate": "调处", "resolve": "化解", "call_back": "回访",
           "close": "结案", "escalate": "上交", "supervise": "督办", "note": "备注"}
OPEN = ("reported", "accepted", "assigned", "mediating")
NOT_CLOSED = OPEN + ("resolved", "called_back")  # on the phones: the call-back 回访 is made from them


@dataclass(frozen=True)
class Step:
    sources: tuple          # states it may start from
    target: str | None      # new state, None: the state does not change
    who: str                # "handler": the level's handler; "handler_or_worker"; "supervisor"; "anyone"
    kind: str = ""          # the timeline entry it writes, when not its own name
    needs_note: bool = False  # the note is the reason, and the step is refused without it


STEPS = {
    "accept": Step(("reported",), "accepted", "handler"),
    # 不予受理: closed without acceptance, with the reason (the note) and the notice 告知 that tells the petitioner
    # where to go instead. Its timeline entry is a close marked declined (the event kinds' CHECK stays as it is).
    "decline": Step(("reported",), "closed", "handler", kind="close", needs_note=True),
    "assign": Step(("accepted",), "assigned", "handler"),
    "mediate": Step(("assigned", "called_back"), "mediating", "handler"),  # called_back: left unsatisfied before reopening
    "resolve": Step(("mediating",), "resolved", "handler"),
    # 不满意 reopens it: back to mediating (see take_step); satisfied or basically satisfied: called back
    "call_back": Step(("resolved",), "called_back", "handler_or_worker"),
    "close": Step(("called_back",), "closed", "handler"),
    "escalate": Step(OPEN, "accepted", "handler", needs_note=True),
    "supervise": Step(OPEN + ("resolved", "called_back"), None, "supervisor"),
    "note": Step(OPEN + ("resolved", "called_back", "closed"), None, "anyone"),
}


# What a step records besides its note (kept in the timeline entry's details): the notice of a refusal 不予受理告知,
# the "four fixes" 四定 of an assignment (the leader 定领导 is the step's leader_username; its measures 定措施, the person
# responsible 定责任 and the time limit 定时限; and the unit that owns the case), the agreement a resolution reached.
DETAILS = {"decline": ("notice",), "assign": ("measures", "responsible", "due_on", "owner_unit_code"),
           "resolve": ("agreement",)}
REQUIRED_DETAILS = {"decline": ("notice",)}
DETAIL_ZH = {"notice": "告知内容", "measures": "化解措施", "responsible": "责任人", "due_on": "办结时限",
             "owner_unit_code": "责任单位", "agreement": "调解协议"}


class WorkflowError(Refusal):
    """The workflow refuses the step: 409 when the dispute's state (or version) does not allow it, 403 when the user's
    role may not take it at the dispute's level, 422 when the step lacks what it needs."""


def may_take(user: User, dispute: Dispute, kind: str) -> bool:
    who = STEPS[kind].who
    if who == "anyone":
        return True
    if who == "supervisor":
        return ROLE[user.role].supervises
    if user.role == HANDLER[dispute.level]:
        return True
    return who == "handler_or_worker" and user.role == "grid_worker"


def steps_open_to(user: User, dispute: Dispute) -> list[str]:
    """The steps this user may take on the dispute now, in the loop's order (what the desk offers as buttons)."""
    return [kind for kind, step in STEPS.items() if dispute.state in step.sources and may_take(user, dispute, kind)
            and not (kind == "escalate" and dispute.level not in NEXT_LEVEL)]


def take_step(dispute: Dispute, user: User, kind: str, occurred_at: dt.datetime, *, note: str = "",
              leader_username: str | None = None, satisfaction: str | None = None, details: dict | None = None,
              event_id: uuid.UUID | None = None, expected_version: int | None = None) -> DisputeEvent:
    """Move the dispute on (or record a supervision or note) and add the timeline entry. The dispute
    must already be in the user's scope (callers find it through the scoped session)."""
    if expected_version is not None and expected_version != dispute.version:
        raise WorkflowError(f"The dispute was changed meanwhile (version {dispute.version}, you had {expected_version})",
                            f"该事件已被他人修改（当前版本 {dispute.version}）", status=409)
    step = STEPS.get(kind)
    if step is None:
        raise WorkflowError(f"unknown step {kind}", f"未知操作 {kind}", field="kind")
    if dispute.state not in step.sources:
        raise WorkflowError(f"cannot {kind} a dispute that is {dispute.state}",
                            f"事件当前{STATE_ZH[dispute.state]}，不能{STEP_ZH[kind]}", status=409)
    if not may_take(user, dispute, kind):
        raise WorkflowError(f"a {user.role} cannot {kind} a dispute held at {dispute.level} level",
                            f"您的角色不能对{LEVEL_SHORT_ZH[dispute.level]}级事件执行{STEP_ZH[kind]}", status=403)
    _check_time(dispute, step, occurred_at)
    if step.needs_note and not note.strip():
        raise WorkflowError(f"{kind} needs the reason (note)", f"{STEP_ZH[kind]}须填写理由", field="note")
    details = _details(kind, details or {})
    target = step.target
    if kind == "escalate":
        _escalate(dispute)
    elif kind == "assign":
        _assign(dispute, leader_username, details.get("owner_unit_code"))
    elif kind == "call_back":
        if satisfaction not in SATISFACTION:
            raise WorkflowError("a call-back needs satisfaction: satisfied, basically_satisfied or unsatisfied",
                                "回访须填写满意度", field="satisfaction")
        dispute.satisfaction = details["satisfaction"] = satisfaction  # the timeline says how the call-back went
        if satisfaction == "unsatisfied":
            target = "mediating"  # reopened: mediated again, resolved again, called back again
    elif kind == "close" and dispute.satisfaction == "unsatisfied":
        raise WorkflowError("the party was not satisfied: mediate again before closing",
                            "回访不满意，须重新调处后才能结案", status=409)
    elif kind == "decline":
        details["declined"] = True
    if target:
        dispute.state = target
    milestone = {"accept": "accepted_at", "resolve": "resolved_at", "close": "closed_at", "decline": "closed_at"}.get(kind)
    if milestone:
        setattr(dispute, milestone, occurred_at)
    if kind == "escalate" and dispute.accepted_at is None:
        dispute.accepted_at = occurred_at  # it arrives above as accepted: the resolution limit runs from here
    # Every step writes the dispute's row, a note or a supervision too: pull sends the dispute again (with its
    # timeline) when updated_at moves, by the server's clock its cursor is read from, not the phone's occurred_at.
    dispute.updated_at = clock.now()
    flag_modified(dispute, "updated_at")  # written even when the clock shows the time of the last write
    event = DisputeEvent(id=event_id or uuid.uuid4(), dispute=dispute, actor_id=user.id, kind=step.kind or kind,
                         to_state=target, note=note, details=details, occurred_at=occurred_at, received_at=clock.now())
    db.session.add(event)
    db.session.flush()  # bumps the version; a concurrent change makes this fail (StaleDataError)
    notify.step_taken(dispute, event, clock.now())
    return event


def _check_time(dispute: Dispute, step: Step, occurred_at: dt.datetime):
    """The step's time (a phone's, offline) within phone_time's bounds: a step that moves the dispute on is not
    dated before the step it follows, so a resolution cannot be dated back into its time limit; a note or a
    supervision is not dated before the report."""
    follows = (dispute.reported_at, "the report", "上报时间")
    if step.target is not None:
        last = db.session.execute(sa.select(DisputeEvent.occurred_at, DisputeEvent.kind)
                                  .where(DisputeEvent.dispute_id == dispute.id, DisputeEvent.to_state.is_not(None))
                                  .order_by(DisputeEvent.occurred_at.desc()).limit(1)).first()
        if last is not None:
            follows = (last.occurred_at, f"the step it follows ({last.kind})", f"上一步骤“{STEP_ZH[last.kind]}”")
    why = phone_time.refusal(occurred_at, clock.now(), follows)
    if why:
        raise WorkflowError(f"occurred_at: {why[0]}: check the phone's clock", f"{why[1]}，请检查手机时钟",
                            field="occurred_at")


def _details(kind: str, given: dict) -> dict:
    """The step's own details, the required ones present; text trimmed, the time limit as an ISO date."""
    out = {}
    for key in DETAILS.get(kind, ()):
        value = given.get(key)
        if isinstance(value, str):
            value = value.strip()
        if isinstance(value, dt.date):
            value = value.isoformat()
        if value:
            out[key] = value
    for key in REQUIRED_DETAILS.get(kind, ()):
        if key not in out:
            raise WorkflowError(f"{kind} needs {key}", f"{STEP_ZH[kind]}须填写{DETAIL_ZH[key]}", field=key)
    return out


def _escalate(dispute: Dispute):
    if dispute.level not in NEXT_LEVEL:
        raise WorkflowError("a county-level dispute cannot be escalated further", "县级事件不能再上交", status=409)
    dispute.level = NEXT_LEVEL[dispute.level]
    dispute.owner_unit_id = unit_at(dispute.cell_id, dispute.level)
    dispute.leader_id = None  # the new level names its own leader


def _assign(dispute: Dispute, leader_username: str | None, owner_unit_code: str | None):
    if not leader_username:
        raise WorkflowError("assigning needs the leader who owns the case (leader_username)", "交办须指定包案领导",
                            field="leader_username")
    leader = db.session.scalar(sa.select(User).where(User.username == leader_username, User.active.is_(True)))
    if leader is None or leader.role not in CASE_LEADER_ROLES:
        raise WorkflowError(f"{leader_username} cannot own a case", f"{leader_username} 不能担任包案领导",
                            field="leader_username")
    dispute.leader_id = leader.id
    holder = unit_at(dispute.cell_id, dispute.level)
    dispute.owner_unit_id = _owner_unit(holder, owner_unit_code) if owner_unit_code else holder


def _owner_unit(holder_id: int, code: str) -> int:
    """The unit that owns the case: the holding unit or one under it, in the user's scope (through the session)."""
    holder_code = db.session.scalar(sa.select(outside_scope(GridUnit).c.code).where(outside_scope(GridUnit).c.id
                                                                                    == holder_id))
    unit = db.session.scalar(sa.select(GridUnit).where(GridUnit.code == code))
    if unit is None or not code.startswith(holder_code):
        raise WorkflowError(f"{code} is not a unit under the one holding the case ({holder_code})",
                            f"{code} 不是承办单位（{holder_code}）下属的单位", field="owner_unit_code")
    return unit.id


def unit_at(cell_id: int, level: str) -> int:
    """The id of the cell's ancestor at a level (village, town or county), by code prefix. Read from the
    plain table: the unit a dispute is escalated to lies outside the escalating user's scope."""
    unit = outside_scope(GridUnit).c
    cell_code = db.session.scalar(sa.select(unit.code).where(unit.id == cell_id))
    return db.session.scalar(sa.select(unit.id).where(unit.code == cell_code[:CODE_LENGTH[level]]))

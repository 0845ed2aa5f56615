"""The 待办 inbox of a dispute handler: the boxes of work waiting for them, each an SQL condition on the disputes in
their scope, counted in one query. A handler (village head, town secretary, county staff) sees the boxes of the
level they hold; anyone named case leader 包案 sees the cases they lead."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Dispute, DisputeEvent, User
from ..roles import ROLE
from .workflow import NOT_CLOSED, OPEN

BOX_ZH = {"to_accept": "待受理", "mine": "我包案的", "deadline": "临期与超期", "escalated": "上交到本级",
          "call_back": "待回访", "supervised": "被督办"}
BOXES = tuple(BOX_ZH)


def box_condition(box: str, user: User, colour) -> sa.ColumnElement:
    """Which disputes are in the box for this user; `colour` is the deadline colour column of the query."""
    level = ROLE[user.role].handles
    if box == "mine":
        return sa.and_(Dispute.leader_id == user.id, Dispute.state.in_(NOT_CLOSED))
    if level is None:
        return sa.false()  # the other boxes are the handling level's
    held = Dispute.level == level
    if box == "to_accept":
        return sa.and_(held, Dispute.state == "reported")
    if box == "deadline":
        return sa.and_(held, colour.in_(("yellow", "red")))
    if box == "escalated":  # handed up to this level and not yet handed on to a case leader
        return sa.and_(held, Dispute.state == "accepted", Dispute.leader_id.is_(None), _has_entry("escalate"))
    if box == "call_back":
        return sa.and_(held, Dispute.state == "resolved")
    if box == "supervised":  # supervised 督办 since the dispute last moved on
        return sa.and_(held, Dispute.state.in_(OPEN + ("resolved", "called_back")), _supervised_since_last_move())
    raise KeyError(box)


def _has_entry(kind: str):
    event = sa.orm.aliased(DisputeEvent)
    return sa.exists().where(event.dispute_id == Dispute.id, event.kind == kind)


def _supervised_since_last_move():
    supervision, move = sa.orm.aliased(DisputeEvent), sa.orm.aliased(DisputeEvent)
    # by the server's receipt: a phone's step carries the time it was taken, which may be before a supervision
    # it answers only once it arrives
    last_move = (sa.select(sa.func.max(move.received_at))
                 .where(move.dispute_id == Dispute.id, move.to_state.is_not(None)).scalar_subquery())
    return sa.exists().where(supervision.dispute_id == Dispute.id, supervision.kind == "supervise",
                             supervision.received_at > sa.func.coalesce(last_move, Dispute.received_at))


def counts(user: User, colour) -> dict[str, int]:
    """{box: how many, and "waiting": how many disputes are in any box (a dispute may be in two)} of the disputes in
    the user's scope, in one SELECT (`colour`: deadline_columns' colour)."""
    conditions = {box: box_condition(box, user, colour) for box in BOXES}
    counted = [sa.func.count(sa.case((condition, 1))).label(box) for box, condition in conditions.items()]
    waiting = sa.func.count(sa.case((sa.or_(*conditions.values()), 1))).label("waiting")
    row = db.session.execute(sa.select(*counted, waiting).select_from(Dispute)).one()
    return dict(row._mapping)

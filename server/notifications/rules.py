"""Who hears of what 消息规则: each event and its audience, computed from the roles (server/roles.py) and the grid's
codes, and written in the transaction of the event itself (the sweep's are its own). The audience is read past the
acting user's scope on purpose: a village head escalating a dispute cannot see the town's secretary, who must hear
of it. Every message has an event key, unique per person, so an event told twice (a re-sent sync item, the sweep
run again) writes nothing more."""
from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from grids.codes import CODE_LENGTH

from ..extensions import db
from ..models import Alert, Dispute, DisputeEvent, GridUnit, HouseholdMove, Notification, User
from ..roles import HANDLER
from ..scope import outside_scope
from . import outbox
from .kinds import API_ADDRESS, KINDS, texts

users = outside_scope(User).c
units = outside_scope(GridUnit)
cells = units.alias("cell")


def holders(level: str, cell_ids) -> sa.Select:
    """(user id, cell id) of the users who act at `level` over each of the cells (a SELECT or list of cell ids): the
    village heads of the cell's village, the secretaries of its town, the county's staff. By the code prefix: a
    unit's code starts with its parent's."""
    holder = units.alias("holder")
    return (sa.select(users.id, cells.c.id.label("cell_id"))
            .select_from(cells)
            .join(holder, sa.and_(holder.c.level == level,
                                  holder.c.code == sa.func.substr(cells.c.code, 1, CODE_LENGTH[level])))
            .join(outside_scope(User), users.unit_id == holder.c.id)
            .where(cells.c.id.in_(cell_ids), users.role == HANDLER[level], users.active.is_(True)))


def workers_of(cell_ids) -> sa.Select:
    """(user id, cell id) of the grid workers of each cell."""
    return (sa.select(users.id, users.unit_id.label("cell_id"))
            .where(users.unit_id.in_(cell_ids), users.role == "grid_worker", users.active.is_(True)))


def place_names(cell_ids) -> dict[int, str]:
    """A cell's name as messages say it: 城关镇西桥社区第1网格 (town and cell; a cell's name carries its village)."""
    town = units.alias("town")
    rows = db.session.execute(
        sa.select(cells.c.id, town.c.name, cells.c.name).select_from(cells)
        .join(town, town.c.code == sa.func.substr(cells.c.code, 1, CODE_LENGTH["town"]))
        .where(cells.c.id.in_(list(cell_ids)))).all()
    return {cell_id: f"{town_name}{cell_name}" for cell_id, town_name, cell_name in rows}


def tell(kind: str, user_ids, key: str, subject_id, now: dt.datetime, *, urgent: bool = False,
         api: dict | None = None, **params) -> int:
    """The message of `kind` to each of the users (ids), under the event key; how many were new."""
    en, zh = texts(kind, **params)
    subject = KINDS[kind].subject
    url = API_ADDRESS[subject].format(id=subject_id, **(api or {}))
    return write([{"id": uuid.uuid4(), "user_id": user_id, "kind": kind, "event_key": key, "subject_type": subject,
                   "subject_id": str(subject_id), "api_url": url, "text": en, "text_zh": zh, "urgent": urgent,
                   "created_at": now} for user_id in dict.fromkeys(user_ids)])


def write(rows: list[dict]) -> int:
    """Insert the messages, skipping those a person was already told (same event key): one statement; and beside
    them, in the same transaction, what goes out by the county's channels (outbox.py)."""
    if not rows:
        return 0
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = (dialect.insert(Notification).on_conflict_do_nothing(index_elements=["event_key", "user_id"])
                 .returning(Notification.id))  # the rows written: those skipped return nothing
    written = {message_id for (message_id,) in db.session.connection().execute(statement, rows)}
    outbox.enqueue([row for row in rows if row["id"] in written])
    return len(written)


# The events: each called where the thing happens, in its transaction.

def dispute_arrived(dispute: Dispute, now: dt.datetime) -> None:
    """A dispute reported, or escalated to a level: its holders there hear of it."""
    audience = [user_id for user_id, _ in db.session.execute(holders(dispute.level, [dispute.cell_id]))]
    tell("dispute_arrived", audience, f"arrived:{dispute.id}:{dispute.level}", dispute.id, now,
         urgent=dispute.risk_colour == "red", place=place_names([dispute.cell_id])[dispute.cell_id],
         risk=dispute.risk_colour, level=dispute.level)


def step_taken(dispute: Dispute, event: DisputeEvent, now: dt.datetime) -> None:
    """The steps others must hear of: an escalation (the level above), an assignment (the case's leader) and a
    supervision 督办 (who holds the dispute, and its leader)."""
    place = place_names([dispute.cell_id])[dispute.cell_id]
    if event.kind == "escalate":
        dispute_arrived(dispute, now)
    elif event.kind == "assign" and dispute.leader_id:
        tell("case_assigned", [dispute.leader_id], f"assigned:{event.id}", dispute.id, now, place=place,
             risk=dispute.risk_colour)
    elif event.kind == "supervise":
        audience = [user_id for user_id, _ in db.session.execute(holders(dispute.level, [dispute.cell_id]))]
        tell("supervised", audience + ([dispute.leader_id] if dispute.leader_id else []), f"supervised:{event.id}",
             dispute.id, now, place=place)


def alerts_raised(alert_ids: list, now: dt.datetime) -> None:
    """New early warnings: the users who act at the alert's level over its unit."""
    if not alert_ids:
        return
    alert = outside_scope(Alert)  # raised on a user's action, it may lie outside their area (the county's)
    alert_units = units.alias("alert_unit")
    holder = units.alias("holder")
    rows = db.session.execute(
        sa.select(alert.c.id, alert.c.severity, alert_units.c.name, users.id)
        .join(alert_units, alert_units.c.id == alert.c.unit_id)
        .join(holder, holder.c.level == alert.c.level)
        .join(outside_scope(User), users.unit_id == holder.c.id)
        .where(alert.c.id.in_(alert_ids), users.active.is_(True),
               # the holder's unit contains the alert's (or is it): the alert's code starts with the holder's
               sa.func.substr(alert_units.c.code, 1, sa.func.length(holder.c.code)) == holder.c.code,
               users.role == sa.case(*((alert.c.level == level, role) for level, role in HANDLER.items())))).all()
    by_alert: dict = {}
    for alert_id, severity, place, user_id in rows:
        by_alert.setdefault(alert_id, (severity, place, []))[2].append(user_id)
    for alert_id, (severity, place, audience) in by_alert.items():
        tell("alert_raised", audience, f"alert:{alert_id}", alert_id, now, urgent=severity == "high", place=place,
             severity=severity)


def move_requested(move: HouseholdMove, now: dt.datetime) -> None:
    """A household moving into a cell: its grid workers, who accept or refuse it."""
    audience = [user_id for user_id, _ in db.session.execute(workers_of([move.to_cell_id]))]
    tell("move_awaiting", audience, f"move:{move.id}", move.id, now, place=place_names([move.to_cell_id])[move.to_cell_id])

"""Disputes as the API and pull answer them: each with its cell, household, case leader and deadline (one
SELECT), and their timelines (the steps loaded with them, the actors' names in one more query)."""
from __future__ import annotations

import sqlalchemy as sa

from grids.codes import CODE_LENGTH

from .. import clock
from ..attachments.attach import attachments_of
from ..extensions import db
from ..geojson import geojson_geometry
from ..models import Dispute, GridUnit, Household, User
from ..scope import outside_scope
from .deadlines import deadline_columns
from .workflow import OPEN

# People named on a dispute (its leader, who took each step) may work outside the reader's scope:
# their names come from the plain table, which the scope does not filter.
leaders = outside_scope(User)
users = leaders.c


def dispute_rows(query_filter, now, config: dict | None = None):
    """A SELECT of the disputes matching the filter with cell_code, household_code, leader_username, first_receiver,
    due_at and colour, and the deadline columns (to filter on)."""
    columns = deadline_columns(now, config)
    receivers = outside_scope(User).alias("first_receiver")  # who received it first may work elsewhere
    query = (sa.select(Dispute, GridUnit.code.label("cell_code"), GridUnit.name.label("cell_name"),
                       Household.code.label("household_code"), Household.head_name.label("household_head"),
                       Household.address.label("household_address"), users.username.label("leader_username"),
                       users.display_name.label("leader_name"), receivers.c.username.label("first_receiver"),
                       columns["due_at"], columns["colour"])
             .join(GridUnit, GridUnit.id == Dispute.cell_id)
             .outerjoin(Household, Household.id == Dispute.household_id)
             .outerjoin(leaders, users.id == Dispute.leader_id)
             .outerjoin(receivers, receivers.c.id == Dispute.first_receiver_id).where(query_filter))
    return query, columns


def timelines(disputes) -> dict:
    """Each dispute's steps, oldest first ({id, kind, to_state, note, actor, occurred_at, received_at, attachments}), by dispute
    id. Load the disputes with selectinload(Dispute.events) first: the names then take one query for all of them,
    and the attachments one more."""
    actors = {e.actor_id for d in disputes for e in d.events}
    names = dict(db.session.execute(sa.select(users.id, users.display_name).where(users.id.in_(actors))).all()
                 ) if actors else {}
    files = attachments_of({"dispute_event": [e.id for d in disputes for e in d.events],
                            "dispute": [d.id for d in disputes]})
    return {d.id: [{"id": e.id, "kind": e.kind, "to_state": e.to_state, "note": e.note, "details": e.details or {},
                    "actor": names.get(e.actor_id), "occurred_at": e.occurred_at, "received_at": e.received_at,
                    # the report carries the dispute's own attachments, sent with it
                    "attachments": files.get(("dispute_event", e.id), []) + (
                        files.get(("dispute", d.id), []) if e.kind == "report" else [])}
                   for e in d.events] for d in disputes}


def as_dict(row, timeline: list | None = None) -> dict:
    """A row of dispute_rows() as the dispute schemas read it (events: its timeline, when given)."""
    dispute = row[0]
    out = {c.key: getattr(dispute, c.key) for c in sa.inspect(Dispute).column_attrs}
    out.update(cell_code=row.cell_code, cell_name=row.cell_name, household_code=row.household_code,
               household_head=row.household_head, household_address=row.household_address,
               leader_username=row.leader_username, leader_name=row.leader_name, first_receiver=row.first_receiver,
               due_at=row.due_at, deadline=row.colour, location=geojson_geometry(dispute.location),
               events=timeline or [])
    out["petitioner"] = None if dispute.petitioner_name is None else {
        "name": dispute.petitioner_name, "id_number": dispute.petitioner_id_number,
        "mobile": dispute.petitioner_mobile, "address": dispute.petitioner_address}
    return out


def places_of(cell_code: str) -> list[dict]:
    """The town, village and cell a dispute lies in, by name. From the plain table: a village head's scope holds
    the village, not the town above it, whose name the page still shows."""
    unit = outside_scope(GridUnit).c
    codes = [cell_code[:CODE_LENGTH[level]] for level in ("town", "village", "cell")]
    rows = db.session.execute(sa.select(unit.code, unit.name, unit.level).where(unit.code.in_(codes))
                              .order_by(unit.code)).all()
    return [{"code": r.code, "name": r.name, "level": r.level} for r in rows]


def unit_named(unit_id: int | None) -> dict | None:
    """A unit by id as {code, name, level} (the owner of a case may lie above the reader's scope)."""
    if unit_id is None:
        return None
    unit = outside_scope(GridUnit).c
    row = db.session.execute(sa.select(unit.code, unit.name, unit.level).where(unit.id == unit_id)).first()
    return {"code": row.code, "name": row.name, "level": row.level} if row else None


FILTERS = ("start", "end", "category", "risk_colour", "state", "open")


def filter_values(args: dict) -> dict:
    """The filters the lists and the heat map share, as the values their conditions compare with: reported from
    `start` and before `end` (China days, as instants), `category`, `risk_colour`, `state`, and `open` (not yet
    resolved; no value of its own). Filters not given are left out."""
    values = {key: args[key] for key in FILTERS if args.get(key)}
    for day in ("start", "end"):
        if day in values:
            values[day] = clock.china_midnight(values[day])
    return values


def filter_conditions(values: dict) -> list:
    """Conditions on disputes for filter_values(); each value may also be a bind parameter, which lets a caller
    build its statement once for every request with the same filters (the heat tiles, server/maps/heat.py)."""
    conditions = []
    if "start" in values:
        conditions.append(Dispute.reported_at >= values["start"])
    if "end" in values:
        conditions.append(Dispute.reported_at < values["end"])
    for key in ("category", "risk_colour", "state"):
        if key in values:
            conditions.append(getattr(Dispute, key) == values[key])
    if "open" in values:
        conditions.append(Dispute.state.in_(OPEN))
    return conditions

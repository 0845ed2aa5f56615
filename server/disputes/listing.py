"""Disputes as the API and pull answer them: each with its cell, household, case leader and deadline (one
SELECT), and their timelines (the steps loaded with them, the actors' names in one more query)."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Dispute, GridUnit, Household, User
from .deadlines import deadline_columns

# People named on a dispute (its leader, who took each step) may work outside the reader's scope:
# their names come from the plain table, which the scope does not filter.
users = User.__table__.c


def dispute_rows(query_filter, now, config: dict | None = None):
    """A SELECT of the disputes matching the filter with cell_code, household_code, leader_username, first_receiver,
    due_at and colour, and the deadline columns (to filter on)."""
    columns = deadline_columns(now, config)
    receivers = User.__table__.alias("first_receiver")
    query = (sa.select(Dispute, GridUnit.code.label("cell_code"), Household.code.label("household_code"),
                       users.username.label("leader_username"), receivers.c.username.label("first_receiver"),
                       columns["due_at"], columns["colour"])
             .join(GridUnit, GridUnit.id == Dispute.cell_id)
             .outerjoin(Household, Household.id == Dispute.household_id)
             .outerjoin(User.__table__, users.id == Dispute.leader_id)
             .outerjoin(receivers, receivers.c.id == Dispute.first_receiver_id).where(query_filter))
    return query, columns


def timelines(disputes) -> dict:
    """Each dispute's steps, oldest first ({id, kind, to_state, note, actor, occurred_at}), by dispute id. Load
    the disputes with selectinload(Dispute.events) first: the names then take one query for all of them."""
    actors = {e.actor_id for d in disputes for e in d.events}
    names = dict(db.session.execute(sa.select(users.id, users.display_name).where(users.id.in_(actors))).all()
                 ) if actors else {}
    return {d.id: [{"id": e.id, "kind": e.kind, "to_state": e.to_state, "note": e.note, "actor": names.get(e.actor_id),
                    "occurred_at": e.occurred_at} for e in d.events] for d in disputes}


def as_dict(row, timeline: list | None = None) -> dict:
    """A row of dispute_rows() as the dispute schemas read it (events: its timeline, when given)."""
    dispute = row[0]
    out = {c.key: getattr(dispute, c.key) for c in sa.inspect(Dispute).column_attrs}
    out.update(cell_code=row.cell_code, household_code=row.household_code, leader_username=row.leader_username,
               first_receiver=row.first_receiver, due_at=row.due_at, deadline=row.colour, events=timeline or [])
    out["petitioner"] = None if dispute.petitioner_name is None else {
        "name": dispute.petitioner_name, "id_number": dispute.petitioner_id_number,
        "mobile": dispute.petitioner_mobile, "address": dispute.petitioner_address}
    return out

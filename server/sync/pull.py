"""Pull sync: what a phone needs to work offline, changed since its last pull.

Everything is read through the scoped session, so a worker gets their cell, a cadre their linked
households. Alongside the changes come the complete lists of household codes and open dispute ids
in scope: whatever the phone holds that is not in them was deleted or left the user's area."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..disputes.deadlines import deadline_columns
from ..disputes.workflow import OPEN
from ..extensions import db
from ..models import CadreLink, Dispute, GridUnit, Household, Visit

OVERLAP = dt.timedelta(minutes=2)  # rows committed late with an earlier time are sent again, not missed


def pull(since: dt.datetime | None, now: dt.datetime) -> dict:
    changed = (lambda column: column >= since - OVERLAP) if since else (lambda column: sa.true())
    households = db.session.scalars(
        sa.select(Household).where(changed(Household.updated_at)).order_by(Household.code)
        .options(joinedload(Household.cell), selectinload(Household.tag_rows), selectinload(Household.members))).all()
    links = db.session.scalars(sa.select(CadreLink).where(changed(CadreLink.updated_at))
                               .options(joinedload(CadreLink.household), joinedload(CadreLink.cadre))).all()
    columns = deadline_columns(now)
    disputes = db.session.execute(
        sa.select(Dispute, GridUnit.code.label("cell_code"), columns["due_at"], columns["colour"])
        .join(GridUnit, GridUnit.id == Dispute.cell_id)
        .where(Dispute.state.in_(OPEN), changed(Dispute.updated_at))).all()
    follow_ups = db.session.execute(
        sa.select(Visit.id, Household.code, Visit.follow_up_on, Visit.findings).join(Household, Household.id == Visit.household_id)
        .where(Visit.follow_up_on >= now.date() - dt.timedelta(days=30), changed(Visit.received_at))).all()
    return {
        "server_time": now,
        "cursor": now,
        "households": households,  # with last_visit_at, kept by the database
        "household_codes": db.session.scalars(sa.select(Household.code).order_by(Household.code)).all(),
        "cadre_links": links,
        "disputes": [_with(d, cell_code=code, due_at=due, deadline=colour) for d, code, due, colour in disputes],
        "open_dispute_ids": db.session.scalars(sa.select(Dispute.id).where(Dispute.state.in_(OPEN))).all(),
        "follow_ups": [{"visit_id": v, "household_code": code, "follow_up_on": on, "findings": findings}
                       for v, code, on, findings in follow_ups],
    }


def _with(obj, **values):
    """The object with computed values attached for serialisation (plain attributes, not mapped)."""
    for key, value in values.items():
        setattr(obj, key, value)
    return obj

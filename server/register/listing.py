"""The register of a unit as the desk reads it: its households in one query, filtered and ordered by code in SQL,
each with its cell and whether a move of it waits for the receiving side. The scope (server/scope.py) keeps every
household, tag and move of it to the user's area. No Flask."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from ..grid_admin.queries import households_under, on_register
from ..models import GridUnit, Household, HouseholdMove, HouseholdTag


def register_query(unit: GridUnit, q: str | None = None, tag: str | None = None, retired: bool = False):
    """Select (Household, has_pending_move) under the unit; `q` is contained in the head's name, the address or the
    code; `retired` keeps the retired households too. Unordered: the caller pages it by code."""
    pending = sa.exists().where(HouseholdMove.household_id == Household.id, HouseholdMove.state == "pending")
    query = (sa.select(Household, pending.label("has_pending_move"))
             .join(GridUnit, GridUnit.id == Household.cell_id)
             .where(households_under(unit))
             .options(contains_eager(Household.cell), selectinload(Household.tag_rows)))
    if not retired:
        query = query.where(on_register())
    if q:
        query = query.where(sa.or_(*(column.icontains(q, autoescape=True)
                                     for column in (Household.head_name, Household.address, Household.code))))
    if tag:
        query = query.where(Household.id.in_(sa.select(HouseholdTag.household_id).where(HouseholdTag.tag == tag)))
    return query

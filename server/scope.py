"""Data scope: what part of the county the current user may see, applied to every ORM query.

One session hook adds the user's criteria to every SELECT of a scoped model (including joins,
aliases and relationship loads), so no endpoint can forget it; an endpoint that looks up something
out of scope simply finds nothing and answers 404, which does not reveal that it exists.
 - county staff and admin: the whole county (their unit is the county);
 - town secretary, village head: their unit's subtree;
 - grid worker: their cell;
 - cadre: the households linked to them now, and what hangs off those households.
A household's move to another cell is seen from both sides: by whoever sees the household, and by whoever sees
the cell it is to go to (who accepts it)."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session, with_loader_criteria

from grids.codes import subtree_range

from .extensions import db
from .models import (
    Alert,
    CadreLink,
    Dispute,
    DisputeEvent,
    DisputeLink,
    GridUnit,
    Household,
    HouseholdMember,
    HouseholdMove,
    HouseholdTag,
    User,
    Visit,
)


@dataclass(frozen=True)
class Scope:
    user_id: int
    role: str
    unit_code: str
    everything: bool = False  # the user's unit is the only top unit in the database: nothing to filter

    @classmethod
    def of(cls, user, county_alone: bool | None = None) -> "Scope":
        """The user's scope. county_alone: whether the database holds a single county, if the caller has
        asked already (the sign-in lookup asks it in the same statement as the user)."""
        everything = False
        if user.role != "cadre" and user.unit.parent_id is None:
            # Without criteria, a county user's queries skip a test of every visit against every household
            # of the county (a town's trend through the API: 365 → 60 ms on the demo county). Checked per
            # request: a second county imported into the same database puts the criteria back at once.
            if county_alone is None:
                county_alone = db.session.scalar(sa.select(sa.func.count()).select_from(GridUnit)
                                                 .where(GridUnit.parent_id.is_(None))) == 1
            everything = county_alone
        return cls(user.id, user.role, user.unit.code, everything)

    @property
    def code_range(self) -> tuple[str, str]:
        return subtree_range(self.unit_code)

    @property
    def criteria(self) -> tuple:
        """Loader criteria for every scoped model, built once per scope and kept (building them was a fifth of a
        sync request's time): a scope is its user, role and unit, and its criteria are SQL that reads the links and
        units when it runs, so a kept one stays true when they change. The subqueries use the plain tables, which
        the criteria do not touch, so they say exactly what they say."""
        return _criteria(self)


@functools.lru_cache(maxsize=4096)  # a scope per user at most; a county has a few thousand
def _criteria(scope: Scope) -> tuple:
    if scope.everything:
        return ()
    low, high = scope.code_range
    me = scope.user_id
    unit, household, link, dispute = (m.__table__.c for m in (GridUnit, Household, CadreLink, Dispute))
    in_units = sa.select(unit.id).where(unit.code.between(low, high))
    if scope.role == "cadre":
        in_households = sa.select(link.household_id).where(link.cadre_id == me, link.valid_to.is_(None))
        dispute_in_scope = lambda d: sa.or_(d.household_id.in_(in_households), d.reporter_id == me)  # noqa: E731
    else:
        in_households = sa.select(household.id).where(household.cell_id.in_(in_units))
        dispute_in_scope = lambda d: sa.or_(d.cell_id.in_(in_units), d.reporter_id == me)  # noqa: E731
    in_disputes = sa.select(dispute.id).where(dispute_in_scope(dispute))

    def scoped(model, condition):
        return with_loader_criteria(model, condition, include_aliases=True)

    return (
        scoped(GridUnit, lambda cls: cls.code.between(low, high)),
        scoped(Household, (lambda cls: cls.id.in_(in_households)) if scope.role == "cadre"
               else (lambda cls: cls.cell_id.in_(in_units))),
        scoped(HouseholdMember, lambda cls: cls.household_id.in_(in_households)),
        scoped(HouseholdTag, lambda cls: cls.household_id.in_(in_households)),
        scoped(HouseholdMove, (lambda cls: cls.household_id.in_(in_households)) if scope.role == "cadre"
               else (lambda cls: sa.or_(cls.household_id.in_(in_households), cls.to_cell_id.in_(in_units)))),
        scoped(CadreLink, lambda cls: cls.household_id.in_(in_households)),
        scoped(Visit, lambda cls: sa.or_(cls.household_id.in_(in_households), cls.author_id == me)),
        scoped(Dispute, dispute_in_scope),  # on its own columns, not through a second scan of dispute
        scoped(DisputeEvent, lambda cls: cls.dispute_id.in_(in_disputes)),
        scoped(DisputeLink, lambda cls: sa.and_(cls.dispute_id.in_(in_disputes), cls.earlier_id.in_(in_disputes))),
        scoped(User, lambda cls: sa.or_(cls.unit_id.in_(in_units), cls.id == me)),
        scoped(Alert, lambda cls: cls.unit_id.in_(in_units)),
    )


def outside_scope(model) -> sa.Table:
    """A scoped model's plain table, for reading past the user's scope on purpose: the criteria apply to mapped
    entities only, so a query on the table sees every row. For what a record in scope names that may lie
    elsewhere (the author of a visit, the leader of a case, the town a dispute is escalated to), never to list
    records; each use says why in a comment."""
    return model.__table__


def current_scope() -> Scope | None:
    return g.get("scope") if has_request_context() else None


@event.listens_for(Session, "do_orm_execute")
def _apply_scope(state):
    scope = current_scope()
    if scope is None or not state.is_select or state.is_column_load:
        return
    state.statement = state.statement.options(*scope.criteria)

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
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, with_loader_criteria
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

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
        """Loader criteria for every scoped model: the same SQL for every user of a kind (cadre, other roles), built
        once, with the scope's own values bound by name at execution (`parameters`)."""
        return () if self.everything else _criteria(self.role == "cadre")

    @property
    def parameters(self) -> dict:
        low, high = self.code_range
        return {ScopeValue.LOW: low, ScopeValue.HIGH: high, ScopeValue.USER: self.user_id}


class ScopeValue(ColumnElement):
    """One of the scope's values in the criteria's SQL, rendered as a bound parameter named for it and given on each
    execution. Why not a plain bindparam: every SELECT carries the criteria of all twelve scoped models, and the
    values captured in them were extracted as parameters of each statement, the same few objects 29 times over;
    matching those to the compiled statement's copies cost 8 ms of a grid worker's pull (SQLAlchemy compares
    same-hash copies by building `==` expressions). This element has a constant cache key and no parameter to
    extract: the statement is the same for every user of a kind, and the values are three plain parameters."""
    LOW, HIGH, USER = "scope_low", "scope_high", "scope_user"
    inherit_cache = True
    _traverse_internals = [("name", InternalTraversal.dp_string)]

    def __init__(self, name: str, type_):
        self.name, self.type = name, type_
        self._parameter = sa.bindparam(name, type_=type_, required=True)


@compiles(ScopeValue)
def _render_scope_value(element, compiler, **kw):
    return compiler.process(element._parameter, **kw)


@functools.cache  # two kinds: a cadre's linked households, everyone else's units
def _criteria(cadre: bool) -> tuple:
    low, high = ScopeValue(ScopeValue.LOW, sa.String()), ScopeValue(ScopeValue.HIGH, sa.String())
    me = ScopeValue(ScopeValue.USER, sa.Integer())
    unit, household, link, dispute = (m.__table__.c for m in (GridUnit, Household, CadreLink, Dispute))
    in_units = sa.select(unit.id).where(unit.code.between(low, high))
    if cadre:
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
        scoped(Household, (lambda cls: cls.id.in_(in_households)) if cadre else (lambda cls: cls.cell_id.in_(in_units))),
        scoped(HouseholdMember, lambda cls: cls.household_id.in_(in_households)),
        scoped(HouseholdTag, lambda cls: cls.household_id.in_(in_households)),
        scoped(HouseholdMove, (lambda cls: cls.household_id.in_(in_households)) if cadre
               else (lambda cls: sa.or_(cls.household_id.in_(in_households), cls.to_cell_id.in_(in_units)))),
        scoped(CadreLink, lambda cls: cls.household_id.in_(in_households)),
        scoped(Visit, lambda cls: sa.or_(cls.household_id.in_(in_households), cls.author_id == me)),
        scoped(Dispute, dispute_in_scope),  # on its own columns, not through a second scan of dispute
        scoped(DisputeEvent, lambda cls: cls.dispute_id.in_(in_disputes)),
        scoped(DisputeLink, lambda cls: sa.and_(cls.dispute_id.in_(in_disputes), cls.earlier_id.in_(in_disputes))),
        scoped(User, lambda cls: sa.or_(cls.unit_id.in_(in_units), cls.id == me)),
        scoped(Alert, lambda cls: cls.unit_id.in_(in_units)),
    )


def place_cells() -> sa.Select:
    """The ids of the cells where the current user may report a dispute at a place (no household named): a cadre
    reports for their linked households only (docs/domain.md, who does what), so at places in those households' cells,
    not in every cell of the village or town they are bound to; everyone else in the cells of their area."""
    scope = current_scope()
    if scope is not None and scope.role == "cadre":
        return sa.select(Household.cell_id)  # the linked households, through the scope
    return sa.select(GridUnit.id).where(GridUnit.level == "cell")


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
    if scope is None or scope.everything or not state.is_select or state.is_column_load:
        return None
    if state.parameters is None:
        state.parameters = {}  # invoke_statement merges its parameters into these, and cannot merge into None
    return state.invoke_statement(statement=state.statement.options(*scope.criteria), params=scope.parameters)

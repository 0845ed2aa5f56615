"""A household's move to another cell 迁移: asked for by a keeper of the register whose area holds the household,
pending until a keeper whose area holds the target cell accepts it (its grid worker, or the village head, town
secretary or county staff above it) or refuses it; the asking side may cancel it. A move between towns so passes
through both towns' scope. Accepted, the household is in its new cell from that moment (its code stays: a
registration number is kept when a household moves) and both cells' phones learn of it on their next pull.

The receiving side sees what arrives before it is theirs: the household's code, head, address and cells are read
past the scope for the moves in scope (server/scope.py shows a move to whoever sees its household or its target
cell)."""
from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from .. import audit
from ..extensions import db
from ..models import GridUnit, Household, HouseholdMove, User
from ..notifications import rules as notify
from ..scope import outside_scope
from .changes import expect_version, may
from .checks import RegisterError


def request_move(user: User, household: Household, data: dict, now: dt.datetime,
                 move_id: uuid.UUID | None = None) -> HouseholdMove:
    may(user, keeps=True)
    expect_version(household, data["version"])
    if household.pending_moves:
        raise RegisterError("a move of this household is already waiting for the receiving side",
                            "该户已有待接收的迁移申请", status=409, field="to_cell_code")
    cell = outside_scope(GridUnit).c  # the target cell may lie in another town, out of the user's sight
    to_cell_id = db.session.scalar(sa.select(cell.id).where(cell.code == data["to_cell_code"], cell.level == "cell"))
    if to_cell_id is None:
        raise RegisterError(f"no cell {data['to_cell_code']}", f"没有网格 {data['to_cell_code']}", field="to_cell_code")
    if to_cell_id == household.cell_id:
        raise RegisterError("the household is in this cell already", "该户已在此网格", field="to_cell_code")
    move = HouseholdMove(id=move_id or uuid.uuid4(), household_id=household.id, from_cell_id=household.cell_id,
                         to_cell_id=to_cell_id, state="pending", reason=data["reason"], requested_by_id=user.id,
                         requested_at=now, note="")
    db.session.add(move)
    # its version goes up, and the sender's phones see the pending move
    household.updated_at, household.version = now, household.version + 1
    db.session.flush()
    notify.move_requested(move, now)
    return move


def decide(user: User, move_id: uuid.UUID, action: str, note: str, now: dt.datetime) -> HouseholdMove:
    """accept or refuse (the receiving side), cancel (the sending side)."""
    may(user, keeps=True)
    move = db.session.scalar(sa.select(HouseholdMove).where(HouseholdMove.id == move_id))
    if move is None:
        raise RegisterError(f"no move {move_id} in your area", f"您的辖区内没有该迁移申请 {move_id}", field="move_id",
                            status=404)
    if move.state != "pending":
        raise RegisterError(f"the move is {move.state} already", f"该迁移申请已处理（{move.state}）", status=409)
    if action == "cancel":
        sees = db.session.scalar(sa.select(Household.id).where(Household.id == move.household_id))
    else:
        sees = db.session.scalar(sa.select(GridUnit.id).where(GridUnit.id == move.to_cell_id))
    if sees is None:
        raise RegisterError("only the receiving side accepts or refuses a move, and the sending side cancels it",
                            "迁移申请由接收方接收或拒绝，由申请方撤回", status=403, field="action")
    _move_household(move, now) if action == "accept" else _touch(move.household_id, now)  # refuses before writing
    move.state = {"accept": "accepted", "refuse": "refused", "cancel": "cancelled"}[action]
    move.decided_by_id, move.decided_at, move.note = user.id, now, note
    db.session.flush()
    return move


def _move_household(move: HouseholdMove, now: dt.datetime) -> None:
    """The household into its new cell. It is out of the receiving user's sight until then, so it is written on the
    plain table, checked against the move's cell, and the audit row written here (the ORM hook sees no Core write)."""
    household = outside_scope(Household)  # not yet in the acceptor's area: that is what accepting changes
    version = db.session.scalar(sa.select(household.c.version).where(
        household.c.id == move.household_id, household.c.cell_id == move.from_cell_id, household.c.retired_at.is_(None)))
    if version is None:
        raise RegisterError("the household is no longer where the move started from", "该户已不在申请迁出的网格",
                            status=409)
    db.session.execute(sa.update(household).where(household.c.id == move.household_id,
                                                  household.c.version == version)
                       .values(cell_id=move.to_cell_id, version=version + 1, updated_at=now))
    audit.record("update", "household", move.household_id,
                 before={"cell_id": move.from_cell_id, "version": version},
                 after={"cell_id": move.to_cell_id, "version": version + 1, "move_id": move.id})


def _touch(household_id: int, now: dt.datetime) -> None:
    """Mark the household changed so the sending side's phones drop the move (derived data, like last_visit_at: no
    version change, no audit row of its own; the move's row is audited)."""
    household = outside_scope(Household)  # the refusing side does not see the household
    db.session.execute(sa.update(household).where(household.c.id == household_id).values(updated_at=now))


def describe_pending(household: Household) -> dict | None:
    moves = household.pending_moves
    return listing(HouseholdMove.id == moves[0].id)[0] if moves else None


# What a listed move names, read past the scope, as aliases made once: an alias made per call builds its column
# collection again each time (a fifth of a pull's statement building, with two listings on every pull).
_LISTED = (outside_scope(Household), outside_scope(GridUnit).alias("cell_from"), outside_scope(GridUnit).alias("cell_to"),
           outside_scope(User).alias("asker"), outside_scope(User).alias("decider"))


def listing(where, limit: int = 500) -> list[dict]:
    """The moves in scope matching `where`, newest first, each with its household and cells named (read past the
    scope: the household or a cell may lie out of the user's sight) and who asked and decided."""
    household, cell_from, cell_to, asker, decider = _LISTED
    rows = db.session.execute(
        sa.select(HouseholdMove.id, household.c.code.label("household_code"), household.c.head_name,
                  household.c.address, household.c.member_count, cell_from.c.code.label("from_cell_code"),
                  cell_from.c.name.label("from_cell_name"), cell_to.c.code.label("to_cell_code"),
                  cell_to.c.name.label("to_cell_name"), HouseholdMove.state, HouseholdMove.reason,
                  asker.c.display_name.label("requested_by"), HouseholdMove.requested_at,
                  decider.c.display_name.label("decided_by"), HouseholdMove.decided_at, HouseholdMove.note)
        .join(household, household.c.id == HouseholdMove.household_id)
        .join(cell_from, cell_from.c.id == HouseholdMove.from_cell_id)
        .join(cell_to, cell_to.c.id == HouseholdMove.to_cell_id)
        .join(asker, asker.c.id == HouseholdMove.requested_by_id)
        .outerjoin(decider, decider.c.id == HouseholdMove.decided_by_id)
        .where(where).order_by(HouseholdMove.requested_at.desc(), HouseholdMove.id).limit(limit)).mappings()
    return [dict(row) for row in rows]


def incoming(state: str | None = "pending") -> list[dict]:
    """Moves into cells of the user's area (the cells are read through the scope)."""
    return listing(sa.and_(HouseholdMove.to_cell_id.in_(sa.select(GridUnit.id).where(GridUnit.level == "cell")),
                           _state(state)))


def outgoing(state: str | None = "pending") -> list[dict]:
    """Moves out of cells of the user's area (read through the scope), to other cells."""
    return listing(sa.and_(HouseholdMove.from_cell_id.in_(sa.select(GridUnit.id).where(GridUnit.level == "cell")),
                           _state(state)))


def _state(state):
    return sa.true() if state is None else HouseholdMove.state == state

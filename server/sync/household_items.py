"""Writing the register's items from phones: households registered offline (household_new, its id the household's
client UUID) and each change of one (household_change, by kind), through the register's own rules
(server/register/), so a phone's change is refused exactly as the API refuses it. A change based on a stale
version is rejected as a conflict carrying the household as it stands and what differs, for the worker to resolve
on the phone and send again under the same id; nothing is overwritten."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Household
from ..register import changes, moves
from ..register.checks import RegisterError
from ..register.schemas import HouseholdRecordSchema, shown_differences
from .handlers import Accepted, Rejected

CHANGE = {"edit": changes.edit, "member_join": changes.join_member, "member_leave": changes.leave_member,
          "retire": changes.retire}


def write_registrations(batch, context) -> dict:
    user, now = context["user"], context["now"]
    results = {}
    for _, item_id, data in batch:
        try:
            household, _ = changes.register(user, data, now, client_id=item_id)
        except RegisterError as exc:
            results[item_id] = refused(exc)
            continue
        results[item_id] = Accepted({"household_code": household.code, "version": household.version})
    return results


def write_changes(batch, context) -> dict:
    """In the order the phone made them (its batch order): a worker's edit after a member joined carries the version
    the join answered on the phone... which the phone cannot know offline, so each change names the version it saw,
    and the server's answer (accepted with the new version, or a conflict) tells it what holds."""
    user, now = context["user"], context["now"]
    results = {}
    for _, item_id, data in batch:
        try:
            results[item_id] = Accepted(_change(user, item_id, data, now))
        except RegisterError as exc:
            results[item_id] = refused(exc)
    return results


def _change(user, item_id, data, now) -> dict:
    details = data["details"]
    if data["change"] == "move_decision":
        move = moves.decide(user, data["move_id"], details["action"], details["note"], now)
        return {"move_id": str(move.id), "state": move.state}
    household = household_named(data["household_code"], data["household_id"])
    if data["change"] == "move":
        move = moves.request_move(user, household, details, now, move_id=item_id)
        return {"household_code": household.code, "version": household.version, "move_id": str(move.id)}
    CHANGE[data["change"]](user, household, details, now)
    return {"household_code": household.code, "version": household.version}


def household_named(code, client_id) -> Household:
    """The household an item names, by code or by the UUID it was registered under, in the user's scope."""
    where = Household.code == code if code else Household.client_id == client_id
    household = db.session.scalar(sa.select(Household).where(where))
    if household is None:
        raise RegisterError("no such household among yours", "您负责的住户中没有该户",
                            field="household_code" if code else "household_id", status=404)
    return household


def refused(exc: RegisterError) -> Rejected:
    why = {"message": exc.message, "message_zh": exc.message_zh, "status": exc.status, **exc.extra}
    if exc.status == 404:
        why["retry"] = True  # the household (or move) may reach the server later: see handlers.not_found
    if exc.field:
        why["errors"] = {exc.field: [f"{exc.message} / {exc.message_zh}"]}
    if exc.household is not None:
        db.session.refresh(exc.household)  # as the database holds it (a point written this batch is read back)
        why["current"] = HouseholdRecordSchema().dump(exc.household)
        why["differences"] = shown_differences(exc.differences or {})
    return Rejected(why)

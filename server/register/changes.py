"""Registering a household and changing it: corrections of its details, tags and location, members joining and
leaving (kept with their day and reason), and retirement 注销 (never deleted; out of lists and figures from that
day). Each change carries the version its author saw; a stale one is refused as a conflict with the record as it
stands and what differs, and nothing is overwritten.

Who may: the register's keepers (server/roles.py: grid workers, village heads, town secretaries, county staff)
register, move and retire households in their area; cadres, besides, correct their linked households' details,
members, tags and location. The area is the scope's (server/scope.py): a cell or household outside it is not
found. Everything is written through the ORM, so the audit log records each row before and after; the caller
commits, and runs the change again when the flush fails on a concurrent request (a code taken meanwhile, the
household changed meanwhile), which then finds the code taken or the version stale."""
from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from ..clock import china_midnight
from ..extensions import db
from ..geojson import geojson_geometry
from ..models import CadreLink, GridUnit, Household, HouseholdMember, HouseholdTag, User
from ..roles import REGISTER_EDITORS, REGISTER_KEEPERS
from ..scope import outside_scope
from .checks import RegisterError, check_living_id_numbers, check_location, point_ewkt
from .codes import next_household_codes

EDITABLE = ("head_name", "head_id_number", "address", "phone", "location", "tags")


def may(user: User, keeps: bool) -> None:
    if user.role not in (REGISTER_KEEPERS if keeps else REGISTER_EDITORS):
        raise RegisterError("your role may not change the register in this way", "您的角色无权进行此项户籍变更",
                            status=403)


def register(user: User, data: dict, now: dt.datetime, client_id: uuid.UUID | None = None) -> tuple[Household, bool]:
    """A new household in a cell of the user's area, with the next free code of the cell; (household, True). A
    client_id registered before answers that household, (household, False), and writes nothing."""
    may(user, keeps=True)
    if client_id is not None:
        earlier = registered_under(client_id)
        if earlier is not None:
            return earlier, False
    cell = db.session.scalar(sa.select(GridUnit).where(GridUnit.code == data["cell_code"], GridUnit.level == "cell"))
    if cell is None:
        raise RegisterError(f"no cell {data['cell_code']} in your area", f"您的辖区内没有网格 {data['cell_code']}",
                            field="cell_code")
    check_location(cell.id, data["location"], data["confirm_location_outside"])
    members = data["members"]
    check_living_id_numbers([("head_id_number", data["head_id_number"], ("new", 0))] + [
        (f"members.{i}.id_number", m["id_number"], ("new", i + 1)) for i, m in enumerate(members)])
    code, = next_household_codes(cell.code)
    household = Household(
        code=code, cell_id=cell.id, cell=cell, address=data["address"], head_name=data["head_name"],
        head_id_number=data["head_id_number"], phone=data["phone"], location=point_ewkt(data["location"]),
        member_count=1 + len(members), client_id=client_id, registered_at=now, updated_at=now,
        members=[HouseholdMember(**{k: m[k] for k in ("name", "relation", "sex", "birth_date", "id_number")})
                 for m in members],
        tag_rows=[HouseholdTag(tag=t) for t in sorted(set(data["tags"]))])
    db.session.add(household)
    db.session.flush()  # a code or client_id taken meanwhile fails here: the caller runs it again
    return household, True


def registered_under(client_id: uuid.UUID) -> Household | None:
    """The household registered under this client UUID, if it is in the user's area; one registered under it
    elsewhere (read past the scope, so the id cannot be taken twice) is refused."""
    found = db.session.scalar(sa.select(Household).where(Household.client_id == client_id))
    if found is None and db.session.scalar(sa.select(outside_scope(Household).c.id)
                                           .where(outside_scope(Household).c.client_id == client_id)) is not None:
        raise RegisterError("this id is already used for another household: nothing was changed",
                            "该编号已被其他住户使用，未作修改", field="id", status=409)
    return found


def edit(user: User, household: Household, data: dict, now: dt.datetime) -> None:
    """Correct the fields sent (EditData): details, tags (the whole list), location (null: not located)."""
    may(user, keeps=False)
    sent = {field: data[field] for field in EDITABLE if field in data}
    expect_version(household, data["version"], sent)
    if "location" in sent:
        check_location(household.cell_id, sent["location"], data.get("confirm_location_outside", False))
    if "head_id_number" in sent:
        check_living_id_numbers([("head_id_number", sent["head_id_number"], ("head", household.id))])
    for field in ("head_name", "head_id_number", "address", "phone"):
        if field in sent:
            setattr(household, field, sent[field])
    if "location" in sent and comparable("location", sent["location"]) != current(household, "location"):
        household.location = point_ewkt(sent["location"])
    if "tags" in sent:
        wanted = set(sent["tags"])
        for row in [row for row in household.tag_rows if row.tag not in wanted]:
            household.tag_rows.remove(row)
            db.session.delete(row)  # deleted in so many words: the audit hook does not see a delete-orphan cascade
        household.tag_rows.extend(HouseholdTag(tag=t) for t in sorted(wanted - set(household.tags)))
    _changed(household, now)


def join_member(user: User, household: Household, data: dict, now: dt.datetime) -> HouseholdMember:
    """A member joins (birth, marriage, move_in) on a day."""
    may(user, keeps=False)
    expect_version(household, data["version"])
    check_living_id_numbers([("id_number", data["id_number"], ("new", 0))])
    member = HouseholdMember(name=data["name"], relation=data["relation"], sex=data["sex"],
                             birth_date=data["birth_date"], id_number=data["id_number"], joined_on=data["on"],
                             join_reason=data["reason"])
    household.members.append(member)
    _changed(household, now)
    return member


def leave_member(user: User, household: Household, data: dict, now: dt.datetime) -> HouseholdMember:
    """A member leaves (death, marriage, move_out) on a day; kept with it, no longer among the living."""
    may(user, keeps=False)
    expect_version(household, data["version"])
    member = next((m for m in household.members if m.id == data["member_id"]), None)
    if member is None:
        raise RegisterError("no such member in this household", "该户无此成员", field="member_id", status=404)
    if member.left_on is not None:
        raise RegisterError(f"{member.name} left the household on {member.left_on}",
                            f"{member.name} 已于 {member.left_on} 离户", field="member_id", status=409)
    if member.joined_on is not None and data["on"] < member.joined_on:
        raise RegisterError(f"before the member joined ({member.joined_on})", f"早于该成员入户日期（{member.joined_on}）",
                            field="on")
    member.left_on, member.leave_reason = data["on"], data["reason"]
    _changed(household, now)
    return member


def retire(user: User, household: Household, data: dict, now: dt.datetime) -> None:
    """注销: the household leaves the register from the start of the China day given; its pending move is cancelled
    and its cadre links end that day. Never deleted: its members, visits and disputes are kept."""
    may(user, keeps=True)
    expect_version(household, data["version"])
    household.retired_at = china_midnight(data["on"])
    household.retire_reason, household.retire_note = data["reason"], data["note"]
    for move in household.pending_moves:
        move.state, move.decided_by_id, move.decided_at = "cancelled", user.id, now
        move.note = "the household was retired / 该户已注销"
    for link in db.session.scalars(sa.select(CadreLink).where(CadreLink.household_id == household.id,
                                                              CadreLink.valid_to.is_(None))):
        link.valid_to = max(data["on"], link.valid_from)
    _changed(household, now)


def expect_version(household: Household, version: int, sent: dict | None = None) -> None:
    """Refuse a change based on another version than the household's, or of a retired household."""
    if version != household.version:
        raise RegisterError(f"the household was changed meanwhile (version {household.version}, you had {version})",
                            f"该户信息已被他人修改（当前版本 {household.version}，您的版本 {version}）", field="version",
                            status=409, household=household, differences=differences(household, sent or {}))
    if household.retired_at is not None:
        raise RegisterError(f"household {household.code} is retired", f"住户 {household.code} 已注销", status=409,
                            household=household, differences={})


def differences(household: Household, sent: dict) -> dict:
    """The fields sent whose value the household holds differently now: {field: {"yours": …, "theirs": …}}."""
    out = {}
    for field, value in sent.items():
        yours, theirs = comparable(field, value), current(household, field)
        if yours != theirs:
            out[field] = {"yours": yours, "theirs": theirs}
    return out


def comparable(field: str, value):
    if field == "location":
        return None if value is None else {"type": "Point", "coordinates": [round(value[0], 7), round(value[1], 7)]}
    if field == "tags":
        return sorted(set(value))
    return value


def current(household: Household, field: str):
    if field == "location":
        point = geojson_geometry(household.location)
        return None if point is None else {"type": "Point", "coordinates": list(point["coordinates"])}
    return household.tags if field == "tags" else getattr(household, field)


def _changed(household: Household, now: dt.datetime) -> None:
    """Count the living members, mark the household changed (its version goes up; pull sends it again) and write."""
    household.member_count = 1 + sum(1 for m in household.members if m.left_on is None)
    household.updated_at, household.version = now, household.version + 1
    db.session.flush()  # a concurrent change of the household fails here (StaleDataError): the caller runs it again

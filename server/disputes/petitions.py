"""Petitions at one window (信访, "信、访、网、电" 一端受理): registering one with its petitioner and the first person
who received it (首问负责), looking up earlier cases of the same petitioner or household first (重复信访), and the
links between them.

A petition is a dispute with a petition channel (docs/domain.md, "Petitions"): the same closed loop, limits and
supervision. One registered at the window starts at the registrar's level, a county registration at county level
and a town's at town level, and lives in the petitioner's household's cell or a cell the registrar picks. Everything
is looked up through the user's scope (server/scope.py): a case, household, cell or colleague outside it is not
found."""
from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from ..attachments.attach import attach_to
from ..extensions import db
from ..models import Dispute, DisputeEvent, DisputeLink, GridUnit, Household, HouseholdMember, User
from ..notifications import rules as notify
from ..refusal import Refusal
from .listing import dispute_rows
from .workflow import unit_at

REGISTRAR_LEVEL = {"county_staff": "county", "town_secretary": "town"}  # who registers, and where it is held
RECEIVER_ROLES = ("village_head", "town_secretary", "county_staff")  # who may have received a petition first



class PetitionError(Refusal):
    """What the petition names is not in the registrar's area (or not named at all): 422 naming the field."""

def earlier_cases(now: dt.datetime, *, id_number: str | None = None, name: str | None = None,
                  mobile: str | None = None, household_code: str | None = None, limit: int = 50) -> list[dict]:
    """The cases in the user's scope of the same petitioner, by ID number (as petitioner, or as a member of the
    household a case is about) or by name and mobile, or of the household; newest first, each with what matched."""
    member = HouseholdMember.__table__.c  # matched inside the scope: the subquery filters the household's cell
    matches = {}
    if id_number:
        of_person = sa.select(Household.id).where(sa.or_(Household.head_id_number == id_number, Household.id.in_(
            sa.select(member.household_id).where(member.id_number == id_number))))
        matches["id_number"] = sa.or_(Dispute.petitioner_id_number == id_number, Dispute.household_id.in_(of_person))
    if name and mobile:
        of_person = sa.select(Household.id).where(Household.head_name == name, Household.phone == mobile)
        matches["name_mobile"] = sa.or_(sa.and_(Dispute.petitioner_name == name, Dispute.petitioner_mobile == mobile),
                                        Dispute.household_id.in_(of_person))
    if household_code:
        matches["household"] = Dispute.household_id.in_(sa.select(Household.id).where(Household.code == household_code))
    if not matches:
        return []
    flags = [sa.case((condition, True), else_=False).label(f"by_{key}") for key, condition in matches.items()]
    query, _ = dispute_rows(sa.or_(*matches.values()), now)
    rows = db.session.execute(query.add_columns(*flags).order_by(Dispute.reported_at.desc(), Dispute.id)
                              .limit(limit)).all()
    return [{"row": row, "matched_by": [key for key in matches if getattr(row, f"by_{key}")]} for row in rows]


def register(user: User, data: dict, now: dt.datetime) -> Dispute:
    """Register a petition (already validated field by field); PetitionError names the field a lookup failed on."""
    household = _household(data.get("household_code"))
    cell_id = household.cell_id if household else _cell(data.get("cell_code"))
    receiver = _first_receiver(data.get("first_receiver_username"), user)
    earlier = _earlier(data.get("linked_dispute_ids") or [])
    level = REGISTRAR_LEVEL[user.role]
    reported_at = data.get("reported_at") or now
    petitioner = data["petitioner_name"]
    dispute = Dispute(
        id=uuid.uuid4(), cell_id=cell_id, household_id=household.id if household else None, reporter_id=user.id,
        category=data["category"], risk_colour=data["risk_colour"], channel=data["channel"], title=data["title"],
        description=data.get("description", ""), parties=[{"name": petitioner, "role": "petitioner"}],
        party_count=data.get("party_count") or 1, reported_at=reported_at, received_at=now, state="reported",
        level=level, owner_unit_id=unit_at(cell_id, level), petitioner_name=petitioner,
        petitioner_id_number=data.get("petitioner_id_number"), petitioner_mobile=data.get("petitioner_mobile"),
        petitioner_address=data.get("petitioner_address"), first_receiver_id=receiver.id)
    db.session.add(dispute)
    db.session.add(DisputeEvent(id=uuid.uuid4(), dispute=dispute, actor_id=user.id, kind="report", to_state="reported",
                                note=data.get("note", ""), occurred_at=reported_at, received_at=now))
    db.session.flush()
    db.session.add_all(DisputeLink(dispute_id=dispute.id, earlier_id=e, linked_by_id=user.id, linked_at=now)
                       for e in earlier)
    db.session.flush()
    attach_to(user.id, "dispute", dispute.id, data.get("attachments") or [], now)
    notify.dispute_arrived(dispute, now)
    return dispute


def links_of(dispute_id: uuid.UUID) -> dict:
    """The cases linked to this one, both ways, as far as the user's scope reaches: the earlier ones it was linked
    to at registration and the later ones linked to it."""
    def linked(mine, other) -> list[dict]:
        rows = db.session.execute(
            sa.select(Dispute.id, Dispute.title, Dispute.state, Dispute.channel, Dispute.level, Dispute.reported_at,
                      DisputeLink.linked_at)
            .join(DisputeLink, other == Dispute.id).where(mine == dispute_id).order_by(Dispute.reported_at)).all()
        return [row._asdict() for row in rows]
    return {"earlier": linked(DisputeLink.dispute_id, DisputeLink.earlier_id),
            "later": linked(DisputeLink.earlier_id, DisputeLink.dispute_id)}


def _household(code: str | None) -> Household | None:
    if not code:
        return None
    household = db.session.scalar(sa.select(Household).where(Household.code == code))
    if household is None:
        raise PetitionError(f"no household {code} in your area", f"您的辖区内没有住户 {code}", field="household_code")
    return household


def _cell(code: str | None) -> int:
    if not code:
        raise PetitionError("say where the petitioner lives: a household_code or a cell_code",
                            "请选择信访人所在的住户或网格", field="cell_code")
    cell_id = db.session.scalar(sa.select(GridUnit.id).where(GridUnit.code == code, GridUnit.level == "cell"))
    if cell_id is None:
        raise PetitionError(f"no cell {code} in your area", f"您的辖区内没有网格 {code}", field="cell_code")
    return cell_id


def _first_receiver(username: str | None, user: User) -> User:
    """Who received it first (首问负责): the registrar unless named; one of the handling roles in the user's area."""
    if not username or username == user.username:
        return user
    receiver = db.session.scalar(sa.select(User).where(User.username == username, User.active.is_(True),
                                                       User.role.in_(RECEIVER_ROLES)))
    if receiver is None:
        raise PetitionError(f"{username} is not a village head, town secretary or county staff in your area",
                            f"{username} 不是您辖区内的村、镇或县级工作人员", field="first_receiver_username")
    return receiver


def _earlier(ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """The earlier cases to link, each in the user's scope."""
    ids = list(dict.fromkeys(ids))
    found = set(db.session.scalars(sa.select(Dispute.id).where(Dispute.id.in_(ids)))) if ids else set()
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise PetitionError(f"no case {', '.join(missing)} in your area", f"您的辖区内没有事件 {'、'.join(missing)}",
                            field="linked_dispute_ids")
    return ids

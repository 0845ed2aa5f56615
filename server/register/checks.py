"""The register's checks against what it holds: an ID number belongs to one living person (a head of a household
on the register, or a member who has not left one), and a location lies in its cell (or the user confirms it)."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import GridUnit, Household, HouseholdMember
from ..models.types import SRID
from ..refusal import Refusal
from ..scope import outside_scope


class RegisterError(Refusal):
    """The register refuses a change: 422 naming the field, 403 for a role that may not make it, 409 for a household
    changed meanwhile (with `household`, the record as it stands, and `differences`) or in a state that forbids it.
    `extra` holds more of the answer (the warnings the user may confirm)."""

    def __init__(self, message, message_zh, *, field=None, status=None, household=None, differences=None,
                 extra=None):
        super().__init__(message, message_zh, field=field, status=status)
        self.household, self.differences, self.extra = household, differences, extra or {}


def check_living_id_numbers(people: list[tuple[str, str | None, tuple]]) -> None:
    """people: (field, ID number, who) for each person of the change, who being ("head", household id),
    ("member", member id) or ("new", n). Refuses a number given twice in the change, or held by another living person
    of the register: named with the household when the user may see it, else only as "another household" (nothing
    leaks past the scope). Read past the scope on purpose: the number is unique in the whole county."""
    given = [(field, number, who) for field, number, who in people if number]
    seen = {}
    for field, number, _ in given:
        if number in seen:
            raise RegisterError(f"the same ID number is given twice ({seen[number]})",
                                f"同一身份证号填写了两次（{seen[number]}）", field=field)
        seen[number] = field
    if not given:
        return
    households, members_ = outside_scope(Household), outside_scope(HouseholdMember)
    household, member = households.c, members_.c
    numbers = list(seen)
    heads = (sa.select(household.head_id_number.label("number"), household.id.label("household_id"),
                       sa.literal("head").label("kind"), household.id.label("person_id"))
             .where(household.retired_at.is_(None), household.head_id_number.in_(numbers)))
    members = (sa.select(member.id_number, member.household_id, sa.literal("member"), member.id)
               .join(households, household.id == member.household_id)
               .where(household.retired_at.is_(None), member.left_on.is_(None), member.id_number.in_(numbers)))
    holders = {}
    for number, household_id, kind, person_id in db.session.execute(sa.union_all(heads, members)):
        holders.setdefault(number, []).append((household_id, (kind, person_id)))
    for field, number, who in given:
        others = [household_id for household_id, person in holders.get(number, []) if person != who]
        if others:
            raise _already_registered(field, others[0])


def _already_registered(field: str, household_id: int) -> RegisterError:
    visible = db.session.execute(sa.select(Household.code, Household.head_name)
                                 .where(Household.id == household_id)).first()  # through the scope
    if visible is None:
        return RegisterError("this ID number is already registered in another household",
                             "该身份证号已登记在其他住户", field=field)
    return RegisterError(f"this ID number is already registered in household {visible.code} ({visible.head_name})",
                         f"该身份证号已登记在住户 {visible.code}（户主 {visible.head_name}）", field=field)


def point_ewkt(point: tuple[float, float] | None) -> str | None:
    return None if point is None else f"SRID={SRID};POINT({point[0]} {point[1]})"


def check_location(cell_id: int, point: tuple[float, float] | None, confirmed: bool) -> None:
    """A point outside the cell's boundary is kept only when the user confirms it: the first answer is a 422 whose
    `warnings` name the location and the flag to send (confirm_location_outside)."""
    if point is None or confirmed:
        return
    geometry = sa.func.ST_GeomFromText(f"POINT({point[0]} {point[1]})", SRID)
    inside = db.session.scalar(sa.select(sa.func.ST_Intersects(GridUnit.boundary, geometry))
                               .where(GridUnit.id == cell_id))
    if inside is None or bool(inside) and inside != -1:  # a cell without a boundary cannot say
        return
    message, message_zh = ("the location lies outside the cell's boundary: send confirm_location_outside to keep it",
                           "位置在网格边界之外：确认无误请勾选“仍保存该位置”（confirm_location_outside）")
    raise RegisterError(message, message_zh, field="location", extra={"warnings": [
        {"field": "location", "code": "outside_cell", "message": message, "message_zh": message_zh,
         "confirm_with": "confirm_location_outside"}]})

"""Worker activity 工作人员活跃度 (issue 19 point 6, after CommCare's worker-activity report): for each grid worker and
cadre of the caller's area, a China calendar month of their work.

- visits 走访人次: the visits they logged in the month (by the phone's time, visited_at), to whichever household;
- far 距住户过远 / poor GPS 定位精度差: of those, the ones logged farther from the household than the county's
  `visit_max_distance_m`, or with a GPS fix worse than `visit_max_accuracy_m` (visit_flags, as a household's visit list
  flags them);
- households 负责户数 and due 应访未访 — what each must visit this month, and what is still not visited:
  a grid worker covers the cell (docs/domain.md: the worker's own cell), so the cell's households on the register at
  the month's end, due when nobody visited them in the month, whoever the visitor (the gap coverage leaves, counted as
  the figures count it: figures.unvisited_per_cell);
  a cadre answers for their linked households (links in force on the month's last day, or today while it runs), due
  when the cadre did not visit them themselves (每月上门 is the cadre's duty: another visitor does not clear it, as
  for the overdue cadres);
- completion 完成率 = (households − due) ÷ households;
- last visit 最近走访: their latest visit up to the month's end, in whichever month;
- last sync 最近同步: the latest pull or push of any of their phones, now (server/sync/devices.py), and each phone's.

One grouped query: the month's visits, the cells' gaps, the links and the phones are each aggregated once and joined
to the users, and sorted in SQL; the phones' own rows come in a second query."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from grids.codes import CODE_LENGTH

from .. import clock, settings
from ..extensions import db
from ..models import CadreLink, DeviceSync, GridUnit, Household, User, Visit
from ..models.types import UTCDateTime
from ..roles import PHONE_ROLES
from ..scope import outside_scope
from .figures import on_register_through, unvisited_per_cell

ROLES = tuple(sorted(PHONE_ROLES))  # whose activity is reported: who works from the phone app (server/roles.py)
SORTS = ("name", "role", "unit", "households", "households_due", "completion_rate", "visits", "visits_far",
         "visits_poor_gps", "last_visit_at", "last_sync_at", "phones")
SORTED_BY = {"name": "display_name", "unit": "unit_code", "phones": "phone_count"}  # a sort → its column, if renamed


def month_bounds(first: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The moments a China calendar month begins and ends."""
    following = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return clock.china_midnight(first.replace(day=1)), clock.china_midnight(following)


def thresholds() -> dict:
    return {"max_distance_m": settings.get("visit_max_distance_m"),
            "max_accuracy_m": settings.get("visit_max_accuracy_m")}


def visit_flags(limits: dict | None = None) -> dict:
    """The conditions flagging a visit: logged far from its household, or with a poor GPS fix (county settings)."""
    limits = limits or thresholds()
    return {"far_from_household": Visit.distance_m > limits["max_distance_m"],
            "poor_accuracy": Visit.gps_accuracy_m > limits["max_accuracy_m"]}


def worker_activity(month: dt.date, under: str | None = None, role: str | None = None, sort: str = "unit",
                    descending: bool = False) -> list[dict]:
    """One row per active grid worker and cadre in the caller's area (under the unit `under`, of the role `role`, if
    given) for the China month starting `month`, sorted by `sort` (empty values last either way, then by username)."""
    start, end = month_bounds(month)
    last_day = (end - dt.timedelta(days=1)).astimezone(clock.CHINA).date()
    unit = sa.orm.aliased(GridUnit, name="unit")
    people = (sa.select(User.id).join(unit, unit.id == User.unit_id)
              .where(User.role.in_((role,) if role else ROLES), User.active.is_(True)))
    if under:
        people = people.where(unit.code.startswith(under, autoescape=True))
    visits, cells = _month_visits(start, end), unvisited_per_cell(start, end)
    links, phones = _links(start, end, min(last_day, clock.china_today())), _phones()
    last_sync = sa.case((phones.c.last_push > phones.c.last_pull, phones.c.last_push),
                        else_=sa.func.coalesce(phones.c.last_pull, phones.c.last_push))
    last_visit = (sa.select(sa.func.max(Visit.visited_at)).where(Visit.author_id == User.id, Visit.visited_at < end)
                  .correlate(User).scalar_subquery())
    # only grid workers are bound to a cell, only cadres have links: each joins one of the two
    households = sa.func.coalesce(cells.c.households, links.c.households, 0)
    query = (people.add_columns(
        User.username, User.display_name, User.role, unit.code.label("unit_code"), unit.name.label("unit_name"),
        *_names_above(unit), households.label("households"),
        sa.func.coalesce(cells.c.unvisited, links.c.unvisited, 0).label("households_due"),
        *(sa.func.coalesce(visits.c[name], 0).label(name) for name in ("visits", "visits_far", "visits_poor_gps")),
        sa.type_coerce(last_visit, UTCDateTime()).label("last_visit_at"),
        sa.type_coerce(last_sync, UTCDateTime()).label("last_sync_at"),
        sa.func.coalesce(phones.c.phone_count, 0).label("phone_count"))
        .outerjoin(visits, visits.c.author_id == User.id).outerjoin(cells, cells.c.cell_id == User.unit_id)
        .outerjoin(links, links.c.cadre_id == User.id).outerjoin(phones, phones.c.user_id == User.id))
    rows = query.subquery("activity")
    completion = sa.case((rows.c.households > 0, sa.cast(rows.c.households - rows.c.households_due, sa.Float)
                          / rows.c.households), else_=sa.null()).label("completion_rate")
    ordered = sa.select(rows, completion).subquery("ordered")
    key = ordered.c[SORTED_BY.get(sort, sort)]
    found = db.session.execute(sa.select(ordered).order_by((key.desc() if descending else key.asc()).nulls_last(),
                                                           ordered.c.username)).mappings().all()
    own_phones = _phones_of(people)
    return [{**row, "phones": own_phones.get(row["id"], [])} for row in found]


def _month_visits(start, end):
    """Per author: the month's visits, and those flagged far from the household or with a poor fix."""
    flags = visit_flags()
    return (sa.select(Visit.author_id, sa.func.count().label("visits"),
                      sa.func.count(sa.case((flags["far_from_household"], 1))).label("visits_far"),
                      sa.func.count(sa.case((flags["poor_accuracy"], 1))).label("visits_poor_gps"))
            .where(Visit.visited_at >= start, Visit.visited_at < end).group_by(Visit.author_id).subquery("visits"))


def _links(start, end, day: dt.date):
    """Per cadre: the households linked to them on `day` (still on the register at the month's end), and those of them
    the cadre did not visit themselves in the month — an index probe per link (visit by household and time)."""
    link = CadreLink
    own_visit = sa.exists().where(Visit.household_id == link.household_id, Visit.author_id == link.cadre_id,
                                  Visit.visited_at >= start, Visit.visited_at < end)
    return (sa.select(link.cadre_id, sa.func.count().label("households"),
                      sa.func.count(sa.case((~own_visit, 1))).label("unvisited"))
            .join(Household, Household.id == link.household_id)
            .where(link.valid_from <= day, sa.or_(link.valid_to.is_(None), link.valid_to >= day),
                   on_register_through(sa.literal(end, UTCDateTime())))
            .group_by(link.cadre_id).subquery("links"))


def _phones():
    """Per user: how many phones they synced from, and the latest pull and push of any of them."""
    return (sa.select(DeviceSync.user_id, sa.func.count().label("phone_count"),
                      sa.func.max(DeviceSync.last_pull_at).label("last_pull"),
                      sa.func.max(DeviceSync.last_push_at).label("last_push"))
            .group_by(DeviceSync.user_id).subquery("phones"))


def _names_above(unit) -> list:
    """The names of the town, village and cell the user's unit is or lies in (empty above it). Read past the caller's
    scope on purpose: a village head's workers are in a town, whose name the report gives."""
    names = outside_scope(GridUnit)
    columns = []
    for level in ("town", "village", "cell"):
        above = names.alias(level)
        length = CODE_LENGTH[level]
        columns.append(sa.select(above.c.name).where(sa.func.length(unit.code) >= length,
                                                     above.c.code == sa.func.substr(unit.code, 1, length))
                       .scalar_subquery().label(f"{level}_name"))
    return columns


def _phones_of(people) -> dict[int, list[dict]]:
    """Each user's phones, the one synced last first."""
    rows = db.session.scalars(sa.select(DeviceSync).where(DeviceSync.user_id.in_(people))
                              .order_by(DeviceSync.user_id, DeviceSync.device_id)).all()
    out: dict[int, list[dict]] = {}
    for row in rows:
        last = max(t for t in (row.last_pull_at, row.last_push_at) if t is not None)
        out.setdefault(row.user_id, []).append({
            "device_id": row.device_id, "last_pull_at": row.last_pull_at, "last_push_at": row.last_push_at,
            "last_sync_at": last, "user_agent": row.user_agent})
    for phones in out.values():
        phones.sort(key=lambda phone: phone["last_sync_at"], reverse=True)
    return out

"""Figures per grid unit for a period, computed in the database by grouped queries.

- coverage 覆盖率: households with at least one visit in the period ÷ households
- visits 走访人次: visits in the period
- resolution rate 化解率: disputes reported in the period and resolved ÷ disputes reported in the period
- on-time rate 按期办结率: of those resolved, resolved within the resolution limit
- satisfaction rate 满意率: (satisfied + basically satisfied) ÷ call-backs, of disputes reported in the period
- early-warning rate 预警率: disputes first found by grid screening or a visit ÷ all disputes reported,
  petitions to the county or above included
- village / town share 不出村率, 不出镇率: resolved while held at village level (at town level or below)
  ÷ resolved
- zero-report completeness 零报告: cells that filed their monthly report for the month (the period's first
  month unless given) ÷ cells
- open / overdue / escalated 在办, 超期, 上交: disputes open now, past their time limit now, and held above
  the village now (a snapshot, not limited to the period)
Rates are NULL where their denominator is 0."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from .. import clock, settings
from ..disputes.deadlines import add_days, deadline_columns
from ..disputes.workflow import OPEN
from ..extensions import db
from ..models import CadreLink, Dispute, GridUnit, Household, User, Visit, ZeroReport
from ..models.types import UTCDateTime
from ..models.vocab import CODE_LENGTH
from ..sync.push import CLOCK_SKEW

EARLY_CHANNELS = ("grid_screening", "visit")
RATES = {"coverage": ("visited_households", "households"), "resolution_rate": ("resolved", "reported"),
         "on_time_rate": ("resolved_on_time", "resolved"), "satisfaction_rate": ("satisfied", "called_back"),
         "early_warning_rate": ("early", "reported"), "village_share": ("resolved_in_village", "resolved"),
         "town_share": ("resolved_in_town", "resolved"), "zero_report_completeness": ("cells_reported", "cells")}
PARTS = ("coverage", "visits", "disputes", "open_disputes", "zero_reports")


def figures(level: str, start: dt.datetime, end: dt.datetime, under: str | None = None, parts=PARTS,
            zero_report_month: dt.date | None = None) -> list[dict]:
    """One row per unit of `level` (under the unit code `under`, if given) for [start, end): its code, name,
    cells and the counts and rates of the `parts` asked for."""
    length = CODE_LENGTH[level]
    unit = sa.orm.aliased(GridUnit, name="unit")
    cell = sa.orm.aliased(GridUnit, name="cell")
    # every cell with the code of the unit above it at the level asked for (a cell is its own unit at level
    # "cell"), taken from the cell's code: joining the units on that prefix instead, PostgreSQL expects one
    # cell under all of them and runs each per-cell count again for every cell (1.3 s instead of 50 ms a month)
    cells = (sa.select(cell.id.label("cell_id"), sa.func.substr(cell.code, 1, length).label("unit_code"))
             .where(cell.level == "cell"))
    if under:
        cells = cells.where(cell.code.startswith(under, autoescape=True) if len(under) <= length else sa.false())
    cells = cells.subquery("cells")
    lo, hi = sa.literal(start, UTCDateTime()), sa.literal(end, UTCDateTime())
    month = zero_report_month or start.date().replace(day=1)
    per_cell = {"coverage": lambda: _coverage(lo, hi, end), "visits": lambda: [_visits(lo, hi)],
                "disputes": lambda: [_disputes(lo, hi)], "open_disputes": lambda: [_open_disputes()],
                "zero_reports": lambda: [_zero_reports(month)]}
    summed = [_per_unit(cells, query) for part in parts for query in per_cell[part]()]
    cell_count = sa.select(cells.c.unit_code, sa.func.count().label("cells")).group_by(cells.c.unit_code).subquery()

    columns = [unit.code, unit.name, sa.func.coalesce(cell_count.c.cells, 0).label("cells")]
    for part in summed:
        columns += [sa.func.coalesce(c, 0).label(c.name) for c in part.c if c.name != "unit_code"]
    query = (sa.select(*columns).select_from(unit).join(cell_count, cell_count.c.unit_code == unit.code)
             .where(unit.level == level))
    for part in summed:
        query = query.outerjoin(part, part.c.unit_code == unit.code)
    base = query.subquery("base")
    rates = [sa.case((base.c[d] > 0, sa.cast(base.c[n], sa.Float) / base.c[d]), else_=sa.null()).label(name)
             for name, (n, d) in RATES.items() if n in base.c and d in base.c]
    rows = db.session.execute(sa.select(base, *rates).order_by(base.c.code)).mappings().all()
    return [dict(r) for r in rows]


def _coverage(lo, hi, end: dt.datetime) -> list:
    """Households, and households visited in [lo, hi), per cell."""
    if end >= clock.now() + CLOCK_SKEW:
        # No visit is later than now (sync refuses future times), so a household was visited in the period
        # exactly when its latest visit (kept by a trigger) falls in it: one scan of households, no visits.
        visited = sa.and_(Household.last_visit_at >= lo, Household.last_visit_at < hi)
        return [sa.select(Household.cell_id, sa.func.count().label("households"),
                          _count(visited).label("visited_households")).group_by(Household.cell_id)]
    # Two grouped queries, joined per unit: joining households to the period's visits instead leaves SQLite
    # to choose between an index and a scan per household, and it chose the scan (8 s for a month of the demo)
    return [sa.select(Household.cell_id, sa.func.count().label("households")).group_by(Household.cell_id),
            sa.select(Household.cell_id, sa.func.count(sa.distinct(Visit.household_id)).label("visited_households"))
            .join(Visit, Visit.household_id == Household.id)
            .where(Visit.visited_at >= lo, Visit.visited_at < hi).group_by(Household.cell_id)]


def _visits(lo, hi):
    return (sa.select(Household.cell_id, sa.func.count(Visit.id).label("visits"))
            .join(Visit, Visit.household_id == Household.id)
            .where(Visit.visited_at >= lo, Visit.visited_at < hi).group_by(Household.cell_id))


def _disputes(lo, hi):
    resolve_due = add_days(Dispute.reported_at, settings.get("resolution_days"))
    resolved = Dispute.resolved_at.is_not(None)
    return sa.select(
        Dispute.cell_id,
        sa.func.count().label("reported"),
        _count(resolved).label("resolved"),
        _count(sa.and_(resolved, Dispute.resolved_at <= resolve_due)).label("resolved_on_time"),
        _count(Dispute.satisfaction.is_not(None)).label("called_back"),
        _count(Dispute.satisfaction.in_(("satisfied", "basically_satisfied"))).label("satisfied"),
        _count(Dispute.channel.in_(EARLY_CHANNELS)).label("early"),
        _count(sa.and_(resolved, Dispute.level == "village")).label("resolved_in_village"),
        _count(sa.and_(resolved, Dispute.level.in_(("village", "town")))).label("resolved_in_town"),
    ).where(Dispute.reported_at >= lo, Dispute.reported_at < hi).group_by(Dispute.cell_id)


def _open_disputes():
    colour = deadline_columns(clock.now())["colour"]
    return (sa.select(Dispute.cell_id, sa.func.count().label("open_disputes"),
                      _count(colour == "red").label("overdue_disputes"),
                      _count(Dispute.level != "village").label("escalated_disputes"))
            .where(Dispute.state.in_(OPEN)).group_by(Dispute.cell_id))


def _zero_reports(month: dt.date):
    return (sa.select(ZeroReport.cell_id, sa.func.count(sa.distinct(ZeroReport.cell_id)).label("cells_reported"))
            .where(ZeroReport.kind == "monthly", ZeroReport.period == month).group_by(ZeroReport.cell_id))


def monthly_trend(code: str, last_month: dt.date, months: int) -> list[dict]:
    """The period figures of one unit (county, town, village or cell) for each of `months` China calendar
    months up to `last_month`, oldest first; one figures query a month."""
    level = next(level for level, length in CODE_LENGTH.items() if length == len(code))
    trend = []
    for back in range(months - 1, -1, -1):
        first = _add_months(last_month.replace(day=1), -back)
        rows = figures(level, clock.china_midnight(first), clock.china_midnight(_add_months(first, 1)), code,
                       parts=("coverage", "visits", "disputes", "zero_reports"))
        trend += [{"month": first.strftime("%Y-%m"), **row} for row in rows]
    return trend


def _add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _count(condition):
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _per_unit(cells, per_cell):
    """Sum a per-cell aggregate up to the units (one grouped query, joined on the cell)."""
    per_cell = per_cell.subquery()
    # cast: PostgreSQL sums integers as numeric, which would reach JSON as strings
    sums = [sa.cast(sa.func.sum(c), sa.BigInteger).label(c.name) for c in per_cell.c if c.name != "cell_id"]
    return (sa.select(cells.c.unit_code, *sums).join(per_cell, per_cell.c.cell_id == cells.c.cell_id)
            .group_by(cells.c.unit_code).subquery())


def cadres_with_unvisited_households(now: dt.datetime, days: int = 30) -> list[dict]:
    """Cadres whose current linked households include some not visited in the last `days` days
    (counting any visitor), with how many, worst first."""
    since = sa.literal(now - dt.timedelta(days=days), UTCDateTime())
    last_visit = Household.last_visit_at
    unvisited = sa.or_(last_visit.is_(None), last_visit < since)
    link = CadreLink
    query = (sa.select(User.username, User.display_name, GridUnit.code.label("unit_code"), GridUnit.name.label("unit_name"),
                       sa.func.count().label("linked"), _count(unvisited).label("unvisited"),
                       sa.func.min(last_visit).label("oldest_visit"))
             .select_from(link).join(User, User.id == link.cadre_id).join(GridUnit, GridUnit.id == User.unit_id)
             .join(Household, Household.id == link.household_id)
             .where(link.valid_to.is_(None))
             .group_by(User.username, User.display_name, GridUnit.code, GridUnit.name))
    counted = query.subquery()
    rows = db.session.execute(sa.select(counted).where(counted.c.unvisited > 0)
                              .order_by(counted.c.unvisited.desc(), counted.c.username)).mappings().all()
    return [dict(r) for r in rows]

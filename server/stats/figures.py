"""Figures per grid unit for a period, computed in the database by grouped queries.

- coverage 覆盖率: households with at least one visit in the period ÷ households (on the register at the period's end:
  registered by then, not retired 注销; see on_register_through)
- visits 走访人次: visits in the period
- resolution rate 化解率: disputes reported in the period and resolved ÷ disputes reported in the period
- on-time rate 按期办结率: of those resolved, resolved within the resolution limit (its channel's days from acceptance)
- satisfaction rate 满意率: (satisfied + basically satisfied) ÷ call-backs, of disputes reported in the period
- early-warning rate 预警率: disputes first found by grid screening or a visit ÷ all disputes reported,
  petitions to the county or above included
- village / town share 不出村率, 不出镇率: resolved while held at village level (at town level or below)
  ÷ resolved
- zero-report completeness 零报告 = reports filed ÷ reports due, following the reporting mode:
  monthly (月报): due = cells, filed = cells that filed the monthly report of the period's first month
  (`cells_reported`, counted in either mode); with daily reporting on (日报告制, settings.daily_reporting_since):
  due = cells × the period's days on which it was on, up to and including today (China days, `daily_report_days`),
  filed = distinct (cell, day) daily reports of those days. A period with none of those days (before the switch,
  or daily reporting off) is counted monthly.
- open / overdue / escalated 在办, 超期, 上交: disputes open now, past their time limit now, and held above
  the village now (a snapshot, not limited to the period)
Rates are NULL where their denominator is 0."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from grids.codes import level_of

from .. import clock, settings
from ..disputes.deadlines import deadline_columns, resolve_due
from ..disputes.workflow import OPEN
from ..extensions import db
from ..models import CadreLink, Dispute, GridUnit, Household, User, Visit, ZeroReport
from ..models.types import UTCDateTime
from ..models.vocab import CODE_LENGTH
from ..scope import outside_scope
from .cache import cached_for_scope

EARLY_CHANNELS = ("grid_screening", "visit")
RATES = {"coverage": ("visited_households", "households"), "resolution_rate": ("resolved", "reported"),
         "on_time_rate": ("resolved_on_time", "resolved"), "satisfaction_rate": ("satisfied", "called_back"),
         "early_warning_rate": ("early", "reported"), "village_share": ("resolved_in_village", "resolved"),
         "town_share": ("resolved_in_town", "resolved"), "zero_report_completeness": ("reports_filed", "reports_due")}
PARTS = ("coverage", "visits", "disputes", "open_disputes", "zero_reports")


def figures(level: str, start: dt.datetime, end: dt.datetime, under: str | None = None, parts=PARTS,
            zero_report_days: tuple[dt.date, dt.date] | None = None) -> list[dict]:
    """One row per unit of `level` (under the unit code `under`, if given) for [start, end): its code, name,
    cells and the counts and rates of the `parts` asked for. Zero reports are those of the period's China days,
    or of the days [first, end) given as `zero_report_days`."""
    rows = _figures(level, [(start, end)], [zero_report_days or china_days(start, end)], under, parts)
    return [{k: v for k, v in row.items() if k != "period"} for row in rows]


def zero_report_mode(first: dt.date, end: dt.date) -> dict:
    """How the zero reports of the China days [first, end) are counted: {"mode": "daily", "period": [first day,
    last day], "since": the start of daily reporting}, or {"mode": "monthly", "period": the month's first day}."""
    reports, = Reports.of_days([(first, end)])
    if reports.daily is None:
        return {"mode": "monthly", "period": reports.month.isoformat()}
    lo, hi = reports.daily
    return {"mode": "daily", "period": [lo.isoformat(), (hi - dt.timedelta(days=1)).isoformat()],
            "since": settings.daily_reporting_since().isoformat()}


def china_days(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date]:
    """The China calendar days [first, the day after the last) that the moments [start, end) touch."""
    last = (end - dt.timedelta(microseconds=1)).astimezone(clock.CHINA).date()
    return start.astimezone(clock.CHINA).date(), last + dt.timedelta(days=1)


def _figures(level: str, periods: list[tuple[dt.datetime, dt.datetime]], report_days: list[tuple[dt.date, dt.date]],
             under: str | None, parts) -> list[dict]:
    """The figures of each unit for each of the consecutive `periods` (zero reports of the matching China days
    `report_days`), in one query: rows carry the period's index and come ordered by unit code, then period."""
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
    window = Window([(sa.literal(lo, UTCDateTime()), sa.literal(hi, UTCDateTime())) for lo, hi in periods],
                    periods[-1][1], Reports.of_days(report_days))
    counted_with_coverage = "coverage" in parts and not window.running
    per_cell = {"coverage": lambda: _coverage(window, visits_too="visits" in parts),
                "visits": lambda: [] if counted_with_coverage else [_visit_counts(window)],
                "disputes": lambda: [_disputes(window)], "open_disputes": lambda: [_open_disputes()],
                "zero_reports": lambda: [_zero_reports(window)]}
    summed = [_per_unit(cells, query, narrowed=bool(under)) for part in parts for query in per_cell[part]()]
    cell_count = sa.select(cells.c.unit_code, sa.func.count().label("cells")).group_by(cells.c.unit_code).subquery()
    indexes = sa.union_all(*(sa.select(sa.literal(i, sa.Integer).label("period"),
                                       sa.literal(reports.days, sa.Integer).label("daily_report_days"))
                             for i, reports in enumerate(window.reports)))
    indexes = indexes.subquery("periods")

    cells_of_unit = sa.func.coalesce(cell_count.c.cells, 0)
    columns = [unit.code, unit.name, indexes.c.period, cells_of_unit.label("cells")]
    for part in summed:
        columns += [sa.func.coalesce(c, 0).label(c.name) for c in part.c if c.name not in ("unit_code", "period")]
    if "zero_reports" in parts:  # a cell owes one monthly report, or one daily report a day of daily reporting
        days = indexes.c.daily_report_days
        columns += [days, sa.case((days > 0, cells_of_unit * days), else_=cells_of_unit).label("reports_due")]
    query = (sa.select(*columns).select_from(unit).join(cell_count, cell_count.c.unit_code == unit.code)
             .join(indexes, sa.true()).where(unit.level == level))
    for part in summed:
        on = part.c.unit_code == unit.code
        query = query.outerjoin(part, sa.and_(on, part.c.period == indexes.c.period) if "period" in part.c else on)
    base = query.subquery("base")
    rates = [sa.case((base.c[d] > 0, sa.cast(base.c[n], sa.Float) / base.c[d]), else_=sa.null()).label(name)
             for name, (n, d) in RATES.items() if n in base.c and d in base.c]
    rows = db.session.execute(sa.select(base, *rates).order_by(base.c.code, base.c.period)).mappings().all()
    return [dict(r) for r in rows]


class Reports:
    """The zero reports a period counts: the monthly report of its first month, and — on the days [first, end)
    of the period on which daily reporting was on, if any — the daily reports instead."""

    def __init__(self, month: dt.date, daily: tuple[dt.date, dt.date] | None):
        self.month, self.daily = month, daily
        self.days = (daily[1] - daily[0]).days if daily else 0

    @classmethod
    def of_days(cls, days: list[tuple[dt.date, dt.date]]) -> list[Reports]:
        """For each period's China days [first, end): the days from the start of daily reporting up to today."""
        since, tomorrow = settings.daily_reporting_since(), clock.china_today() + dt.timedelta(days=1)
        out = []
        for first, end in days:
            lo, hi = (max(first, since), min(end, tomorrow)) if since else (first, first)
            out.append(cls(first.replace(day=1), (lo, hi) if lo < hi else None))
        return out

    def monthly(self):
        return sa.and_(ZeroReport.kind == "monthly", ZeroReport.period == self.month)

    def filed(self):
        """The reports that count as filed for the period."""
        if self.daily is None:
            return self.monthly()
        return sa.and_(ZeroReport.kind == "daily", ZeroReport.period >= self.daily[0], ZeroReport.period < self.daily[1])


class Window:
    """Consecutive periods: the whole span, and which period a moment falls in (a CASE over the bounds,
    so one grouped scan counts every period); and the zero reports each period counts."""

    def __init__(self, bounds, end: dt.datetime, reports: list[Reports]):
        self.bounds, self.end, self.reports = bounds, end, reports
        self.lo, self.hi = bounds[0][0], bounds[-1][1]

    @property
    def running(self) -> bool:
        """One period, not over yet (allowing for clocks a little ahead)."""
        return len(self.bounds) == 1 and self.end >= clock.now() + clock.CLOCK_SKEW

    def within(self, column):
        return sa.and_(column >= self.lo, column < self.hi)

    def period_end(self, column):
        """The end of the period `column` falls in."""
        if len(self.bounds) == 1:
            return self.hi
        return sa.case(*((column < hi, hi) for _, hi in self.bounds[:-1]), else_=self.bounds[-1][1])

    def period(self, column) -> list:
        """Which period `column` falls in, as columns to select and group by: none when there is one period
        (a constant would do, but PostgreSQL reads a constant in GROUP BY as a column's position)."""
        if len(self.bounds) == 1:
            return []
        return [sa.case(*((column < hi, i) for i, (_, hi) in enumerate(self.bounds[:-1])),
                        else_=len(self.bounds) - 1).label("period")]


def on_register_through(end):
    """A household counts in a period when it is on the register at the period's end (`end`, a column or literal):
    registered before it (or before the platform), not retired by then. A household retired 注销 leaves the figures
    from its retirement day: the periods ending after it no longer count it, in numerator or denominator; one
    registered counts from the period it was registered in. A household counts in the cell it is in now (a move
    takes effect from its acceptance: periods before are counted again with the household in its new cell, as
    after a boundary change)."""
    return sa.and_(sa.or_(Household.registered_at.is_(None), Household.registered_at < end),
                   sa.or_(Household.retired_at.is_(None), Household.retired_at >= end))


def _coverage(window: Window, visits_too: bool) -> list:
    """Households per cell, and households visited in each period per cell (and visits, if asked: the same
    scan of the visits counts both); households as the register holds them at each period's end."""
    if window.running:
        # No visit is later than now (sync refuses future times), so a household was visited in the period
        # exactly when its latest visit (kept by a trigger) falls in it: one scan of households, no visits.
        visited = window.within(Household.last_visit_at)
        return [sa.select(Household.cell_id, sa.func.count().label("households"),
                          _count(visited).label("visited_households"))
                .where(on_register_through(window.hi)).group_by(Household.cell_id)]
    # Two grouped queries, joined per unit: joining households to the period's visits instead leaves SQLite
    # to choose between an index and a scan per household, and it chose the scan (8 s for a month of the demo)
    return [_households(window), _visit_counts(window, households=True, visits=visits_too)]


def unvisited_per_cell(start: dt.datetime, end: dt.datetime):
    """Per cell: its households (on the register at `end`) and how many of them nobody visited in [start, end) — the
    gap coverage leaves, households − visited_households, counted exactly as coverage counts them. A subquery
    (cell_id, households, unvisited)."""
    window = Window([(sa.literal(start, UTCDateTime()), sa.literal(end, UTCDateTime()))], end, [])
    counts = [query.subquery() for query in _coverage(window, visits_too=False)]
    households, visited = counts[0], counts[-1]  # one query while the period runs, else households and visited apart
    query = sa.select(households.c.cell_id, households.c.households,
                      (households.c.households - sa.func.coalesce(visited.c.visited_households, 0)).label("unvisited"))
    if visited is not households:
        query = query.outerjoin(visited, visited.c.cell_id == households.c.cell_id)
    return query.subquery("unvisited_per_cell")


def _households(window: Window):
    """Households on the register at the end of each period, per cell (and period, when there are several)."""
    if len(window.bounds) == 1:
        return (sa.select(Household.cell_id, sa.func.count().label("households"))
                .where(on_register_through(window.hi)).group_by(Household.cell_id))
    ends = sa.union_all(*(sa.select(sa.literal(i, sa.Integer).label("period"), hi.label("end"))
                          for i, (_, hi) in enumerate(window.bounds))).subquery("ends")
    return (sa.select(Household.cell_id, ends.c.period, sa.func.count().label("households"))
            .join(ends, on_register_through(ends.c.end)).group_by(Household.cell_id, ends.c.period))


def _visit_counts(window: Window, households: bool = False, visits: bool = True):
    period = window.period(Visit.visited_at)
    # every visit counts among the visits; a household among those visited while it counts in the period's households
    counted = sa.case((on_register_through(window.period_end(Visit.visited_at)), Visit.household_id))
    counts = ([sa.func.count(Visit.id).label("visits")] if visits else []) + (
        [sa.func.count(sa.distinct(counted)).label("visited_households")] if households else [])
    return (sa.select(Household.cell_id, *period, *counts).join(Visit, Visit.household_id == Household.id)
            .where(window.within(Visit.visited_at)).group_by(Household.cell_id, *period))


def _disputes(window: Window):
    period = window.period(Dispute.reported_at)
    resolve_by = resolve_due()  # the one definition of the limit (from acceptance, by channel)
    resolved = Dispute.resolved_at.is_not(None)
    return sa.select(
        Dispute.cell_id,
        *period,
        sa.func.count().label("reported"),
        _count(resolved).label("resolved"),
        _count(sa.and_(resolved, Dispute.resolved_at <= resolve_by)).label("resolved_on_time"),
        _count(Dispute.satisfaction.is_not(None)).label("called_back"),
        _count(Dispute.satisfaction.in_(("satisfied", "basically_satisfied"))).label("satisfied"),
        _count(Dispute.channel.in_(EARLY_CHANNELS)).label("early"),
        _count(sa.and_(resolved, Dispute.level == "village")).label("resolved_in_village"),
        _count(sa.and_(resolved, Dispute.level.in_(("village", "town")))).label("resolved_in_town"),
    ).where(window.within(Dispute.reported_at)).group_by(Dispute.cell_id, *period)


def _open_disputes():
    colour = deadline_columns(clock.now())["colour"]
    return (sa.select(Dispute.cell_id, sa.func.count().label("open_disputes"),
                      _count(colour == "red").label("overdue_disputes"),
                      _count(Dispute.level != "village").label("escalated_disputes"))
            .where(Dispute.state.in_(OPEN)).group_by(Dispute.cell_id))


def _zero_reports(window: Window):
    """Per cell: whether it filed the monthly report (cells_reported, in either mode), and the reports that count
    as filed in the period's mode — the month's report, or distinct days of daily reports."""
    belongs = [sa.or_(r.monthly(), r.filed()) for r in window.reports]  # the same in monthly mode
    period = ([sa.case(*((b, i) for i, b in enumerate(belongs))).label("period")]
              if len(window.reports) > 1 else [])
    filed = sa.or_(*(r.filed() for r in window.reports))  # periods' days and months do not overlap
    return (sa.select(ZeroReport.cell_id, *period, _count(ZeroReport.kind == "monthly").label("cells_reported"),
                      sa.func.count(sa.distinct(sa.case((filed, ZeroReport.period)))).label("reports_filed"))
            .where(sa.or_(*belongs)).group_by(ZeroReport.cell_id, *period))


def monthly_trend(code: str, last_month: dt.date, months: int) -> list[dict]:
    """The period figures of one unit (county, town, village or cell) for each of `months` China calendar
    months up to `last_month`, oldest first: the closed months in one query (cached briefly, see cache.py),
    the running month counted afresh."""
    level = level_of(code)
    firsts = [_add_months(last_month.replace(day=1), -back) for back in range(months - 1, -1, -1)]
    running = clock.china_today().replace(day=1)
    parts = ("coverage", "visits", "disputes", "zero_reports")

    def count(months_: list[dt.date]) -> list[dict]:
        periods = [(clock.china_midnight(first), clock.china_midnight(_add_months(first, 1))) for first in months_]
        days = [(first, _add_months(first, 1)) for first in months_]
        rows = _figures(level, periods, days, code, parts) if months_ else []
        return [{"month": months_[row.pop("period")].strftime("%Y-%m"), **row} for row in rows]

    closed = [first for first in firsts if first < running]
    # the start of daily reporting decides how closed months count their zero reports
    key = (code, tuple(closed), settings.daily_reporting_since())
    rows = cached_for_scope("trend", key, lambda: count(closed))
    return rows + count([first for first in firsts if first >= running])


def _add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _count(condition):
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _per_unit(cells, per_cell, narrowed: bool):
    """Sum a per-cell aggregate up to the units (one grouped query, joined on the cell). Narrowed to a part of
    the county, the cells are named inside the aggregate too, so it counts only theirs."""
    if narrowed:
        per_cell = per_cell.where(per_cell.selected_columns.cell_id.in_(sa.select(cells.c.cell_id)))
    per_cell = per_cell.subquery()
    # cast: PostgreSQL sums integers as numeric, which would reach JSON as strings
    keys = [cells.c.unit_code] + ([per_cell.c.period] if "period" in per_cell.c else [])
    sums = [sa.cast(sa.func.sum(c), sa.BigInteger).label(c.name) for c in per_cell.c
            if c.name not in ("cell_id", "period")]
    return (sa.select(*keys, *sums).join(per_cell, per_cell.c.cell_id == cells.c.cell_id)
            .group_by(*keys).subquery())


def cadres_with_unvisited_households(now: dt.datetime, days: int = 30) -> list[dict]:
    """Cadres whose current linked households include some they have not visited themselves in the last `days`
    days, with how many, worst first. 每月上门 is the cadre's duty: only the cadre's own visits to the household
    count (a grid worker's or another cadre's visit does not clear it); `oldest_visit` is the earliest of the
    cadre's latest visits to each linked household."""
    since = sa.literal(now - dt.timedelta(days=days), UTCDateTime())
    link = CadreLink
    # the cadre's latest visit to each household now linked to them: per link, through the visits' index on
    # (household, time): on the demo county in SQLite 0.3 s, where a grouped scan of every cadre's visits takes 1 s
    own = (sa.select(sa.func.max(Visit.visited_at))
           .where(Visit.household_id == link.household_id, Visit.author_id == link.cadre_id)
           .correlate(link).scalar_subquery())
    links = (sa.select(link.cadre_id, link.household_id, own.label("last_visit"))
             .where(link.valid_to.is_(None)).subquery("links"))
    last_visit = links.c.last_visit
    unvisited = sa.or_(last_visit.is_(None), last_visit < since)
    query = (sa.select(User.username, User.display_name, GridUnit.code.label("unit_code"), GridUnit.name.label("unit_name"),
                       sa.func.count().label("linked"), _count(unvisited).label("unvisited"),
                       sa.func.min(last_visit).label("oldest_visit"))
             .select_from(links).join(User, User.id == links.c.cadre_id).join(GridUnit, GridUnit.id == User.unit_id)
             .join(Household, Household.id == links.c.household_id)
             .group_by(User.username, User.display_name, GridUnit.code, GridUnit.name))
    counted = query.subquery()
    rows = db.session.execute(sa.select(counted).where(counted.c.unvisited > 0)
                              .order_by(counted.c.unvisited.desc(), counted.c.username)).mappings().all()
    return [dict(r) for r in rows]


def place_name(code: str) -> str | None:
    """What a report's title calls the unit `code`: its county's name, then its own (宁陕县, 宁陕县城关镇); None
    when the unit is not in the caller's area. The county is read past the caller's scope on purpose: a town's
    report names the county it is in."""
    own = db.session.scalar(sa.select(GridUnit.name).where(GridUnit.code == code))
    if own is None:
        return None
    county_code = code[:CODE_LENGTH["county"]]
    if county_code == code:
        return own
    units = outside_scope(GridUnit)
    county = db.session.scalar(sa.select(units.c.name).where(units.c.code == county_code))
    return f"{county or ''}{own}"

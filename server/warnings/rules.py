"""The early-warning rules. Each takes the time and the settings and returns the alerts it would raise now
as candidates, found by grouped SQL; the engine keeps those whose key is new.

A key names the situation, not the moment: the same household's same latest dispute, the same unit in the
same week, the same stalled dispute at the same colour. So a scan run twice raises nothing new, and a
situation that changes (a third dispute, another week, a colour turning red) raises again."""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from .. import clock
from ..disputes.deadlines import deadline_columns
from ..disputes.workflow import OPEN
from ..extensions import db
from ..models import Dispute, DisputeEvent, GridUnit, Household, HouseholdTag, ZeroReport
from ..models.vocab import CODE_LENGTH

LEVEL_ABOVE = {"cell": "village", "village": "town", "town": "county"}  # who acts on a unit's trouble


@dataclass(frozen=True)
class Candidate:
    key: str
    rule: str
    severity: str
    level: str
    unit_id: int
    reason: str
    reason_zh: str
    evidence: list = field(default_factory=list, hash=False, compare=False)


def repeat_disputes(now: dt.datetime, config: dict, only: list | None = None) -> list[Candidate]:
    """Two or more disputes of the same household, or between the same parties, within the window."""
    since = now - dt.timedelta(days=config["repeat_dispute_days"])
    recent = (sa.select(Dispute.id, Dispute.cell_id, Dispute.household_id, Dispute.parties, Dispute.reported_at)
              .where(Dispute.reported_at >= since, Dispute.reported_at <= now))
    repeated = (sa.select(Dispute.household_id).where(Dispute.reported_at >= since, Dispute.reported_at <= now,
                                                      Dispute.household_id.is_not(None))
                .group_by(Dispute.household_id).having(sa.func.count() > 1))
    if only is not None:
        repeated = repeated.where(Dispute.household_id.in_(only))
    by_household = defaultdict(list)
    for row in db.session.execute(recent.where(Dispute.household_id.in_(repeated))):
        by_household[row.household_id].append(row)
    out = []
    for household_id, rows in by_household.items():
        rows.sort(key=lambda r: r.reported_at)
        latest = rows[-1]
        out.append(Candidate(
            f"repeat_dispute:household:{household_id}:{latest.id}", "repeat_dispute",
            "high" if len(rows) >= 3 else "medium", "village", latest.cell_id,
            f"{len(rows)} disputes of the same household within {config['repeat_dispute_days']} days",
            f"同一户 {config['repeat_dispute_days']} 天内发生 {len(rows)} 起矛盾纠纷",
            [{"type": "dispute", "id": str(r.id)} for r in rows]))
    if only is None:
        out += _same_parties(db.session.execute(recent).all(), config)
    return out


def _same_parties(rows, config) -> list[Candidate]:
    """Disputes naming the same two or more parties (by name), across households."""
    groups = defaultdict(list)
    for row in rows:
        names = tuple(sorted({p.get("name", "").strip() for p in row.parties or [] if isinstance(p, dict)} - {""}))
        if len(names) >= 2:
            groups[names].append(row)
    out = []
    for names, group in groups.items():
        if len(group) < 2 or len({r.household_id for r in group}) < 2:
            continue  # one household's repeats are found above
        group.sort(key=lambda r: r.reported_at)
        latest = group[-1]
        who = "、".join(names)
        out.append(Candidate(
            f"repeat_dispute:parties:{latest.id}", "repeat_dispute", "medium", "village", latest.cell_id,
            f"{len(group)} disputes between the same parties ({', '.join(names)}) within "
            f"{config['repeat_dispute_days']} days",
            f"同一当事人（{who}）{config['repeat_dispute_days']} 天内发生 {len(group)} 起矛盾纠纷",
            [{"type": "dispute", "id": str(r.id)} for r in group]))
    return out


def poisson_upper_tail(k: int, mean: float) -> float:
    """P(X ≥ k) for X ~ Poisson(mean)."""
    if k <= 0:
        return 1.0
    term = total = math.exp(-mean)
    for i in range(1, k):
        term *= mean / i
        total += term
    return max(0.0, 1.0 - total)


def clusters(now: dt.datetime, config: dict) -> list[Candidate]:
    """Cells and villages whose disputes of the last days exceed their own baseline (the months before)
    beyond chance: a Poisson test of the recent count against the baseline rate. A unit with a quiet
    baseline is measured against half the county's average rate, so two disputes in a new cell are not
    a cluster."""
    recent_days, baseline_days = config["cluster_days"], config["cluster_baseline_days"]
    recent_from = now - dt.timedelta(days=recent_days)
    baseline_from = recent_from - dt.timedelta(days=baseline_days)
    out = []
    week = now.astimezone(clock.CHINA).isocalendar()
    for level in ("cell", "village"):
        code = sa.func.substr(GridUnit.code, 1, CODE_LENGTH[level]).label("code")
        rows = db.session.execute(
            sa.select(code, sa.func.sum(sa.case((Dispute.reported_at >= recent_from, 1), else_=0)).label("recent"),
                      sa.func.sum(sa.case((Dispute.reported_at < recent_from, 1), else_=0)).label("baseline"))
            .join(GridUnit, GridUnit.id == Dispute.cell_id)
            .where(Dispute.reported_at >= baseline_from, Dispute.reported_at <= now).group_by(code)).all()
        units = db.session.scalar(sa.select(sa.func.count()).select_from(GridUnit).where(GridUnit.level == level))
        county_rate = sum(int(r.baseline) for r in rows) / max(1, units) * recent_days / baseline_days
        flagged = []
        for row in rows:
            recent, expected = int(row.recent), max(int(row.baseline) * recent_days / baseline_days, county_rate / 2)
            p = poisson_upper_tail(recent, expected)
            if recent >= config["cluster_min_disputes"] and p < config["cluster_p_value"]:
                flagged.append((row.code, recent, expected, p))
        ids = _unit_ids([c for c, *_ in flagged])
        for unit_code, recent, expected, p in flagged:
            out.append(Candidate(
                f"cluster:{unit_code}:{week.year}-W{week.week:02d}", "cluster", "high" if p < 0.001 else "medium",
                LEVEL_ABOVE[level], ids[unit_code],
                f"{recent} disputes in the last {recent_days} days where {expected:.1f} were expected "
                f"(p = {p:.4f}): a cluster",
                f"近 {recent_days} 天发生 {recent} 起矛盾纠纷，按以往应约 {expected:.1f} 起（p = {p:.4f}），呈聚集态势",
                [{"type": "unit", "code": unit_code}]))
    return out


def high_risk(now: dt.datetime, config: dict, only: list | None = None) -> list[Candidate]:
    """Open disputes of the high-risk categories (land, requisition, unpaid wages) with many parties."""
    query = (sa.select(Dispute.id, Dispute.cell_id, Dispute.category, Dispute.party_count, Dispute.level)
             .where(Dispute.state.in_(OPEN), Dispute.category.in_(config["high_risk_categories"]),
                    Dispute.party_count >= config["high_risk_min_parties"]))
    if only is not None:
        query = query.where(Dispute.id.in_(only))
    return [Candidate(
        f"high_risk:{row.id}", "high_risk", "high", "county" if row.level == "county" else "town", row.cell_id,
        f"A {row.category.replace('_', ' ')} dispute with {row.party_count} parties: risk of a group incident",
        f"{row.party_count} 方当事人的高风险类矛盾纠纷（{row.category}），有引发群体性事件的风险",
        [{"type": "dispute", "id": str(row.id)}]) for row in db.session.execute(query)]


def stalled_deadlines(now: dt.datetime, config: dict) -> list[Candidate]:
    """Open disputes near (yellow) or past (red) their time limit with no step for some days."""
    colour = deadline_columns(now)["colour"]
    last_step = (sa.select(DisputeEvent.dispute_id, sa.func.max(DisputeEvent.occurred_at).label("at"))
                 .group_by(DisputeEvent.dispute_id).subquery())
    quiet_since = now - dt.timedelta(days=config["stalled_days"])
    rows = db.session.execute(
        sa.select(Dispute.id, Dispute.cell_id, Dispute.level, colour)
        .outerjoin(last_step, last_step.c.dispute_id == Dispute.id)
        .where(Dispute.state.in_(OPEN), colour.in_(("yellow", "red")),
               sa.or_(last_step.c.at.is_(None), last_step.c.at < quiet_since))).all()
    return [Candidate(
        f"deadline:{row.id}:{row.colour}", "deadline", "high" if row.colour == "red" else "medium", row.level,
        row.cell_id,
        ("Past its time limit" if row.colour == "red" else "Close to its time limit")
        + f" with no step for {config['stalled_days']} days",
        ("已超期" if row.colour == "red" else "临近办理期限") + f"，且 {config['stalled_days']} 天无进展",
        [{"type": "dispute", "id": str(row.id)}]) for row in rows]


def key_persons_unvisited(now: dt.datetime, config: dict) -> list[Candidate]:
    """Households of key persons (重点人员) on the register (not retired 注销) with no visit for the configured days."""
    days = config["key_person_visit_days"]
    rows = db.session.execute(
        sa.select(Household.id, Household.code, Household.cell_id, Household.last_visit_at)
        .join(HouseholdTag, sa.and_(HouseholdTag.household_id == Household.id, HouseholdTag.tag == "key_person"))
        .where(sa.or_(Household.last_visit_at.is_(None), Household.last_visit_at < now - dt.timedelta(days=days)),
               sa.or_(Household.retired_at.is_(None), Household.retired_at > now)))
    return [Candidate(
        f"key_person_unvisited:{row.id}:{row.last_visit_at.date() if row.last_visit_at else 'never'}",
        "key_person_unvisited", "medium", "village", row.cell_id,
        f"Key person's household {row.code} not visited for more than {days} days",
        f"重点人员户 {row.code} 超过 {days} 天未走访",
        [{"type": "household", "code": row.code}]) for row in rows]


def missed_zero_reports(now: dt.datetime, config: dict) -> list[Candidate]:
    """Cells that had not filed last month's report a few days into this month (when last month was counted by
    monthly reports); with daily reporting on, cells that have not filed yesterday's daily report (a day since
    daily reporting began), one alert per cell and day."""
    today = now.astimezone(clock.CHINA).date()
    since = config.get("daily_reporting_since")  # the China day daily reporting began; None: off
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    out = []
    if today.day > config["zero_report_grace_days"] and not (since and since < today.replace(day=1)):
        out += [Candidate(
            f"zero_report_missed:{row.id}:{month:%Y-%m}", "zero_report_missed", "low", "village", row.id,
            f"{row.name} has not filed its report for {month:%Y-%m}",
            f"{row.name} 未报送 {month:%Y年%m月} 月报（零报告）",
            [{"type": "unit", "code": row.code}]) for row in cells_without_report("monthly", month)]
    yesterday = today - dt.timedelta(days=1)
    if since and yesterday >= since:
        out += [Candidate(
            f"zero_report_missed:{row.id}:{yesterday.isoformat()}", "zero_report_missed", "low", "village", row.id,
            f"{row.name} has not filed its daily report for {yesterday.isoformat()} (daily reporting)",
            f"{row.name} 未报送 {yesterday:%Y年%m月%d日} 日报告（日报告制）",
            [{"type": "unit", "code": row.code}]) for row in cells_without_report("daily", yesterday)]
    return out


def cells_without_report(kind: str, period: dt.date):
    filed = sa.select(ZeroReport.cell_id).where(ZeroReport.kind == kind, ZeroReport.period == period)
    return db.session.execute(sa.select(GridUnit.id, GridUnit.code, GridUnit.name)
                              .where(GridUnit.level == "cell", GridUnit.id.not_in(filed))).all()


def _unit_ids(codes: list[str]) -> dict[str, int]:
    if not codes:
        return {}
    return dict(db.session.execute(sa.select(GridUnit.code, GridUnit.id).where(GridUnit.code.in_(codes))).all())


RULES = {"repeat_dispute": repeat_disputes, "cluster": clusters, "high_risk": high_risk,
         "deadline": stalled_deadlines, "key_person_unvisited": key_persons_unvisited,
         "zero_report_missed": missed_zero_reports}

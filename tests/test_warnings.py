"""The early-warning rules, each with a case where it must fire and one where it must not; the engine's
idempotence; raising on write."""
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from server import settings
from server.models import Alert, Dispute, DisputeEvent, GridUnit, Household, HouseholdTag, User, Visit, ZeroReport
from server.warnings import rules
from server.warnings.engine import on_new_disputes, scan

SQUARE = "SRID=4326;MULTIPOLYGON(((108 33,108.1 33,108.1 33.1,108 33.1,108 33)))"
POINT = "SRID=4326;POINT(108.05 33.05)"
UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 10, 4, tzinfo=UTC)  # noon in China, ten days into November


def ago(days):
    return NOW - dt.timedelta(days=days)


class County:
    """One town, one village, cells A and B, a worker, and helpers to add what each test needs."""

    def __init__(self, session):
        self.session = session
        unit = lambda level, code, parent=None: GridUnit(  # noqa: E731
            level=level, code=code, name=code, parent=parent, boundary=SQUARE, centroid=POINT)
        county = unit("county", "610923")
        town = unit("town", "610923100", county)
        village = unit("village", "610923100201", town)
        self.a, self.b = unit("cell", "610923100201001", village), unit("cell", "610923100201002", village)
        self.worker = User(username="w", password_hash="x", role="grid_worker", display_name="王", unit=self.a)
        session.add_all([county, town, village, self.a, self.b, self.worker])
        session.flush()
        self.config = settings.all_settings()
        self._households = 0

    def household(self, cell, tags=()):
        self._households += 1
        h = Household(code=f"{cell.code}{self._households:04d}", cell=cell, address="地址", head_name="户主",
                      member_count=1)
        self.session.add(h)
        self.session.flush()
        self.session.add_all(HouseholdTag(household_id=h.id, tag=t) for t in tags)
        return h

    def dispute(self, cell, days_ago, household=None, names=("甲", "乙"), **kw):
        d = Dispute(id=uuid.uuid4(), cell_id=cell.id, household_id=household.id if household else None,
                    reporter_id=self.worker.id, category=kw.pop("category", "neighbour"),
                    risk_colour=kw.pop("risk_colour", "blue"), title="纠纷", reported_at=ago(days_ago),
                    parties=[{"name": n, "role": "party"} for n in names], party_count=kw.pop("party_count", 2), **kw)
        self.session.add(d)
        self.session.flush()
        return d

    def visit(self, household, days_ago):
        self.session.add(Visit(id=uuid.uuid4(), household_id=household.id, author_id=self.worker.id, kind="policy",
                               visited_at=ago(days_ago)))
        self.session.flush()

    def keys(self, rule, **kw):
        return sorted(c.key for c in rules.RULES[rule](NOW, {**self.config, **kw}))


@pytest.fixture
def county(session):
    return County(session)


def test_repeat_disputes_of_a_household(county):
    h = county.household(county.a)
    county.dispute(county.a, 60, h, names=("张", "李"))
    latest = county.dispute(county.a, 5, h, names=("王", "赵"))
    assert county.keys("repeat_dispute") == [f"repeat_dispute:household:{h.id}:{latest.id}"]


def test_disputes_of_a_household_far_apart_are_not_repeats(county):
    h = county.household(county.a)
    county.dispute(county.a, 120, h)
    county.dispute(county.a, 5, h)
    assert county.keys("repeat_dispute") == []


def test_repeat_disputes_between_the_same_parties_across_households(county):
    county.dispute(county.a, 30, county.household(county.a), names=("张三", "李四"))
    latest = county.dispute(county.b, 2, county.household(county.b), names=("李四", "张三"))
    county.dispute(county.b, 1, county.household(county.b), names=("张三", "王五"))  # only one name shared
    assert county.keys("repeat_dispute") == [f"repeat_dispute:parties:{latest.id}"]


def test_a_cell_far_above_its_own_baseline_is_a_cluster(county):
    for days in (100,):
        county.dispute(county.a, days)
    for days in (1, 3, 5, 8, 12):
        county.dispute(county.a, days)
    for days in range(20, 190, 14):  # cell B: about one a fortnight all along, and one lately
        county.dispute(county.b, days)
    county.dispute(county.b, 4)
    keys = county.keys("cluster")
    assert len(keys) == 2 and keys[0].startswith("cluster:610923100201001:")  # cell A, and so its village
    assert keys[1].startswith("cluster:610923100201:")
    assert not any("610923100201002" in k for k in keys)


def test_a_steady_rate_is_not_a_cluster(county):
    for days in range(2, 190, 7):  # two a fortnight, every fortnight
        county.dispute(county.a, days)
    assert county.keys("cluster") == []


def test_poisson_tail():
    assert rules.poisson_upper_tail(0, 1.0) == 1.0
    assert rules.poisson_upper_tail(1, 1.0) == pytest.approx(1 - 0.36787944, abs=1e-7)
    assert rules.poisson_upper_tail(5, 0.5) == pytest.approx(0.00017212, rel=1e-3)


def test_high_risk_categories_with_many_parties(county):
    fires = county.dispute(county.a, 3, category="land_requisition", party_count=12, state="accepted")
    county.dispute(county.a, 3, category="neighbour", party_count=12)            # not a high-risk category
    county.dispute(county.a, 3, category="unpaid_wages", party_count=3)          # few parties
    county.dispute(county.a, 3, category="land_rights", party_count=30, state="resolved")  # no longer open
    found = rules.high_risk(NOW, county.config)
    assert [c.key for c in found] == [f"high_risk:{fires.id}"] and found[0].level == "town"


def test_a_dispute_near_its_limit_with_no_step_for_a_week(county):
    stalled = county.dispute(county.a, 13)   # 2 of 15 days left to accept: yellow
    moving = county.dispute(county.a, 13)
    county.session.add(DisputeEvent(id=uuid.uuid4(), dispute_id=moving.id, actor_id=county.worker.id, kind="note",
                                    note="已约谈双方", occurred_at=ago(2)))
    county.dispute(county.a, 2)              # green
    overdue = county.dispute(county.a, 70, state="mediating", level="town")  # red
    county.dispute(county.a, 70, state="mediating", accepted_at=ago(30))  # 60 days from acceptance: 30 left, green
    sms = county.dispute(county.a, 10, state="accepted", channel="sms", accepted_at=ago(8))  # 7 days to resolve: red
    county.session.flush()
    found = {c.key: c for c in rules.stalled_deadlines(NOW, county.config)}
    assert sorted(found) == sorted([f"deadline:{stalled.id}:yellow", f"deadline:{overdue.id}:red",
                                    f"deadline:{sms.id}:red"])
    assert found[f"deadline:{overdue.id}:red"].level == "town"
    assert found[f"deadline:{overdue.id}:red"].severity == "high"


def test_key_persons_unvisited_for_30_days(county):
    never = county.household(county.a, tags=("key_person",))
    lapsed = county.household(county.a, tags=("key_person",))
    county.visit(lapsed, 45)
    seen = county.household(county.a, tags=("key_person",))
    county.visit(seen, 5)
    county.household(county.a)  # not a key person
    assert county.keys("key_person_unvisited") == sorted([
        f"key_person_unvisited:{never.id}:never", f"key_person_unvisited:{lapsed.id}:{ago(45).date()}"])


def test_cells_that_missed_last_months_report(county):
    county.session.add(ZeroReport(id=uuid.uuid4(), cell_id=county.a.id, period=dt.date(2026, 10, 1),
                                  author_id=county.worker.id, reported_at=dt.datetime(2026, 10, 30, tzinfo=UTC)))
    county.session.flush()
    assert county.keys("zero_report_missed") == [f"zero_report_missed:{county.b.id}:2026-10"]
    early = rules.missed_zero_reports(dt.datetime(2026, 11, 3, tzinfo=UTC), county.config)
    assert early == []  # still within the grace days


def test_with_daily_reporting_on_cells_that_missed_yesterdays_report(county):
    """NOW is 10 November: yesterday is the 9th. Cell A filed it (and a report for the 8th), B filed only today's."""
    for cell, day in ((county.a, 9), (county.a, 8), (county.b, 10)):
        county.session.add(ZeroReport(id=uuid.uuid4(), cell_id=cell.id, kind="daily", period=dt.date(2026, 11, day),
                                      author_id=county.worker.id, reported_at=ago(0)))
    county.session.flush()
    since_the_8th = county.keys("zero_report_missed", daily_reporting_since=dt.date(2026, 11, 8))
    # last month was monthly (no report filed: both cells), yesterday was daily (B missed it)
    assert since_the_8th == sorted([f"zero_report_missed:{county.a.id}:2026-10", f"zero_report_missed:{county.b.id}:2026-10",
                                    f"zero_report_missed:{county.b.id}:2026-11-09"])
    missed, = [c for c in rules.missed_zero_reports(NOW, {**county.config, "daily_reporting_since": dt.date(2026, 11, 9)})
               if c.key.endswith("2026-11-09")]
    assert (missed.unit_id, missed.level) == (county.b.id, "village")
    assert "2026年11月09日 日报告" in missed.reason_zh and "daily report for 2026-11-09" in missed.reason
    # switched on today: yesterday was not a day of daily reporting
    assert not any(k.endswith("-09") for k in county.keys("zero_report_missed", daily_reporting_since=NOW.date()))
    # on since October: last month was counted by daily reports, so its monthly report is not asked for
    assert county.keys("zero_report_missed", daily_reporting_since=dt.date(2026, 10, 20)) == [
        f"zero_report_missed:{county.b.id}:2026-11-09"]


def test_a_scan_run_twice_raises_nothing_new(county):
    county.dispute(county.a, 3, category="land_requisition", party_count=12)
    county.household(county.a, tags=("key_person",))
    first = scan(NOW)
    assert first == {"high_risk": 1, "key_person_unvisited": 1, "zero_report_missed": 2}
    assert scan(NOW) == {}
    assert county.session.scalar(sa.select(sa.func.count()).select_from(Alert)) == 4


def test_rules_fired_on_write_are_not_raised_again_by_the_scan(county):
    h = county.household(county.a)
    county.dispute(county.a, 20, h)
    risky = county.dispute(county.a, 1, h, category="unpaid_wages", party_count=15)
    assert on_new_disputes([risky], NOW) == {"high_risk": 1, "repeat_dispute": 1}
    assert "high_risk" not in scan(NOW) and "repeat_dispute" not in scan(NOW)

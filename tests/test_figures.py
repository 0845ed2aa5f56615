"""Every figure against a small county computed by hand."""
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from server.models import Dispute, GridUnit, Household, User, Visit, ZeroReport
from server.stats.figures import figures

SQUARE = "SRID=4326;MULTIPOLYGON(((108 33,108.1 33,108.1 33.1,108 33.1,108 33)))"
POINT = "SRID=4326;POINT(108.05 33.05)"
UTC = dt.timezone.utc
START, END = dt.datetime(2026, 10, 1, tzinfo=UTC), dt.datetime(2026, 11, 1, tzinfo=UTC)
IN, BEFORE = dt.datetime(2026, 10, 10, tzinfo=UTC), dt.datetime(2026, 9, 10, tzinfo=UTC)


def unit(level, code, parent=None):
    return GridUnit(level=level, code=code, name=code, parent=parent, boundary=SQUARE, centroid=POINT)


@pytest.fixture
def county(session):
    """Village A (cells A1, A2) and village B (cell B1) in one town.
    Households: A1 has 4, A2 has 2, B1 has 4."""
    c = unit("county", "610923")
    t = unit("town", "610923100", c)
    a, b = unit("village", "610923100201", t), unit("village", "610923100202", t)
    a1, a2, b1 = unit("cell", "610923100201001", a), unit("cell", "610923100201002", a), unit("cell", "610923100202001", b)
    worker = User(username="w", password_hash="x", role="grid_worker", display_name="王", unit=a1)
    session.add_all([c, t, a, b, a1, a2, b1, worker])
    session.flush()
    houses = {}
    for cell, n in ((a1, 4), (a2, 2), (b1, 4)):
        for i in range(n):
            h = Household(code=f"{cell.code}{i + 1:04d}", cell=cell, address="地址", head_name="户主", member_count=1)
            session.add(h)
            houses.setdefault(cell.code, []).append(h)
    session.flush()

    def visit(h, when):
        session.add(Visit(id=uuid.uuid4(), household_id=h.id, author_id=worker.id, kind="policy", visited_at=when))

    # A1: 3 of 4 households visited in October (one twice, one only in September); A2: none; B1: 2 of 4
    a1h, b1h = houses["610923100201001"], houses["610923100202001"]
    for h in a1h[:3]:
        visit(h, IN)
    visit(a1h[0], IN + dt.timedelta(days=5))
    visit(a1h[3], BEFORE)
    visit(b1h[0], IN)
    visit(b1h[1], IN)

    def dispute(cell, **kw):
        d = Dispute(id=uuid.uuid4(), cell_id=cell.id, reporter_id=worker.id, category="neighbour", risk_colour="blue",
                    title="纠纷", reported_at=kw.pop("reported_at", IN), **kw)
        session.add(d)

    def days(n):
        return IN + dt.timedelta(days=n)

    # village A: 4 disputes in October — 3 resolved, all on time (60 days count from acceptance: one resolved 70 days
    # after the report was accepted on day 12, 58 days before), 2 called back (1 satisfied, 1 unsatisfied), 1 resolved
    # after escalation to the town, 1 a petition; plus one from September (ignored)
    dispute(a1, state="closed", accepted_at=days(1), resolved_at=days(10), satisfaction="satisfied")
    dispute(a1, state="called_back", accepted_at=days(12), resolved_at=days(70), satisfaction="unsatisfied")
    dispute(a2, state="resolved", level="town", accepted_at=days(2), resolved_at=days(20))
    dispute(a2, state="accepted", channel="petition_county", accepted_at=days(10))
    dispute(a1, state="closed", resolved_at=BEFORE + dt.timedelta(days=3), reported_at=BEFORE)
    # village B: 1 dispute, found by a visit, still open
    dispute(b1, state="mediating", channel="visit", accepted_at=days(1))
    # zero reports for October: A1 and B1 filed, A2 did not
    for cell in (a1, b1):
        session.add(ZeroReport(id=uuid.uuid4(), cell_id=cell.id, period=dt.date(2026, 10, 1), author_id=worker.id,
                               reported_at=IN))
    session.flush()
    return session


def by_code(rows):
    return {r["code"]: r for r in rows}


def test_village_figures(county):
    rows = by_code(figures("village", START, END))
    a, b = rows["610923100201"], rows["610923100202"]
    assert (a["households"], a["visited_households"], a["visits"], a["coverage"]) == (6, 3, 4, 0.5)
    assert (b["households"], b["visited_households"], b["visits"], b["coverage"]) == (4, 2, 2, 0.5)
    assert (a["reported"], a["resolved"], a["resolution_rate"]) == (4, 3, 0.75)
    assert a["on_time_rate"] == 1.0  # 3 of 3: the one resolved 70 days after its report was 58 after acceptance
    assert (a["called_back"], a["satisfied"], a["satisfaction_rate"]) == (2, 1, 0.5)
    assert a["early_warning_rate"] == 0.75  # 3 of 4 found by screening; 1 came as a petition
    assert a["village_share"] == pytest.approx(2 / 3) and a["town_share"] == 1.0
    assert (a["cells"], a["cells_reported"], a["zero_report_completeness"]) == (2, 1, 0.5)
    assert (b["reported"], b["resolved"], b["resolution_rate"], b["on_time_rate"]) == (1, 0, 0.0, None)
    assert b["early_warning_rate"] == 1.0 and b["zero_report_completeness"] == 1.0


def test_town_figures_add_up_the_villages(county):
    town, = figures("town", START, END)
    assert (town["households"], town["visited_households"], town["coverage"]) == (10, 5, 0.5)
    assert (town["reported"], town["resolved"], town["resolution_rate"]) == (5, 3, 0.6)
    assert town["zero_report_completeness"] == pytest.approx(2 / 3)


def test_cell_figures_and_an_empty_period(county):
    cells = by_code(figures("cell", START, END))
    assert cells["610923100201002"]["coverage"] == 0.0 and cells["610923100201002"]["visits"] == 0
    quiet = by_code(figures("village", dt.datetime(2025, 1, 1, tzinfo=UTC), dt.datetime(2025, 2, 1, tzinfo=UTC)))
    assert quiet["610923100201"]["resolution_rate"] is None and quiet["610923100201"]["coverage"] == 0.0


def test_figures_under_one_unit(county):
    assert [r["code"] for r in figures("village", START, END, under="610923100201")] == ["610923100201"]


def test_figures_over_http_as_json_csv_and_xlsx(small_app):
    import io

    from openpyxl import load_workbook

    from tests.conftest import signed_in
    staff = signed_in(small_app, "county01")
    query = "/api/stats/figures?level=village&start=2025-11-21&end=2026-11-21"
    rows = staff.get(query).get_json()
    assert len(rows) == 6 and all(0 < r["coverage"] <= 1 for r in rows) and rows[0]["households"] > 0
    secretary = signed_in(small_app, "t101")
    assert {r["code"][:9] for r in secretary.get(query).get_json()} == {"610923101"}  # their town only
    csv_text = staff.get(query + "&format=csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeff编码,名称,网格数（个）,户数（户）") and len(csv_text.strip().splitlines()) == 7
    book = load_workbook(io.BytesIO(staff.get(query + "&format=xlsx").data))
    assert book.sheetnames == ["镇（街道）", "村（社区）", "网格"]
    assert book["村（社区）"].max_row == 3 + 6 + 1 and book["网格"].max_row == 3 + 24 + 1  # title, compiling line, headings; 合计
    assert staff.get("/api/stats/figures?start=2026-11-01&end=2026-10-01").status_code == 422


def _link_cadre_to_a1(session):
    from server.models import CadreLink
    a1 = session.query(GridUnit).filter_by(code="610923100201001").one()
    cadre = User(username="c1", password_hash="x", role="cadre", display_name="李干部", unit=a1.parent)
    session.add(cadre)
    session.flush()
    households = session.query(Household).filter(Household.code.startswith(a1.code)).order_by(Household.code).all()
    for h in households:
        session.add(CadreLink(cadre_id=cadre.id, household_id=h.id, valid_from=dt.date(2026, 1, 1)))
    session.flush()
    return cadre, households


def _visit(session, household, author, when):
    session.add(Visit(id=uuid.uuid4(), household_id=household.id, author_id=author.id, kind="policy", visited_at=when))
    session.flush()


NOV_5 = dt.datetime(2026, 11, 5, tzinfo=UTC)


def test_cadres_whose_households_went_unvisited(county):
    from server.stats.figures import cadres_with_unvisited_households
    session = county
    cadre, households = _link_cadre_to_a1(session)
    # the cadre's own visits: three of A1's households in October (within 30 days of 2026-11-05), one in September
    for h in households[:3]:
        _visit(session, h, cadre, IN)
    _visit(session, households[3], cadre, BEFORE)
    row, = cadres_with_unvisited_households(NOV_5)
    assert (row["username"], row["linked"], row["unvisited"]) == ("c1", 4, 1)
    assert row["oldest_visit"] == BEFORE  # the cadre's own latest visit to the household they left longest
    assert cadres_with_unvisited_households(NOV_5, days=60) == []


def test_a_visit_by_the_grid_worker_does_not_do_the_cadres_duty(county):
    """每月上门 is the cadre's duty: a household visited this month by its grid worker, not by its cadre, is still
    overdue for the cadre (the fixture's worker visited three of A1's households in October)."""
    from server.stats.figures import cadres_with_unvisited_households
    session = county
    cadre, households = _link_cadre_to_a1(session)
    worker = session.query(User).filter_by(username="w").one()
    _visit(session, households[3], worker, NOV_5 - dt.timedelta(days=1))  # every household visited by the worker
    _visit(session, households[0], cadre, IN)  # the cadre visited one of them
    row, = cadres_with_unvisited_households(NOV_5)
    assert (row["linked"], row["unvisited"], row["oldest_visit"]) == (4, 3, IN)


def test_the_database_keeps_each_households_latest_visit(county):
    session = county
    latest = dict(session.query(Household.code, Household.last_visit_at).all())
    a1 = "610923100201001"
    assert latest[a1 + "0001"] == IN + dt.timedelta(days=5)  # the later of its two October visits
    assert latest[a1 + "0004"] == BEFORE and latest["610923100201002" + "0001"] is None
    # a visit logged late, for an earlier day, does not move the latest back
    household = session.query(Household).filter_by(code=a1 + "0001").one()
    worker = session.query(User).filter_by(username="w").one()
    session.add(Visit(id=uuid.uuid4(), household_id=household.id, author_id=worker.id, kind="policy", visited_at=BEFORE))
    session.flush()
    session.expire_all()
    assert session.query(Household.last_visit_at).filter_by(code=a1 + "0001").scalar() == IN + dt.timedelta(days=5)


def test_a_visits_update_of_the_household_is_hot_on_postgresql(county, backend):
    """The trigger's update of last_visit_at touches no indexed column and finds room on the page (migration 0018),
    so PostgreSQL writes it as a HOT update: no index entries, and a dead row that page pruning clears without
    VACUUM. Counted in this transaction (pg_stat_get_xact_*), so without the statistics' lag."""
    if backend != "postgis":
        pytest.skip("HOT updates are PostgreSQL's")
    session = county
    household = session.query(Household).filter_by(code="610923100201002" + "0001").one()  # never visited
    worker = session.query(User).filter_by(username="w").one()

    def updates():  # (rows updated, of them HOT) in household by this transaction so far
        return tuple(session.execute(sa.text(
            "SELECT pg_stat_get_xact_tuples_updated(CAST('household' AS regclass)), "
            "pg_stat_get_xact_tuples_hot_updated(CAST('household' AS regclass))")).one())
    before = updates()
    for when in (IN, IN + dt.timedelta(days=3), IN + dt.timedelta(days=1)):  # a first visit, a later, a late one
        _visit(session, household, worker, when)
    after = updates()
    assert (after[0] - before[0], after[1] - before[1]) == (2, 2)  # the late visit moves nothing
    session.expire_all()
    assert session.get(Household, household.id).last_visit_at == IN + dt.timedelta(days=3)


def test_coverage_of_a_running_period_reads_the_latest_visits(county, monkeypatch):
    """While the period runs, coverage comes from households' latest visits; it must equal the count over visits."""
    from server import clock
    settled = by_code(figures("village", START, END))
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 10, 20, tzinfo=UTC))
    running = by_code(figures("village", START, END, parts=("coverage",)))
    for code in ("610923100201", "610923100202"):
        assert (running[code]["visited_households"], running[code]["coverage"]) == (
            settled[code]["visited_households"], settled[code]["coverage"])
    assert running["610923100201"]["visited_households"] == 3 and "visits" not in running["610923100201"]


def test_open_overdue_and_escalated_disputes_are_counted_as_of_now(county, monkeypatch):
    from server import clock
    session = county
    b1 = session.query(GridUnit).filter_by(code="610923100202001").one()
    worker = session.query(User).filter_by(username="w").one()
    december = {day: dt.datetime(2026, 12, day, tzinfo=UTC) for day in range(1, 32)}
    for title, kw in (("上交县级", dict(state="accepted", level="county", reported_at=december[1])),
                      # SMS petitions: 15 days to accept like any other, then 7 to resolve
                      ("短信信访待受理", dict(state="reported", channel="sms", reported_at=december[5])),
                      ("短信信访已受理", dict(state="accepted", channel="sms", reported_at=december[4],
                                        accepted_at=december[5]))):
        session.add(Dispute(id=uuid.uuid4(), cell_id=b1.id, reporter_id=worker.id, category="land_rights",
                            risk_colour="red", title=title, **kw))
    session.flush()
    # on 15 December: of the October disputes still open, B1's (accepted 11 October) is past its 60 days and A2's
    # petition (accepted 20 October) is not yet; of December's, only the SMS petition accepted on the 5th is late
    monkeypatch.setattr(clock, "now", lambda: december[15])
    rows = by_code(figures("village", START, END, parts=("open_disputes",)))
    a, b = rows["610923100201"], rows["610923100202"]
    assert (a["open_disputes"], a["overdue_disputes"], a["escalated_disputes"]) == (1, 0, 0)
    assert (b["open_disputes"], b["overdue_disputes"], b["escalated_disputes"]) == (4, 2, 1)
    assert "reported" not in a and "resolution_rate" not in a


# --- daily reporting 日报告制 ---------------------------------------------------------------------------------

def china(day: dt.date) -> dt.datetime:
    from server import clock
    return clock.china_midnight(day)


@pytest.fixture
def daily(county, monkeypatch):
    """The county of `county`, switched to daily reporting on 17 November (China) and seen at noon on the 20th.
    Daily reports: A1 on the 16th (before the switch), 17th, 18th, 19th and 20th, and the 21st (tomorrow: not
    counted); A2 on the 18th; B1 on the 20th, and B1 also filed November's monthly report."""
    from server import clock, settings
    session = county
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 11, 17, 2, tzinfo=UTC))
    settings.put("daily_reporting", True)
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 11, 20, 4, tzinfo=UTC))
    ids = dict(session.query(GridUnit.code, GridUnit.id).all())
    worker = session.query(User).filter_by(username="w").one()

    def report(code, day, kind="daily"):
        session.add(ZeroReport(id=uuid.uuid4(), cell_id=ids[code], kind=kind, period=day, author_id=worker.id,
                               reported_at=china(day)))
    for day in (16, 17, 18, 19, 20, 21):
        report("610923100201001", dt.date(2026, 11, day))
    report("610923100201002", dt.date(2026, 11, 18))
    report("610923100202001", dt.date(2026, 11, 20))
    report("610923100202001", dt.date(2026, 11, 1), kind="monthly")
    session.flush()
    return session


NOVEMBER = (china(dt.date(2026, 11, 1)), china(dt.date(2026, 12, 1)))


def completeness(row):
    return row["daily_report_days"], row["reports_due"], row["reports_filed"], row["zero_report_completeness"]


def test_with_daily_reporting_on_a_cell_owes_a_report_a_day_since_the_switch_up_to_today(daily):
    rows = by_code(figures("village", *NOVEMBER))
    a, b = rows["610923100201"], rows["610923100202"]
    # 17–20 November: 4 days. A: 2 cells × 4 = 8 due, A1 filed 4 (not the 16th or the 21st), A2 1
    assert completeness(a) == (4, 8, 5, 5 / 8)
    assert completeness(b) == (4, 4, 1, 0.25)
    assert (b["cells"], b["cells_reported"]) == (1, 1)  # B1's monthly report is still counted there
    town, = figures("town", *NOVEMBER)
    assert completeness(town) == (4, 12, 6, 0.5)
    cells = by_code(figures("cell", *NOVEMBER))
    assert completeness(cells["610923100201002"]) == (4, 4, 1, 0.25)


def test_daily_completeness_of_today_and_of_a_period_that_began_before_the_switch(daily):
    today = by_code(figures("village", china(dt.date(2026, 11, 20)), china(dt.date(2026, 11, 21))))
    assert completeness(today["610923100201"]) == (1, 2, 1, 0.5)  # A1 filed today, A2 did not
    assert completeness(today["610923100202"]) == (1, 1, 1, 1.0)
    # 15 October – 18 November: daily reporting on the 17th and 18th only
    rows = by_code(figures("village", china(dt.date(2026, 10, 15)), china(dt.date(2026, 11, 19))))
    assert completeness(rows["610923100201"]) == (2, 4, 3, 0.75)
    assert completeness(rows["610923100202"]) == (2, 2, 0, 0.0)


def test_a_period_before_the_switch_is_counted_by_monthly_reports(daily):
    rows = by_code(figures("village", START, END))  # October: as the monthly case above
    assert completeness(rows["610923100201"]) == (0, 2, 1, 0.5)
    assert completeness(rows["610923100202"]) == (0, 1, 1, 1.0)


def test_the_trend_counts_each_month_in_its_own_mode(daily):
    from server.stats.figures import monthly_trend
    october, november = monthly_trend("610923100", dt.date(2026, 11, 1), 2)
    assert (october["month"], *completeness(october)) == ("2026-10", 0, 3, 2, pytest.approx(2 / 3))
    assert (november["month"], *completeness(november)) == ("2026-11", 4, 12, 6, 0.5)


def test_switched_off_the_figures_are_monthly_again(daily):
    from server import settings
    settings.put("daily_reporting", False)
    assert settings.daily_reporting_since() is None
    town, = figures("town", *NOVEMBER)
    assert completeness(town) == (0, 3, 1, pytest.approx(1 / 3))  # only B1 filed November's monthly report


def test_coverage_follows_the_register(county):
    """By hand: A1 has 4 households, 3 visited in October (75 %). One of the visited ones is retired 注销 on
    15 October: October (ending after its retirement) counts 2 of 3 in A1; September, ended before, still counts it
    (1 of 4: the one visited on 10 September). A household registered on 20 October (unvisited) counts in October
    (2 of 4) but not in September. In the trend the months are counted each at its own end."""
    from server.stats.figures import _figures
    a1 = county.query(GridUnit).filter_by(code="610923100201001").one()
    retired = county.query(Household).filter_by(code="610923100201001" + "0002").one()
    retired.retired_at, retired.retire_reason = dt.datetime(2026, 10, 15, tzinfo=UTC), "moved_away"
    county.add(Household(code="610923100201001" + "0005", cell=a1, address="新户", head_name="新户主", member_count=1,
                         registered_at=dt.datetime(2026, 10, 20, tzinfo=UTC)))
    county.flush()
    october = by_code(figures("cell", START, END))["610923100201001"]
    assert (october["visited_households"], october["households"]) == (2, 4)
    september = by_code(figures("cell", dt.datetime(2026, 9, 1, tzinfo=UTC), START))["610923100201001"]
    assert (september["visited_households"], september["households"]) == (1, 4)
    months = _figures("cell", [(dt.datetime(2026, 9, 1, tzinfo=UTC), START), (START, END)],
                      [(dt.date(2026, 9, 1), dt.date(2026, 10, 1)), (dt.date(2026, 10, 1), dt.date(2026, 11, 1))],
                      "610923100201001", ("coverage", "visits"))  # the trend's one query over consecutive months
    assert [(m["visited_households"], m["households"], m["visits"]) for m in months] == [(1, 4, 1), (2, 4, 4)]
    village = by_code(figures("village", START, END))["610923100201"]
    assert (village["visited_households"], village["households"]) == (2, 6)  # A2's 2 households, none visited

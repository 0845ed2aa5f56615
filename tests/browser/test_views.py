"""The desktop views: the town view at tablet size for a township secretary (and county staff picking a
town), the county view at desktop size for county staff. Figures on the page are checked against the
database or the figures API."""
import datetime as dt
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from server import clock
from server.disputes.deadlines import deadline_columns
from server.extensions import db
from server.models import Alert, Dispute, GridUnit, Household, User, ZeroReport
from tests.browser.conftest import screenshot
from tests.conftest import DEMO_PASSWORD, signed_in

DESKTOP = {"width": 1366, "height": 900}
TABLET = {"width": 1024, "height": 768}
OPEN = ("reported", "accepted", "assigned", "mediating")


@pytest.fixture
def desktop(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=live_server[1])
    yield context
    context.close()


@pytest.fixture
def tablet(browser, live_server):
    context = browser.new_context(viewport=TABLET, locale="zh-CN", base_url=live_server[1], has_touch=True)
    yield context
    context.close()


def sign_in(context, path, username):
    page = context.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"script error on {path}: {error}"))
    page.goto(path)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    return page


def wait_for_count(page, selector, n):
    page.wait_for_function("([s, n]) => document.querySelectorAll(s).length === n", arg=[selector, n])


def this_month():
    first = clock.china_today().replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first.isoformat(), following.isoformat()


def last_month():
    """The last complete China month, as the API's period: what the county view opens on."""
    end = clock.china_today().replace(day=1)
    return (end - dt.timedelta(days=1)).replace(day=1).isoformat(), end.isoformat()


def percent_value(text):
    return float(text.split("%")[0])


# --- the database, read through the app ------------------------------------------------------------------

def units(app, level, parent_code=None):
    with app.app_context():
        query = sa.select(GridUnit.code, GridUnit.name).where(GridUnit.level == level).order_by(GridUnit.code)
        if parent_code:
            query = query.where(GridUnit.code.startswith(parent_code))
        return db.session.execute(query).all()


def open_disputes(app, code, *conditions):
    with app.app_context():
        colour = deadline_columns(clock.now())["colour"]
        conditions = [colour == c[1] if isinstance(c, tuple) else c for c in conditions]
        return db.session.scalar(sa.select(sa.func.count()).select_from(Dispute)
                                 .join(GridUnit, GridUnit.id == Dispute.cell_id)
                                 .where(GridUnit.code.startswith(code), Dispute.state.in_(OPEN), *conditions))


def busiest_town(app):
    """The town with the most overdue disputes (so the lists have something to show)."""
    towns = units(app, "town")
    return max(towns, key=lambda town: (open_disputes(app, town.code, ("colour", "red")), -int(town.code)))


def secretary_of(app, town_code):
    with app.app_context():
        return db.session.scalar(sa.select(User.username).join(GridUnit, GridUnit.id == User.unit_id)
                                 .where(User.role == "town_secretary", GridUnit.code == town_code))


# --- the town view -----------------------------------------------------------------------------------

def test_town_secretary_sees_every_cell_coloured_by_coverage_or_disputes(live_server, tablet):
    app, _ = live_server
    town = busiest_town(app)
    page = sign_in(tablet, "/views/town", secretary_of(app, town.code))
    cells = units(app, "cell", town.code)
    wait_for_count(page, "#town-map path.unit", len(cells))
    assert page.text_content("#town-name") == town.name
    assert page.is_hidden("#town-picker")  # a secretary sees only their own town
    assert page.text_content(".legend strong") == "近30天走访覆盖率"
    page.wait_for_timeout(500)  # the zoom to the town has ended
    on_screen = """ps => ps.map(p => { const r = p.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]
                                                                                  .map(Math.round); })"""
    shapes = page.eval_on_selector_all("#town-map path.unit", on_screen)
    by_coverage = page.eval_on_selector_all("#town-map path.unit", "ps => ps.map(p => p.getAttribute('fill'))")
    page.check("input[name=colour][value=disputes]")
    page.wait_for_selector(".legend strong:text('在办矛盾纠纷')")
    by_disputes = page.eval_on_selector_all("#town-map path.unit", "ps => ps.map(p => p.getAttribute('fill'))")
    assert by_disputes != by_coverage
    page.wait_for_timeout(500)  # any pan or zoom animation would have ended
    assert page.eval_on_selector_all("#town-map path.unit", on_screen) == shapes  # recolouring keeps the view
    with_open = sum(1 for cell in cells if open_disputes(app, cell.code))
    assert sum(fill != "#eef1f4" for fill in by_disputes) == with_open  # grey: no open dispute
    screenshot(page, "12-town-view-disputes")


def test_clicking_a_cell_shows_its_worker_households_and_open_disputes(live_server, tablet):
    app, _ = live_server
    town = busiest_town(app)
    with app.app_context():
        cell = db.session.scalars(sa.select(GridUnit).where(GridUnit.level == "cell", GridUnit.code.startswith(
            town.code)).order_by(GridUnit.code)).first()
        code, name = cell.code, cell.name
        worker = db.session.scalar(sa.select(User.display_name).where(User.role == "grid_worker",
                                                                      User.unit_id == cell.id))
        households = db.session.scalar(sa.select(sa.func.count()).where(Household.cell_id == cell.id))
        cell.name = '<img src=x onerror="window.injected=1">' + name  # data is shown as text, never as markup
        db.session.commit()
    try:
        page = sign_in(tablet, "/views/town", secretary_of(app, town.code))
        page.wait_for_selector(f"#town-map path.unit-{code}")
        page.dispatch_event(f"#town-map path.unit-{code}", "click")
        page.wait_for_selector("#cell-disputes:not(:has-text('加载中'))")
        assert worker in page.text_content("#cell-workers")
        assert int(page.text_content("#cell-households").replace(",", "")) == households
        assert page.text_content("#cell-panel h2").startswith('<img src=x onerror="window.injected=1">')
        assert page.query_selector("#cell-panel img") is None and page.evaluate("window.injected") is None
        assert page.locator("#cell-disputes li").count() == open_disputes(app, code)
    finally:
        with app.app_context():
            db.session.execute(sa.update(GridUnit).where(GridUnit.code == code).values(name=name))
            db.session.commit()


def test_overdue_and_escalated_lists_match_the_database(live_server, tablet):
    app, _ = live_server
    town = busiest_town(app)
    overdue = open_disputes(app, town.code, ("colour", "red"))
    escalated = open_disputes(app, town.code, Dispute.level.in_(("town", "county")))
    assert overdue > 0  # the seeded county has overdue disputes to show
    page = sign_in(tablet, "/views/town", secretary_of(app, town.code))
    page.wait_for_selector("#overdue .count:has-text('（')")
    assert page.text_content("#overdue .count") == f"（{overdue}）"
    assert page.locator("#overdue li").count() == overdue
    assert page.locator("#overdue .deadline-red").count() == overdue
    assert page.text_content("#escalated .count") == f"（{escalated}）"
    assert page.locator("#escalated li").count() == escalated


def test_zero_report_completeness_names_the_cells_that_have_not_filed(live_server, tablet):
    app, _ = live_server
    town = busiest_town(app)
    cells = units(app, "cell", town.code)
    filed = cells[::2]
    with app.app_context():
        ids = dict(db.session.execute(sa.select(GridUnit.code, GridUnit.id)).all())
        author = db.session.scalar(sa.select(User.id).where(User.role == "town_secretary"))
        month = clock.china_today().replace(day=1)
        db.session.execute(sa.delete(ZeroReport).where(ZeroReport.period == month))  # the seed filed some
        db.session.add_all(ZeroReport(id=uuid.uuid4(), cell_id=ids[c.code], kind="monthly", period=month,
                                      author_id=author, reported_at=clock.now()) for c in filed)
        db.session.commit()
    try:
        page = sign_in(tablet, "/views/town", secretary_of(app, town.code))
        page.wait_for_selector("#zero-report-rate")
        assert page.text_content("#zero-report .figure").split() == [
            f"{100 * len(filed) / len(cells):.1f}%", f"{len(filed)}", "/", f"{len(cells)}", "个网格已报送"]
        missing = page.eval_on_selector_all("#not-filed button", "bs => bs.map(b => b.dataset.code)")
        assert missing == [c.code for c in cells if c not in filed]
        page.click(f"#not-filed button[data-code='{missing[0]}']")  # opens the cell on the map
        page.wait_for_selector(f"#cell-panel[data-code='{missing[0]}'] #cell-disputes:not(:has-text('加载中'))")
        page.evaluate("scrollTo(0, 0)")
        screenshot(page, "11-town-view")
    finally:
        with app.app_context():
            db.session.execute(sa.delete(ZeroReport).where(ZeroReport.period == month))
            db.session.commit()


@pytest.fixture
def daily_reporting(live_server):
    """County staff switch daily reporting on (today, China); a grid worker of the busiest town files today's
    daily report from their phone. Yields (town, the cell that filed); switched off and removed afterwards."""
    app, _ = live_server
    town = busiest_town(app)
    with app.app_context():
        worker, cell = db.session.execute(
            sa.select(User.username, GridUnit.code).join(GridUnit, GridUnit.id == User.unit_id)
            .where(User.role == "grid_worker", GridUnit.code.startswith(town.code))
            .order_by(GridUnit.code.desc())).first()
    staff = signed_in(app, "county01")
    assert staff.patch("/api/settings", json={"daily_reporting": True}).status_code == 200
    report = {"type": "zero_report", "id": str(uuid.uuid4()), "data": {
        "cell_code": cell, "kind": "daily", "period": clock.china_today().isoformat(), "nothing_to_report": True,
        "note": "", "reported_at": clock.now().isoformat()}}
    assert signed_in(app, worker).post("/api/sync/push", json={"items": [report]}).get_json()["accepted"] == 1
    try:
        yield town, cell
    finally:
        staff.patch("/api/settings", json={"daily_reporting": False})
        with app.app_context():
            db.session.execute(sa.delete(ZeroReport).where(ZeroReport.kind == "daily"))
            db.session.commit()


def test_with_daily_reporting_on_the_card_shows_todays_reports(live_server, tablet, daily_reporting):
    app, _ = live_server
    town, filed = daily_reporting
    cells = units(app, "cell", town.code)
    page = sign_in(tablet, "/views/town", secretary_of(app, town.code))
    page.wait_for_selector("#zero-report[data-mode=daily] #zero-report-rate")
    assert page.text_content("#zero-report h2") == "今日报告（日报告制）"
    assert page.text_content("#zero-report .figure").split() == [
        f"{100 / len(cells):.1f}%", "1", "/", f"{len(cells)}", "个网格已报送"]
    missing = page.eval_on_selector_all("#not-filed button", "bs => bs.map(b => b.dataset.code)")
    assert missing == [c.code for c in cells if c.code != filed]
    page.dispatch_event(f"#town-map path.unit-{filed}", "click")
    page.wait_for_selector(f"#cell-panel[data-code='{filed}'] #cell-disputes:not(:has-text('加载中'))")
    assert page.text_content("#cell-report") == "已报送"
    assert "今日报告（日报告制）" in page.text_content("#cell-panel dl")
    page.click(f"#not-filed button[data-code='{missing[0]}']")
    page.wait_for_selector(f"#cell-panel[data-code='{missing[0]}'] #cell-report:text('未报送')")
    page.evaluate("scrollTo(0, 0)")
    screenshot(page, "17-town-view-daily-reporting")


def test_with_daily_reporting_on_the_county_table_counts_daily_reports(live_server, desktop, daily_reporting):
    app, _ = live_server
    start, end = this_month()
    rows = signed_in(app, "county01").get(f"/api/stats/figures?level=town&start={start}&end={end}").get_json()
    days = rows[0]["daily_report_days"]
    assert days >= 1
    page = county_page(desktop)
    page.click("#period-switch")  # to the running month, where daily reporting is on
    page.wait_for_selector(f"#figures[data-start='{start}']")
    wait_for_count(page, "#figures tbody tr", len(rows))
    assert page.text_content("#figures th[data-key=zero_report_completeness]") == f"日报告完成率（{days} 天）"
    town, _ = daily_reporting
    row = next(r for r in rows if r["code"] == town.code)
    shown = page.text_content(f"#figures tbody tr[data-key='{town.code}'] td[data-key=zero_report_completeness]")
    assert shown.endswith(f"({row['reports_filed']}/{row['reports_due']})") and row["reports_filed"] == 1
    total = sum(r["reports_filed"] for r in rows), sum(r["reports_due"] for r in rows)
    assert page.text_content("#figures tfoot td[data-key=zero_report_completeness]").endswith(f"({total[0]}/{total[1]})")


def test_the_warnings_inbox_signs_for_and_closes_an_alert(live_server, tablet):
    app, _ = live_server
    town = busiest_town(app)
    with app.app_context():
        cell = db.session.scalar(sa.select(GridUnit.id).where(GridUnit.level == "cell",
                                                              GridUnit.code.startswith(town.code)))
        alerts = {level: uuid.uuid4() for level in ("town", "village")}
        db.session.add_all(Alert(id=alert_id, key=f"test:{alert_id}", rule="high_risk", severity="high", level=level,
                                 unit_id=cell, reason="A <b>land</b> dispute with 12 parties",
                                 reason_zh=f"{level}：<b>征地</b>纠纷 12 方当事人", evidence=[])
                           for level, alert_id in alerts.items())
        db.session.commit()
    try:
        page = sign_in(tablet, "/views/town", secretary_of(app, town.code))
        item = page.wait_for_selector(f"#alerts li[data-id='{alerts['town']}']")
        assert page.locator("#alerts li").count() == 1  # the secretary's inbox holds the town's level only
        assert "town：<b>征地</b>纠纷" in item.text_content()  # markup in a reason is shown, not obeyed
        page.evaluate("scrollTo(0, 0)")  # the full-page shot keeps the sticky header at the top
        screenshot(page, "16-town-view-alerts")
        item.query_selector("button[data-action='acknowledge']").click()
        page.wait_for_selector(f"#alerts li[data-id='{alerts['town']}'][data-state='acknowledged']")
        page.fill(f"#alerts li[data-id='{alerts['town']}'] input[name='note']", "已约谈双方，移交镇司法所")
        page.click(f"#alerts li[data-id='{alerts['town']}'] .close-alert button")
        page.wait_for_selector("#alerts .ok")
        with app.app_context():
            closed = db.session.get(Alert, alerts["town"])
            assert (closed.state, closed.close_note) == ("closed", "已约谈双方，移交镇司法所")
            assert db.session.get(Alert, alerts["village"]).state == "open"
    finally:
        with app.app_context():
            db.session.execute(sa.delete(Alert).where(Alert.id.in_(list(alerts.values()))))
            db.session.commit()


def test_county_staff_pick_a_town_in_the_town_view(live_server, tablet):
    app, _ = live_server
    towns = units(app, "town")
    page = sign_in(tablet, "/views/town", "county01")
    page.wait_for_selector("#town-map path.unit")
    assert page.eval_on_selector_all("#town option", "os => os.map(o => o.value)") == [t.code for t in towns]
    page.select_option("#town", towns[-1].code)
    wait_for_count(page, "#town-map path.unit", len(units(app, "cell", towns[-1].code)))
    assert page.url.endswith(f"#{towns[-1].code}")


# --- the county view ---------------------------------------------------------------------------------

def county_page(desktop):
    page = sign_in(desktop, "/views/county", "county01")
    page.wait_for_selector("#drill-map[data-level=town]")
    return page


def test_choropleth_drills_from_towns_to_villages_to_cells_and_back(live_server, desktop):
    app, _ = live_server
    towns = units(app, "town")
    page = county_page(desktop)
    wait_for_count(page, "#drill-map path.unit", len(towns))
    town = towns[0]
    page.dispatch_event(f"#drill-map path.unit-{town.code}", "click")
    page.wait_for_selector("#drill-map[data-level=village]")
    villages = units(app, "village", town.code)
    wait_for_count(page, "#drill-map path.unit", len(villages))
    wait_for_count(page, "#figures tbody tr", len(villages))
    assert page.eval_on_selector_all("#breadcrumb button", "bs => bs.map(b => b.textContent)") == ["宁陕县", town.name]
    page.dispatch_event(f"#drill-map path.unit-{villages[0].code}", "click")
    page.wait_for_selector("#drill-map[data-level=cell]")
    wait_for_count(page, "#drill-map path.unit", len(units(app, "cell", villages[0].code)))
    page.wait_for_selector(f"#charts[data-ready='{villages[0].code}']", timeout=60_000)
    screenshot(page, "14-county-view-cells")
    page.click("#breadcrumb button:text('宁陕县')")
    page.wait_for_selector("#drill-map[data-level=town]")
    wait_for_count(page, "#drill-map path.unit", len(towns))


def test_figures_table_has_a_row_per_unit_with_the_api_figures(live_server, desktop):
    app, _ = live_server
    start, end = last_month()
    api = signed_in(app, "county01")
    rows = api.get(f"/api/stats/figures?level=town&start={start}&end={end}").get_json()
    page = county_page(desktop)
    wait_for_count(page, "#figures tbody tr", len(rows))
    shown = {tr["code"]: tr for tr in page.eval_on_selector_all("#figures tbody tr", """trs => trs.map(tr => ({
        code: tr.dataset.key, ...Object.fromEntries([...tr.cells].map(td => [td.dataset.key, td.textContent]))}))""")}
    assert set(shown) == {row["code"] for row in rows}
    for row in rows:
        for rate in ("coverage", "resolution_rate", "on_time_rate", "satisfaction_rate", "early_warning_rate",
                     "village_share", "town_share", "zero_report_completeness"):
            if row[rate] is None:
                assert shown[row["code"]][rate] == "—"
            else:
                assert percent_value(shown[row["code"]][rate]) == pytest.approx(100 * row[rate], abs=0.051)
        assert int(shown[row["code"]]["visits"].replace(",", "")) == row["visits"]
    total = page.text_content("#figures tfoot td[data-key=households]").replace(",", "")
    assert int(total) == sum(row["households"] for row in rows)
    page.click("#figures th[data-key=coverage]")  # sort: highest coverage first
    first = page.get_attribute("#figures tbody tr:first-child", "data-key")
    assert first == max(rows, key=lambda row: row["coverage"] or 0)["code"]
    assert page.get_attribute("#figures th[data-key=coverage]", "aria-sort") == "descending"


def drawn_with(page, parameter):
    """Waits until the heat tiles on screen are drawn for filters including the parameter."""
    page.wait_for_function("p => (document.querySelector('#heat-map').dataset.heatQuery || '').split('&').includes(p)",
                           arg=parameter)


def painted_tiles(page):
    """Heat tiles with at least one coloured pixel."""
    return page.evaluate("""() => [...document.querySelectorAll('#heat-map canvas.heat-tile')].filter(c =>
        c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0)).length""")


def seams(page):
    """Side-by-side tiles where the heat jumps more across the shared edge than between any two neighbouring
    pixel columns inside either tile: heat cut off at the edge."""
    return page.evaluate("""() => {
      const tiles = [...document.querySelectorAll('#heat-map canvas.heat-tile')].filter(c => c._leaflet_pos);
      const alpha = (c, x) => [...c.getContext('2d').getImageData(x, 0, 1, c.height).data].filter((_, i) => i % 4 === 3);
      const jump = (a, b) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
      const inside = (c) => Math.max(...Array.from({length: c.width - 1}, (_, x) => jump(alpha(c, x), alpha(c, x + 1))));
      const cut = [];
      for (const left of tiles) for (const right of tiles) {
        if (right._leaflet_pos.y !== left._leaflet_pos.y || right._leaflet_pos.x !== left._leaflet_pos.x + left.width) continue;
        const edge = jump(alpha(left, left.width - 1), alpha(right, 0));
        if (edge > Math.max(inside(left), inside(right))) cut.push([edge, inside(left), inside(right)]);
      }
      return cut;
    }""")


def test_heat_map_draws_disputes_of_the_period_and_nothing_for_an_empty_category(live_server, desktop):
    app, _ = live_server
    with app.app_context():
        present = set(db.session.scalars(sa.select(Dispute.category).distinct()))
        reported = db.session.scalars(sa.select(Dispute.reported_at)).all()
    empty = next(c for c in ("environment", "social_insurance", "housing", "enterprise_community", "illegal_land_use",
                             "land_requisition", "unpaid_wages", "land_rights", "family", "other", "neighbour")
                 if c not in present)
    page = county_page(desktop)
    first = min(reported).astimezone(clock.CHINA).date()
    page.fill("#start", first.isoformat())  # the whole year of disputes
    drawn_with(page, f"start={first}")
    assert painted_tiles(page) > 0
    assert seams(page) == []
    scales = page.eval_on_selector_all("#heat-map canvas.heat-tile", "cs => [...new Set(cs.map(c => c.heatMax))]")
    assert len(scales) == 1  # one intensity scale for every tile of the zoom
    screenshot(page, "13-county-view")
    page.select_option("#heat-filters select[name=category]", empty)
    drawn_with(page, f"category={empty}")
    assert page.locator("#heat-map canvas.heat-tile").count() > 0
    assert painted_tiles(page) == 0


def test_trend_charts_follow_the_selected_unit(live_server, desktop):
    app, _ = live_server
    towns = units(app, "town")
    api = signed_in(app, "county01")
    page = county_page(desktop)
    page.wait_for_selector("#charts[data-ready='610923']", timeout=60_000)
    trend = api.get(f"/api/stats/trend?under=610923&months=12&end={last_month()[0]}").get_json()
    assert len(trend) == 12
    titles = page.eval_on_selector_all("#trend-visits circle title", "ts => ts.map(t => t.textContent)")
    assert titles == [f"{row['month'][2:]}: {row['visits']:,}" for row in trend]
    assert page.locator("#charts figure").count() == 6
    page.click(f"#figures tbody tr[data-key='{towns[1].code}']")
    page.wait_for_selector(f"#charts[data-ready='{towns[1].code}']", timeout=60_000)
    assert page.text_content("#trend-title").startswith(towns[1].name)
    assert page.get_attribute(f"#figures tbody tr[data-key='{towns[1].code}']", "class") == "selected"


def test_the_county_view_opens_on_the_last_complete_month_and_the_running_one_is_a_click_away(live_server, desktop):
    app, _ = live_server
    start, _ = last_month()
    first, running = dt.date.fromisoformat(start), clock.china_today()
    page = county_page(desktop)
    status = page.locator("#period-shown")
    assert status.text_content() == f"显示：{first.year}年{first.month}月（上月，已完整）"
    assert status.get_attribute("data-partial") == "false" and page.input_value("#month") == start[:7]
    page.wait_for_selector("#charts[data-ready='610923']", timeout=60_000)
    assert page.locator("#charts .dot.partial, #charts .chart-note, #charts .partial-band").count() == 0
    months = page.eval_on_selector_all("#trend-visits circle title", "ts => ts.map(t => t.textContent.split(':')[0])")
    assert months[-1] == start[2:7]  # the trend ends on the month shown

    assert page.text_content("#period-switch") == "看本月（截至今日）"
    page.click("#period-switch")  # one click to the running month
    page.wait_for_selector("#period-shown[data-partial=true]")
    assert status.text_content() == f"显示：{running.year}年{running.month}月（本月，截至今日，未完）"
    assert page.input_value("#month") == running.isoformat()[:7]
    assert page.input_value("#start") == running.replace(day=1).isoformat()
    page.wait_for_selector("#trend-visits circle.dot.partial", timeout=60_000)
    partial = page.eval_on_selector_all("#trend-visits circle.dot.partial title", "ts => ts.map(t => t.textContent)")
    assert len(partial) == 1 and partial[0].startswith(running.isoformat()[2:7]) and partial[0].endswith("（本月截至今日，未完）")
    assert page.locator("#trend-visits circle.dot:not(.partial)").count() == 11
    assert page.locator("#charts figure .chart-note").count() == 6  # each chart's legend says so
    assert page.locator("#charts figure rect.partial-band").count() == 6  # and shades the month, with a value or not
    assert page.text_content("#trend-visits .chart-note").strip() == "本月截至今日，未完"
    screenshot(page, "county-view-running-month")
    page.click("#period-switch")  # and back to the last complete month
    page.wait_for_selector("#period-shown[data-partial=false]")
    assert page.input_value("#month") == start[:7]


def test_cadres_behind_on_visits_are_listed(live_server, desktop):
    app, _ = live_server
    cadres = signed_in(app, "county01").get("/api/stats/overdue-cadres?days=30").get_json()
    page = county_page(desktop)
    page.wait_for_selector("#cadre-count:has-text('（')")
    assert page.text_content("#cadre-count") == f"（{len(cadres)}）"
    shown = page.eval_on_selector_all("#cadres tbody tr", "trs => trs.map(tr => tr.dataset.key)")
    assert sorted(shown) == sorted(c["username"] for c in cadres)


def test_export_links_carry_the_period_and_level_and_download(live_server, desktop):
    app, _ = live_server
    start, end = last_month()
    page = county_page(desktop)
    links = {f: page.get_attribute(f"#export-{f}", "href") for f in ("xlsx", "csv", "geojson")}
    for fmt, href in links.items():
        url = urlsplit(href)
        assert url.path == "/api/stats/figures"
        assert {k: v[0] for k, v in parse_qs(url.query).items()} == {
            "format": fmt, "start": start, "end": end, "under": "610923", **({} if fmt == "xlsx" else {"level": "town"})}
    with page.expect_download() as download:
        page.click("#export-xlsx")
    with open(download.value.path(), "rb") as f:
        assert f.read(2) == b"PK"  # an xlsx is a zip
    first = dt.date.fromisoformat(start)
    assert download.value.suggested_filename == f"宁陕县网格化服务管理月报（{first.year}年{first.month}月）.xlsx"
    csv = page.request.get(links["csv"])
    assert csv.status == 200 and csv.headers["content-type"].startswith("text/csv")
    geojson = page.request.get(links["geojson"])
    assert geojson.status == 200
    assert len(geojson.json()["features"]) == len(units(app, "town"))
    town = units(app, "town")[0]
    page.dispatch_event(f"#drill-map path.unit-{town.code}", "click")
    page.wait_for_selector("#drill-map[data-level=village]")
    query = parse_qs(urlsplit(page.get_attribute("#export-csv", "href")).query)
    assert query["level"] == ["village"] and query["under"] == [town.code]
    assert page.request.get(page.get_attribute("#export-csv", "href")).status == 200


def test_english_and_signing_out(live_server, desktop):
    page = county_page(desktop)
    page.click("#language")
    page.wait_for_selector("text=Figures per unit")
    page.wait_for_selector("#drill-map[data-level=town]")
    screenshot(page, "15-county-view-english")
    page.click("#language")
    page.wait_for_selector("text=各单位指标")
    page.wait_for_selector("#charts[data-ready]", timeout=60_000)  # nothing in flight (see the report)
    page.wait_for_selector("#cadre-count:has-text('（')")
    page.click("#logout")
    page.wait_for_selector("form#login")
    assert page.request.get("/api/auth/me").status == 401
    assert page.is_hidden("#logout")

"""The worker's duties from the phone (issue 14: points 6, 7, 10): the cell's report (monthly, or daily when
the county says so), the sync screen's refused items corrected or discarded, a header that fits 360 px,
disputes in public places, and the worker's disputes opened with their timeline and called back."""
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.models import Dispute, DisputeEvent, GridUnit, User, ZeroReport
from tests.browser.conftest import screenshot
from tests.browser.phone import (
    cell_code,
    households_of_cell,
    new_phone,
    on_server_time,
    open_app,
    phone_of,
    sign_in,
    sync_now,
    visits_with,
    worker,
)
from tests.browser.test_phone_copy import log_visit
from tests.browser.test_views import TABLET
from tests.browser.test_views import sign_in as sign_in_desk
from tests.conftest import signed_in

pytestmark = pytest.mark.usefixtures("server_clock_ahead")


def reports_of(app, cell_id):
    with app.app_context():
        return db.session.execute(sa.select(ZeroReport.kind, ZeroReport.period, ZeroReport.nothing_to_report, ZeroReport.note,
                                            ZeroReport.author_id).where(ZeroReport.cell_id == cell_id)).all()


def file_report(page, nothing=True, note=""):
    page.goto("/app/#/tasks")
    page.click("#report-due a.button")
    page.wait_for_selector("form#report")
    page.check(f"form#report input[name=nothing_to_report][value={'yes' if nothing else 'no'}]")
    page.fill("form#report textarea[name=note]", note)
    page.eval_on_selector("#report-saved", "m => { m.textContent = ''; }")  # the form may still show the last answer
    page.click("form#report button[type=submit]")
    page.wait_for_function("(t => t && !t.includes('正在同步'))(document.querySelector('#report-saved').textContent)")
    return page.inner_text("#report-saved")


def test_the_worker_files_the_cells_report_offline_and_the_town_sees_it(live_server, browser):
    app, base = live_server
    me = worker(app, 10)
    with app.app_context():  # a cell that has filed nothing for this month or the last yet
        db.session.execute(sa.delete(ZeroReport).where(ZeroReport.cell_id == me.unit_id))
        db.session.commit()
    phone, page = phone_of(browser, base, me.username)
    on_server_time(page)
    page.goto("/app/#/tasks")
    card = page.wait_for_selector("#report-due").inner_text()
    assert "月报" in card and "未报送" in card
    screenshot(page, "phone-report-due")
    today = clock.china_today()
    month = today.replace(day=1)
    phone.set_offline(True)
    said = file_report(page, nothing=False, note="本月两起纠纷已上报")
    assert said.startswith("当前离线")
    assert reports_of(app, me.unit_id) == []
    phone.set_offline(False)
    assert sync_now(page) == "已同步到服务器"
    filed = reports_of(app, me.unit_id)
    assert len(filed) == 1 and filed[0].kind == "monthly" and filed[0].nothing_to_report is False
    assert filed[0].note == "本月两起纠纷已上报" and filed[0].author_id == me.id
    if filed[0].period < month:  # in the first days of a month the late report for last month comes first
        page.goto("/app/#/tasks")
        assert "未报送" in page.wait_for_selector("#report-due").inner_text()
        assert file_report(page) == "已同步到服务器"
    assert (("monthly", month) in {(r.kind, r.period) for r in reports_of(app, me.unit_id)})
    page.reload()
    page.goto("/app/#/tasks")
    assert "已报送" in page.wait_for_selector("#report-due").inner_text()

    secretary = town_secretary_of(app, me.unit_id)  # the town view counts it
    desk = browser.new_context(viewport=TABLET, locale="zh-CN", base_url=base)
    town = sign_in_desk(desk, "/views/town", secretary)
    town.wait_for_selector("#zero-report-rate")
    not_filed = town.eval_on_selector_all("#not-filed button", "bs => bs.map(b => b.dataset.code)")
    assert cell_code(app, me.unit_id) not in not_filed
    desk.close()
    phone.close()


def test_in_daily_reporting_the_phone_asks_for_todays_report(live_server, browser):
    app, base = live_server
    me = worker(app, 11)
    county = signed_in(app, "county01")
    assert county.patch("/api/settings", json={"daily_reporting": True}).status_code == 200
    try:
        phone, page = phone_of(browser, base, me.username)
        on_server_time(page)
        page.goto("/app/#/tasks")
        card = page.wait_for_selector("#report-due").inner_text()
        today = clock.china_today()
        assert "今日报告" in card and today.isoformat() in card and "未报送" in card
        assert file_report(page) == "已同步到服务器"
        assert ("daily", today) in {(r.kind, r.period) for r in reports_of(app, me.unit_id)}
        page.reload()
        page.goto("/app/#/tasks")
        assert "已报送" in page.wait_for_selector("#report-due").inner_text()
        screenshot(page, "phone-daily-report")
        phone.close()
    finally:
        assert county.patch("/api/settings", json={"daily_reporting": False}).status_code == 200


def test_refused_items_are_listed_with_their_reason_then_corrected_or_discarded(live_server, browser):
    app, base = live_server
    me = worker(app, 12)
    first, second = households_of_cell(app, me.unit_id)[:2]
    phone, page = phone_of(browser, base, me.username)
    page.clock.set_system_time(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2))  # the phone's clock runs ahead
    phone.set_offline(True)
    log_visit(page, first.code, "时钟错误的走访")
    log_visit(page, second.code, "将被作废的走访")
    page.goto("/app/#/sync")
    listed = page.wait_for_selector("#waiting-list").inner_text()
    assert first.head_name in listed and second.head_name in listed and "走访" in listed
    phone.set_offline(False)
    said = sync_now(page)
    assert "2 条被退回" in said
    refused = page.wait_for_selector("#rejected").inner_text()
    assert "请检查手机时钟" in refused and first.head_name in refused
    screenshot(page, "phone-sync-rejected")
    page.goto("/app/#/me")
    page.click("#language")
    page.goto("/app/#/sync")
    assert "check the phone's clock" in page.wait_for_selector("#rejected").inner_text()
    page.goto("/app/#/me")
    page.click("#language")

    page.clock.set_system_time(dt.datetime.now(dt.timezone.utc))
    page.goto("/app/#/sync")
    item = page.locator("#rejected li", has_text=first.head_name)
    item.locator("summary").click()
    right = (dt.datetime.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    item.locator("input[name=visited_at]").fill(right)
    item.locator("button[type=submit]").click()
    page.wait_for_selector(f"#rejected li:has-text('{second.head_name}')")
    page.wait_for_function(f"!document.querySelector('#rejected').textContent.includes('{first.head_name}')")
    fixed = visits_with(app, "时钟错误的走访")
    assert len(fixed) == 1 and fixed[0].visited_at < clock.now()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"#rejected li:has-text('{second.head_name}') button.discard")
    page.wait_for_function("!document.querySelector('#rejected')")
    assert page.inner_text("#waiting") == "待同步 0 条" and visits_with(app, "将被作废的走访") == []
    phone.close()


def test_the_header_fits_a_360_px_phone_in_both_languages(live_server, browser):
    app, base = live_server
    phone = new_phone(browser, base)
    page = open_app(phone)
    sign_in(page, worker(app, 13).username)
    for language in ("zh", "en"):
        heights = page.eval_on_selector_all("header nav a, #status", "es => es.map(e => e.getBoundingClientRect().height)")
        assert len(heights) == 7 and max(heights) < 50, heights  # six screens and the network status
        assert page.evaluate("document.querySelector('header').getBoundingClientRect().height") < 56
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        screenshot(page, f"phone-header-360-{language}")
        page.goto("/app/#/me")
        page.click("#language")
        page.goto("/app/#/households")
        page.wait_for_selector("#households")
    phone.close()


def test_a_dispute_in_a_public_place_is_reported_from_the_cell(live_server, browser):
    app, base = live_server
    me = worker(app, 14)
    phone, page = phone_of(browser, base, me.username)
    page.goto("/app/#/tasks")
    page.click("#public-dispute")
    page.wait_for_selector("form#dispute")
    page.fill("form#dispute input[name=title]", "广场噪音纠纷")
    page.select_option("form#dispute select[name=category]", "environment")
    page.click("#picker", position={"x": 80, "y": 80})
    page.wait_for_selector("#picked:has-text('已选地点')")
    page.click("form#dispute button[type=submit]")
    page.wait_for_selector("#dispute-saved:has-text('已同步到服务器')")
    with app.app_context():
        dispute = db.session.scalars(sa.select(Dispute).where(Dispute.title == "广场噪音纠纷")).one()
        assert dispute.household_id is None and dispute.cell_id == me.unit_id and dispute.location is not None
        assert dispute.reporter_id == me.id and dispute.category == "environment"
    page.goto("/app/#/tasks")
    assert "广场噪音纠纷" in page.wait_for_selector("#disputes").inner_text()
    phone.close()


def resolved_dispute_in_cell(app, me) -> uuid.UUID:
    """A dispute the worker reported, worked by the village head up to 化解 through the API."""
    dispute_id = uuid.uuid4()
    reporter = signed_in(app, me.username)
    assert reporter.post("/api/sync/push", json={"items": [{"type": "dispute", "id": str(dispute_id), "data": {
        "cell_code": cell_code(app, me.unit_id), "category": "neighbour", "risk_colour": "blue", "title": "排水沟纠纷",
        "reported_at": (clock.now() - dt.timedelta(days=3)).isoformat()}}]}).get_json()["accepted"] == 1
    with app.app_context():
        head = db.session.scalar(sa.select(User.username).join(GridUnit, GridUnit.id == User.unit_id).where(
            User.role == "village_head", GridUnit.code == cell_code(app, me.unit_id)[:12]))
    village = signed_in(app, head)
    version = village.get(f"/api/disputes/{dispute_id}").get_json()["version"]
    for kind, extra in (("accept", {}), ("assign", {"leader_username": head}), ("mediate", {}), ("resolve", {})):
        answer = village.post(f"/api/disputes/{dispute_id}/steps", json={"kind": kind, "version": version,
                                                                       "note": f"村里{kind}", **extra})
        assert answer.status_code == 200, answer.get_json()
        version = answer.get_json()["version"]
    return dispute_id


def test_the_worker_opens_a_dispute_and_records_the_call_back_offline(live_server, browser):
    app, base = live_server
    me = worker(app, 15)
    dispute_id = resolved_dispute_in_cell(app, me)
    phone, page = phone_of(browser, base, me.username)
    page.goto("/app/#/tasks")
    page.click(f'#disputes a[href="#/dispute/{dispute_id}"]')
    timeline = page.wait_for_selector("#timeline").inner_text()
    for step in ("上报", "受理", "交办", "调处", "化解"):
        assert step in timeline
    assert "村里resolve" in timeline
    phone.set_offline(True)
    page.select_option("form#call-back select[name=satisfaction]", "basically_satisfied")
    page.fill("form#call-back textarea[name=note]", "当事人表示基本满意")
    page.click("form#call-back button[type=submit]")
    page.wait_for_selector("#timeline li:has-text('回访') .badge:has-text('待同步')")
    page.fill("form#note textarea[name=note]", "回访后再次确认")
    page.click("form#note button[type=submit]")
    page.wait_for_selector("#timeline li:has-text('回访后再次确认') .badge:has-text('待同步')")
    assert page.query_selector("form#call-back") is None  # called back once
    screenshot(page, "phone-dispute-call-back-offline")
    phone.set_offline(False)
    assert sync_now(page) == "已同步到服务器"
    with app.app_context():
        dispute = db.session.get(Dispute, dispute_id)
        assert dispute.state == "called_back" and dispute.satisfaction == "basically_satisfied"
        kinds = db.session.execute(sa.select(DisputeEvent.kind, DisputeEvent.actor_id).where(
            DisputeEvent.dispute_id == dispute_id, DisputeEvent.kind.in_(("call_back", "note")))).all()
        assert set(kinds) == {("call_back", me.id), ("note", me.id)}
    page.reload()
    page.goto(f"/app/#/dispute/{dispute_id}")
    timeline = page.wait_for_selector("#timeline").inner_text()
    assert "回访" in timeline and "回访后再次确认" in timeline and "待同步" not in timeline
    assert "已回访" in page.inner_text("#dispute-detail")
    phone.close()


def town_secretary_of(app, cell_id):
    with app.app_context():
        code = cell_code(app, cell_id)[:9]
        return db.session.scalar(sa.select(User.username).join(GridUnit, GridUnit.id == User.unit_id)
                                 .where(User.role == "town_secretary", GridUnit.code == code))

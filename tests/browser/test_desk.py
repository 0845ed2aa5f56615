"""The dispute desk: the closed loop worked from screens by the people who must work it. A worker reports from the
phone; the village head accepts, assigns and escalates from the desk; the town secretary finds it in the inbox,
names a case leader, resolves it; the worker records the call-back on the phone; the town closes it. The county
supervises an overdue case and its holder sees the 督办. Each step is checked on the screen and in the database."""
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from geoalchemy2.shape import from_shape
from shapely.geometry import Point

from server import clock
from server.extensions import db
from server.models import Dispute, DisputeEvent, GridUnit, User
from tests.browser.conftest import screenshot
from tests.browser.phone import cell_code, households_of_cell, new_phone, phone_of, sync_now, worker
from tests.browser.test_views import DESKTOP, TABLET
from tests.conftest import DEMO_PASSWORD, signed_in


def sign_in_at_home(browser, base, username, viewport=TABLET):
    """A desk user types the server's address and signs in: `/` and the sign-in take them to their own page."""
    context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=base)
    page = context.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"script error on the desk: {error}"))
    page.goto("/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#who:not(:empty)")  # signed in, on the page they were sent to
    return context, page


def handler_of(app, cell_id, role, length):
    with app.app_context():
        code = cell_code(app, cell_id)[:length]
        return db.session.scalar(sa.select(User).join(GridUnit, GridUnit.id == User.unit_id)
                                 .where(User.role == role, GridUnit.code == code))


def dispute_titled(app, title) -> Dispute:
    with app.app_context():
        dispute = db.session.scalars(sa.select(Dispute).where(Dispute.title == title)).one()
        db.session.expunge(dispute)
        return dispute


def open_box(page, box):
    page.click(f".boxes a[data-box={box}]")
    page.wait_for_selector(f"#box[data-box={box}][data-loaded]")


def open_case(page, title):
    page.click(f"#box a.case-link:has-text('{title}')")
    page.wait_for_selector(f".dispute-page #dispute-title:has-text('{title}')")


def take(page, step, fields=None, choose=None, check=None, shot=None):
    """Press a step's button, fill its form and submit; wait for the page to say it was done."""
    page.eval_on_selector("#said", "m => { m.textContent = ''; }")  # the answer to the step before
    page.click(f"#act button[data-step={step}]")
    page.wait_for_selector(f"form.step-form[data-step={step}]")
    for name, value in (fields or {}).items():
        page.fill(f"form.step-form [name={name}]", value)
    for name, value in (choose or {}).items():
        page.select_option(f"form.step-form select[name={name}]", value)
    if check:
        page.check(f"form.step-form input[name=satisfaction][value={check}]")
    if shot:
        screenshot(page, shot)
    page.click("form.step-form button[type=submit]")
    page.wait_for_selector("#said.ok:not(:empty)")
    return page.inner_text("#said")


def buttons(page):
    return [b.get_attribute("data-step") for b in page.query_selector_all("#act button[data-step]")]


def test_the_whole_loop_from_phone_to_village_to_town_and_back(live_server, browser):
    app, base = live_server
    me = worker(app, 16)
    head = handler_of(app, me.unit_id, "village_head", 12)
    secretary = handler_of(app, me.unit_id, "town_secretary", 9)
    title = "宅基地边界纠纷"

    # the worker reports it from the phone
    phone, mobile = phone_of(browser, base, me.username)
    mobile.goto("/app/#/tasks")
    mobile.click("#public-dispute")
    mobile.fill("form#dispute input[name=title]", title)
    mobile.select_option("form#dispute select[name=category]", "land_rights")
    mobile.click("#picker", position={"x": 80, "y": 80})
    mobile.wait_for_selector("#picked:has-text('已选地点')")
    mobile.click("form#dispute button[type=submit]")
    mobile.wait_for_selector("#dispute-saved:has-text('已同步到服务器')")
    dispute = dispute_titled(app, title)

    # the village head signs in at / and finds it waiting for acceptance
    desk, page = sign_in_at_home(browser, base, head.username)
    page.wait_for_url("**/views/desk*")
    page.wait_for_selector(".boxes a[data-box=to_accept]")
    assert int(page.inner_text(".boxes a[data-box=to_accept] .count")) >= 1
    page.wait_for_selector("#nav-todo[data-loaded]")  # the navigation's count comes after the page's own requests
    assert page.inner_text("#nav-todo") != ""
    open_box(page, "to_accept")
    screenshot(page, "desk-inbox-village-head")
    open_case(page, title)
    assert buttons(page) == ["accept", "decline", "escalate", "note"]
    assert page.inner_text("#places").count(" / ") == 2  # town / village / cell
    page.wait_for_selector("#dispute-map .leaflet-interactive")  # the place it was reported, on the small map
    assert "受理" in take(page, "accept", {"note": "已电话告知当事人受理"})
    assert page.inner_text("#dispute-state") == "已受理"
    assert buttons(page) == ["assign", "escalate", "note"]
    take(page, "assign", {"measures": "组织双方现场勘界", "responsible": "村调委会王主任", "due_on": "2026-12-30"},
         choose={"leader_username": head.username}, shot="desk-dispute-assign-form")
    assert page.inner_text("#plan-measures") == "组织双方现场勘界"
    assert page.inner_text("#plan-leader") == head.display_name
    take(page, "mediate", {"note": "现场调解，双方未达成一致"})
    screenshot(page, "desk-dispute-village-mediating")
    # mediation failed: it goes to the town, with the reason
    take(page, "escalate", {"note": "涉及两村土地，村级无法化解"})
    assert page.inner_text("#dispute-level") == "镇级" and buttons(page) == ["note"]
    with app.app_context():
        held = db.session.get(Dispute, dispute.id)
        assert (held.level, held.state, held.leader_id) == ("town", "accepted", None)
        kinds = db.session.scalars(sa.select(DisputeEvent.kind).where(DisputeEvent.dispute_id == dispute.id)
                                   .order_by(DisputeEvent.received_at)).all()
        assert kinds == ["report", "accept", "assign", "mediate", "escalate"]
    desk.close()

    # the town secretary receives it in the inbox, names a case leader, resolves it
    desk, page = sign_in_at_home(browser, base, secretary.username)
    page.wait_for_url("**/views/desk*")
    open_box(page, "escalated")
    open_case(page, title)
    assert "涉及两村土地" in page.inner_text("#timeline")
    take(page, "assign", {"measures": "镇司法所牵头调处", "responsible": "司法所李所长", "due_on": "2027-01-15"},
         choose={"leader_username": secretary.username})
    take(page, "mediate", {"note": "镇村两级联合调解"})
    take(page, "resolve", {"agreement": "双方签订调解协议书，按原界址恢复"})
    assert page.inner_text("#dispute-state") == "已化解"
    assert "双方签订调解协议书" in page.inner_text("#timeline")
    screenshot(page, "desk-dispute-town-resolved")
    with app.app_context():
        held = db.session.get(Dispute, dispute.id)
        assert held.state == "resolved" and held.leader_id == secretary.id and held.resolved_at is not None

    # the worker records the call-back on the phone
    sync_now(mobile)
    mobile.goto(f"/app/#/dispute/{dispute.id}")
    mobile.wait_for_selector("form#call-back")
    mobile.select_option("form#call-back select[name=satisfaction]", "satisfied")
    mobile.click("form#call-back button[type=submit]")
    mobile.wait_for_selector("#timeline li:has-text('回访')")
    assert sync_now(mobile) == "已同步到服务器"
    with app.app_context():
        assert db.session.get(Dispute, dispute.id).state == "called_back"

    # back on the desk, after a reload: called back, and the town closes it
    page.reload()
    page.wait_for_selector("#dispute-state:has-text('已回访')")
    assert "满意" in page.inner_text("#timeline")
    take(page, "close", {"note": "回访满意，结案"})
    assert page.inner_text("#dispute-state") == "已结案" and buttons(page) == ["note"]
    with app.app_context():
        assert db.session.get(Dispute, dispute.id).state == "closed"
    answer = signed_in(app, secretary.username).get(f"/api/disputes/{dispute.id}").get_json()
    assert [e["kind"] for e in answer["events"]] == ["report", "accept", "assign", "mediate", "escalate", "assign",
                                                     "mediate", "resolve", "call_back", "close"]
    assert answer["events"][7]["details"] == {"agreement": "双方签订调解协议书，按原界址恢复"}
    assert answer["actions"] == ["note"] and answer["satisfaction"] == "satisfied"
    desk.close()
    phone.close()


def overdue_town_case(app, cell_id, leader) -> uuid.UUID:
    with app.app_context():
        reporter = db.session.scalar(sa.select(User.id).where(User.unit_id == cell_id, User.role == "grid_worker"))
        long_ago = clock.now() - dt.timedelta(days=90)
        dispute = Dispute(id=uuid.uuid4(), cell_id=cell_id, reporter_id=reporter, category="unpaid_wages",
                          risk_colour="orange", title="工程款拖欠纠纷", state="assigned", level="town",
                          channel="walk_in", reported_at=long_ago, accepted_at=long_ago, leader_id=leader.id)
        db.session.add(dispute)
        db.session.commit()
        return dispute.id


def test_the_county_supervises_an_overdue_case_and_the_holder_sees_it(live_server, browser):
    app, base = live_server
    me = worker(app, 17)
    secretary = handler_of(app, me.unit_id, "town_secretary", 9)
    dispute_id = overdue_town_case(app, me.unit_id, secretary)
    desk, page = sign_in_at_home(browser, base, "county01", viewport=DESKTOP)
    page.wait_for_url("**/views/county*")  # county staff work from the county view
    page.goto(f"/views/desk#dispute/{dispute_id}")
    page.wait_for_selector("#dispute-title:has-text('工程款拖欠纠纷')")
    assert page.inner_text(".dispute-page .deadline") .startswith("已超期")
    assert "supervise" in buttons(page)
    take(page, "supervise", {"note": "已超期，请三日内化解并报县综治中心"})
    screenshot(page, "desk-dispute-county-supervises")
    desk.close()
    desk, page = sign_in_at_home(browser, base, secretary.username)
    page.wait_for_url("**/views/desk*")
    open_box(page, "supervised")
    open_case(page, "工程款拖欠纠纷")
    supervision = page.inner_text("#timeline .event-supervise")
    assert "三日内化解" in supervision and "督办" in supervision
    with app.app_context():
        kinds = db.session.scalars(sa.select(DisputeEvent.kind).where(DisputeEvent.dispute_id == dispute_id)).all()
        assert kinds == ["supervise"]
    desk.close()


def test_a_step_on_a_stale_page_shows_what_changed_and_lets_the_user_act_again(live_server, browser):
    app, base = live_server
    me = worker(app, 18)
    head = handler_of(app, me.unit_id, "village_head", 12)
    with app.app_context():
        dispute = Dispute(id=uuid.uuid4(), cell_id=me.unit_id, reporter_id=me.id, category="neighbour",
                          risk_colour="blue", title="排水纠纷", reported_at=clock.now() - dt.timedelta(days=2))
        db.session.add(dispute)
        db.session.commit()
        dispute_id = dispute.id
    desk, page = sign_in_at_home(browser, base, head.username)
    page.wait_for_url("**/views/desk*")
    page.goto(f"/views/desk#dispute/{dispute_id}")
    page.wait_for_selector("#act button[data-step=accept]")
    # meanwhile, on another screen, the same head accepts it
    other = signed_in(app, head.username)
    version = other.get(f"/api/disputes/{dispute_id}").get_json()["version"]
    assert other.post(f"/api/disputes/{dispute_id}/steps", json={"kind": "accept", "version": version,
                                                                 "note": "另一窗口受理"}).status_code == 200
    page.click("#act button[data-step=accept]")
    page.click("form.step-form button[type=submit]")
    said = page.wait_for_selector("#said.error:not(:empty)").inner_text()
    assert "已被他人修改" in said and "已上报 → 已受理" in said and "另一窗口受理" in said
    assert page.inner_text("#dispute-state") == "已受理" and "assign" in buttons(page)
    screenshot(page, "desk-dispute-conflict")
    take(page, "assign", {"measures": "约谈双方", "responsible": "网格员", "due_on": "2026-12-31"},
         choose={"leader_username": head.username})
    with app.app_context():
        assert db.session.get(Dispute, dispute_id).state == "assigned"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DisputeEvent).where(
            DisputeEvent.dispute_id == dispute_id, DisputeEvent.kind == "accept")) == 1
    desk.close()


def test_a_click_on_the_heat_map_lists_the_disputes_there_and_opens_one(live_server, browser):
    app, base = live_server
    me = worker(app, 19)
    spot = (108.2345, 33.4567)
    with app.app_context():
        dispute = Dispute(id=uuid.uuid4(), cell_id=me.unit_id, reporter_id=me.id, category="environment",
                          risk_colour="red", title="养殖场污水纠纷", reported_at=clock.now() - dt.timedelta(hours=2),
                          location=from_shape(Point(*spot), srid=4326))
        db.session.add(dispute)
        db.session.commit()
        dispute_id = dispute.id
    desk, page = sign_in_at_home(browser, base, "county01", viewport=DESKTOP)
    page.wait_for_url("**/views/county*")
    page.wait_for_function("() => Number(document.querySelector('#heat-map')?.dataset.heatDraws) > 0")
    drawn = page.evaluate("() => Number(document.querySelector('#heat-map').dataset.heatDraws)")
    page.click("#period-switch")  # the view opens on last month; the dispute came in today
    assert "本月" in page.inner_text("#period-shown")
    page.wait_for_function(f"() => Number(document.querySelector('#heat-map').dataset.heatDraws) > {drawn}")
    box = page.query_selector("#heat-map").bounding_box()
    x, y = page.evaluate("""([lon, lat]) => { const map = document.querySelector('#heat-map').wanggeMap;
        map.setView(map.toLatLng([lon, lat]), 13, { animate: false });
        const p = map.latLngToContainerPoint(map.toLatLng([lon, lat])); return [p.x, p.y]; }""", list(spot))
    page.mouse.click(box["x"] + x, box["y"] + y)
    popup = page.wait_for_selector(".spot-popup #spot-title")
    assert "此处矛盾纠纷" in popup.inner_text()
    assert "养殖场污水纠纷" in page.inner_text(".spot-popup .spot-list")
    screenshot(page, "county-heat-spot")
    page.click(f".spot-popup a[href='/views/desk#dispute/{dispute_id}']")
    page.wait_for_selector("#dispute-title:has-text('养殖场污水纠纷')")
    assert "supervise" in buttons(page)  # county staff supervise what the village holds
    desk.close()


def test_a_worker_signing_in_at_home_lands_in_the_phone_app_signed_in(live_server, browser):
    app, base = live_server
    me = worker(app, 20)
    phone = new_phone(browser, base)
    page = phone.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"script error: {error}"))
    page.goto("/")
    page.fill("input[name=username]", me.username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/app/**")
    page.wait_for_selector("#households li")  # no second sign-in: the phone carried on as the worker
    codes = set(page.eval_on_selector_all("#households li a", "links => links.map(a => a.getAttribute('href'))"))
    assert codes == {f"#/household/{h.code}" for h in households_of_cell(app, me.unit_id)}
    # signed out while offline, the server's session outlives it: the phone must not take it up again
    phone.set_offline(True)
    page.goto("/app/#/me")
    page.click("#logout")
    page.wait_for_selector("form#login")
    phone.set_offline(False)
    page.goto("/app/")
    page.reload()
    page.wait_for_selector("form#login")
    assert page.query_selector("#households") is None
    phone.close()

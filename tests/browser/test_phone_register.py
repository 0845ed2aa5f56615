"""The register kept from the phone (issue 17 point 3): a grid worker registers a household offline and visits it
at once, corrects one, records a birth and a death, moves a household to a neighbour's cell and retires one; a
change made on a stale copy comes back as a conflict the worker settles field by field. Each story is checked on
the phone after the sync and after a reload, and in the database: everything arrives once, nothing overwritten."""
import datetime as dt

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.identity import id_check_digit, id_number_problem
from server.models import GridUnit, Household, HouseholdMember, HouseholdMove
from tests.browser.conftest import screenshot
from tests.browser.phone import cadre_of, households_of_cell, next_cell, phone_of, said, sync_now, visits_with, worker
from tests.conftest import signed_in

pytestmark = pytest.mark.usefixtures("server_clock_ahead")


def id_number(born: str, sequence: str = "123") -> str:
    first17 = f"610923{born}{sequence}"
    return first17 + id_check_digit(first17)


def inside_cell(app, cell_id) -> dict:
    """A point inside the cell, as the phone's GPS reports it."""
    with app.app_context():
        lon, lat = db.session.execute(sa.select(sa.func.ST_X(sa.func.ST_PointOnSurface(GridUnit.boundary)),
                                                sa.func.ST_Y(sa.func.ST_PointOnSurface(GridUnit.boundary)))
                                      .where(GridUnit.id == cell_id)).one()
    return {"longitude": lon, "latitude": lat, "accuracy": 8}


def household_named(app, head_name):
    with app.app_context():
        found = db.session.scalars(sa.select(Household).where(Household.head_name == head_name)).all()
        for h in found:
            _ = (h.members, h.tags, h.cell.code)
        return found


def submitted(page, button, message):
    """Click `button` and answer what `message` then says (it may still show the last answer: cleared first)."""
    page.eval_on_selector(message, "m => { m.textContent = ''; }")
    page.click(button)
    return said(page, message)


def test_a_household_registered_offline_is_visited_at_once_and_both_reach_the_server_once(live_server, browser):
    app, base = live_server
    me = worker(app, 1)
    phone, page = phone_of(browser, base, me.username, geolocation=inside_cell(app, me.unit_id))
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.set_offline(True)
    page.goto("/app/#/households")
    page.click("#register-link")
    form = page.wait_for_selector("form#register")
    page.fill("form#register input[name=head_name]", "王登记")
    page.fill("form#register input[name=head_id_number]", id_number("19470312")[:-1] + "0")  # a wrong check digit
    page.fill("form#register input[name=address]", "新村七组 3 号")
    page.fill("form#register input[name=phone]", "1391234567")  # ten digits
    page.check("form#register input[name=tags][value=elderly_alone]")
    page.click("#add-member")
    page.fill("form#register input[name='members.0.name']", "李登记")
    page.select_option("form#register select[name='members.0.relation']", "spouse")
    page.select_option("form#register select[name='members.0.sex']", "F")
    page.fill("form#register input[name='members.0.id_number']", id_number("19500101", "224"))
    page.click("#use-gps")
    page.wait_for_selector("#place-text:has-text('精度 8 米')")
    page.click("form#register button[type=submit]")
    assert "校验位" in form.inner_text() and "手机号须为11位" in form.inner_text()  # said at once, offline, by field
    page.fill("form#register input[name=head_id_number]", id_number("19470312"))
    page.fill("form#register input[name=phone]", "13912345678")
    screenshot(page, "phone-register-form")
    page.click("form#register button[type=submit]")
    assert said(page, "#register-saved").startswith("当前离线")
    screenshot(page, "phone-register-offline")

    page.click("#open-household")  # the new household, before the server has it: visited at once
    assert "新登记，待同步" in page.wait_for_selector("#household-state").inner_text()
    assert "李登记" in page.inner_text("#member-list")
    page.fill("form#visit textarea[name=notes]", "新登记户首次走访")
    page.click("form#visit button[type=submit]")
    assert said(page, "#visit-saved").startswith("当前离线")
    page.reload()  # still offline: the shell from the service worker, the household and visit from IndexedDB
    page.goto("/app/#/households")
    mine = page.wait_for_selector("#households li:has-text('王登记')").inner_text()
    assert "新登记，待同步" in mine and "0 天未走访" in mine
    assert household_named(app, "王登记") == [] and visits_with(app, "新登记户首次走访") == []

    phone.set_offline(False)
    assert sync_now(page) == "已同步到服务器"
    assert sync_now(page) == "已同步到服务器"  # sent again: nothing doubles
    registered, = household_named(app, "王登记")
    visit, = visits_with(app, "新登记户首次走访")
    assert visit.household_id == registered.id and visit.author_id == me.id
    assert registered.cell_id == me.unit_id and registered.phone == "13912345678" and registered.tags == ["elderly_alone"]
    assert [(m.name, m.relation, m.sex) for m in registered.members] == [("李登记", "spouse", "F")]
    assert registered.member_count == 2 and registered.location is not None and registered.client_id is not None
    page.goto("/app/#/households")
    row = page.wait_for_selector(f'#households a[href="#/household/{registered.code}"]').inner_text()
    assert "待同步" not in row and "0 天未走访" in row
    page.goto(f"/app/#/household/{registered.client_id}")  # the link made before the server answered still opens it
    page.wait_for_selector("#visits li")
    assert "待同步" not in page.inner_text("#details") and "新登记户首次走访" in page.inner_text("#visits")
    phone.close()


def test_a_correction_on_a_stale_copy_comes_back_and_is_settled_field_by_field(live_server, browser):
    app, base = live_server
    me = worker(app, 2)
    target = households_of_cell(app, me.unit_id)[0]
    phone, page = phone_of(browser, base, me.username)
    phone.set_offline(True)
    page.goto(f"/app/#/household-edit/{target.code}")
    page.wait_for_selector("form#edit-household")
    page.fill("form#edit-household input[name=address]", "手机上改的地址")
    page.fill("form#edit-household input[name=phone]", "13700001111")
    page.click("form#edit-household button[type=submit]")
    assert said(page, "#register-saved").startswith("当前离线")
    page.click("#open-household")
    assert "1 项变动待同步" in page.wait_for_selector("#household-state").inner_text()
    assert "手机上改的地址" in page.inner_text("#details")  # the phone shows its own change at once

    office = signed_in(app, me.username)  # meanwhile the register was corrected elsewhere
    version = office.get(f"/api/households/{target.code}").get_json()["version"]
    assert office.patch(f"/api/households/{target.code}", json={
        "version": version, "address": "村里登记的地址", "phone": "13800002222"}).status_code == 200

    phone.set_offline(False)
    assert "被退回" in sync_now(page)
    entry = page.wait_for_selector("#rejected li").inner_text()
    assert "该户已被他人修改" in entry and "手机上改的地址" in entry and "村里登记的地址" in entry
    assert "13700001111" in entry and "13800002222" in entry
    screenshot(page, "phone-register-conflict")
    page.check("#rejected input[name='pick.address'][value=theirs]")  # the office's address, my phone number
    assert submitted(page, "#rejected form.register-fix button[type=submit]", "#sync-message") == "已同步到服务器"
    assert page.query_selector("#rejected") is None
    stored, = [h for h in household_named(app, target.head_name) if h.code == target.code]
    assert (stored.address, stored.phone, stored.version) == ("村里登记的地址", "13700001111", version + 2)
    page.reload()
    page.goto(f"/app/#/household/{target.code}")
    details = page.wait_for_selector("#details").inner_text()
    assert "村里登记的地址" in details and "13700001111" in details and "待同步" not in details
    phone.close()


def test_a_birth_a_death_and_a_retirement_recorded_offline_reach_the_register_in_order(live_server, browser):
    app, base = live_server
    me = worker(app, 3)
    homes = households_of_cell(app, me.unit_id)
    with app.app_context():
        family = next(h for h in homes if db.session.scalar(sa.select(sa.func.count()).select_from(HouseholdMember)
                      .where(HouseholdMember.household_id == h.id, HouseholdMember.left_on.is_(None))) >= 1)
        dying = db.session.scalar(sa.select(HouseholdMember).where(HouseholdMember.household_id == family.id,
                                                                   HouseholdMember.left_on.is_(None)))
        dying_id, dying_name, count_before = dying.id, dying.name, db.session.get(Household, family.id).member_count
    leaving = next(h for h in homes if h.code != family.code)
    phone, page = phone_of(browser, base, me.username)
    phone.set_offline(True)
    page.goto(f"/app/#/household/{family.code}")
    page.click("#join summary")
    page.fill("#member-join input[name=name]", "刘小宝")
    page.select_option("#member-join select[name=relation]", "grandchild")
    page.select_option("#member-join select[name=sex]", "F")
    assert submitted(page, "#member-join button[type=submit]", "#household-saved").startswith("当前离线")
    page.click(f'#member-list li[data-member="{dying_id}"] details summary')
    page.select_option(f'form.member-leave[data-member="{dying_id}"] select[name=reason]', "death")
    assert submitted(page, f'form.member-leave[data-member="{dying_id}"] button[type=submit]',
                     "#household-saved").startswith("当前离线")
    members = page.inner_text("#member-list")
    assert "刘小宝" in members and "死亡" in members
    screenshot(page, "phone-register-members")
    assert "2 项变动待同步" in page.inner_text("#household-state")

    page.goto(f"/app/#/household/{leaving.code}")
    page.click("#retire summary")
    page.select_option("#retire-form select[name=reason]", "died_out")
    page.once("dialog", lambda dialog: dialog.accept())
    assert submitted(page, "#retire-form button[type=submit]", "#household-saved").startswith("当前离线")
    assert "已注销" in page.inner_text("#retired")

    phone.set_offline(False)
    assert sync_now(page) == "已同步到服务器"
    with app.app_context():
        stored = db.session.get(Household, family.id)
        people = {m.name: m for m in stored.members}
        assert people["刘小宝"].join_reason == "birth" and people["刘小宝"].left_on is None
        assert people[dying_name].leave_reason == "death" and people[dying_name].left_on is not None
        assert stored.member_count == count_before and stored.version >= 3  # one in, one out
        retired = db.session.get(Household, leaving.id)
        assert retired.retired_at is not None and retired.retire_reason == "died_out"
    page.reload()
    page.goto("/app/#/households")
    page.wait_for_selector("#households li")
    assert page.query_selector(f'#households a[href="#/household/{leaving.code}"]') is None  # off my list
    page.goto(f"/app/#/household/{family.code}")
    members = page.wait_for_selector("#member-list").inner_text()
    assert "刘小宝" in members and "待同步" not in members
    assert page.query_selector("#household-state") is None
    phone.close()


def test_a_household_moved_to_the_next_cell_is_accepted_on_that_workers_phone(live_server, browser):
    app, base = live_server
    sender = worker(app, 4)
    to_cell = next_cell(app, sender.unit_id)
    to_code, to_id = to_cell.code, to_cell.id
    receiver = next(w for n in range(24) if (w := worker(app, n)).unit_id == to_id)
    moving = households_of_cell(app, sender.unit_id)[1]
    phone, page = phone_of(browser, base, sender.username)
    page.goto(f"/app/#/household/{moving.code}")
    page.click("#move summary")
    page.select_option("#move-form select[name=to_cell]", to_code)
    page.fill("#move-form input[name=reason]", "搬到女儿家")
    assert submitted(page, "#move-form button[type=submit]", "#household-saved") == "已同步到服务器"
    assert "待对方接收" in page.inner_text("#move-pending")

    other, theirs = phone_of(browser, base, receiver.username)
    theirs.goto("/app/#/tasks")
    card = theirs.wait_for_selector("#moves-in").inner_text()
    assert moving.head_name in card and "搬到女儿家" in card
    theirs.click(f'#moves-in li:has-text("{moving.head_name}") .accept-move')
    assert said(theirs, "#follow-up-saved") == "已同步到服务器"  # the card has gone: the answer stays on screen
    assert theirs.query_selector("#moves-in") is None
    with app.app_context():
        assert db.session.get(Household, moving.id).cell_id == to_id
        assert db.session.scalar(sa.select(HouseholdMove.state).where(HouseholdMove.household_id == moving.id)) == "accepted"
    theirs.goto("/app/#/households")
    theirs.wait_for_selector(f'#households a[href="#/household/{moving.code}"]')
    assert sync_now(page) == "已同步到服务器"
    page.goto("/app/#/households")
    page.wait_for_selector("#households li")
    assert page.query_selector(f'#households a[href="#/household/{moving.code}"]') is None
    other.close()
    phone.close()


def test_the_phone_checks_id_numbers_as_the_server_does(live_server, browser):
    app, base = live_server
    phone, page = phone_of(browser, base, worker(app, 5).username)
    good = id_number("19800229")
    samples = [good, good[:-1] + ("0" if good[-1] != "0" else "1"), "61092319810229123X", "6109231980022912",
               "61092319000101123" + id_check_digit("61092319000101123"), "61092318991231123" + id_check_digit("61092318991231123"),
               "61092320991231123" + id_check_digit("61092320991231123"), good.lower(), ""]
    phone_says = page.evaluate("""async (samples) => {
        const { idNumberProblem } = await import('/app/js/register.js');
        return samples.map((s) => idNumberProblem(s));
    }""", samples)
    server_says = [{"format": "id_format", "birth_date": "id_date", "check_digit": "id_check_digit", None: None}[
        id_number_problem(s, dt.date.today()) if s else None] for s in samples]
    assert phone_says == server_says
    phone.close()


def test_a_cadre_corrects_their_households_but_registers_moves_and_retires_none(live_server, browser):
    app, base = live_server
    homes = households_of_cell(app, worker(app, 6).unit_id)
    linked = next(h for h in homes if cadre_of(app, h.id))
    phone, page = phone_of(browser, base, cadre_of(app, linked.id))
    page.goto("/app/#/households")
    page.wait_for_selector("#households li")
    assert page.query_selector("#register-link") is None
    page.goto(f"/app/#/household/{linked.code}")
    page.wait_for_selector("#members #join")
    assert page.query_selector("#register-changes") is None and page.query_selector("#edit-link") is not None
    page.goto(f"/app/#/household-edit/{linked.code}")
    page.check("form#edit-household input[name=tags][value=disabled]")
    page.click("form#edit-household button[type=submit]")
    assert said(page, "#register-saved") == "已同步到服务器"  # the form gives way to what became of it
    with app.app_context():
        assert "disabled" in db.session.get(Household, linked.id).tags
    phone.close()


def test_a_tap_on_gcj02_tiles_is_taken_back_to_wgs84_as_the_server_does(live_server, browser):
    """The phone's and the desk's maps take a click on shifted tiles back to WGS-84 with one function
    (pwa/js/gcj02.js fromGcj02): within a metre of the server's own inverse (grids/crs.py)."""
    from grids.crs import gcj02_to_wgs84, wgs84_to_gcj02
    app, base = live_server
    phone, page = phone_of(browser, base, worker(app, 9).username)
    places = [wgs84_to_gcj02(lon, lat) for lon, lat in ((108.3012, 33.3045), (116.397, 39.909), (121.47, 31.23))]
    phone_says = page.evaluate("""async (places) => {
        const { fromGcj02 } = await import('/app/js/gcj02.js');
        return places.map(([lon, lat]) => fromGcj02(lon, lat));
    }""", [list(p) for p in places])
    for (lon, lat), (wlon, wlat) in zip(places, phone_says):
        slon, slat = gcj02_to_wgs84(lon, lat)
        assert abs(wlon - slon) < 1e-5 and abs(wlat - slat) < 1e-5  # 1e-5 degrees is about a metre
    phone.close()


def test_a_visit_waits_by_itself_for_its_households_registration_to_be_settled(live_server, browser):
    """Issue 22 point 7 on the phone: a household registered offline where the GPS put it outside the cell is refused
    until the worker confirms the place; its visit, refused meanwhile because the server has no such household yet,
    is not left for the worker to correct but waits, and goes through by itself with the corrected registration."""
    app, base = live_server
    me = worker(app, 22)
    elsewhere = inside_cell(app, next_cell(app, me.unit_id).id)
    phone, page = phone_of(browser, base, me.username, geolocation=elsewhere)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.set_offline(True)
    page.goto("/app/#/households")
    page.click("#register-link")
    page.wait_for_selector("form#register")
    page.fill("form#register input[name=head_name]", "赵等候")
    page.fill("form#register input[name=head_id_number]", id_number("19580606", "331"))
    page.fill("form#register input[name=address]", "新村八组 1 号")
    page.click("#use-gps")
    page.wait_for_selector("#place-text:has-text('精度 8 米')")
    page.click("form#register button[type=submit]")
    assert said(page, "#register-saved").startswith("当前离线")
    page.click("#open-household")
    page.wait_for_selector("#household-state")
    page.fill("form#visit textarea[name=notes]", "等候登记的走访")
    page.click("form#visit button[type=submit]")
    assert said(page, "#visit-saved").startswith("当前离线")

    phone.set_offline(False)
    assert "1 条被退回" in sync_now(page)  # the registration, for the worker; the visit waits by itself
    waiting_visit = page.wait_for_selector("#waiting-list li:has-text('走访')").inner_text()
    assert "暂未被接收" in waiting_visit and "自动重发" in waiting_visit
    refused = page.wait_for_selector("#rejected li").inner_text()
    assert "赵等候" in refused and len(page.query_selector_all("#rejected li")) == 1
    assert household_named(app, "赵等候") == [] and visits_with(app, "等候登记的走访") == []

    page.click("#rejected li form.register-fix button[type=submit]")  # the place outside the cell kept, confirmed
    page.wait_for_function("() => !document.querySelector('#rejected')")
    page.reload()
    assert page.wait_for_selector("#waiting").inner_text() == "待同步 0 条"
    assert page.query_selector("#rejected") is None
    registered, = household_named(app, "赵等候")
    visit, = visits_with(app, "等候登记的走访")
    assert visit.household_id == registered.id and registered.cell_id == me.unit_id
    phone.close()

"""The household register on the desk (/views/register), followed as the people who keep it use it: a village head
finds a household by name, corrects its phone, records a birth and a death, resolves a stale edit field by field,
accepts a household moving in from another village and registers a new one with its place on the map; a town
secretary reads a village's register of their town. Each step is checked on the screen after a reload and in the
database."""
import re

import sqlalchemy as sa

from server.extensions import db
from server.models import GridUnit, Household, HouseholdMember
from tests.api.test_register import TOWN, body, cell, new_id_number
from tests.api.test_register_list import villages
from tests.browser.conftest import redrawn, screenshot
from tests.browser.phone import china_today
from tests.browser.test_desk import sign_in_at_home
from tests.browser.test_views import wait_for_count
from tests.conftest import signed_in


def household_row(app, code: str) -> dict:
    with app.app_context():
        h = db.session.scalar(sa.select(Household).where(Household.code == code))
        lon_lat = db.session.execute(sa.select(sa.func.ST_X(Household.location), sa.func.ST_Y(Household.location))
                                     .where(Household.id == h.id)).one()
        return {"phone": h.phone, "address": h.address, "head_name": h.head_name, "version": h.version,
                "cell_code": db.session.scalar(sa.select(GridUnit.code).where(GridUnit.id == h.cell_id)),
                "member_count": h.member_count, "location": lon_lat,
                "members": {m.name: (m.joined_on, m.join_reason, m.left_on, m.leave_reason) for m in
                            db.session.scalars(sa.select(HouseholdMember).where(HouseholdMember.household_id == h.id))}}


def on_register_under(app, prefix: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Household)
                                 .join(GridUnit, GridUnit.id == Household.cell_id)
                                 .where(GridUnit.code.startswith(prefix), Household.retired_at.is_(None)))


def registered_by_api(app, at: dict, **changes) -> str:
    response = signed_in(app, "county01").post("/api/households", json=body(at, **changes))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["code"]


def open_register(page):
    page.click("#views-nav a[data-page='/views/register']")
    page.wait_for_selector("#register[data-loaded]")
    page.wait_for_selector("#moves[data-loaded]")


def search(page, text: str):
    page.fill("#register-filters input[name=q]", text)
    with redrawn(page, "#register"):
        page.click("#register-filters button[type=submit]")
    assert page.evaluate("q => location.hash.includes(encodeURIComponent(q)) || location.hash.includes(q)", text)


def reload_household(page, code: str):
    page.reload()
    page.wait_for_selector(f"#household[data-loaded][data-code='{code}']")


def said(page) -> str:
    page.wait_for_selector("#said.ok:not(:empty)")
    return page.inner_text("#said")


def clear_said(page):
    page.eval_on_selector("#said", "line => { line.textContent = ''; line.className = ''; }")


def test_a_village_head_keeps_the_register_from_the_desk(live_server, browser):
    app, base = live_server
    here = cell(app, TOWN)
    village = here["code"][:12]
    other_village = next(c for c in (cell(app, TOWN, i) for i in range(1, 24)) if c["code"][:12] != village)
    code = registered_by_api(app, here, head_name="欧阳春生")
    context, page = sign_in_at_home(browser, base, here["village_head"])
    page.wait_for_url("**/views/desk*")

    # the register of their village, every household on it counted
    open_register(page)
    assert page.inner_text("#register-total").startswith(f"共 {on_register_under(app, village)} 户")
    screenshot(page, "register-list-village-head")
    search(page, "欧阳春生")
    wait_for_count(page, "#register-table tbody tr", 1)
    assert page.get_attribute("#register-table tbody tr", "data-code") == code
    page.click(f"#register-table tr[data-code='{code}'] a.household-link")
    page.wait_for_selector(f"#household[data-loaded][data-code='{code}']")
    assert page.inner_text("#rec-phone") == "139****5678"  # masked for the desk
    assert re.fullmatch(r"6109\*{10}\d{3}[\dX]", page.inner_text("#rec-head_id_number"))

    # a new phone number
    page.fill("#edit-form input[name=phone]", "13800001111")
    page.click("#edit-form button[type=submit]")
    assert "已保存" in said(page)
    reload_household(page, code)
    assert page.inner_text("#rec-phone") == "138****1111" and page.inner_text("#rec-version") == "2"
    assert (household_row(app, code)["phone"], household_row(app, code)["version"]) == ("13800001111", 2)

    # a grandchild is born and the head's wife dies
    today = china_today().isoformat()
    join = "#join-form"
    page.fill(f"{join} input[name=name]", "欧阳小花")
    page.select_option(f"{join} select[name=relation]", "grandchild")
    page.select_option(f"{join} select[name=sex]", "F")
    page.fill(f"{join} input[name=birth_date]", today)
    page.select_option(f"{join} select[name=reason]", "birth")
    page.click(f"{join} button[type=submit]")
    assert "已添加成员 欧阳小花" in said(page)
    clear_said(page)
    page.click("#members-table tr:has-text('王秀兰') button[data-leave]")
    page.select_option("#leave-form select[name=reason]", "death")
    screenshot(page, "register-household-leave-form")
    page.click("#leave-form button[type=submit]")
    assert "已登记 王秀兰 离户" in said(page)
    reload_household(page, code)
    assert f"{today} 出生" in page.inner_text("#members-table tr:has-text('欧阳小花') td.joined")
    assert f"{today} 死亡" in page.inner_text("#members-table tr:has-text('王秀兰') td.left")
    assert not page.query_selector("#members-table tr:has-text('王秀兰') button[data-leave]")
    assert page.inner_text("#rec-member_count") == "3"
    stored = household_row(app, code)
    day = china_today()
    assert stored["members"]["欧阳小花"] == (day, "birth", None, None)
    assert stored["members"]["王秀兰"][2:] == (day, "death")
    assert (stored["member_count"], stored["version"]) == (3, 4)

    # someone else corrects it after the page was read: the head chooses field by field
    changed = signed_in(app, "t100").patch(f"/api/households/{code}", json={
        "version": 4, "address": "二组 8 号", "phone": "13700002222"})
    assert changed.status_code == 200, changed.get_json()
    page.fill("#edit-form input[name=address]", "三组 9 号")
    page.fill("#edit-form input[name=phone]", "13600003333")
    page.click("#edit-form button[type=submit]")
    page.wait_for_selector("#conflict-panel")
    assert page.inner_text("#conflict-panel fieldset[data-field=address] .yours") == "三组 9 号"
    assert page.inner_text("#conflict-panel fieldset[data-field=address] .theirs") == "二组 8 号"
    assert page.inner_text("#conflict-panel fieldset[data-field=phone] .yours") == "136****3333"
    assert page.inner_text("#conflict-panel fieldset[data-field=phone] .theirs") == "137****2222"
    screenshot(page, "register-household-conflict")
    page.check("#conflict-panel input[name=choice-address][value=theirs]")
    page.click("#save-choices")
    assert "已保存" in said(page)
    reload_household(page, code)
    assert (page.inner_text("#rec-address"), page.inner_text("#rec-phone")) == ("二组 8 号", "136****3333")
    stored = household_row(app, code)
    assert (stored["address"], stored["phone"], stored["version"]) == ("二组 8 号", "13600003333", 6)

    # a household of another village asks to move in: the head accepts it on the register's page
    mover = registered_by_api(app, other_village, head_name="司马迁入")
    asked = signed_in(app, other_village["village_head"]).post(f"/api/households/{mover}/move", json={
        "version": 1, "to_cell_code": here["code"], "reason": "投靠子女"})
    assert asked.status_code == 201, asked.get_json()
    page.click("#back")
    page.wait_for_selector("#moves[data-loaded]")
    item = f"#incoming li[data-household='{mover}']"
    page.wait_for_selector(item)
    assert "投靠子女" in page.inner_text(item)
    screenshot(page, "register-moves-incoming")
    page.click(f"{item} button[data-action=accept]")
    assert "已接收：司马迁入" in said(page)
    assert not page.query_selector(item)
    assert household_row(app, mover)["cell_code"] == here["code"]
    search(page, "司马迁入")
    wait_for_count(page, "#register-table tbody tr", 1)
    assert page.get_attribute("#register-table tbody tr", "data-code") == mover

    # a new household, with one member and its place clicked on the cell's map
    page.click("#new-household")
    page.wait_for_selector("#new[data-loaded]")
    page.select_option("#new-form select[name=cell_code]", here["code"])
    page.wait_for_selector("#new-map[data-loaded] path")
    page.fill("#new-form input[name=head_name]", "诸葛新户")
    page.fill("#new-form input[name=head_id_number]", new_id_number("19750101"))
    page.fill("#new-form input[name=address]", "四组 1 号")
    page.fill("#new-form input[name=phone]", "13512345678")
    page.check("#new-form input[name=tags][value=elderly_alone]")
    page.click("#add-member")
    page.fill("#member-rows input[name='members.0.name']", "诸葛小妹")
    page.select_option("#member-rows select[name='members.0.relation']", "sibling")
    page.select_option("#member-rows select[name='members.0.sex']", "F")
    page.eval_on_selector("#new-map", "map => map.scrollIntoView({ block: 'center' })")
    box = page.query_selector("#new-map").bounding_box()
    x, y = page.evaluate("""([lon, lat]) => { const map = document.querySelector('#new-map').wanggeMap;
        const p = map.latLngToContainerPoint(map.toLatLng([lon, lat])); return [p.x, p.y]; }""", here["inside"])
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_selector("#picked:has-text('已选位置')")
    screenshot(page, "register-new-household")
    page.click("#register-household")
    page.wait_for_selector("#household[data-loaded] #household-head:has-text('诸葛新户')")
    new_code = page.get_attribute("#household", "data-code")
    assert page.inner_text("#said") == f"已登记新户 {new_code}"
    assert new_code.startswith(here["code"])
    stored = household_row(app, new_code)
    assert (stored["head_name"], stored["address"], stored["phone"], stored["member_count"]) == (
        "诸葛新户", "四组 1 号", "13512345678", 2)
    assert list(stored["members"]) == ["诸葛小妹"]
    lon, lat = stored["location"]
    assert abs(lon - here["inside"][0]) < 0.001 and abs(lat - here["inside"][1]) < 0.001
    page.click("#back")
    page.wait_for_selector("#register[data-loaded]")
    search(page, "诸葛新户")
    wait_for_count(page, "#register-table tbody tr", 1)
    assert "独居老人" in page.inner_text(f"#register-table tr[data-code='{new_code}']")

    # another village's register is not theirs
    page.goto(f"/views/register#list?unit={other_village['code'][:12]}")
    page.wait_for_selector("#view .error")
    assert "您的辖区内没有" in page.inner_text("#view .error")
    context.close()


def test_a_town_secretary_reads_a_village_then_a_cell_of_their_town(live_server, browser):
    app, base = live_server
    village = villages(app, TOWN)[1]
    context, page = sign_in_at_home(browser, base, "t100")
    open_register(page)
    assert page.inner_text("#register-total").startswith(f"共 {on_register_under(app, TOWN)} 户")
    with redrawn(page, "#register"):
        page.select_option(f"#unit-picker select[data-parent='{TOWN}']", village)
    assert village in page.evaluate("location.hash")
    page.wait_for_selector(f"#unit-picker select[data-parent='{village}']")
    assert page.inner_text("#register-total").startswith(f"共 {on_register_under(app, village)} 户")
    codes = page.eval_on_selector_all("#register-table tbody tr", "rows => rows.map(r => r.dataset.code)")
    with app.app_context():
        first = list(db.session.scalars(sa.select(Household.code).join(GridUnit, GridUnit.id == Household.cell_id)
                                        .where(GridUnit.code.startswith(village), Household.retired_at.is_(None))
                                        .order_by(Household.code).limit(50)))
    assert codes == first
    screenshot(page, "register-list-town-secretary")
    with redrawn(page, "#register"):
        page.click("#next-page")
    assert "page=2" in page.evaluate("location.hash")
    assert "第 2 /" in page.inner_text("#register-total")
    with app.app_context():
        second = list(db.session.scalars(sa.select(Household.code).join(GridUnit, GridUnit.id == Household.cell_id)
                                         .where(GridUnit.code.startswith(village), Household.retired_at.is_(None))
                                         .order_by(Household.code).offset(50).limit(50)))
    assert page.eval_on_selector_all("#register-table tbody tr", "rows => rows.map(r => r.dataset.code)") == second
    one_cell = page.eval_on_selector(f"#unit-picker select[data-parent='{village}'] option:nth-child(2)", "o => o.value")
    with redrawn(page, "#register"):
        page.select_option(f"#unit-picker select[data-parent='{village}']", one_cell)
    assert one_cell in page.evaluate("location.hash")
    assert page.inner_text("#register-total").startswith(f"共 {on_register_under(app, one_cell)} 户")
    cells = page.eval_on_selector_all("#register-table tbody tr", "rows => rows.map(r => r.dataset.code.slice(0, 15))")
    assert set(cells) == {one_cell}
    context.close()


def test_a_village_head_retires_a_household_after_confirming(live_server, browser):
    app, base = live_server
    here = cell(app, TOWN, 1)
    code = registered_by_api(app, here, head_name="上官注销")
    context, page = sign_in_at_home(browser, base, here["village_head"])
    page.goto(f"/views/register#household/{code}")
    page.wait_for_selector(f"#household[data-loaded][data-code='{code}']")
    page.select_option("#retire-form select[name=reason]", "died_out")
    page.fill("#retire-form input[name=note]", "户内最后一人去世")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("#retire-form button[type=submit]")
    assert "已注销" in said(page)
    assert "上官注销" in asked[0] and code in asked[0]
    reload_household(page, code)
    assert page.inner_text("#household-state") == "已注销"
    assert "户内无人" in page.inner_text("#retired-on") and not page.query_selector("#edit-form")
    with app.app_context():
        retired = db.session.execute(sa.select(Household.retired_at, Household.retire_reason, Household.retire_note)
                                     .where(Household.code == code)).one()
    assert retired[0] is not None and retired[1:] == ("died_out", "户内最后一人去世")
    page.goto("/views/register#list")
    page.wait_for_selector("#register[data-loaded]")
    search(page, "上官注销")
    page.wait_for_selector("#register-empty")
    page.check("#register-filters input[name=retired]")
    page.click("#register-filters button[type=submit]")
    page.wait_for_function("() => location.hash.includes('retired=1')")
    page.wait_for_selector(f"#register[data-loaded] tr[data-code='{code}']")
    assert page.inner_text(f"tr[data-code='{code}'] td[data-key=state]") == "已注销"
    context.close()

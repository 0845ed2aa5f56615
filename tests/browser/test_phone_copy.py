"""The phone's copy of the world stays true (issue 14: points 1, 2, 8, 9, 11): what the worker or cadre sees
after a sync, after the next pull and after a reload matches what the database holds."""
import datetime as dt

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.models import CadreLink, FollowUpDone, Household, User, Visit
from tests.browser.conftest import SERVER_AHEAD_MINUTES, screenshot
from tests.browser.phone import (
    badge_of,
    cadre_of,
    households_of_cell,
    new_phone,
    open_app,
    phone_of,
    sign_in,
    sync_now,
    visits_with,
    worker,
)
from tests.conftest import signed_in

pytestmark = pytest.mark.usefixtures("server_clock_ahead")


def overdue(homes, now):
    return [h for h in homes if h.last_visit_at is None or (now - h.last_visit_at).days > 30]


def log_visit(page, code, notes, follow_up_on=None):
    page.goto(f"/app/#/household/{code}")
    page.wait_for_selector("form#visit")
    page.fill("form#visit textarea[name=notes]", notes)
    if follow_up_on:
        page.fill("form#visit input[name=follow_up_on]", follow_up_on.isoformat())
    page.eval_on_selector("#visit-saved", "m => { m.textContent = ''; }")  # the form may still show the last answer
    page.click("form#visit button[type=submit]")
    page.wait_for_function("(t => t && !t.includes('正在同步'))(document.querySelector('#visit-saved').textContent)")
    return page.inner_text("#visit-saved")


def test_a_visit_by_anyone_reaches_every_phone_on_the_next_pull(live_server, browser):
    app, base = live_server
    me = worker(app, 1)
    late = overdue(households_of_cell(app, me.unit_id), clock.now())
    by_cadre = next(h for h in late if cadre_of(app, h.id))
    by_me = next(h for h in late if h.code != by_cadre.code)
    phone, page = phone_of(browser, base, me.username)
    assert "逾期" in badge_of(page, by_cadre.code)

    cadre = signed_in(app, cadre_of(app, by_cadre.id))  # the linked cadre, on their own phone
    answer = cadre.post("/api/sync/push", json={"items": [{"type": "visit", "id": "7d4c1f0e-3b7a-4d59-9a38-1c2e1f0a0b01",
        "data": {"household_code": by_cadre.code, "kind": "policy",
                 "visited_at": dt.datetime.now(dt.timezone.utc).isoformat()}}]})
    assert answer.get_json()["accepted"] == 1
    sync_now(page)  # the worker's next incremental pull
    assert badge_of(page, by_cadre.code) == "0 天未走访"

    assert log_visit(page, by_me.code, "本人走访后刷新") == "已同步到服务器"
    page.reload()  # the outbox is empty now: the household's last visit comes from the pull alone
    assert badge_of(page, by_me.code) == "0 天未走访"
    with app.app_context():
        assert db.session.get(Household, by_me.id).last_visit_at is not None
    second = new_phone(browser, base)  # the same worker's second phone learns it too
    other = open_app(second)
    sign_in(other, me.username)
    assert badge_of(other, by_me.code) == "0 天未走访" and badge_of(other, by_cadre.code) == "0 天未走访"
    screenshot(page, "phone-visit-reaches-every-phone")
    second.close()
    phone.close()


def test_follow_ups_stay_until_done_and_name_the_household(live_server, browser, monkeypatch):
    app, base = live_server
    me = worker(app, 2)
    first, second = households_of_cell(app, me.unit_id)[:2]
    phone, page = phone_of(browser, base, me.username)
    due = clock.china_today() + dt.timedelta(days=3)
    for h in (first, second):
        assert log_visit(page, h.code, f"跟进测试 {h.code}", follow_up_on=due) == "已同步到服务器"

    def follow_ups():
        page.goto("/app/#/tasks")
        page.wait_for_selector("#follow-ups")
        return page.eval_on_selector_all("#follow-ups li[data-visit] strong", "ss => ss.map(s => s.textContent)")

    assert {first.head_name, second.head_name} <= set(follow_ups())
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + dt.timedelta(minutes=SERVER_AHEAD_MINUTES))  # later pulls
    sync_now(page)
    sync_now(page)
    assert {first.head_name, second.head_name} <= set(follow_ups())  # they used to vanish here
    screenshot(page, "phone-follow-ups")

    page.locator("#follow-ups li[data-visit]").filter(has_text=first.head_name).locator("button.done").click()
    page.wait_for_selector("#follow-up-saved:has-text('已同步')")
    page.reload()
    assert first.head_name not in follow_ups() and second.head_name in follow_ups()
    visit_id = visits_with(app, f"跟进测试 {first.code}")[0].id
    with app.app_context():
        done = db.session.scalars(sa.select(FollowUpDone.user_id).where(FollowUpDone.visit_id == visit_id)).all()
    assert done == [me.id]

    assert log_visit(page, second.code, "再次走访") == "已同步到服务器"  # a later visit settles it
    page.reload()
    assert second.head_name not in follow_ups()
    phone.close()


def test_every_household_keeps_its_recent_visits_offline(live_server, browser):
    app, base = live_server
    me = worker(app, 3)
    with app.app_context():
        visited = db.session.execute(sa.select(Household.id, Household.code).where(
            Household.cell_id == me.unit_id, Household.last_visit_at.is_not(None)).order_by(Household.code)).all()
        code = visited[-1].code
        recent = db.session.scalars(sa.select(Visit.notes).where(Visit.household_id == visited[-1].id)
                                    .order_by(Visit.visited_at.desc()).limit(5)).all()
    phone, page = phone_of(browser, base, me.username)
    listed = badge_of(page, code)
    phone.set_offline(True)  # never opened online
    page.goto(f"/app/#/household/{code}")
    page.wait_for_selector("#visits li")
    shown = page.eval_on_selector_all("#visits li .notes", "ns => ns.map(n => n.textContent)")
    assert shown == list(recent)
    assert page.inner_text("#last-visit") == listed.split(" · ")[0]  # the detail agrees with the list
    assert "从未走访" not in page.inner_text("#visits")
    screenshot(page, "phone-history-offline")
    phone.close()


def test_saving_a_visit_says_what_happened_and_the_list_follows(live_server, browser):
    app, base = live_server
    me = worker(app, 4)
    home = households_of_cell(app, me.unit_id)[0]
    phone, page = phone_of(browser, base, me.username)
    assert log_visit(page, home.code, "在线保存") == "已同步到服务器"
    first = page.inner_text("#visits li >> nth=0")
    assert "在线保存" in first and "待同步" not in first
    assert len(visits_with(app, "在线保存")) == 1

    phone.set_offline(True)
    said = log_visit(page, home.code, "离线保存")
    assert said.startswith("当前离线：已保存在本机") and "待同步 1 条" in said
    first = page.inner_text("#visits li >> nth=0")
    assert "离线保存" in first and "待同步" in first
    assert sync_now(page).startswith("当前离线")  # offline, the button says so
    screenshot(page, "phone-sync-offline-feedback")
    phone.set_offline(False)
    assert sync_now(page) == "已同步到服务器"
    assert page.inner_text("#waiting") == "待同步 0 条"
    assert len(visits_with(app, "离线保存")) == 1
    phone.close()


def test_a_cadre_sees_this_months_duty_and_their_households_on_the_map(live_server, browser):
    """每月上门 is the cadre's own duty: a grid worker's visit to a linked household this month does not count."""
    app, base = live_server
    month_start = clock.china_midnight(clock.china_today().replace(day=1))
    with app.app_context():
        own = (sa.select(sa.func.max(Visit.visited_at)).where(Visit.household_id == Household.id,
                                                             Visit.author_id == User.id).scalar_subquery())
        linked = (sa.select(User.username, Household.id, Household.code, Household.cell_id, own.label("own_visit"),
                            Household.location.is_not(None).label("located"))
                  .join(CadreLink, CadreLink.cadre_id == User.id).join(Household, Household.id == CadreLink.household_id)
                  .where(User.role == "cadre", CadreLink.valid_to.is_(None)).order_by(User.id, Household.code))
        by_cadre = {}
        for row in db.session.execute(linked).all():
            by_cadre.setdefault(row.username, []).append(row)
    due = lambda h: h.own_visit is None or h.own_visit < month_start  # noqa: E731
    username, homes = next((u, hs) for u, hs in by_cadre.items() if len({h.cell_id for h in hs}) > 1
                           and sum(map(due, hs)) >= 3)
    by_worker, todo, earlier = [h for h in homes if due(h)][:3]
    with app.app_context():
        cell_worker = db.session.scalar(sa.select(User.username).where(User.unit_id == by_worker.cell_id,
                                                                       User.role == "grid_worker", User.active))
    answer = signed_in(app, cell_worker).post("/api/sync/push", json={"items": [{
        "type": "visit", "id": "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        "data": {"household_code": by_worker.code, "kind": "policy",
                 "visited_at": dt.datetime.now(dt.timezone.utc).isoformat()}}]})
    assert answer.get_json()["accepted"] == 1  # the cell's worker has been there this month, not the cadre
    answer = signed_in(app, username).post("/api/sync/push", json={"items": [{
        "type": "visit", "id": "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
        "data": {"household_code": earlier.code, "kind": "policy", "visited_at": month_start.isoformat()}}]})
    assert answer.get_json()["accepted"] == 1  # the cadre's own visit on another phone, on the 1st
    with app.app_context():  # ...synced long enough ago that an incremental pull no longer resends its household
        db.session.execute(sa.update(Household).where(Household.id == earlier.id)
                           .values(updated_at=clock.now() - dt.timedelta(hours=1)))
        db.session.commit()
    visited = sum(not due(h) for h in homes) + 1
    phone, page = phone_of(browser, base, username)
    assert page.inner_text("#duty-figure") == f"已走访 {visited} / {len(homes)} 户"
    assert f"还有 {len(homes) - visited} 户本月未走访" in page.inner_text("#duty")
    screenshot(page, "phone-cadre-duty")
    assert log_visit(page, todo.code, "包联走访") == "已同步到服务器"
    page.goto("/app/#/households")
    assert page.wait_for_selector("#duty-figure").inner_text() == f"已走访 {visited + 1} / {len(homes)} 户"
    page.reload()  # from the pull alone, the outbox empty
    assert page.wait_for_selector("#duty-figure").inner_text() == f"已走访 {visited + 1} / {len(homes)} 户"
    # a phone that kept its households before the pull carried my_last_visit_at pulls them all again, once;
    # its store is changed on a page without the app, so that no pull of the app's runs meanwhile
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.username == username))
    page.goto("/app/config.json")
    page.evaluate("""async (userId) => {
      const storage = await import("/app/js/storage.js");
      storage.useUser(userId);
      const households = await storage.get("kv", "households");
      for (const h of Object.values(households)) delete h.my_last_visit_at;
      await storage.put("kv", households, "households");
      await storage.remove("kv", "pullShape");
    }""", user_id)
    sync_now(page)
    page.goto("/app/#/households")
    assert page.wait_for_selector("#duty-figure").inner_text() == f"已走访 {visited + 1} / {len(homes)} 户"

    page.goto("/app/#/map")
    page.wait_for_selector("#map .leaflet-interactive")
    assert page.locator('#map path[stroke="#fff"]').count() == sum(h.located for h in homes)
    assert page.locator('#map path[stroke="#0b5cad"]').count() == len({h.cell_id for h in homes})
    screenshot(page, "phone-cadre-map")
    phone.close()

"""Who the phone belongs to (issue 14: points 3, 4, 5): signing out, a session that ends, a phone shared by
two workers; the old single outbox carried over; the service worker that older WebViews can run."""
import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import UserSession, Visit
from tests.browser.conftest import screenshot
from tests.browser.phone import (
    households_of_cell,
    new_phone,
    open_app,
    phone_of,
    sign_in,
    sync_now,
    visits_with,
    waiting,
    worker,
)
from tests.browser.test_phone_copy import log_visit
from tests.conftest import DEMO_PASSWORD, signed_in

pytestmark = pytest.mark.usefixtures("server_clock_ahead")


def codes_listed(page):
    page.goto("/app/#/households")
    page.wait_for_selector("#households")
    return {href.split("/")[-1] for href in page.eval_on_selector_all(
        "#households li a", "links => links.map(a => a.getAttribute('href'))")}


def test_a_shared_phone_keeps_each_workers_data_and_items_their_own(live_server, browser):
    app, base = live_server
    first, second = worker(app, 5), worker(app, 6)
    phone, page = phone_of(browser, base, first.username)
    first_codes = {h.code for h in households_of_cell(app, first.unit_id)}
    assert codes_listed(page) == first_codes
    phone.set_offline(True)
    log_visit(page, sorted(first_codes)[0], "共用手机的走访")
    page.goto("/app/#/me")  # sign out (point 3), with what still waits said plainly
    assert "1 条记录未同步" in page.wait_for_selector("#logout-note").inner_text()
    screenshot(page, "phone-me-sign-out")
    page.click("#logout")
    assert "1 条记录未同步" in page.wait_for_selector("#kept-note").inner_text()
    phone.set_offline(False)

    sign_in(page, second.username)  # the next worker on the same phone
    second_codes = codes_listed(page)
    assert second_codes == {h.code for h in households_of_cell(app, second.unit_id)} and not second_codes & first_codes
    assert sync_now(page) == "已同步到服务器"
    assert visits_with(app, "共用手机的走访") == []  # never sent under the second worker's name
    page.goto("/app/#/me")
    page.click("#logout")
    others = page.wait_for_selector("#others-waiting").inner_text()
    assert first.username in others and "1 条" in others
    screenshot(page, "phone-shared-sign-in")

    sign_in(page, first.username)
    page.wait_for_function("!document.querySelector('#outbox-count')?.textContent")
    assert waiting(page) == "待同步 0 条"
    visits = visits_with(app, "共用手机的走访")
    assert [v.author_id for v in visits] == [first.id]
    assert codes_listed(page) == first_codes
    assert page.query_selector("#others-waiting") is None
    phone.close()


def test_an_ended_session_asks_to_sign_in_again_and_then_sends_what_waited(live_server, browser):
    app, base = live_server
    me = worker(app, 7)
    home = households_of_cell(app, me.unit_id)[0]
    phone, page = phone_of(browser, base, me.username)
    phone.set_offline(True)
    log_visit(page, home.code, "会话失效前的走访")
    # meanwhile the worker changes their password on another device: every other session ends
    other = signed_in(app, me.username)
    assert other.post("/api/auth/password", json={"current_password": DEMO_PASSWORD,
                                                  "new_password": "xin-mima-2026"}).status_code in (200, 204)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession).where(
            UserSession.user_id == me.id, UserSession.ended_at.is_(None))) == 1
    page.goto("/app/#/sync")
    phone.set_offline(False)  # back in signal the app syncs by itself, and learns the session has ended
    notice = page.wait_for_selector("#session-ended").inner_text()
    assert "登录已失效" in notice and "自动上传" in notice
    assert page.input_value("input[name=username]") == me.username
    screenshot(page, "phone-session-ended")
    assert visits_with(app, "会话失效前的走访") == []

    page.fill("input[name=password]", "xin-mima-2026")
    page.click("form#login button[type=submit]")
    page.wait_for_selector("#households")
    page.wait_for_function("!document.querySelector('#outbox-count')?.textContent")
    assert [v.author_id for v in visits_with(app, "会话失效前的走访")] == [me.id]
    assert waiting(page) == "待同步 0 条"
    assert other.post("/api/auth/password", json={"current_password": "xin-mima-2026",
                                                  "new_password": DEMO_PASSWORD}).status_code in (200, 204)
    phone.close()


def test_items_waiting_in_the_old_single_outbox_are_kept_and_sent_by_their_user(live_server, browser):
    """A phone updated from the app with one database for everyone: its waiting visit is its user's."""
    app, base = live_server
    me = worker(app, 8)
    home = households_of_cell(app, me.unit_id)[0]
    phone = new_phone(browser, base)
    page = phone.new_page()
    page.goto("/app/manifest.webmanifest")  # the origin, before the new app runs
    page.request.post("/api/auth/login", data={"username": me.username, "password": DEMO_PASSWORD})
    csrf = page.request.get("/api/auth/me").json()["csrf_token"]
    user = page.request.get("/api/auth/me").json()["user"]
    page.evaluate("""([user, csrf, code]) => new Promise((resolve, reject) => {
        const open = indexedDB.open("wangge", 1);
        open.onupgradeneeded = () => { open.result.createObjectStore("kv"); open.result.createObjectStore("outbox", { keyPath: "id" }); };
        open.onsuccess = () => {
          const tx = open.result.transaction(["kv", "outbox"], "readwrite");
          tx.objectStore("kv").put(user, "user");
          tx.objectStore("kv").put(csrf, "csrf");
          tx.objectStore("outbox").put({ id: "0b6f1f8e-9a43-4c1d-8e2a-5d7c3b2a1f00", type: "visit", status: "waiting",
            queuedAt: new Date().toISOString(), data: { household_code: code, kind: "policy", notes: "旧版待同步",
            findings: "", visited_at: new Date().toISOString() } });
          tx.oncomplete = () => { open.result.close(); resolve(); };
          tx.onerror = () => reject(tx.error);
        };
      })""", [user, csrf, home.code])
    page.goto("/app/")
    page.wait_for_selector("#households")
    page.wait_for_function("!document.querySelector('#outbox-count')?.textContent", timeout=15000)
    assert [v.author_id for v in visits_with(app, "旧版待同步")] == [me.id]
    assert page.evaluate("indexedDB.databases().then(ds => ds.map(d => d.name))").count("wangge") == 0
    phone.close()


def test_the_service_worker_is_classic_and_the_app_works_without_one(live_server, browser):
    app, base = live_server
    me = worker(app, 9)
    phone, page = phone_of(browser, base, me.username)
    script = page.evaluate("navigator.serviceWorker.ready.then(r => r.active.scriptURL)")
    assert script.endswith("/app/sw.js")
    source = page.request.get("/app/sw.js").text()
    assert "importScripts(" in source and not any(line.startswith(("import ", "export ")) for line in source.splitlines())
    phone.set_offline(True)
    page.reload()  # the shell from the classic worker's cache
    page.wait_for_selector("#households li")
    phone.close()

    blocked = new_phone(browser, base, service_workers="block")  # a browser without service workers
    page = open_app(blocked)
    sign_in(page, me.username)
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(rs => rs.length)") == 0
    home = households_of_cell(app, me.unit_id)[1]
    assert log_visit(page, home.code, "没有 service worker") == "已同步到服务器"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(Visit.notes == "没有 service worker")) == 1
    blocked.close()

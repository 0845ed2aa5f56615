"""A grid worker logs visits and a dispute with no signal; they reach the server exactly once."""
import sqlalchemy as sa

from server.extensions import db
from server.models import Dispute, User, Visit
from tests.browser.conftest import app_size_gzipped, screenshot
from tests.browser.phone import households_of_cell, phone_of, worker

MARK = "离线测试走访"


def first_worker(app):
    with app.app_context():
        user = db.session.scalars(sa.select(User).where(User.role == "grid_worker").order_by(User.id)).first()
        return user.username, user.id


def test_offline_round_trip(live_server, phone):
    app, _ = live_server
    username, user_id = first_worker(app)
    page = phone.new_page()
    page.goto("/app/")
    screenshot(page, "01-login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "wangge2026")
    page.click("button[type=submit]")
    page.wait_for_selector("#households li")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    screenshot(page, "02-households")
    codes = page.eval_on_selector_all("#households li a", "links => links.map(a => a.getAttribute('href'))")
    assert len(codes) > 10

    phone.set_offline(True)
    for n, href in enumerate(codes[:3], start=1):
        page.goto(f"/app/{href}")
        page.wait_for_selector("form#visit")
        page.wait_for_selector("#gps:has-text('精度 12 米')")  # the worker waits for the fix the visit carries
        page.select_option("form#visit select[name=kind]", "counselling")
        page.fill("form#visit textarea[name=notes]", f"{MARK} {n}")
        page.click("form#visit button[type=submit]")
        page.wait_for_selector("#visit-saved:has-text('已保存')")
        if n == 1:
            screenshot(page, "03-household-and-visit")
    page.fill("form#dispute input[name=title]", f"{MARK} 宅基地纠纷")
    page.select_option("form#dispute select[name=risk_colour]", "orange")
    page.fill("form#dispute input[name=parties]", "张三，李四")
    page.click("#picker", position={"x": 60, "y": 60})  # where it happened, tapped on the map
    page.wait_for_selector("#picked:has-text('已选地点')")
    page.click("form#dispute button[type=submit]")
    page.wait_for_selector("#dispute-saved:has-text('已保存')")
    screenshot(page, "04-dispute")

    page.reload()  # still offline: the shell comes from the service worker, the data from IndexedDB
    page.goto("/app/#/sync")
    page.wait_for_selector("#waiting:has-text('待同步 4 条')")
    assert page.inner_text("#status") == "离线"
    screenshot(page, "05-sync-offline")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(Visit.notes.like(f"{MARK}%"))) == 0

    phone.set_offline(False)  # the app syncs when the network returns
    page.wait_for_selector("#status:has-text('在线')")
    page.click("#sync-now")
    page.wait_for_selector("#waiting:has-text('待同步 0 条')")
    screenshot(page, "06-sync-online")
    with app.app_context():
        visits = db.session.scalars(sa.select(Visit).where(Visit.notes.like(f"{MARK}%"))).all()
        disputes = db.session.scalars(sa.select(Dispute).where(Dispute.title.like(f"{MARK}%"))).all()
    assert sorted(v.notes for v in visits) == [f"{MARK} {n}" for n in (1, 2, 3)]
    assert all(v.author_id == user_id and v.kind == "counselling" and v.gps_accuracy_m == 12 for v in visits)
    assert len(disputes) == 1 and disputes[0].party_count == 2 and disputes[0].risk_colour == "orange"
    assert disputes[0].location is not None and disputes[0].gps_accuracy_m is None  # the tapped place, not GPS


def test_the_app_stays_within_its_size_budget():
    size = app_size_gzipped()
    print(f"\n[wangge] the phone app's own JS, CSS and HTML: {size / 1024:.1f} KB gzipped (budget 150 KB)")
    assert size < 150 * 1024


def test_the_first_list_shows_the_cells_households_and_stays_on_the_phone_offline(live_server, browser):
    """The list is drawn as soon as the first pull is kept (the map's data comes beside it): the worker sees every
    household of the cell by its head's name, goes offline at once, reopens the app and still sees them, and the
    map of the cell."""
    app, base = live_server
    me = worker(app, 21)
    expected = {f"#/household/{h.code}": h.head_name for h in households_of_cell(app, me.unit_id)}
    phone, page = phone_of(browser, base, me.username)
    page.wait_for_selector("#households li a")
    assert listed(page) == expected
    assert page.inner_text("h1.screen-title") == f"我的住户 （{len(expected)}）"

    phone.set_offline(True)
    page.reload()  # the shell from the service worker, the households from IndexedDB
    page.wait_for_selector("#households li a")
    assert listed(page) == expected
    assert page.inner_text("#status") == "离线"
    page.click("#nav-map")
    page.wait_for_selector('#map path[stroke="#0b5cad"]')  # the cell's outline, kept at the sign-in
    phone.close()


def listed(page) -> dict:
    """The list's rows: each household's link and its head's name as the row shows it."""
    return page.eval_on_selector_all("#households li a", """links => Object.fromEntries(
        links.map(a => [a.getAttribute('href'), a.querySelector('strong').textContent]))""")

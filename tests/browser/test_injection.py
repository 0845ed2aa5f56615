"""Markup and SQL-looking text in every user-visible text field: stored verbatim through the API, shown as text on
every screen of the phone app and of the town and county views, never obeyed.

Each field gets its own payload: an <img> whose onerror pushes the field's number to window.__xss (so a leak names
its field), preceded by quotes that would close an attribute, followed by a classic SQL tautology. The payloads
fit the narrowest columns (50 characters). The module's county is its own (live_server is per module)."""
import datetime as dt
import uuid
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.models import Alert, Dispute, DisputeEvent, GridUnit, Household, User, Visit, ZeroReport
from server.models.vocab import ROLES
from tests.browser.conftest import PHONE, screenshot
from tests.browser.test_views import DESKTOP, busiest_town, secretary_of, sign_in
from tests.conftest import DEMO_PASSWORD, signed_in

FIELDS = (
    *(f"{level}.name" for level in ("county", "town", "village", "cell")),
    "household.head_name", "household.address", "member.name",
    *(f"{role}.display_name" for role in ROLES), "cadre.username",
    "visit.notes", "visit.findings", "dispute.title", "dispute.description", "dispute.party", "dispute_event.note",
    "zero_report.note", "alert.reason", "alert.reason_zh",
)
# What a household code (19 characters exactly) can carry: markup shown, never obeyed, and a lookup that must not
# match every household.
CODE_PAYLOAD = "<b>' OR 1=1; --</b>"
WATCH = "window.__xss = [];"
TABLES = db.metadata.tables


def payload(field: str) -> str:
    return f"'\"><img src=x onerror=__xss.push({FIELDS.index(field)})>' OR 1=1--"


assert max(len(payload(f)) for f in FIELDS) <= 50 and len(CODE_PAYLOAD) == 19


# --- the county, every text overwritten ------------------------------------------------------------------

def push(client, items):
    answer = client.post("/api/sync/push", json={"items": items}).get_json()
    assert answer["rejected"] == 0, answer["results"]


@pytest.fixture(scope="module")
def planted(live_server):
    """Overwrites every text field that reaches a screen, then pushes a visit, a dispute, a step and a zero report
    with the payloads through the sync API as the grid worker. Returns what the screens are checked against."""
    app, _ = live_server
    town = busiest_town(app)
    with app.app_context():
        session = db.session
        worker = session.scalars(sa.select(User).join(GridUnit, GridUnit.id == User.unit_id).where(
            User.role == "grid_worker", GridUnit.code.startswith(town.code)).order_by(User.username)).first()
        cell_code = worker.unit.code
        household = session.scalars(sa.select(Household).where(Household.cell_id == worker.unit_id,
                                                               Household.location.is_not(None))
                                    .order_by(Household.code)).first().code
        for level in ("county", "town", "village", "cell"):
            session.execute(sa.update(GridUnit).where(GridUnit.level == level).values(name=payload(f"{level}.name")))
        session.execute(sa.update(Household).values(head_name=payload("household.head_name"),
                                                    address=payload("household.address")))
        session.execute(sa.update(TABLES["household_member"]).values(name=payload("member.name")))
        for role in ROLES:
            session.execute(sa.update(User).where(User.role == role).values(display_name=payload(f"{role}.display_name")))
        cadres = session.scalars(sa.select(User.id).where(User.role == "cadre")).all()
        for cadre in cadres:  # usernames are unique: the payload and the id
            session.execute(sa.update(User).where(User.id == cadre).values(username=f"{payload('cadre.username')}{cadre}"))
        session.execute(sa.update(Visit).values(notes=payload("visit.notes"), findings=payload("visit.findings")))
        session.execute(sa.update(Dispute).values(title=payload("dispute.title"), description=payload("dispute.description"),
                                                  parties=[{"name": payload("dispute.party"), "role": "party"}]))
        session.execute(sa.update(DisputeEvent).values(note=payload("dispute_event.note")))
        session.execute(sa.update(ZeroReport).values(note=payload("zero_report.note")))
        session.execute(sa.delete(ZeroReport).where(ZeroReport.cell_id == worker.unit_id))  # not filed, and free to push
        town_ids = sa.select(GridUnit.id).where(GridUnit.code.startswith(town.code))
        open_ = ("reported", "accepted", "assigned", "mediating")
        escalated = session.scalars(sa.select(Dispute.id).where(Dispute.cell_id.in_(town_ids), Dispute.state.in_(open_))
                                    .order_by(Dispute.id)).first()
        session.execute(sa.update(Dispute).where(Dispute.id == escalated).values(level="town"))
        alerts = {level: uuid.uuid4() for level in ("town", "county")}
        session.add_all(Alert(id=alert_id, key=f"injection:{alert_id}", rule="high_risk", severity="high", level=level,
                              unit_id=worker.unit_id, reason=payload("alert.reason"), reason_zh=payload("alert.reason_zh"),
                              evidence=[], state="acknowledged", acknowledged_at=clock.now(), acknowledged_by=cadres[0])
                        for level, alert_id in alerts.items())
        session.commit()
        worker_name = worker.username
        links = TABLES["cadre_link"].c
        cadre = session.scalar(sa.select(User.username).join(TABLES["cadre_link"], links.cadre_id == User.id)
                               .where(links.valid_to.is_(None)).order_by(User.id).limit(1))

    now = clock.now()
    ids = {kind: str(uuid.uuid4()) for kind in ("visit", "dispute", "dispute_event", "zero_report")}
    last_month = (clock.china_today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    push(signed_in(app, worker_name), [
        {"type": "visit", "id": ids["visit"], "data": {
            "household_code": household, "kind": "policy", "visited_at": now.isoformat(),
            "notes": payload("visit.notes"), "findings": payload("visit.findings"),
            "follow_up_on": (clock.china_today() + dt.timedelta(days=3)).isoformat()}},
        {"type": "dispute", "id": ids["dispute"], "data": {
            "household_code": household, "category": "neighbour", "risk_colour": "yellow", "reported_at": now.isoformat(),
            "title": payload("dispute.title"), "description": payload("dispute.description"),
            "parties": [{"name": payload("dispute.party")}, {"name": "李四"}]}},
        {"type": "dispute_event", "id": ids["dispute_event"], "data": {
            "dispute_id": ids["dispute"], "kind": "note", "note": payload("dispute_event.note"),
            "occurred_at": now.isoformat()}},
        {"type": "zero_report", "id": ids["zero_report"], "data": {
            "cell_code": cell_code, "period": last_month.isoformat(), "note": payload("zero_report.note"),
            "reported_at": now.isoformat()}},
    ])
    return {"town": town.code, "cell": cell_code, "worker": worker_name, "cadre": cadre, "household": household,
            "pushed": ids,
            "alerts": alerts}


def test_text_pushed_through_the_api_is_stored_verbatim(live_server, planted):
    app, _ = live_server
    ids = {kind: uuid.UUID(value) for kind, value in planted["pushed"].items()}
    with app.app_context():
        visit = db.session.get(Visit, ids["visit"])
        dispute = db.session.get(Dispute, ids["dispute"])
        assert (visit.notes, visit.findings) == (payload("visit.notes"), payload("visit.findings"))
        assert (dispute.title, dispute.description) == (payload("dispute.title"), payload("dispute.description"))
        assert [p["name"] for p in dispute.parties] == [payload("dispute.party"), "李四"]
        assert db.session.get(DisputeEvent, ids["dispute_event"]).note == payload("dispute_event.note")
        assert db.session.get(ZeroReport, ids["zero_report"]).note == payload("zero_report.note")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) > 1000  # no table was dropped


def test_sql_in_a_username_or_password_signs_nobody_in(live_server, planted):
    app, _ = live_server
    for username, password in [(planted["cadre"], "' OR '1'='1"), ("' OR '1'='1' --", DEMO_PASSWORD),
                               (payload("cadre.username"), DEMO_PASSWORD)]:
        answer = app.test_client().post("/api/auth/login", json={"username": username, "password": password})
        assert answer.status_code == 401, username
    signed_in(app, planted["cadre"])  # the username is a name like any other


# --- the browser, watching for anything a payload would do ----------------------------------------------

class Watched:
    """Pages of one browser context in which a leaked payload is noticed: window.__xss filled by an onerror, an
    <img src=x> in the document, a request for its source, a dialog or a script error."""

    def __init__(self, browser, base, viewport):
        self.context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=base,
                                           geolocation={"longitude": 108.3, "latitude": 33.3, "accuracy": 12},
                                           permissions=["geolocation"])
        self.context.add_init_script(WATCH)
        self.events = []
        self.context.on("request", lambda request: urlsplit(request.url).path.endswith("/x")
                        and self.events.append(f"request for {request.url}"))
        self.context.on("dialog", lambda dialog: (self.events.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        self.context.on("weberror", lambda error: self.events.append(f"script error: {error.error}"))

    def sign_in(self, path, username):
        return sign_in(self.context, path, username)

    def assert_clean(self, page, where):
        page.wait_for_timeout(200)  # an image whose source failed has run its onerror by now
        leaked = [FIELDS[n] for n in page.evaluate("window.__xss")]
        images = page.evaluate("[...document.querySelectorAll('img')].filter(i => i.getAttribute('src') === 'x').length")
        assert (leaked, images, self.events) == ([], 0, []), f"{where}: payloads obeyed"


@pytest.fixture
def watched(browser, live_server):
    contexts = []

    def open_context(viewport):
        contexts.append(Watched(browser, live_server[1], viewport))
        return contexts[-1]

    yield open_context
    for watch in contexts:
        watch.context.close()


def texts(page, selector):
    return page.eval_on_selector_all(selector, "es => es.map(e => e.textContent.trim())")


def all_equal(page, selector, field):
    shown = texts(page, selector)
    assert shown and set(shown) == {payload(field)}, (selector, shown)


def shown_in(page, selector, *fields):
    text = page.text_content(selector)
    for field in fields:
        assert payload(field) in text, (selector, field, text)


def tooltip_of(page, path_selector):
    page.dispatch_event(path_selector, "mouseover")
    return page.wait_for_selector(".leaflet-tooltip").text_content()


# --- the phone app --------------------------------------------------------------------------------------

def test_phone_app_shows_every_text_as_text(live_server, planted, watched):
    watch = watched(PHONE)
    page = watch.sign_in("/app/", planted["worker"])
    page.wait_for_selector("#households li")
    all_equal(page, "#households li strong", "household.head_name")
    all_equal(page, "#households li .muted", "household.address")
    assert set(page.eval_on_selector_all("#households li", "ls => ls.map(l => l.dataset.text)")) == {
        payload("household.head_name") + payload("household.address")}  # an attribute round trip
    watch.assert_clean(page, "households")

    page.goto(f"/app/#/household/{planted['household']}")
    page.wait_for_selector("#visits li .muted")
    shown_in(page, "#details", "household.head_name", "household.address")
    shown_in(page, "#members", "household.head_name", "member.name")
    all_equal(page, "#visits li .muted", "visit.notes")
    screenshot(page, "injection-household")
    watch.assert_clean(page, "household")

    page.goto(f"/app/#/household-edit/{planted['household']}")  # the correction form holds the text as values
    assert page.wait_for_selector("form#edit-household input[name=head_name]").input_value() == payload("household.head_name")
    assert page.input_value("form#edit-household input[name=address]") == payload("household.address")
    watch.assert_clean(page, "household correction")

    page.goto("/app/#/tasks")
    page.wait_for_selector("text=待跟进")
    shown_in(page, "#app", "visit.findings", "dispute.title")
    watch.assert_clean(page, "tasks")

    page.goto("/app/#/map")
    page.dispatch_event('#map path.leaflet-interactive[stroke="#fff"] >> nth=0', "click")
    page.wait_for_selector(".leaflet-popup-content")
    shown_in(page, ".leaflet-popup-content", "household.head_name", "household.address")
    watch.assert_clean(page, "map popup")

    page.evaluate("""async (code) => {  // an item the server rejects, its reason naming the code
        const outbox = await import('/app/js/outbox.js');
        await outbox.add('visit', { household_code: code, kind: 'policy', notes: '', findings: '',
                                    visited_at: new Date().toISOString() });
        await outbox.sync(); }""", CODE_PAYLOAD)
    page.goto("/app/#/sync")
    # no such household among the worker's: it may yet arrive, so the item waits to be sent again, with the reason
    waiting = page.wait_for_selector("#waiting-list li:has-text('走访'):has(.retrying)").text_content()
    assert waiting.count(CODE_PAYLOAD) == 2  # the code naming the item, and the reason in the user's language
    assert page.query_selector("#app b") is None
    watch.assert_clean(page, "sync")


def test_a_cadre_with_such_a_username_signs_in_and_sees_their_households_as_text(live_server, planted, watched):
    watch = watched(PHONE)
    page = watch.sign_in("/app/", planted["cadre"])
    page.wait_for_selector("#households li")
    all_equal(page, "#households li strong", "household.head_name")
    watch.assert_clean(page, "a cadre's households")


# --- the desktop views ----------------------------------------------------------------------------------

def test_town_view_shows_every_text_as_text(live_server, planted, watched):
    app, _ = live_server
    watch = watched(DESKTOP)
    page = watch.sign_in("/views/town", secretary_of(app, planted["town"]))
    cell = f"#town-map path.unit-{planted['cell']}"
    page.wait_for_selector(cell)
    assert page.text_content("#town-name") == payload("town.name")
    shown_in(page, "#who", "town_secretary.display_name", "town.name")
    assert tooltip_of(page, cell) == payload("cell.name")

    page.wait_for_selector("#overdue .count:has-text('（')")
    for section in ("#overdue", "#escalated"):
        all_equal(page, f"{section} .dispute-title", "dispute.title")
    all_equal(page, "#not-filed button", "cell.name")
    page.dispatch_event(cell, "click")
    page.wait_for_selector("#cell-disputes:not(:has-text('加载中'))")
    assert page.text_content("#cell-panel h2").startswith(payload("cell.name"))
    all_equal(page, "#cell-workers", "grid_worker.display_name")
    all_equal(page, "#cell-disputes .dispute-title", "dispute.title")

    alert = f"#alerts li[data-id='{planted['alerts']['town']}']"
    page.wait_for_selector(alert)
    shown_in(page, alert, "cell.name", "alert.reason_zh", "cadre.username")
    page.evaluate("scrollTo(0, 0)")
    screenshot(page, "injection-town-view")
    watch.assert_clean(page, "town view")
    page.click("#language")
    page.wait_for_selector(f"{alert}:has-text('High')")
    shown_in(page, alert, "alert.reason")
    watch.assert_clean(page, "town view in English")
    page.click("#language")


def test_county_view_shows_every_text_as_text(live_server, planted, watched):
    watch = watched(DESKTOP)
    page = watch.sign_in("/views/town", "county01")  # county staff pick the town
    page.wait_for_selector("#town-map path.unit")
    all_equal(page, "#town option", "town.name")
    watch.assert_clean(page, "town picker")

    page.goto("/views/county")
    page.wait_for_selector("#drill-map[data-level=town]")
    shown_in(page, "#who", "county_staff.display_name", "county.name")
    all_equal(page, "#breadcrumb button", "county.name")
    all_equal(page, "#figures tbody td[data-key=name]", "town.name")
    shown_in(page, "#figures tfoot td[data-key=name]", "county.name")
    shown_in(page, "#trend-title", "county.name")
    assert tooltip_of(page, f"#drill-map path.unit-{planted['town']}").startswith(payload("town.name"))

    page.wait_for_selector("#cadre-count:has-text('（')")
    all_equal(page, "#cadres tbody td[data-key=display_name]", "cadre.display_name")
    all_equal(page, "#cadres tbody td[data-key=unit_name]", "village.name")
    keys = page.eval_on_selector_all("#cadres tbody tr", "trs => trs.map(tr => tr.dataset.key)")
    assert all(key.startswith(payload("cadre.username")) for key in keys)  # the username, whole, in an attribute
    shown_in(page, f"#alerts li[data-id='{planted['alerts']['county']}']", "cell.name", "alert.reason_zh")
    watch.assert_clean(page, "county view")

    page.dispatch_event(f"#drill-map path.unit-{planted['town']}", "click")
    page.wait_for_selector("#drill-map[data-level=village]")
    page.wait_for_selector(f"#charts[data-ready='{planted['town']}']", timeout=60_000)
    assert texts(page, "#breadcrumb button") == [payload("county.name"), payload("town.name")]
    all_equal(page, "#figures tbody td[data-key=name]", "village.name")
    shown_in(page, "#trend-title", "town.name")
    screenshot(page, "injection-county-view")
    watch.assert_clean(page, "county view, a town")

"""Every screen at phone size: Chinese by default, English on request, touch targets of 44 px."""
from tests.browser.conftest import screenshot
from tests.browser.test_offline_roundtrip import first_worker


def signed_in_page(phone, live_server):
    app, _ = live_server
    username, _ = first_worker(app)
    page = phone.new_page()
    page.goto("/app/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "wangge2026")
    page.click("button[type=submit]")
    page.wait_for_selector("#households li")
    return page


def test_map_tasks_and_household_screens(live_server, phone):
    page = signed_in_page(phone, live_server)
    page.goto("/app/#/map")
    page.wait_for_selector("#map .leaflet-interactive")  # the cell boundary and household dots, with no tiles
    dots = page.locator("#map path.leaflet-interactive").count()
    assert dots > 10
    assert page.locator('#map path[stroke="#0b5cad"]').count() == 1  # the cell's boundary
    screenshot(page, "07-map")
    page.goto("/app/#/tasks")
    page.wait_for_selector("text=待跟进")
    screenshot(page, "08-tasks")
    page.goto("/app/#/households")
    page.wait_for_selector("#households li")
    page.click("#households li a")
    page.wait_for_selector("#visits li")
    screenshot(page, "09-household-detail")


def test_english_switch_and_touch_targets(live_server, phone):
    page = signed_in_page(phone, live_server)
    page.goto("/app/#/me")
    page.click("#language")
    page.goto("/app/#/households")
    page.wait_for_selector("text=My households")
    screenshot(page, "10-households-english")
    for screen in ("households", "tasks", "sync", "me", "report", "report-dispute"):
        page.goto(f"/app/#/{screen}")
        page.wait_for_selector("#app > *")
        small = page.evaluate("""() => [...document.querySelectorAll('a, button, input, select, textarea, summary')]
            .filter(e => e.offsetParent !== null && !e.closest('.leaflet-control-container, .leaflet-pane'))
            .map(e => [e.id || e.name || e.textContent.trim().slice(0, 20),
                        (e.type === 'radio' ? e.closest('label') : e).getBoundingClientRect().height])  // a radio's label is its target
            .filter(([, h]) => h < 44)""")
        assert small == [], screen
    page.goto("/app/#/me")
    page.click("#language")  # back to Chinese for the other tests

"""Every page runs under the content security policy (issue 22 point 8): the desk's pages as the roles that use them,
the phone app through its sign-in and first sync, and the API's page, with no script, style, image or request the
policy refuses (each refusal is recorded from the page's securitypolicyviolation events). These contexts do not bypass
the policy as the rest of the suite's do, so they wait by selectors only (Playwright's wait_for_function uses eval)."""
import pytest

from tests.browser.phone import open_app
from tests.browser.phone import sign_in as phone_sign_in
from tests.browser.test_offline_roundtrip import first_worker
from tests.browser.test_views import DESKTOP, secretary_of, sign_in

RECORD = """window.wanggeRefused = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.wanggeRefused.push(`${e.violatedDirective} ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`));"""
DESK = [("/views/county", "county01"), ("/views/desk", "county01"), ("/views/petitions", "county01"),
        ("/views/register", "county01"), ("/views/activity", "county01"), ("/views/messages", "county01"),
        ("/views/admin", "admin"), ("/views/admin-grid", "admin"), ("/views/town", None)]


@pytest.fixture
def under_policy(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=live_server[1], bypass_csp=False)
    context.add_init_script(RECORD)
    yield context
    context.close()


def refused(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.wanggeRefused")


@pytest.mark.parametrize("path, username", DESK)
def test_the_desks_pages_draw_under_the_policy(live_server, under_policy, path, username):
    app, _ = live_server
    page = sign_in(under_policy, path, username or secretary_of(app, "610923100"))
    page.wait_for_selector("#view > :not(form.login)", state="attached")  # signed in, and the page drawing
    assert refused(page) == []


def test_the_phone_app_signs_in_and_syncs_under_the_policy(live_server, under_policy):
    app, _ = live_server
    page = open_app(under_policy)
    phone_sign_in(page, first_worker(app)[0])
    page.wait_for_selector("#households li")
    assert refused(page) == []


def test_the_api_page_draws_under_the_policy(under_policy):
    page = under_policy.new_page()
    page.goto("/api/docs")
    page.wait_for_selector("#api .op")
    assert refused(page) == []

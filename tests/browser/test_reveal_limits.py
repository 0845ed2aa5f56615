"""The reveal limits on the desk (issue 22 point 6): county staff past the limit are told beside the number, in Chinese,
the limit and when to try again, and the number stays masked; a village head's bulk reveals are in the county's
early-warning inbox, with the user and the count."""
import sqlalchemy as sa

from server.extensions import db
from server.models import Alert, AuditLog, GridUnit, Household, User
from server.reveals import BULK_ALERT_AT, PER_MINUTE
from tests.browser.conftest import screenshot
from tests.browser.test_views import desktop, sign_in  # noqa: F401 (the fixture and helper of the desk views)
from tests.conftest import signed_in


def village_head_and_households(app) -> tuple[User, list[str]]:
    with app.app_context():
        head = db.session.scalars(sa.select(User).where(User.role == "village_head").order_by(User.id)).first()
        codes = db.session.scalars(
            sa.select(Household.code).join(GridUnit, GridUnit.id == Household.cell_id)
            .where(GridUnit.code.startswith(head.unit.code), Household.head_id_number.is_not(None))
            .order_by(Household.code)).all()
        db.session.expunge(head)
        return head, codes


def reveal(client, code):
    return client.post(f"/api/households/{code}/reveal", json={"field": "head_id_number", "reason": "核实身份"})


def test_past_the_limit_county_staff_are_told_why_and_the_county_sees_bulk_reveals(live_server, desktop, clock):  # noqa: F811
    app, _ = live_server
    head, codes = village_head_and_households(app)
    script = signed_in(app, head.username)
    for code in codes[:BULK_ALERT_AT]:
        reveal(script, code)
    staff = signed_in(app, "county01")
    petition = staff.post("/api/petitions", json={
        "channel": "walk_in", "petitioner_name": "赵秀英", "petitioner_mobile": "13912345678",
        "household_code": codes[0], "category": "neighbour", "risk_colour": "blue", "title": "来访反映邻里纠纷"}).get_json()
    for code in codes[:PER_MINUTE]:  # county staff have shown their minute's numbers already
        assert reveal(staff, code).status_code == 200

    page = sign_in(desktop, "/views/county", "county01")
    with app.app_context():
        alert = db.session.scalar(sa.select(Alert).where(Alert.rule == "bulk_reveal"))
    item = page.wait_for_selector(f"#alerts li[data-id='{alert.id}']")
    text = item.text_content()
    assert "批量查看号码" in text and head.display_name in text and f"请求查看完整号码 {BULK_ALERT_AT} 次" in text
    screenshot(page, "county-alert-bulk-reveal")

    page.goto(f"/views/desk#dispute/{petition['id']}")
    page.wait_for_selector("button[data-reveal=petitioner_mobile]")
    page.once("dialog", lambda dialog: dialog.accept("电话回访"))
    page.click("button[data-reveal=petitioner_mobile]")
    said = page.wait_for_selector(".reveal-said[role=alert]")
    assert said.text_content().strip() == f"每分钟最多查看 {PER_MINUTE} 个完整号码，请 1 分钟后再试"
    assert page.text_content("#petitioner_mobile") == "139****5678"  # nothing shown
    assert page.is_visible("button[data-reveal=petitioner_mobile]")  # to ask again once the wait is over
    screenshot(page, "desk-reveal-refused")
    with app.app_context():
        refused = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "reveal_refused",
                                                              AuditLog.entity_id == petition["id"]))
        assert refused.username == "county01" and refused.after["limit"] == "minute"

    clock.advance(seconds=60)  # the minute over, the same button shows the number
    page.once("dialog", lambda dialog: dialog.accept("电话回访"))
    page.click("button[data-reveal=petitioner_mobile]")
    page.wait_for_function("document.querySelector('#petitioner_mobile').textContent === '13912345678'")
    assert page.query_selector(".reveal-said") is None

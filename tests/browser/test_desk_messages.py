"""The desk's message centre 消息 (issue 20): a grid worker reports a red dispute from the phone; the village head's
desk shows the unread count in the navigation, the message in the centre (naming the place and the colour, not the
people), and opening it marks it read and shows the dispute; after a reload the count is gone and the message read,
as the database holds it. 全部标为已读 marks the rest."""
import datetime as dt
import uuid

import sqlalchemy as sa

from server.extensions import db
from server.models import GridUnit, Notification, User
from tests.browser.conftest import screenshot
from tests.browser.phone import worker
from tests.browser.test_desk import sign_in_at_home
from tests.browser.test_views import DESKTOP
from tests.conftest import signed_in


def test_a_village_head_hears_of_a_red_dispute_and_opens_it_from_the_message(live_server, browser):
    app, base = live_server
    reporter = worker(app, 9)
    with app.app_context():
        cell = db.session.get(GridUnit, reporter.unit_id)
        head = db.session.scalar(sa.select(User.username).join(GridUnit, GridUnit.id == User.unit_id)
                                 .where(User.role == "village_head", GridUnit.code == cell.code[:12]))
        cell_code, cell_name = cell.code, cell.name
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).join(User)
                                   .where(User.username == head, Notification.read_at.is_(None)))
    dispute_id = str(uuid.uuid4())
    answer = signed_in(app, reporter.username).post("/api/sync/push", json={"items": [{
        "type": "dispute", "id": dispute_id, "data": {
            "cell_code": cell_code, "category": "land_rights", "risk_colour": "red", "title": "王五与赵六承包地边界纠纷",
            "reported_at": dt.datetime.now(dt.timezone.utc).isoformat()}}]})
    assert answer.get_json()["accepted"] == 1

    context, page = sign_in_at_home(browser, base, head, viewport=DESKTOP)
    page.wait_for_function("n => document.querySelector('#nav-unread')?.textContent === String(n)", arg=before + 1)
    page.click("#views-nav a[data-page='/views/messages']")
    page.wait_for_selector("#message-centre[data-loaded]")
    first = page.locator("#mc-list li").first
    assert "unread" in first.get_attribute("class") and "urgent" in first.get_attribute("class")
    assert f"{cell_name}有一件红色矛盾纠纷到村级，待受理" in first.inner_text()
    assert "王五" not in page.inner_text("#mc-list")
    assert page.inner_text("#mc-unread") == f"未读 {before + 1} 条"
    screenshot(page, "desk-messages")
    first.locator("a").click()
    page.wait_for_selector("#dispute-title:has-text('王五与赵六承包地边界纠纷')")
    assert page.url.endswith(f"/views/desk#dispute/{dispute_id}")
    page.wait_for_function("n => document.querySelector('#nav-unread')?.textContent === (n ? String(n) : '')",
                           arg=before)
    with app.app_context():
        assert db.session.scalar(sa.select(Notification.read_at).where(
            Notification.event_key == f"arrived:{dispute_id}:village")) is not None

    page.goto("/views/messages")
    page.wait_for_selector("#message-centre[data-loaded]")
    read = page.locator("#mc-list li", has_text=cell_name).first
    assert "read" in read.get_attribute("class").split()
    if before:
        page.click("#mc-read-all")
        page.wait_for_function("() => document.querySelector('#mc-unread').textContent === '未读 0 条'")
    page.reload()
    page.wait_for_selector("#message-centre[data-loaded]")
    assert page.inner_text("#mc-unread") == "未读 0 条" and page.locator("#mc-list li.unread").count() == 0
    page.wait_for_selector("#nav-unread[data-loaded]", state="attached")  # counted (empty before the answer too)
    assert page.inner_text("#nav-unread") == ""
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).join(User)
                                 .where(User.username == head, Notification.read_at.is_(None))) == 0
    context.close()


def test_a_town_secretary_chooses_which_messages_come_by_sms_and_the_digest(live_server, browser):
    """Within what the county sends by SMS (the default setting: not follow-ups nor moves), kept after a reload and
    as the database holds it; the phone's 我的 offers the same to a grid worker."""
    app, base = live_server
    with app.app_context():
        secretary = db.session.scalar(sa.select(User.username).where(User.role == "town_secretary").order_by(User.id))
    context, page = sign_in_at_home(browser, base, secretary, viewport=DESKTOP)
    page.goto("/views/messages")
    page.wait_for_selector("#message-settings")
    offered = page.eval_on_selector_all("#message-settings input[name=sms]", "boxes => boxes.map(b => b.value)")
    assert "supervised" in offered and "move_awaiting" not in offered and "follow_up_due" not in offered
    assert all(page.is_checked(f"#message-settings input[value={kind}]") for kind in offered)  # all, until chosen
    page.uncheck("#message-settings input[value=supervised]")
    page.check("#message-settings input[name=digest]")
    page.click("#message-settings button[type=submit]")
    page.wait_for_selector("#ms-said.ok:has-text('已保存')")
    page.reload()
    page.wait_for_selector("#message-settings")
    assert not page.is_checked("#message-settings input[value=supervised]")
    assert page.is_checked("#message-settings input[value=dispute_arrived]")
    assert page.is_checked("#message-settings input[name=digest]")
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == secretary))
        assert user.notify_digest is True and user.notify_channels["supervised"] == []
        assert user.notify_channels["dispute_arrived"] == ["sms"]
    context.close()

    from tests.browser.phone import phone_of
    phone, screen = phone_of(browser, base, worker(app, 10).username)
    screen.goto("/app/#/me")
    screen.wait_for_selector("#message-settings")
    assert screen.eval_on_selector_all("#message-settings input[name=sms]", "boxes => boxes.map(b => b.value)") == [
        "report_due"]  # of what a worker is told, the county sends only the report's reminder by SMS
    phone.close()

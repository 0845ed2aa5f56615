"""The phone's message centre 消息 (issue 20): a household is moved into a worker's cell; the worker's phone shows the
unread count after a pull, still offline after a reload, lists the message, and opening it marks it read at once and
goes to the move under 任务; the next sync tells the server, which then holds it read, and a reload keeps it so."""
import sqlalchemy as sa

from server.extensions import db
from server.models import Household, Notification, User
from tests.browser.conftest import screenshot
from tests.browser.phone import households_of_cell, next_cell, phone_of, sync_now, worker
from tests.conftest import signed_in


def unread_badge(page) -> str:
    page.wait_for_selector("#nav-messages")
    return page.inner_text("#unread-count")


def test_a_move_into_my_cell_is_a_message_that_stays_offline_and_is_read_once(live_server, browser):
    app, base = live_server
    sender = worker(app, 6)
    to_cell = next_cell(app, sender.unit_id)
    to_code, to_id, to_name = to_cell.code, to_cell.id, to_cell.name
    with app.app_context():
        receiver = db.session.scalar(sa.select(User.username).where(User.unit_id == to_id, User.role == "grid_worker"))
    moving = households_of_cell(app, sender.unit_id)[2]
    with app.app_context():
        version = db.session.scalar(sa.select(Household.version).where(Household.id == moving.id))
    answer = signed_in(app, sender.username).post(f"/api/households/{moving.code}/move", json={
        "to_cell_code": to_code, "version": version, "reason": "投靠子女"})
    assert answer.status_code == 201, answer.get_json()

    phone, page = phone_of(browser, base, receiver)
    assert unread_badge(page) == "1"
    phone.set_offline(True)
    page.reload()  # offline: the count and the list come from the last pull
    assert unread_badge(page) == "1"
    page.click("#nav-messages")
    item = page.wait_for_selector("#messages li.unread")
    assert "有一户迁入" in item.inner_text() and to_name in item.inner_text() and "待您接收" in item.inner_text()
    assert moving.head_name not in item.inner_text()  # a message names no one
    screenshot(page, "phone-messages")
    item.query_selector("a").click()
    page.wait_for_selector("#moves-in")
    assert page.url.endswith("#/tasks") and moving.head_name in page.inner_text("#moves-in")
    assert unread_badge(page) == ""  # read at once, offline
    with app.app_context():
        assert db.session.scalar(sa.select(Notification.read_at).join(User, User.id == Notification.user_id)
                                 .where(User.username == receiver, Notification.kind == "move_awaiting")) is None

    phone.set_offline(False)
    assert sync_now(page) == "已同步到服务器"
    with app.app_context():
        assert db.session.scalar(sa.select(Notification.read_at).join(User, User.id == Notification.user_id)
                                 .where(User.username == receiver, Notification.kind == "move_awaiting")) is not None
    page.reload()
    assert unread_badge(page) == ""
    page.click("#nav-messages")
    assert page.wait_for_selector("#messages li.read") and page.locator("#messages li.unread").count() == 0
    phone.close()

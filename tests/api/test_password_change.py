"""The forced password change (server/auth/passwords.py): after the administrator creates a user or resets a password,
and outside the demo for the demo's shared password, a session may only read who it is, sign out and change the
password until it has; the new password's rules."""
import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import GridUnit, User
from tests.conftest import DEMO_PASSWORD, signed_in

TEMPORARY = "temp-pass-2026"
NEW = "my-own-secret-9"


def login(app, username, password):
    client = app.test_client()
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    client.environ_base["HTTP_X_CSRF_TOKEN"] = response.get_json()["csrf_token"]
    return client, response.get_json()


def reset(app, username, password=TEMPORARY):
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.username == username))
    response = signed_in(app, "admin").patch(f"/api/admin/users/{user_id}", json={"password": password})
    assert response.status_code == 200, response.get_json()


def flag(app, username) -> bool:
    with app.app_context():
        return db.session.scalar(sa.select(User.must_change_password).where(User.username == username))


def assert_refused_until_changed(response):
    body = response.get_json()
    assert response.status_code == 403 and body["reason"] == "password_change_required"
    assert body["message"] and body["message_zh"] == "请先修改密码后再继续使用"


def test_a_reset_password_must_be_changed_before_anything_else(small_app):
    reset(small_app, "t100")
    assert flag(small_app, "t100")
    client, answer = login(small_app, "t100", TEMPORARY)
    assert answer["user"]["must_change_password"] is True
    assert_refused_until_changed(client.get("/api/grid/tree"))
    assert_refused_until_changed(client.get("/api/disputes/inbox"))
    assert_refused_until_changed(client.post("/api/sync/push", json={"items": []}))
    me = client.get("/api/auth/me")
    assert me.status_code == 200 and me.get_json()["user"]["must_change_password"] is True
    # signing in again does not clear it
    client, answer = login(small_app, "t100", TEMPORARY)
    assert answer["user"]["must_change_password"] is True

    changed = client.post("/api/auth/password", json={"current_password": TEMPORARY, "new_password": NEW})
    assert changed.status_code == 204
    assert client.get("/api/grid/tree").status_code == 200
    assert client.get("/api/auth/me").get_json()["user"]["must_change_password"] is False
    assert not flag(small_app, "t100")
    _, answer = login(small_app, "t100", NEW)
    assert answer["user"]["must_change_password"] is False and answer["home"] == "/views/desk"


def test_a_created_user_must_change_the_password_the_administrator_chose(small_app):
    with small_app.app_context():
        village = db.session.scalar(sa.select(User.unit_id).where(User.role == "village_head").order_by(User.id))
        code = db.session.get(GridUnit, village).code
    created = signed_in(small_app, "admin").post("/api/admin/users", json={
        "username": "newhead", "password": TEMPORARY, "display_name": "王新", "role": "village_head",
        "unit_code": code})
    assert created.status_code == 201, created.get_json()
    client, answer = login(small_app, "newhead", TEMPORARY)
    assert answer["user"]["must_change_password"] is True
    assert_refused_until_changed(client.get("/api/households"))
    assert client.post("/api/auth/logout").status_code == 204


def test_the_administrator_too_is_held_until_the_change(small_app):
    reset(small_app, "admin")
    client, _ = login(small_app, "admin", TEMPORARY)
    assert_refused_until_changed(client.get("/api/admin/users"))
    assert_refused_until_changed(client.get("/api/settings"))


@pytest.mark.parametrize("new, why", [
    ("short1", "at least 8"),
    (TEMPORARY, "different from the old one"),
    ("t100", "at least 8"),
    (DEMO_PASSWORD, "demo's shared password"),
])
def test_new_password_rules_outside_the_demo(small_app, monkeypatch, new, why):
    reset(small_app, "t100")  # by the administrator, still signing in with the demo's password
    monkeypatch.setitem(small_app.config, "DEMO", False)
    client, _ = login(small_app, "t100", TEMPORARY)
    response = client.post("/api/auth/password", json={"current_password": TEMPORARY, "new_password": new})
    body = response.get_json()
    assert response.status_code == 422 and why in str(body["errors"]["json"]["new_password"]), body
    assert flag(small_app, "t100")


def test_the_username_is_not_a_password(small_app):
    with small_app.app_context():
        long_name = db.session.scalar(sa.select(User.username).where(User.role == "grid_worker").order_by(User.id))
    reset(small_app, long_name)
    client, _ = login(small_app, long_name, TEMPORARY)
    response = client.post("/api/auth/password", json={"current_password": TEMPORARY, "new_password": long_name})
    assert response.status_code == 422 and "username" in str(response.get_json()["errors"]["json"]["new_password"])


def test_the_wrong_current_password_changes_nothing(small_app):
    reset(small_app, "t100")
    client, _ = login(small_app, "t100", TEMPORARY)
    response = client.post("/api/auth/password", json={"current_password": "not-the-one", "new_password": NEW})
    assert response.status_code == 403 and response.get_json()["message_zh"] == "当前密码错误"
    assert flag(small_app, "t100")


def test_outside_the_demo_its_shared_password_must_be_changed_at_sign_in(small_app, monkeypatch):
    monkeypatch.setitem(small_app.config, "DEMO", False)
    with small_app.app_context():
        worker = db.session.scalar(sa.select(User.username).where(User.role == "grid_worker").order_by(User.id))
    assert not flag(small_app, worker)
    client, answer = login(small_app, worker, DEMO_PASSWORD)
    assert answer["user"]["must_change_password"] is True and flag(small_app, worker)
    assert_refused_until_changed(client.get("/api/sync/pull"))
    assert client.post("/api/auth/password", json={"current_password": DEMO_PASSWORD,
                                                    "new_password": NEW}).status_code == 204
    assert client.get("/api/sync/pull").status_code == 200
    _, answer = login(small_app, worker, NEW)
    assert answer["user"]["must_change_password"] is False


def test_in_the_demo_its_shared_password_may_stay(small_app):
    assert small_app.config["DEMO"] is True
    client, answer = login(small_app, "t100", DEMO_PASSWORD)
    assert answer["user"]["must_change_password"] is False and not flag(small_app, "t100")
    assert client.get("/api/grid/tree").status_code == 200

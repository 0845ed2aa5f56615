"""The server killed (SIGKILL) in the middle of batch syncs, and connections dropped mid-request: after a
restart and a re-send, every item exists exactly once. The app runs under gunicorn in its own process
group, on the back end of the run."""
import http.client
import json
import socket
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import SyncItem, User, Visit
from tests.conftest import DEMO_PASSWORD, lately, small_county_app
from tools.gunicorn_server import Server


@pytest.fixture
def county(db_server):
    app = small_county_app(db_server)
    server = Server(app.config["SQLALCHEMY_DATABASE_URI"]).start()
    yield app, server
    if server.process.poll() is None:
        server.kill()


def sign_in(server, app):
    with app.app_context():
        worker = db.session.scalars(sa.select(User).where(User.role == "grid_worker").order_by(User.id)).first()
        codes = db.session.scalars(sa.text("SELECT code FROM household WHERE cell_id = :c"), {"c": worker.unit_id}).all()
    status, body, cookie = server.request("POST", "/api/auth/login",
                                          {"username": worker.username, "password": DEMO_PASSWORD})
    assert status == 200
    headers = {"Cookie": cookie.split(";")[0], "X-CSRF-Token": json.loads(body)["csrf_token"]}
    return headers, codes


def batch(codes, size=500):
    return [{"type": "visit", "id": str(uuid.uuid4()), "data": {
        "household_code": codes[i % len(codes)], "kind": "policy", "notes": "入户走访，了解生产生活情况",
        "visited_at": lately()}} for i in range(size)]


def stored(app, items) -> tuple[int, int]:
    ids = [uuid.UUID(i["id"]) for i in items]
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(Visit.id.in_(ids))),
                db.session.scalar(sa.select(sa.func.count()).select_from(SyncItem).where(SyncItem.id.in_(ids))))


@pytest.mark.parametrize("kill_after", [0.02, 0.05, 0.08, 0.12, 1.5])
def test_killed_mid_sync_then_resent_every_item_exists_once(county, kill_after):
    """Killed before the batch arrived, while it was checked, around the commit, or after the reply: the
    phone sends the same batch again after the restart, and every item is there exactly once."""
    app, server = county
    headers, codes = sign_in(server, app)
    items = batch(codes)
    thread = threading.Thread(target=lambda: _ignore_errors(server.request, "POST", "/api/sync/push",
                                                            {"items": items}, headers))
    thread.start()
    time.sleep(kill_after)
    server.kill()
    thread.join()
    assert stored(app, items) in ((0, 0), (500, 500))  # all or nothing, never part of a batch
    server.start()
    status, body, _ = server.request("POST", "/api/sync/push", {"items": items}, headers)  # the cookie survives
    answers = json.loads(body)
    assert status == 200 and answers["rejected"] == 0, answers
    assert {r["status"] for r in answers["results"]} == {"accepted"}
    assert stored(app, items) == (500, 500)


def test_a_connection_dropped_mid_upload_stores_nothing(county):
    app, server = county
    headers, codes = sign_in(server, app)
    items = batch(codes)
    body = json.dumps({"items": items}).encode()
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        head = "".join(f"{k}: {v}\r\n" for k, v in {**headers, "Host": "127.0.0.1", "Content-Type": "application/json",
                                                    "Content-Length": len(body)}.items())
        s.sendall(f"POST /api/sync/push HTTP/1.1\r\n{head}\r\n".encode() + body[: len(body) // 2])
    time.sleep(0.5)
    assert stored(app, items) == (0, 0)
    status, answer, _ = server.request("POST", "/api/sync/push", {"items": items}, headers)
    assert status == 200 and json.loads(answer)["accepted"] == 500 and stored(app, items) == (500, 500)


def _ignore_errors(call, *args):
    try:
        call(*args)
    except (OSError, http.client.HTTPException):
        pass  # the server died under the request: the phone keeps the batch in its outbox

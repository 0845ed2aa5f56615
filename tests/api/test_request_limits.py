"""Request bodies within limits (issue 22 point 5): every endpoint takes at most what it needs (a JSON body 1 MB, the
push and the uploads more), refused before the body is read with a JSON 413 that names the limit in both languages,
whether the body declared its length or came without it. The push's batch limit is named in its answer."""
import io
import json
import re
import uuid

import pytest
import sqlalchemy as sa

from server import limits
from server.extensions import db
from server.models import User, Visit
from tests.conftest import signed_in

MB = limits.MB


@pytest.fixture(scope="module")
def app(db_server):
    from tests.conftest import small_county_app
    return small_county_app(db_server)


def names_the_limit(response, size: str):
    assert response.status_code == 413, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    for message in (body["message"], body["message_zh"]):
        assert "max_body_bytes" in message and size in message
    assert "上限" in body["message_zh"]
    return body


def test_a_sign_in_larger_than_a_json_body_may_be_is_413_naming_the_limit(app):
    body = json.dumps({"username": "admin", "password": "x" * (MB + 10)})
    response = app.test_client().post("/api/auth/login", data=body, content_type="application/json")
    assert names_the_limit(response, "1 MB")["limits"] == {"max_body_bytes": limits.MAX_JSON_BYTES}


def test_a_body_sent_without_its_length_is_cut_off_at_the_limit(app):
    """A chunked body (no Content-Length; gunicorn marks the stream as ending) is refused once it passes the limit."""
    client = signed_in(app, "county01")
    body = json.dumps({"near_limit_share": 0.5, "pad": "x" * (2 * MB)}).encode()
    response = client.patch("/api/settings", input_stream=io.BytesIO(body), content_type="application/json",
                            environ_overrides={"wsgi.input_terminated": True})
    names_the_limit(response, "1 MB")


def json_writes(app) -> list[tuple[str, str]]:
    """Every API route that takes a JSON body as the OpenAPI document says (not an upload nor the push), its path
    parameters filled in."""
    spec = app.test_client().get("/api/openapi.json").get_json()
    with_body = {(method.upper(), path) for path, operations in spec["paths"].items()
                 for method, operation in operations.items() if "requestBody" in operation}
    routes = []
    for rule in app.url_map.iter_rules():
        if limits.body_limit(rule.endpoint) > limits.MAX_JSON_BYTES:
            continue
        documented = re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule.rule)
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", "x")
            path = path.replace(f"<uuid:{argument}>", "00000000-0000-0000-0000-000000000000")
            path = path.replace(f"<int:{argument}>", "1").replace(f"<int(max=2147483647):{argument}>", "1")
        routes += [(method, path) for method in sorted(rule.methods) if (method, documented) in with_body]
    return routes


def test_every_json_endpoint_refuses_a_body_over_the_limit(app):
    """Each as the roles that may call it (413), and the others (403: their bodies are never read)."""
    too_big = json.dumps(["x" * 1000] * (MB // 1000 + 10))
    answers = {}
    for username in ("admin", "county01", "t100", "v100201", "w100201001"):
        client = signed_in(app, username)
        for method, path in json_writes(app):
            answers.setdefault((method, path), set()).add(
                client.open(path, method=method, data=too_big, content_type="application/json").status_code)
    assert len(answers) > 20 and {route: said for route, said in answers.items() if said - {403} != {413}} == {}


def test_an_upload_over_its_limit_is_413_naming_it(app, monkeypatch):
    monkeypatch.setattr(limits, "MAX_BOUNDARY_FILE_BYTES", 10_000)
    response = signed_in(app, "admin").post(
        "/api/admin/grid/import", content_type="multipart/form-data",
        data={"file": (io.BytesIO(b" " * 20_000), "villages.geojson"), "level": "village"})
    names_the_limit(response, "10,000 bytes")


def test_a_push_of_the_largest_items_is_within_its_limit():
    """500 disputes at their longest (4,000 characters of description, 100 parties), in 4-byte characters."""
    wide = "\U00020000"
    dispute = {"type": "dispute", "id": str(uuid.uuid4()), "data": {
        "cell_code": "610923100201001", "category": "neighbour", "risk_colour": "red", "title": wide * 200,
        "description": wide * 4000, "parties": [{"name": wide * 50, "role": wide * 20}] * 100,
        "reported_at": "2026-11-01T08:00:00+08:00", "location": {"lon": 108.3, "lat": 33.3},
        "attachments": [str(uuid.uuid4())] * 10}}
    body = json.dumps({"items": [dispute] * limits.MAX_PUSH_ITEMS}, ensure_ascii=False).encode()
    assert len(body) < limits.MAX_PUSH_BYTES


def test_a_push_of_more_items_than_the_limit_is_413_naming_it_and_stores_nothing(app):
    with app.app_context():
        worker = db.session.scalars(sa.select(User).where(User.role == "grid_worker").order_by(User.id)).first()
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Visit))
    item = {"type": "visit", "data": {"household_code": "x", "kind": "policy", "visited_at": "2026-11-01T08:00:00Z"}}
    items = [{**item, "id": str(uuid.uuid4())} for _ in range(limits.MAX_PUSH_ITEMS + 1)]
    response = signed_in(app, worker.username).post("/api/sync/push", json={"items": items})
    assert response.status_code == 413
    body = response.get_json()
    assert "500" in body["message"] and "max_items" in body["message"] and "max_items" in body["message_zh"]
    assert body["limits"] == {"max_items": 500, "max_body_bytes": limits.MAX_PUSH_BYTES}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == before

"""JSON nested deeper than any body of ours (issue 22 point 5): every endpoint that reads JSON answers 400 naming the
limit, the unauthenticated sign-in too, with no traceback in the log (it answered 500: Python's decoder raises
RecursionError, which is not a decoding error to Flask or webargs)."""
import logging

import pytest

from server.api.blueprint import MAX_JSON_DEPTH
from tests.conftest import signed_in

WRITES = {"POST", "PUT", "PATCH"}


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture(scope="module")
def app(db_server):
    from tests.conftest import small_county_app
    return small_county_app(db_server)


def json_writes(app) -> list[tuple[str, str]]:
    """Every API route that takes a body, with its path parameters filled with something plausible."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule == "/api/auth/logout":  # reads no body, ends the session
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", "x").replace(f"<string:{argument}>", "x")
            path = path.replace(f"<uuid:{argument}>", "00000000-0000-0000-0000-000000000000")
            path = path.replace(f"<int:{argument}>", "1")
        routes += [(method, path) for method in sorted(rule.methods & WRITES)]
    return routes


def test_sign_in_with_deeply_nested_json_is_400_naming_the_limit(app, caplog):
    response = app.test_client().post("/api/auth/login", data=nested(100_000), content_type="application/json")
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_json()
    assert str(MAX_JSON_DEPTH) in body["message"] and str(MAX_JSON_DEPTH) in body["message_zh"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("username, theirs", [("admin", "/api/admin/users"), ("county01", "/api/petitions"),
                                              ("w100001001", "/api/sync/push")])
def test_no_endpoint_answers_500_to_deeply_nested_json(app, caplog, username, theirs):
    client = signed_in(app, username)
    answers = {}
    for method, path in json_writes(app):
        for depth in (MAX_JSON_DEPTH + 1, 100_000):
            response = client.open(path, method=method, data=nested(depth), content_type="application/json")
            answers[(method, path, depth)] = response.status_code
    assert not {k: v for k, v in answers.items() if v >= 500}
    assert answers[("POST", theirs, MAX_JSON_DEPTH + 1)] == answers[("POST", theirs, 100_000)] == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_body_as_deep_as_the_limit_is_read(app):
    """At the limit the body is parsed and judged on its fields, as any other."""
    client = signed_in(app, "w100001001")
    body = '{"items": ' + nested(MAX_JSON_DEPTH - 1) + "}"
    response = client.post("/api/sync/push", data=body, content_type="application/json")
    assert response.status_code in (200, 422), response.get_data(as_text=True)  # its items judged, not its depth

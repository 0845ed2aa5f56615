"""Text holding NUL (U+0000): PostgreSQL can neither store nor compare it, so every way in answers 422 naming
the field, on both back ends (found by schemathesis on PostGIS: a household code with NUL gave 500)."""
import uuid

import pytest

from tests.conftest import signed_in


@pytest.fixture(scope="module")
def worker(db_server):
    from tests.conftest import small_county_app
    app = small_county_app(db_server)
    return signed_in(app, "county01"), app


def test_nul_in_a_json_field_is_422_naming_it(worker):
    client, _ = worker
    response = client.post("/api/visits", json={
        "id": str(uuid.uuid4()), "household_code": "61092310020100\x000001", "kind": "policy",
        "visited_at": "2026-11-19T09:30:00+08:00"})
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"] == {"json": {"household_code": ["contains a NUL character / 含有空字符"]}}
    assert "household_code" in body["message"] and "household_code" in body["message_zh"]


def test_nul_deep_in_a_sync_batch_names_the_item(worker):
    client, _ = worker
    items = [{"type": "visit", "id": str(uuid.uuid4()), "data": {"notes": "ok"}},
             {"type": "visit", "id": str(uuid.uuid4()), "data": {"notes": "a\x00b"}}]
    response = client.post("/api/sync/push", json={"items": items})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"json": {"items[1].data.notes": ["contains a NUL character / 含有空字符"]}}


@pytest.mark.parametrize("url", ["/api/disputes?unit_code=610923%00", "/api/households/6109231002010%0000001",
                                 "/api/grid/units/610923%00"])
def test_nul_in_a_query_or_a_path_is_422(worker, url):
    client, _ = worker
    response = client.get(url)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "NUL" in response.get_json()["message"]

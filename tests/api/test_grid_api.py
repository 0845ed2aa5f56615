"""The read-only grid API on the demo county."""
import re

import pytest
from shapely.geometry import shape

from server.auth.policy import ENDPOINT_ROLES, PUBLIC
from tests.conftest import make_app


def test_tree_has_the_whole_grid(client):
    body = client.get("/api/grid/tree").get_json()
    assert body["counts"] == {"county": 1, "town": 11, "village": 80, "cell": 415}
    root = body["root"]
    assert (root["code"], root["name"], root["level"]) == ("610923", "宁陕县", "county")
    towns = root["children"]
    assert len(towns) == 11 and towns[0]["name"] == "城关镇"
    villages = [v for t in towns for v in t["children"]]
    assert len(villages) == 80
    assert sum(len(v["children"]) for v in villages) == 415


def test_tree_depth_limits_levels(client):
    root = client.get("/api/grid/tree?depth=1").get_json()["root"]
    assert len(root["children"]) == 11 and all(t["children"] == [] for t in root["children"])


@pytest.mark.parametrize("query", ["depth=4", "depth=-1", "depth=abc"])
def test_tree_rejects_bad_depth_with_field_message(client, query):
    response = client.get(f"/api/grid/tree?{query}")
    assert response.status_code == 422
    body = response.get_json()
    assert "depth" in body["errors"]["query"] and body["message_zh"]


def test_unit_is_a_geojson_feature_with_its_boundary(client):
    feature = client.get("/api/grid/units/610923100").get_json()
    assert feature["type"] == "Feature" and feature["id"] == "610923100"
    assert feature["geometry"]["type"] == "MultiPolygon"
    geom = shape(feature["geometry"])
    assert geom.is_valid and 108 < geom.centroid.x < 109 and 33 < geom.centroid.y < 34
    props = feature["properties"]
    assert props["level"] == "town" and props["parent_code"] == "610923"
    assert props["child_count"] > 0 and props["household_count"] > 0


def test_children_of_a_village_are_its_cells(client):
    town = client.get("/api/grid/units/610923100/children").get_json()
    village_code = town["features"][0]["id"]
    cells = client.get(f"/api/grid/units/{village_code}/children").get_json()
    assert cells["type"] == "FeatureCollection" and cells["features"]
    assert all(f["id"].startswith(village_code) and f["properties"]["level"] == "cell" for f in cells["features"])
    village = client.get(f"/api/grid/units/{village_code}").get_json()["properties"]
    assert village["household_count"] == sum(f["properties"]["household_count"] for f in cells["features"])


def test_children_without_geometry(client):
    body = client.get("/api/grid/units/610923/children?geometry=false").get_json()
    assert len(body["features"]) == 11 and all(f["geometry"] is None for f in body["features"])


def test_unknown_unit_is_a_json_404_in_both_languages(client):
    response = client.get("/api/grid/units/000000")
    assert response.status_code == 404 and response.is_json
    body = response.get_json()
    assert "000000" in body["message"] and "000000" in body["message_zh"]


def first_cell_code(client):
    return client.get("/api/grid/tree").get_json()["root"]["children"][0]["children"][0]["children"][0]["code"]


def test_households_of_a_cell_are_paginated(client):
    code = first_cell_code(client)
    page1 = client.get(f"/api/grid/units/{code}/households?page_size=10").get_json()
    page2 = client.get(f"/api/grid/units/{code}/households?page_size=10&page=2").get_json()
    assert page1["total"] == page2["total"] > 10
    assert len(page1["items"]) == 10
    codes = [h["code"] for h in page1["items"] + page2["items"]]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    assert all(c.startswith(code) for c in codes)


def test_households_of_a_village_cover_its_cells(client):
    village = client.get("/api/grid/units/610923100/children?geometry=false").get_json()["features"][0]
    body = client.get(f"/api/grid/units/{village['id']}/households?page_size=1").get_json()
    assert body["total"] == village["properties"]["household_count"]


def test_personal_data_is_masked(client):
    code = first_cell_code(client)
    items = client.get(f"/api/grid/units/{code}/households?page_size=100").get_json()["items"]
    for h in items:
        assert re.fullmatch(r"\d{4}\*{10}[\dX]{4}", h["head_id_number"])
        assert h["phone"] is None or re.fullmatch(r"1\d{2}\*{4}\d{4}", h["phone"])


@pytest.mark.parametrize("query", ["page=0", "page_size=0", "page_size=100000", "page=x"])
def test_bad_pagination_is_422(client, query):
    code = first_cell_code(client)
    response = client.get(f"/api/grid/units/{code}/households?{query}")
    assert response.status_code == 422 and response.get_json()["errors"]


def test_unexpected_errors_are_json_500_without_details(db_server, monkeypatch):
    monkeypatch.setitem(ENDPOINT_ROLES, "boom", PUBLIC)
    app = make_app(db_server.new_database())

    @app.route("/api/_boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/api/_boom")
    assert response.status_code == 500 and response.is_json
    assert "secret" not in response.get_data(as_text=True)
    assert response.get_json()["message_zh"] == "服务器内部错误"


def test_openapi_document_lists_the_grid_endpoints(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert {"/api/grid/tree", "/api/grid/units/{code}", "/api/grid/units/{code}/children",
            "/api/grid/units/{code}/households"} <= set(paths)


@pytest.mark.parametrize("method, path, status", [
    ("get", "/api/no-such-thing", 404),
    ("post", "/api/grid/tree", 405),
])
def test_routing_errors_are_json(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status and response.is_json
    assert response.get_json()["code"] == status and response.get_json()["message_zh"]


def test_field_messages_are_in_both_languages(client):
    body = client.get("/api/grid/tree?depth=abc").get_json()
    assert body["errors"]["query"]["depth"] == ["Not a valid integer. / 不是有效的整数"]

"""The register as the desk lists it (GET /api/households): a unit of the caller's area, its households by code with
their cell, living members, tags, masked phone, version, latest visit and pending move; found by name, address or
code, by tag; retired ones only when asked; and nothing of another village or town."""
import datetime as dt

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import GridUnit, Household, HouseholdTag, User
from tests.api.test_register import OTHER_TOWN, TOWN, body, cell, registered
from tests.conftest import signed_in


@pytest.fixture(scope="module")
def app(db_server):
    from tests.conftest import small_county_app
    return small_county_app(db_server)


@pytest.fixture(autouse=True)
def _clock(clock):
    return clock


def villages(app, town: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(GridUnit.code).where(
            GridUnit.level == "village", GridUnit.code.startswith(town)).order_by(GridUnit.code)))


def codes_on_register(app, prefix: str) -> list[str]:
    """The codes of the households on the register whose cell lies under the unit, read from the tables."""
    with app.app_context():
        return list(db.session.scalars(sa.select(Household.code).join(GridUnit, GridUnit.id == Household.cell_id)
                                       .where(GridUnit.code.startswith(prefix), Household.retired_at.is_(None))
                                       .order_by(Household.code)))


def listed(client, **args) -> dict:
    response = client.get("/api/households", query_string={"page_size": 500, **args})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_village_head_lists_their_village_by_code_with_each_households_row(app):
    at = cell(app, TOWN)
    h = registered(app, at, tags=["elderly_alone", "subsistence"])
    village = at["code"][:12]
    page = listed(signed_in(app, at["village_head"]))
    assert [item["code"] for item in page["items"]] == codes_on_register(app, village)
    assert page["total"] == len(page["items"]) and page["page"] == 1
    row = next(item for item in page["items"] if item["code"] == h["code"])
    with app.app_context():
        cell_name = db.session.scalar(sa.select(GridUnit.name).where(GridUnit.code == at["code"]))
    assert row == {"code": h["code"], "head_name": "刘建国", "address": "一组 12 号", "cell_code": at["code"],
                   "cell_name": cell_name, "member_count": 3, "tags": ["elderly_alone", "subsistence"],
                   "phone": "139****5678", "version": 1, "last_visit_at": None, "retired_at": None,
                   "has_pending_move": False}


def test_a_grid_worker_sees_their_cell_and_the_phones_whole(app):
    at = cell(app, TOWN)
    h = registered(app, at)
    page = listed(signed_in(app, at["worker"]))
    assert {item["cell_code"] for item in page["items"]} == {at["code"]}
    assert next(item["phone"] for item in page["items"] if item["code"] == h["code"]) == "13912345678"


@pytest.mark.parametrize("who, unit, status", [
    ("village_head", "other_village", 404),   # a sibling village of the same town
    ("village_head", "own_town", 404),        # the town above them
    ("village_head", "other_town_cell", 404),
    ("town_secretary", "other_town_village", 404),
    ("village_head", "123", 422),              # no unit's length
    ("village_head", "610923", 422),           # the county: only as the default of county staff
    ("village_head", "61092310000a", 422)])
def test_a_unit_outside_your_area_is_not_found(app, who, unit, status):
    own = cell(app, TOWN)
    other_village = next(code for code in villages(app, TOWN) if code != own["code"][:12])
    code = {"other_village": other_village, "own_town": TOWN, "other_town_cell": cell(app, OTHER_TOWN)["code"],
            "other_town_village": villages(app, OTHER_TOWN)[0]}.get(unit, unit)
    username = own["village_head"] if who == "village_head" else "t100"
    response = signed_in(app, username).get("/api/households", query_string={"unit_code": code})
    assert response.status_code == status
    answer = response.get_json()
    assert answer["message"] and answer["message_zh"]
    if status == 422:
        message, = answer["errors"]["query"]["unit_code"]
        assert " / " in message  # English / 中文


def test_a_town_secretary_lists_a_village_or_cell_of_their_town(app):
    village = villages(app, TOWN)[1]
    client = signed_in(app, "t100")
    assert [i["code"] for i in listed(client, unit_code=village)["items"]] == codes_on_register(app, village)
    whole_town = listed(client, page_size=1)
    assert whole_town["total"] == len(codes_on_register(app, TOWN))
    a_cell = cell(app, TOWN, 5)["code"]
    assert {i["cell_code"] for i in listed(client, unit_code=a_cell)["items"]} == {a_cell}


def test_county_staff_list_the_county_by_default(app):
    assert listed(signed_in(app, "county01"), page_size=1)["total"] == len(codes_on_register(app, "610923"))


def test_cadres_do_not_list_the_register(app):
    with app.app_context():
        cadre = db.session.scalar(sa.select(User.username).where(User.role == "cadre").order_by(User.id))
    assert signed_in(app, cadre).get("/api/households").status_code == 403


def test_found_by_part_of_the_name_address_or_code(app):
    at = cell(app, TOWN)
    h = registered(app, at, head_name="欧阳修远", address="三组 100% 号")
    client = signed_in(app, at["village_head"])
    for q in ("阳修", "100%", h["code"][-6:]):
        assert h["code"] in [i["code"] for i in listed(client, q=q)["items"]], q
    assert [i["code"] for i in listed(client, q="阳修")["items"]] == [h["code"]]
    assert listed(client, q="0_")["total"] < listed(client, q="0")["total"]  # _ and % are letters, not wildcards
    assert listed(client, q="查无此人")["items"] == []


def test_found_by_tag(app):
    at = cell(app, TOWN)
    h = registered(app, at, tags=["left_behind_child"])
    client = signed_in(app, at["village_head"])
    village = at["code"][:12]
    with app.app_context():
        tagged = list(db.session.scalars(
            sa.select(Household.code).join(GridUnit, GridUnit.id == Household.cell_id).join(HouseholdTag)
            .where(GridUnit.code.startswith(village), HouseholdTag.tag == "left_behind_child",
                   Household.retired_at.is_(None)).order_by(Household.code)))
    page = listed(client, tag="left_behind_child")
    assert [i["code"] for i in page["items"]] == tagged and h["code"] in tagged
    assert all("left_behind_child" in i["tags"] for i in page["items"])
    assert [i["code"] for i in listed(client, tag="left_behind_child", q="刘建国")["items"]] == [
        code for code in tagged if code in {i["code"] for i in listed(client, q="刘建国")["items"]}]
    refused = client.get("/api/households?tag=rich")
    assert refused.status_code == 422 and " / " in refused.get_json()["errors"]["query"]["tag"][0]


def test_pages_follow_the_codes(app):
    at = cell(app, TOWN)
    client = signed_in(app, at["village_head"])
    everything = codes_on_register(app, at["code"][:12])
    second = listed(client, page=2, page_size=7)
    assert (second["page"], second["page_size"], second["total"]) == (2, 7, len(everything))
    assert [i["code"] for i in second["items"]] == everything[7:14]
    beyond = listed(client, page=10_000, page_size=7)
    assert beyond["items"] == [] and beyond["total"] == len(everything)
    assert client.get("/api/households?page_size=0").status_code == 422
    assert client.get("/api/households?page=x").status_code == 422


def test_retired_households_only_when_asked_and_pending_moves_marked(app, clock):
    at, there = cell(app, TOWN), cell(app, TOWN, 2)
    gone, moving = registered(app, at), registered(app, at)
    client = signed_in(app, at["village_head"])
    today = clock.at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert client.post(f"/api/households/{gone['code']}/retire", json={
        "version": 1, "on": today.isoformat(), "reason": "moved_away"}).status_code == 200
    assert client.post(f"/api/households/{moving['code']}/move", json={
        "version": 1, "to_cell_code": there["code"]}).status_code == 201
    on_register = {i["code"]: i for i in listed(client, unit_code=at["code"])["items"]}
    assert gone["code"] not in on_register and on_register[moving["code"]]["has_pending_move"] is True
    with_retired = {i["code"]: i for i in listed(client, unit_code=at["code"], retired="true")["items"]}
    assert with_retired[gone["code"]]["retired_at"] is not None
    assert set(with_retired) == set(on_register) | {gone["code"]}
    assert client.get("/api/households?retired=maybe").status_code == 422


def test_the_register_is_in_the_openapi_document(app):
    spec = app.test_client().get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/households"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"unit_code", "q", "tag", "retired", "page", "page_size"}


def test_registering_still_works_beside_the_list(app):
    """The list and the registration share the path: POST is unchanged."""
    at = cell(app, TOWN)
    client = signed_in(app, at["village_head"])
    response = client.post("/api/households", json=body(at))
    assert response.status_code == 201 and response.get_json()["cell_code"] == at["code"]

"""The register from phones: households registered offline and visited at once (the visit names the household by
the registration's id), each change as a household_change item, idempotent re-sends, the conflict of a stale
version (the current record and what differs; nothing overwritten), moves accepted on the receiving phone, and what
the next pull of each phone holds."""
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import GridUnit, Household, SyncItem, Visit
from tests.api.test_register import OTHER_TOWN, TOWN, body, cell
from tests.conftest import signed_in


@pytest.fixture(scope="module")
def app(db_server):
    from tests.conftest import small_county_app
    return small_county_app(db_server)


def push(client, *items):
    response = client.post("/api/sync/push", json={"items": [
        {"type": kind, "id": str(item_id), "data": data} for kind, item_id, data in items]})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def pull(client, since=None):
    response = client.get("/api/sync/pull", query_string={"since": since} if since else None)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def household(app, code) -> Household:
    with app.app_context():
        found = db.session.scalar(sa.select(Household).where(Household.code == code))
        db.session.expunge(found)
        return found


def today(clock) -> str:
    return clock.at.astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat()


def test_a_household_registered_offline_is_visited_in_the_same_batch(app, clock):
    at = cell(app, TOWN)
    phone = signed_in(app, at["worker"])
    registration, visit = uuid.uuid4(), uuid.uuid4()
    visited_at = (clock.at - dt.timedelta(minutes=5)).isoformat()
    items = [("household_new", registration, body(at)),
             ("visit", visit, {"household_id": str(registration), "kind": "policy", "visited_at": visited_at})]
    first = push(phone, *items)
    assert [r["status"] for r in first] == ["accepted", "accepted"], first
    detail = first[0]["detail"]
    assert detail["version"] == 1 and detail["household_code"].startswith(at["code"])
    assert push(phone, *items) == first  # sent again after a lost reply: the same answers, nothing new
    with app.app_context():
        h = db.session.scalar(sa.select(Household).where(Household.client_id == registration))
        assert h.code == detail["household_code"]
        assert db.session.get(Visit, visit).household_id == h.id
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)
                                 .where(Household.client_id == registration)) == 1
    pulled = pull(phone)
    mine, = [p for p in pulled["households"] if p["code"] == detail["household_code"]]
    assert mine["client_id"] == str(registration) and mine["version"] == 1
    assert [v["id"] for v in mine["recent_visits"]] == [str(visit)]
    assert detail["household_code"] in pulled["household_codes"]
    # the API answers the same registration id with the same household
    again = phone.post("/api/households", json={**body(at), "id": str(registration)})
    assert again.status_code == 201 and again.get_json()["code"] == detail["household_code"]


def test_a_visit_naming_an_unknown_registration_is_refused_by_that_field(app):
    at = cell(app, TOWN)
    result, = push(signed_in(app, at["worker"]), ("visit", uuid.uuid4(), {
        "household_id": str(uuid.uuid4()), "kind": "policy", "visited_at": "2026-01-01T09:00:00+08:00"}))
    assert result["status"] == "rejected" and "household_id" in result["reason"]["errors"]


def test_a_change_from_a_stale_version_comes_back_as_a_conflict_to_resolve(app, clock):
    at = cell(app, TOWN)
    phone, desk = signed_in(app, at["worker"]), signed_in(app, at["village_head"])
    code = desk.post("/api/households", json=body(at)).get_json()["code"]
    assert desk.patch(f"/api/households/{code}", json={"version": 1, "address": "二组 5 号"}).status_code == 200
    item = uuid.uuid4()
    stale = {"change": "edit", "household_code": code, "version": 1, "address": "三组 1 号", "phone": "13912345678"}
    result, = push(phone, ("household_change", item, stale))
    assert result["status"] == "rejected" and result["reason"]["status"] == 409
    assert result["reason"]["current"]["version"] == 2 and result["reason"]["current"]["address"] == "二组 5 号"
    assert result["reason"]["differences"] == {"address": {"yours": "三组 1 号", "theirs": "二组 5 号"}}
    assert household(app, code).address == "二组 5 号"  # nothing overwritten
    resolved, = push(phone, ("household_change", item, {**stale, "version": 2}))  # the worker kept theirs: sent again
    assert resolved["status"] == "accepted" and resolved["detail"] == {"household_code": code, "version": 3}
    assert household(app, code).address == "三组 1 号"
    with app.app_context():
        assert db.session.get(SyncItem, item).status == "accepted"


def test_members_tags_and_retirement_from_the_phone_reach_the_next_pull(app, clock):
    at = cell(app, TOWN)
    phone = signed_in(app, at["worker"])
    registration = uuid.uuid4()
    code = push(phone, ("household_new", registration, body(at)))[0]["detail"]["household_code"]
    cursor = pull(phone)["cursor"]
    clock.advance(minutes=10)
    results = push(phone,
                   ("household_change", uuid.uuid4(), {"change": "member_join", "household_id": str(registration),
                                                       "version": 1, "name": "刘小花", "relation": "grandchild",
                                                       "sex": "F", "reason": "birth", "on": today(clock)}),
                   ("household_change", uuid.uuid4(), {"change": "edit", "household_code": code, "version": 2,
                                                       "tags": ["elderly_alone"]}))
    assert [r["status"] for r in results] == ["accepted", "accepted"], results
    later = pull(phone, cursor)
    mine, = [p for p in later["households"] if p["code"] == code]
    assert (mine["version"], mine["member_count"], mine["tags"]) == (3, 4, ["elderly_alone"])
    cursor = later["cursor"]
    clock.advance(minutes=10)
    retired, = push(phone, ("household_change", uuid.uuid4(), {
        "change": "retire", "household_code": code, "version": 3, "on": today(clock), "reason": "merged"}))
    assert retired["status"] == "accepted", retired
    last = pull(phone, cursor)
    mine, = [p for p in last["households"] if p["code"] == code]
    assert mine["retire_reason"] == "merged" and mine["retired_at"]
    assert code not in last["household_codes"]  # the phone drops it


def test_a_location_outside_the_cell_is_confirmed_on_the_phone(app):
    at = cell(app, TOWN)
    phone = signed_in(app, at["worker"])
    item, data = uuid.uuid4(), body(at, location={"type": "Point", "coordinates": at["outside"]})
    warned, = push(phone, ("household_new", item, data))
    assert warned["status"] == "rejected" and warned["reason"]["warnings"][0]["field"] == "location"
    kept, = push(phone, ("household_new", item, {**data, "confirm_location_outside": True}))
    assert kept["status"] == "accepted"


def test_a_move_reaches_the_receiving_phone_and_both_pulls_follow_it(app, clock):
    here, there = cell(app, TOWN), cell(app, OTHER_TOWN)
    sender, receiver = signed_in(app, here["worker"]), signed_in(app, there["worker"])
    code = push(sender, ("household_new", uuid.uuid4(), body(here)))[0]["detail"]["household_code"]
    cursors = {"sender": pull(sender)["cursor"], "receiver": pull(receiver)["cursor"]}
    clock.advance(minutes=10)
    move_item = uuid.uuid4()
    asked, = push(sender, ("household_change", move_item, {"change": "move", "household_code": code, "version": 1,
                                                           "to_cell_code": there["code"], "reason": "投靠子女"}))
    assert asked["status"] == "accepted" and asked["detail"]["move_id"] == str(move_item)
    waiting = pull(receiver, cursors["receiver"])
    assert [(m["id"], m["household_code"]) for m in waiting["incoming_moves"]] == [(str(move_item), code)]
    assert code not in waiting["household_codes"]
    assert [m["id"] for m in pull(sender, cursors["sender"])["outgoing_moves"]] == [str(move_item)]
    clock.advance(minutes=10)
    accepted, = push(receiver, ("household_change", uuid.uuid4(), {"change": "move_decision",
                                                                   "move_id": str(move_item), "action": "accept"}))
    assert accepted["status"] == "accepted" and accepted["detail"]["state"] == "accepted", accepted
    arrived = pull(receiver, waiting["cursor"])
    assert code in arrived["household_codes"] and code in [p["code"] for p in arrived["households"]]
    assert arrived["incoming_moves"] == []
    gone = pull(sender, cursors["sender"])
    assert code not in gone["household_codes"] and gone["outgoing_moves"] == []
    assert household(app, code).cell_id == there["id"]


def test_a_workers_pull_names_the_cells_of_their_village_to_move_households_to(app):
    at = cell(app, TOWN)
    with app.app_context():
        village = db.session.scalar(sa.select(GridUnit.parent_id).where(GridUnit.id == at["id"]))
        expected = db.session.execute(sa.select(GridUnit.code, GridUnit.name).where(GridUnit.parent_id == village)
                                      .order_by(GridUnit.code)).all()
    named = pull(signed_in(app, at["worker"]))["village_cells"]
    assert [(c["code"], c["name"]) for c in named] == [tuple(row) for row in expected] and len(named) > 1
    assert at["code"] in {c["code"] for c in named} and set(named[0]) == {"code", "name"}  # names, nothing more
    assert pull(signed_in(app, at["village_head"]))["village_cells"] == []  # the desk lists its cells itself

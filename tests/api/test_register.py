"""The household register through the API: registering (codes, idempotent re-sends, scope, validation field by field,
the location warning), corrections with the version (a stale one: 409 with what differs, nothing changed), members
joining and leaving (kept), moves accepted by the receiving side (between towns through both scopes), retirement
(still answered, out of lists), and the audit rows."""
import datetime as dt
import itertools
import uuid

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.identity import id_check_digit
from server.models import AuditLog, GridUnit, Household, HouseholdMember, HouseholdMove, User
from tests.conftest import signed_in

TOWN, OTHER_TOWN = "610923100", "610923101"
_serials = itertools.count(100)


def new_id_number(born: str = "19800315") -> str:
    """A valid ID number no one else in the test county holds."""
    first17 = f"610923{born}{next(_serials) % 1000:03d}"
    return first17 + id_check_digit(first17)


def with_wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


@pytest.fixture(scope="module")
def app(db_server):
    from tests.conftest import small_county_app
    return small_county_app(db_server)


@pytest.fixture(autouse=True)
def _clock(clock):
    return clock


def cell(app, town: str, index: int = 0) -> dict:
    """A cell of the town: its code, its grid worker, a point inside it and one outside it."""
    with app.app_context():
        unit = db.session.scalars(sa.select(GridUnit).where(GridUnit.level == "cell", GridUnit.code.startswith(town))
                                  .order_by(GridUnit.code).offset(index)).first()
        inside = db.session.execute(sa.select(sa.func.ST_X(sa.func.ST_PointOnSurface(GridUnit.boundary)),
                                              sa.func.ST_Y(sa.func.ST_PointOnSurface(GridUnit.boundary)))
                                    .where(GridUnit.id == unit.id)).one()
        worker = db.session.scalar(sa.select(User.username).where(User.unit_id == unit.id, User.role == "grid_worker"))
        return {"code": unit.code, "id": unit.id, "worker": worker, "inside": [round(inside[0], 6), round(inside[1], 6)],
                "outside": [round(inside[0] + 0.5, 6), round(inside[1], 6)], "village_head": "v" + unit.code[6:12]}


def body(at: dict, **changes) -> dict:
    return {"cell_code": at["code"], "head_name": "刘建国", "head_id_number": new_id_number(), "address": "一组 12 号",
            "phone": "13912345678", "location": {"type": "Point", "coordinates": at["inside"]},
            "members": [{"name": "王秀兰", "relation": "spouse", "sex": "F", "birth_date": "1982-04-02",
                         "id_number": new_id_number("19820402")},
                        {"name": "刘小明", "relation": "child", "sex": "M", "birth_date": "2010-09-01"}],
            "tags": ["subsistence"], **changes}


def stored(app, code: str) -> dict:
    with app.app_context():
        h = db.session.scalar(sa.select(Household).where(Household.code == code))
        return {"cell_id": h.cell_id, "version": h.version, "head_name": h.head_name, "phone": h.phone,
                "address": h.address, "member_count": h.member_count, "tags": h.tags, "retired_at": h.retired_at,
                "updated_at": h.updated_at, "members": [(m.name, m.left_on, m.leave_reason) for m in h.members]}


def registered(app, at: dict, username: str | None = None, **changes) -> dict:
    response = signed_in(app, username or at["worker"]).post("/api/households", json=body(at, **changes))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_worker_registers_a_household_with_the_next_code_of_the_cell(app):
    at = cell(app, TOWN)
    with app.app_context():
        top = db.session.scalar(sa.select(sa.func.max(Household.code)).where(Household.code.startswith(at["code"])))
    sent = body(at)
    response = signed_in(app, at["worker"]).post("/api/households", json=sent)
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["code"] == f"{at['code']}{int(top[-4:]) + 1:04d}" and len(answer["code"]) == 19
    assert (answer["version"], answer["member_count"], answer["cell_code"]) == (1, 3, at["code"])
    assert answer["head_id_number"] == sent["head_id_number"][:4] + "*" * 10 + sent["head_id_number"][-4:]
    assert answer["phone"] == "13912345678"  # a grid worker calls their households: whole
    assert answer["location"] == {"type": "Point", "coordinates": at["inside"]}
    assert answer["retired_at"] is None and answer["registered_at"] and answer["pending_move"] is None
    assert [(m["name"], m["joined_on"], m["left_on"]) for m in answer["members"]] == [
        ("王秀兰", None, None), ("刘小明", None, None)]
    got = signed_in(app, "v" + at["code"][6:12]).get(f"/api/households/{answer['code']}").get_json()
    assert got["version"] == 1 and got["phone"] == "139****5678"  # a village head sees it masked
    with app.app_context():
        h = db.session.scalar(sa.select(Household).where(Household.code == answer["code"]))
        assert (h.head_id_number, h.cell_id, h.tags) == (sent["head_id_number"], at["id"], ["subsistence"])
        created = db.session.scalars(sa.select(AuditLog).where(AuditLog.entity_type == "household",
                                                              AuditLog.entity_id == str(h.id))).all()
        assert [(a.action, a.username) for a in created] == [("create", at["worker"])]
        assert created[0].after["head_id_number"] == answer["head_id_number"]  # masked in the log too


def test_the_same_registration_sent_again_answers_the_first(app):
    at = cell(app, TOWN)
    sent = {**body(at), "id": str(uuid.uuid4())}
    client = signed_in(app, at["worker"])
    first, again = client.post("/api/households", json=sent), client.post("/api/households", json=sent)
    assert first.status_code == again.status_code == 201
    assert again.get_json()["code"] == first.get_json()["code"]
    assert again.get_json()["client_id"] == sent["id"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)
                                 .where(Household.client_id == uuid.UUID(sent["id"]))) == 1


def test_a_code_taken_meanwhile_is_asked_for_again(app, monkeypatch):
    """Two registrations in one cell at once: the second is handed the code the first took, its flush fails on the
    unique code, and it runs again with the next one (never a 500)."""
    from server.register import changes, codes
    at = cell(app, TOWN)
    taken = registered(app, at)["code"]
    calls = []

    def stale_then_fresh(cell_code, count=1, session=None):
        calls.append(cell_code)
        return [taken] if len(calls) == 1 else codes.next_household_codes(cell_code, count, session)
    monkeypatch.setattr(changes, "next_household_codes", stale_then_fresh)
    response = signed_in(app, at["worker"]).post("/api/households", json=body(at))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["code"] == f"{taken[:15]}{int(taken[-4:]) + 1:04d}" and len(calls) == 2


@pytest.mark.parametrize("who, where, status", [
    ("worker", "other_cell", 422), ("t100", "other_town", 422), ("v", "other_town", 422),
    ("cadre", "own", 403), ("admin", "own", 403)])
def test_registering_needs_the_cell_in_your_area_and_a_keepers_role(app, who, where, status):
    own, other_cell, other_town = cell(app, TOWN), cell(app, TOWN, 1), cell(app, OTHER_TOWN)
    target = {"own": own, "other_cell": other_cell, "other_town": other_town}[where]
    with app.app_context():
        cadre = db.session.scalar(sa.select(User.username).where(User.role == "cadre").order_by(User.id))
    username = {"worker": own["worker"], "v": own["village_head"], "cadre": cadre}.get(who, who)
    before = count_households(app)
    response = signed_in(app, username).post("/api/households", json=body(target))
    assert response.status_code == status, response.get_json()
    if status == 422:
        assert "cell_code" in response.get_json()["errors"]["json"]
    assert count_households(app) == before


def test_county_staff_register_anywhere(app):
    at = cell(app, OTHER_TOWN)
    assert registered(app, at, "county01")["cell_code"] == at["code"]


def count_households(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Household))


def test_each_field_is_checked_and_named_in_both_languages(app):
    at = cell(app, TOWN)
    good = new_id_number()
    cases = {
        "head_id_number": with_wrong_check_digit(good),           # the check digit
        "phone": "12912345678",                                    # 1[3-9]
    }
    client = signed_in(app, at["worker"])
    for field, value in cases.items():
        response = client.post("/api/households", json=body(at, **{field: value}))
        assert response.status_code == 422
        message, = response.get_json()["errors"]["json"][field]
        assert " / " in message  # English / 中文
    bad_date = "61092319800230" + "123"  # 30 February
    response = client.post("/api/households", json=body(at, head_id_number=bad_date + id_check_digit(bad_date)))
    assert "birth date" in response.get_json()["errors"]["json"]["head_id_number"][0]
    response = client.post("/api/households", json=body(at, members=[
        {"name": "张三", "relation": "cousin", "sex": "X", "id_number": "123"}]))
    assert set(response.get_json()["errors"]["json"]["members"]["0"]) == {"relation", "sex", "id_number"}


def test_an_id_number_belongs_to_one_living_person(app):
    at, elsewhere = cell(app, TOWN), cell(app, OTHER_TOWN)
    mine = registered(app, at)
    theirs = registered(app, elsewhere, "county01")
    with app.app_context():
        my_head = db.session.scalar(sa.select(Household.head_id_number).where(Household.code == mine["code"]))
        their_member = db.session.scalar(sa.select(HouseholdMember.id_number).join(Household).where(
            Household.code == theirs["code"], HouseholdMember.id_number.is_not(None)))
    client = signed_in(app, at["worker"])
    in_scope = client.post("/api/households", json=body(at, head_id_number=my_head)).get_json()
    assert in_scope["code"] == 422
    assert mine["code"] in in_scope["errors"]["json"]["head_id_number"][0]  # where the person is: in scope
    out_of_scope = client.post("/api/households", json=body(at, members=[
        {"name": "李四", "relation": "parent", "sex": "M", "id_number": their_member}])).get_json()
    message, = out_of_scope["errors"]["json"]["members.0.id_number"]
    assert "another household" in message and theirs["code"] not in message  # nothing leaks past the scope
    twice = client.post("/api/households", json=body(at, members=[
        {"name": "李四", "relation": "parent", "sex": "M", "id_number": my_head}],
        head_id_number=my_head)).get_json()
    assert "twice" in twice["errors"]["json"]["members.0.id_number"][0]


def test_a_location_outside_the_cell_is_kept_only_when_confirmed(app):
    at = cell(app, TOWN)
    sent = body(at, location={"type": "Point", "coordinates": at["outside"]})
    client = signed_in(app, at["worker"])
    first = client.post("/api/households", json=sent)
    assert first.status_code == 422
    warning, = first.get_json()["warnings"]
    assert (warning["field"], warning["confirm_with"]) == ("location", "confirm_location_outside")
    assert "location" in first.get_json()["errors"]["json"]
    kept = client.post("/api/households", json={**sent, "confirm_location_outside": True})
    assert kept.status_code == 201
    assert kept.get_json()["location"]["coordinates"] == at["outside"]


def test_a_correction_carries_the_version_and_a_stale_one_says_what_differs(app):
    at = cell(app, TOWN)
    h = registered(app, at)
    worker, head = signed_in(app, at["worker"]), signed_in(app, at["village_head"])
    edited = worker.patch(f"/api/households/{h['code']}", json={"version": 1, "phone": "13800001111",
                                                                 "tags": ["key_person", "subsistence"]})
    assert edited.status_code == 200, edited.get_json()
    assert (edited.get_json()["version"], edited.get_json()["tags"]) == (2, ["key_person", "subsistence"])
    before = stored(app, h["code"])
    stale = head.patch(f"/api/households/{h['code']}", json={"version": 1, "phone": "13700002222",
                                                             "address": h["address"], "head_name": "刘建军"})
    assert stale.status_code == 409
    answer = stale.get_json()
    assert answer["current"]["version"] == 2 and answer["current"]["code"] == h["code"]
    assert answer["differences"] == {"phone": {"yours": "137****2222", "theirs": "138****1111"},
                                     "head_name": {"yours": "刘建军", "theirs": "刘建国"}}
    assert stored(app, h["code"]) == before  # nothing overwritten
    assert worker.get(f"/api/households/{h['code']}").get_json()["phone"] == "13800001111"


def test_a_corrected_location_and_tags(app):
    at = cell(app, TOWN)
    h = registered(app, at)
    moved_a_little = [at["inside"][0] + 0.0001, at["inside"][1]]
    answer = signed_in(app, at["worker"]).patch(f"/api/households/{h['code']}", json={
        "version": 1, "location": {"type": "Point", "coordinates": moved_a_little}, "tags": []}).get_json()
    assert answer["location"]["coordinates"] == [round(c, 7) for c in moved_a_little] and answer["tags"] == []
    with app.app_context():
        change, = db.session.scalars(sa.select(AuditLog).where(
            AuditLog.entity_type == "household", AuditLog.action == "update",
            AuditLog.entity_id == str(db.session.scalar(sa.select(Household.id).where(Household.code == h["code"])))))
        assert set(change.before) == set(change.after) >= {"location"} and change.before["location"] != change.after["location"]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
            AuditLog.entity_type == "household_tag", AuditLog.action == "delete")) >= 1


def test_members_join_and_leave_and_are_kept(app, clock):
    at = cell(app, TOWN)
    h = registered(app, at)
    client = signed_in(app, at["worker"])
    today = clock.at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    baby = client.post(f"/api/households/{h['code']}/members", json={
        "version": 1, "name": "刘小花", "relation": "grandchild", "sex": "F", "birth_date": today.isoformat(),
        "reason": "birth", "on": today.isoformat()})
    assert baby.status_code == 201, baby.get_json()
    assert (baby.get_json()["version"], baby.get_json()["member_count"]) == (2, 4)
    spouse = next(m for m in baby.get_json()["members"] if m["name"] == "王秀兰")
    left = client.post(f"/api/households/{h['code']}/members/{spouse['id']}/leave",
                       json={"version": 2, "reason": "death", "on": today.isoformat()})
    assert left.status_code == 200, left.get_json()
    answer = left.get_json()
    assert answer["member_count"] == 3 and answer["version"] == 3
    assert {(m["name"], m["join_reason"], m["left_on"], m["leave_reason"]) for m in answer["members"]} == {
        ("王秀兰", None, today.isoformat(), "death"), ("刘小明", None, None, None),
        ("刘小花", "birth", None, None)}
    again = client.post(f"/api/households/{h['code']}/members/{spouse['id']}/leave",
                        json={"version": 3, "reason": "death", "on": today.isoformat()})
    assert again.status_code == 409
    future = client.post(f"/api/households/{h['code']}/members", json={
        "version": 3, "name": "某某", "relation": "other", "sex": "M", "reason": "move_in",
        "on": (today + dt.timedelta(days=2)).isoformat()})
    assert "on" in future.get_json()["errors"]["json"]
    # who has left is no longer among the living: their ID number may be registered again
    with app.app_context():
        number = db.session.scalar(sa.select(HouseholdMember.id_number).where(HouseholdMember.id == spouse["id"]))
    assert registered(app, at, members=[{"name": "王秀兰", "relation": "spouse", "sex": "F", "id_number": number}])


def test_cadres_correct_their_linked_households_but_do_not_register_move_or_retire(app):
    with app.app_context():
        cadre, code = db.session.execute(
            sa.text("SELECT u.username, h.code FROM cadre_link l JOIN app_user u ON u.id = l.cadre_id "
                    "JOIN household h ON h.id = l.household_id WHERE l.valid_to IS NULL ORDER BY l.id LIMIT 1")).one()
        version = db.session.scalar(sa.select(Household.version).where(Household.code == code))
    client = signed_in(app, cadre)
    assert client.patch(f"/api/households/{code}", json={"version": version, "address": "二组 3 号"}).status_code == 200
    assert client.post(f"/api/households/{code}/retire", json={
        "version": version + 1, "on": "2026-01-01", "reason": "other"}).status_code == 403
    assert client.post(f"/api/households/{code}/move", json={
        "version": version + 1, "to_cell_code": "610923100001001"}).status_code == 403


def test_a_move_between_towns_waits_for_the_receiving_side(app):
    here, there = cell(app, TOWN), cell(app, OTHER_TOWN)
    h = registered(app, here)
    sender, receiver = signed_in(app, here["worker"]), signed_in(app, there["worker"])
    asked = sender.post(f"/api/households/{h['code']}/move", json={"version": 1, "to_cell_code": there["code"],
                                                                    "reason": "全家迁往女儿家"})
    assert asked.status_code == 201, asked.get_json()
    move = asked.get_json()["move"]
    assert (move["state"], move["from_cell_code"], move["to_cell_code"]) == ("pending", here["code"], there["code"])
    assert asked.get_json()["household"]["pending_move"]["id"] == move["id"]
    assert stored(app, h["code"])["cell_id"] == here["id"]  # not moved until accepted
    incoming = receiver.get("/api/households/moves?direction=incoming").get_json()["items"]
    assert [(m["id"], m["household_code"], m["head_name"]) for m in incoming] == [(move["id"], h["code"], "刘建国")]
    assert receiver.get(f"/api/households/{h['code']}").status_code == 404  # not theirs yet
    assert [m["id"] for m in sender.get("/api/households/moves?direction=outgoing").get_json()["items"]] == [move["id"]]
    # the sending side, and its town, may not accept it: acceptance needs the target cell in scope
    for username in (here["worker"], "t100"):
        refused = signed_in(app, username).post(f"/api/households/moves/{move['id']}", json={"action": "accept"})
        assert refused.status_code == 403
    accepted = signed_in(app, "t101").post(f"/api/households/moves/{move['id']}", json={"action": "accept",
                                                                                         "note": "已核实"})
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["move"]["state"] == "accepted"
    assert (accepted.get_json()["household"]["cell_code"], accepted.get_json()["household"]["code"]) == (
        there["code"], h["code"])  # the code stays
    assert stored(app, h["code"])["cell_id"] == there["id"] and stored(app, h["code"])["version"] == 3
    assert receiver.get(f"/api/households/{h['code']}").get_json()["version"] == 3
    assert sender.get(f"/api/households/{h['code']}").status_code == 404
    with app.app_context():
        hid = db.session.scalar(sa.select(Household.id).where(Household.code == h["code"]))
        audit = db.session.scalars(sa.select(AuditLog).where(AuditLog.entity_type == "household",
                                                            AuditLog.entity_id == str(hid))
                                   .order_by(AuditLog.id)).all()[-1]
        assert (audit.username, audit.before["cell_id"], audit.after["cell_id"]) == ("t101", here["id"], there["id"])
        assert db.session.get(HouseholdMove, uuid.UUID(move["id"])).decided_by_id is not None


def test_a_move_may_be_refused_or_cancelled(app):
    here, there = cell(app, TOWN), cell(app, TOWN, 2)
    h = registered(app, here)
    sender = signed_in(app, here["worker"])
    move = sender.post(f"/api/households/{h['code']}/move", json={"version": 1, "to_cell_code": there["code"]}
                       ).get_json()["move"]
    twice = sender.post(f"/api/households/{h['code']}/move", json={"version": 2, "to_cell_code": there["code"]})
    assert twice.status_code == 409
    assert signed_in(app, there["worker"]).post(f"/api/households/moves/{move['id']}",
                                                json={"action": "refuse", "note": "不在本网格"}).status_code == 200
    assert stored(app, h["code"])["cell_id"] == here["id"]
    again = sender.post(f"/api/households/{h['code']}/move", json={"version": 2, "to_cell_code": there["code"]})
    cancelled = sender.post(f"/api/households/moves/{again.get_json()['move']['id']}", json={"action": "cancel"})
    assert cancelled.get_json()["move"]["state"] == "cancelled"


def test_a_retired_household_is_answered_marked_retired_and_leaves_the_lists(app, clock):
    at = cell(app, TOWN)
    h = registered(app, at)
    client = signed_in(app, at["worker"])
    today = clock.at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    head = signed_in(app, at["village_head"])

    def counted() -> int:  # this month's coverage denominator of the cell, as the figures answer it
        first = today.replace(day=1)
        end = (first + dt.timedelta(days=32)).replace(day=1)
        row, = head.get(f"/api/stats/figures?level=cell&under={at['code']}&start={first}&end={end}").get_json()
        return row["households"]
    before = counted()
    retired = client.post(f"/api/households/{h['code']}/retire", json={
        "version": 1, "on": today.isoformat(), "reason": "moved_away", "note": "全家迁往外省"})
    assert retired.status_code == 200, retired.get_json()
    assert counted() == before - 1  # out of coverage from its retirement day
    answer = client.get(f"/api/households/{h['code']}").get_json()
    assert (answer["retire_reason"], answer["retire_note"], answer["version"]) == ("moved_away", "全家迁往外省", 2)
    assert answer["retired_at"].startswith((today - dt.timedelta(days=1)).isoformat())  # China midnight, in UTC
    listed = client.get(f"/api/grid/units/{at['code']}/households?page_size=500").get_json()["items"]
    assert h["code"] not in [item["code"] for item in listed]
    assert client.patch(f"/api/households/{h['code']}", json={"version": 2, "address": "x"}).status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(Household.retired_at).where(Household.code == h["code"])) is not None
    # its people are no longer among the living: registered again elsewhere, their numbers are free
    with app.app_context():
        head = db.session.scalar(sa.select(Household.head_id_number).where(Household.code == h["code"]))
    assert registered(app, at, head_id_number=head)

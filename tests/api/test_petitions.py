"""Petitions at one window (信访): registering, field-by-field validation, the repeat lookup and links, scope,
masking, and the time limits as they apply to petitions."""
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.identity import id_check_digit
from server.models import AuditLog, Dispute, DisputeEvent, DisputeLink, GridUnit, Household, User
from tests.conftest import signed_in

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TOWN, OTHER_TOWN = "610923100", "610923101"


def id_number(first17: str) -> str:
    return first17 + id_check_digit(first17)


PETITIONER_ID = id_number("61092319800315003")
BODY = {"channel": "walk_in", "petitioner_name": "赵秀英", "petitioner_id_number": PETITIONER_ID,
        "petitioner_mobile": "13912345678", "petitioner_address": "城关镇西桥社区 3 组", "category": "land_rights",
        "risk_colour": "orange", "title": "反映承包地被占", "description": "邻居建房占用承包地约两分"}


@pytest.fixture
def frozen(monkeypatch):
    from server import clock
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return NOW


def household_in(app, town: str) -> dict:
    with app.app_context():
        h = db.session.scalars(sa.select(Household).join(GridUnit, GridUnit.id == Household.cell_id)
                               .where(GridUnit.code.startswith(town)).order_by(Household.id)).first()
        return {"code": h.code, "cell_code": h.cell.code, "cell_id": h.cell_id, "id": h.id, "head_name": h.head_name,
                "head_id_number": h.head_id_number, "phone": h.phone}


def register(app, username, **changes):
    return signed_in(app, username).post("/api/petitions", json={**BODY, **changes})


def stored(app, dispute_id) -> Dispute:
    with app.app_context():
        dispute = db.session.get(Dispute, uuid.UUID(dispute_id))
        db.session.expunge(dispute)
        return dispute


def count_disputes(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Dispute))


def user_id(app, username) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.username == username))


def test_county_staff_registers_a_walk_in_held_at_county_level(small_app):
    household = household_in(small_app, TOWN)
    response = register(small_app, "county01", household_code=household["code"])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["state"], body["level"], body["channel"], body["cell_code"]) == (
        "reported", "county", "walk_in", household["cell_code"])
    assert body["first_receiver"] == "county01" and body["deadline"] == "green"
    assert body["petitioner"] == {"name": "赵秀英", "id_number": PETITIONER_ID[:4] + "*" * 10 + PETITIONER_ID[-4:],
                                  "mobile": "139****5678", "address": "城关镇西桥社区 3 组"}
    assert body["links"] == {"earlier": [], "later": []}
    assert [e["kind"] for e in body["events"]] == ["report"]
    row = stored(small_app, body["id"])
    assert (row.petitioner_id_number, row.petitioner_mobile) == (PETITIONER_ID, "13912345678")  # kept whole
    assert row.first_receiver_id == row.reporter_id == user_id(small_app, "county01")
    assert row.household_id == household["id"] and row.cell_id == household["cell_id"]
    with small_app.app_context():
        assert db.session.get(GridUnit, row.owner_unit_id).level == "county"


def test_a_town_registration_is_held_at_town_level_in_the_cell_picked(small_app):
    cell = household_in(small_app, TOWN)["cell_code"]
    with small_app.app_context():  # the village head received it first; the town registers it
        colleague = db.session.scalar(sa.select(User.username).join(GridUnit, GridUnit.id == User.unit_id).where(
            User.role == "village_head", GridUnit.code.startswith(TOWN)).order_by(User.id))
    response = register(small_app, "t100", channel="letter", cell_code=cell, first_receiver_username=colleague)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["level"], body["channel"], body["cell_code"], body["household_code"]) == ("town", "letter", cell, None)
    row = stored(small_app, body["id"])
    assert row.first_receiver_id == user_id(small_app, colleague) and row.reporter_id == user_id(small_app, "t100")
    with small_app.app_context():
        assert db.session.get(GridUnit, row.owner_unit_id).code == TOWN


@pytest.mark.parametrize("change, field, words", [
    ({"petitioner_id_number": PETITIONER_ID[:17] + ("0" if PETITIONER_ID[17] != "0" else "1")},
     "petitioner_id_number", "校验位"),
    ({"petitioner_id_number": id_number("61092319900230001")}, "petitioner_id_number", "出生日期"),  # no 30 February
    ({"petitioner_id_number": id_number("61092320991231001")}, "petitioner_id_number", "出生日期"),  # not born yet
    ({"petitioner_id_number": "61092319800315003x"}, "petitioner_id_number", "18位"),
    ({"petitioner_mobile": "12912345678"}, "petitioner_mobile", "手机号"),
    ({"petitioner_mobile": "1391234567"}, "petitioner_mobile", "手机号"),
    ({"petitioner_name": "   "}, "petitioner_name", "不能为空"),
    ({"channel": "grid_screening"}, "channel", "须为以下之一"),
    ({"household_code": "61092310020100100"}, "household_code", "19位数字"),
    ({"linked_dispute_ids": ["not-a-uuid"]}, "linked_dispute_ids", "UUID"),
])
def test_each_bad_field_is_named_in_both_languages(small_app, change, field, words):
    before = count_disputes(small_app)
    body = {**BODY, "household_code": household_in(small_app, TOWN)["code"], **change}
    response = signed_in(small_app, "county01").post("/api/petitions", json=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]
    assert list(errors) == [field] and words in str(errors[field]) and " / " in str(errors[field])
    assert count_disputes(small_app) == before


def test_a_missing_name_is_named(small_app):
    body = {k: v for k, v in BODY.items() if k != "petitioner_name"}
    response = signed_in(small_app, "county01").post("/api/petitions", json={
        **body, "household_code": household_in(small_app, TOWN)["code"]})
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"] == {"petitioner_name": ["Missing data for required field. / 必填字段缺失"]}


@pytest.mark.parametrize("change, field", [
    ("household", "household_code"),
    ("cell", "cell_code"),
    ("receiver", "first_receiver_username"),
    ("nowhere", "cell_code"),
])
def test_what_lies_outside_the_registrars_area_is_not_found(small_app, change, field):
    other = household_in(small_app, OTHER_TOWN)
    body = {"household": {"household_code": other["code"]}, "cell": {"cell_code": other["cell_code"]},
            "receiver": {"cell_code": household_in(small_app, TOWN)["cell_code"], "first_receiver_username": "t101"},
            "nowhere": {}}[change]
    before = count_disputes(small_app)
    response = register(small_app, "t100", **body)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == [field]
    assert count_disputes(small_app) == before


@pytest.mark.parametrize("username", ["v100001", "w100001001", "c00001", "admin"])
def test_village_heads_grid_workers_cadres_and_the_admin_may_not_register(small_app, username):
    before = count_disputes(small_app)
    household = household_in(small_app, TOWN)["code"]
    assert register(small_app, username, household_code=household).status_code == 403
    assert signed_in(small_app, username).post("/api/petitions/earlier", json={"household_code": household}
                                               ).status_code == 403
    assert count_disputes(small_app) == before


def test_earlier_cases_are_found_and_linked_both_ways(small_app):
    household = household_in(small_app, TOWN)
    staff = signed_in(small_app, "county01")
    first = register(small_app, "county01", cell_code=household["cell_code"]).get_json()  # no household given
    with small_app.app_context():  # the grid reported a dispute of the petitioner's own household earlier
        worker = db.session.scalar(sa.select(User.id).where(User.role == "grid_worker"))
        grid_case = Dispute(id=uuid.uuid4(), cell_id=household["cell_id"], household_id=household["id"],
                            reporter_id=worker, category="neighbour", risk_colour="blue", title="宅基地边界纠纷",
                            reported_at=NOW - dt.timedelta(days=40))
        db.session.add(grid_case)
        db.session.commit()
        grid_case = str(grid_case.id)
    by_id = staff.post("/api/petitions/earlier", json={"id_number": PETITIONER_ID}).get_json()["items"]
    assert [(c["id"], c["matched_by"]) for c in by_id] == [(first["id"], ["id_number"])]
    by_name = staff.post("/api/petitions/earlier", json={"name": "赵秀英", "mobile": "13912345678"}).get_json()["items"]
    assert [c["id"] for c in by_name] == [first["id"]] and by_name[0]["petitioner"]["mobile"] == "139****5678"
    by_household = staff.post("/api/petitions/earlier", json={"household_code": household["code"]}).get_json()
    assert grid_case in {c["id"] for c in by_household["items"]}
    if household["head_id_number"]:  # the head's ID number finds their household's cases too
        by_head = staff.post("/api/petitions/earlier", json={"id_number": household["head_id_number"]}).get_json()
        assert grid_case in {c["id"] for c in by_head["items"]}

    again = register(small_app, "county01", household_code=household["code"], linked_dispute_ids=[first["id"], grid_case])
    assert again.status_code == 201, again.get_json()
    links = again.get_json()["links"]
    assert {c["id"] for c in links["earlier"]} == {first["id"], grid_case} and links["later"] == []
    later = staff.get(f"/api/disputes/{first['id']}").get_json()["links"]
    assert [c["id"] for c in later["later"]] == [again.get_json()["id"]] and later["earlier"] == []
    with small_app.app_context():
        pairs = set(db.session.execute(sa.select(DisputeLink.dispute_id, DisputeLink.earlier_id)).all())
        assert pairs == {(uuid.UUID(again.get_json()["id"]), uuid.UUID(first["id"])),
                         (uuid.UUID(again.get_json()["id"]), uuid.UUID(grid_case))}
        lookups = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "lookup")).all()
        assert len(lookups) >= 3 and PETITIONER_ID not in str([r.after for r in lookups])


def test_a_town_secretary_cannot_find_or_link_another_towns_case(small_app):
    elsewhere = register(small_app, "county01", household_code=household_in(small_app, OTHER_TOWN)["code"]).get_json()
    secretary = signed_in(small_app, "t100")
    assert secretary.post("/api/petitions/earlier", json={"id_number": PETITIONER_ID}).get_json()["items"] == []
    before = count_disputes(small_app)
    response = register(small_app, "t100", household_code=household_in(small_app, TOWN)["code"],
                        linked_dispute_ids=[elsewhere["id"]])
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == ["linked_dispute_ids"]
    assert count_disputes(small_app) == before
    with small_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DisputeLink)) == 0


def test_personal_data_is_masked_and_county_staff_reveal_it_with_a_reason(small_app):
    household = household_in(small_app, TOWN)
    petition = register(small_app, "county01", household_code=household["code"]).get_json()
    url = f"/api/disputes/{petition['id']}"
    worker = db_username(small_app, "grid_worker", household["cell_id"])
    seen = signed_in(small_app, worker).get(url).get_json()["petitioner"]  # grid workers call people: mobile whole
    assert seen["mobile"] == "13912345678" and seen["id_number"] != PETITIONER_ID and "*" in seen["id_number"]
    assert signed_in(small_app, "t100").get(url).get_json()["petitioner"]["mobile"] == "139****5678"
    reveal = f"/api/petitions/{petition['id']}/reveal"
    assert signed_in(small_app, "t100").post(reveal, json={"field": "petitioner_id_number", "reason": "核实身份"}
                                             ).status_code == 403
    assert signed_in(small_app, "county01").post(reveal, json={"field": "petitioner_id_number"}).status_code == 422
    shown = signed_in(small_app, "county01").post(reveal, json={"field": "petitioner_id_number", "reason": "核实身份"})
    assert shown.get_json() == {"field": "petitioner_id_number", "value": PETITIONER_ID}
    with small_app.app_context():
        rows = db.session.scalars(sa.select(AuditLog).where(AuditLog.entity_id == petition["id"])).all()
        assert ("reveal", {"field": "petitioner_id_number", "reason": "核实身份"}) in [(r.action, r.after) for r in rows]
        created = next(r for r in rows if r.action == "create")
        assert created.after["petitioner_id_number"] != PETITIONER_ID and created.after["petitioner_mobile"] == (
            "139****5678")


def db_username(app, role, unit_id) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(User.username).where(User.role == role, User.unit_id == unit_id))


def accept(app, dispute_id, days_ago):
    with app.app_context():
        db.session.execute(sa.update(Dispute).where(Dispute.id == uuid.UUID(dispute_id)).values(
            state="accepted", accepted_at=NOW - dt.timedelta(days=days_ago)))
        db.session.commit()


@pytest.mark.parametrize("channel, reported, accepted, colour, due_days", [
    ("sms", 8, None, "green", 15 - 8),    # 15 days to accept an SMS petition, like any other
    ("sms", 9, 8, "red", 7 - 8),          # then 7 to resolve it: accepted 8 days ago, it is late
    ("online", 12, 10, "green", 15 - 10),  # online / WeChat: 15 days to resolve
    ("walk_in", 70, 50, "yellow", 60 - 50),  # 60 days from acceptance, not from the report 70 days ago
    ("letter", 70, 61, "red", 60 - 61),
])
def test_petitions_follow_the_limits_of_their_channel(small_app, frozen, channel, reported, accepted, colour,
                                                      due_days):
    petition = register(small_app, "county01", household_code=household_in(small_app, TOWN)["code"], channel=channel,
                        reported_at=(NOW - dt.timedelta(days=reported)).isoformat()).get_json()
    if accepted is not None:
        accept(small_app, petition["id"], accepted)
    body = signed_in(small_app, "county01").get(f"/api/disputes/{petition['id']}").get_json()
    assert body["deadline"] == colour
    assert dt.datetime.fromisoformat(body["due_at"]) == NOW + dt.timedelta(days=due_days)
    red = signed_in(small_app, "county01").get("/api/disputes?deadline=red&page_size=500").get_json()["items"]
    assert (petition["id"] in {d["id"] for d in red}) == (colour == "red")


def test_a_registration_cannot_be_dated_ahead(small_app, frozen):
    response = register(small_app, "county01", household_code=household_in(small_app, TOWN)["code"],
                        reported_at=(NOW + dt.timedelta(days=1)).isoformat())
    assert response.status_code == 422 and list(response.get_json()["errors"]["json"]) == ["reported_at"]


def test_an_escalation_before_acceptance_starts_the_resolution_limit(small_app, frozen):
    petition = register(small_app, "t100", household_code=household_in(small_app, TOWN)["code"],
                        reported_at=(NOW - dt.timedelta(days=3)).isoformat()).get_json()
    secretary = signed_in(small_app, "t100")
    body = secretary.post(f"/api/disputes/{petition['id']}/steps", json={
        "kind": "escalate", "version": petition["version"], "note": "涉及县级部门"}).get_json()
    assert (body["level"], body["state"]) == ("county", "accepted")
    assert dt.datetime.fromisoformat(body["accepted_at"]) == NOW
    assert dt.datetime.fromisoformat(body["due_at"]) == NOW + dt.timedelta(days=60)
    with small_app.app_context():
        kinds = db.session.scalars(sa.select(DisputeEvent.kind).where(
            DisputeEvent.dispute_id == uuid.UUID(petition["id"])).order_by(DisputeEvent.occurred_at)).all()
    assert kinds == ["report", "escalate"]

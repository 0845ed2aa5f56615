"""Pull sync: a phone gets its area, then only what changed."""
import datetime as dt
import uuid

import sqlalchemy as sa

from server.extensions import db
from server.models import CadreLink, Household, User, Visit
from tests.conftest import signed_in


def test_a_worker_pulls_their_cell_and_then_only_changes(small_app, clock):
    with small_app.app_context():
        worker = db.session.scalars(sa.select(User).where(User.role == "grid_worker").order_by(User.id)).first()
        mine = set(db.session.scalars(sa.select(Household.code).where(Household.cell_id == worker.unit_id)))
    client = signed_in(small_app, worker.username)
    first = client.get("/api/sync/pull").get_json()
    assert set(first["household_codes"]) == mine
    assert {h["code"] for h in first["households"]} == mine
    assert all("*" in h["head_id_number"] for h in first["households"])
    assert all(h["phone"] is None or "*" not in h["phone"] for h in first["households"])  # workers call people
    with small_app.app_context():
        latest = dict(db.session.execute(
            sa.select(Household.code, sa.func.max(Visit.visited_at)).outerjoin(Visit, Visit.household_id == Household.id)
            .where(Household.cell_id == worker.unit_id).group_by(Household.code)).all())
    pulled = {h["code"]: h["last_visit_at"] and dt.datetime.fromisoformat(h["last_visit_at"]) for h in first["households"]}
    assert pulled == latest and any(latest.values())
    clock.at += dt.timedelta(hours=1)
    later = client.get("/api/sync/pull", query_string={"since": first["cursor"]}).get_json()
    assert later["households"] == [] and set(later["household_codes"]) == mine
    code = sorted(mine)[0]
    item = {"type": "dispute", "id": str(uuid.uuid4()), "data": {
        "household_code": code, "category": "family", "risk_colour": "blue", "title": "赡养纠纷",
        "reported_at": "2026-11-19T09:00:00+08:00"}}
    client.post("/api/sync/push", json={"items": [item]})
    changed = client.get("/api/sync/pull", query_string={"since": first["cursor"]}).get_json()
    assert item["id"] in [d["id"] for d in changed["disputes"]] and item["id"] in changed["open_dispute_ids"]


def test_a_cadre_pulls_their_linked_households_and_link_changes(small_app):
    with small_app.app_context():
        cadre = db.session.scalars(sa.select(User).where(User.role == "cadre").order_by(User.id)).first()
        linked = set(db.session.scalars(sa.select(Household.code).join(CadreLink, CadreLink.household_id == Household.id)
                                        .where(CadreLink.cadre_id == cadre.id, CadreLink.valid_to.is_(None))))
    client = signed_in(small_app, cadre.username)
    first = client.get("/api/sync/pull").get_json()
    assert set(first["household_codes"]) == linked and linked
    lost = sorted(linked)[0]
    admin = signed_in(small_app, "admin")
    other = "c00002" if cadre.username != "c00002" else "c00003"
    assert admin.post("/api/admin/cadre-links", json={"cadre_username": other, "household_code": lost,
                                                      "valid_from": str(dt.date.today())}).status_code == 201
    later = client.get("/api/sync/pull", query_string={"since": first["cursor"]}).get_json()
    assert lost not in later["household_codes"]  # the phone drops it


def test_a_bad_cursor_is_422(small_app):
    client = signed_in(small_app, "t100")
    assert client.get("/api/sync/pull?since=yesterday").status_code == 422


def test_follow_ups_reach_the_phone_with_iso_dates(small_app):
    """The phone sorts and flags follow-ups by comparing ISO dates ("2026-12-01"), not HTTP dates."""
    with small_app.app_context():
        worker = db.session.scalars(sa.select(User).where(User.role == "grid_worker").order_by(User.id)).first()
        code = db.session.scalar(sa.select(Household.code).where(Household.cell_id == worker.unit_id).limit(1))
    client = signed_in(small_app, worker.username)
    due = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    item = {"type": "visit", "id": str(uuid.uuid4()), "data": {
        "household_code": code, "kind": "policy", "notes": "", "findings": "低保材料待补",
        "visited_at": dt.datetime.now(dt.timezone.utc).isoformat(), "follow_up_on": due}}
    assert client.post("/api/sync/push", json={"items": [item]}).get_json()["accepted"] == 1
    follow_ups = client.get("/api/sync/pull").get_json()["follow_ups"]
    assert {"visit_id": item["id"], "household_code": code, "follow_up_on": due, "findings": "低保材料待补"} in follow_ups


def test_a_visit_resends_its_household_to_every_phone_that_holds_it(small_app, worker_cell, clock):
    """A visit sets the household's last visit (a trigger) and its updated_at (the push), so the next incremental
    pull of every phone whose area holds the household carries it with the new last visit: whoever visited it."""
    worker, code, other = worker_cell["worker"], worker_cell["household"], worker_cell["other"]
    phone = signed_in(small_app, worker)
    cursor = phone.get("/api/sync/pull").get_json()["cursor"]

    for visitor, household in ((signed_in(small_app, worker_cell["cadre"]), code),  # the household's cadre
                               (signed_in(small_app, worker), other)):             # the worker's second phone
        clock.at += dt.timedelta(hours=1)
        visited = (clock.at - dt.timedelta(minutes=5)).replace(microsecond=0)
        item = {"type": "visit", "id": str(uuid.uuid4()), "data": {
            "household_code": household, "kind": "counselling", "visited_at": visited.isoformat()}}
        assert visitor.post("/api/sync/push", json={"items": [item]}).get_json()["accepted"] == 1
        with small_app.app_context():
            stored = db.session.execute(sa.select(Household.updated_at, Household.last_visit_at)
                                        .where(Household.code == household)).one()
        assert stored == (clock.at, visited)  # the push's clock, not the database's
        clock.at += dt.timedelta(minutes=10)
        later = phone.get("/api/sync/pull", query_string={"since": cursor}).get_json()
        pulled = {h["code"]: h for h in later["households"]}
        assert list(pulled) == [household]
        assert dt.datetime.fromisoformat(pulled[household]["last_visit_at"]) == visited
        cursor = later["cursor"]

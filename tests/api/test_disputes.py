"""The closed loop: who may take which step, deadline colours with a frozen clock, conflicts."""
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Dispute, GridUnit, User
from tests.conftest import signed_in

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    from server import clock
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return NOW


@pytest.fixture
def place(small_app):
    """A cell of the first village, and the people who act at each level above it."""
    with small_app.app_context():
        cell = db.session.scalars(sa.select(GridUnit).where(GridUnit.level == "cell").order_by(GridUnit.code)).first()
        by_unit = {u.unit_id: u.username for u in db.session.scalars(sa.select(User).where(
            User.role.in_(("grid_worker", "village_head", "town_secretary"))))}
        return {"cell_id": cell.id, "worker": by_unit[cell.id], "head": by_unit[cell.parent_id],
                "secretary": by_unit[cell.parent.parent_id], "staff": "county01"}


def make_dispute(app, place, state="reported", level="village", days_ago=1, channel="grid_screening"):
    with app.app_context():
        reporter = db.session.scalar(sa.select(User.id).where(User.username == place["worker"]))
        d = Dispute(id=uuid.uuid4(), cell_id=place["cell_id"], reporter_id=reporter, category="neighbour",
                    risk_colour="yellow", title="邻里纠纷", state=state, level=level, channel=channel,
                    reported_at=NOW - dt.timedelta(days=days_ago))
        db.session.add(d)
        db.session.commit()
        return str(d.id)


def step(app, username, dispute_id, kind, **body):
    client = signed_in(app, username)
    version = client.get(f"/api/disputes/{dispute_id}").get_json()["version"]
    return client.post(f"/api/disputes/{dispute_id}/steps", json={"kind": kind, "version": version, **body})


def test_the_whole_loop_at_village_level(small_app, place):
    d = make_dispute(small_app, place)
    assert step(small_app, place["head"], d, "accept").status_code == 200
    assert step(small_app, place["head"], d, "assign", leader_username=place["head"]).status_code == 200
    assert step(small_app, place["head"], d, "mediate", note="组织调解").status_code == 200
    assert step(small_app, place["head"], d, "resolve").status_code == 200
    assert step(small_app, place["worker"], d, "call_back", satisfaction="satisfied").status_code == 200
    body = step(small_app, place["head"], d, "close").get_json()
    assert body["state"] == "closed" and body["satisfaction"] == "satisfied" and body["deadline"] is None
    assert [e["kind"] for e in body["events"]] == ["accept", "assign", "mediate", "resolve", "call_back", "close"]
    assert body["leader_username"] == place["head"] and body["closed_at"]


def test_escalation_moves_the_dispute_up_and_hands_it_to_the_next_level(small_app, place):
    d = make_dispute(small_app, place, state="accepted")
    body = step(small_app, place["head"], d, "escalate", note="村级无法化解").get_json()
    assert body["level"] == "town" and body["state"] == "accepted"
    assert step(small_app, place["head"], d, "assign", leader_username=place["head"]).status_code == 403
    assert step(small_app, place["secretary"], d, "assign", leader_username=place["secretary"]).status_code == 200
    assert step(small_app, place["secretary"], d, "escalate", note="镇级无法化解").get_json()["level"] == "county"
    assert step(small_app, place["staff"], d, "escalate", note="再上交").status_code == 409  # nowhere higher


@pytest.mark.parametrize("who, level, state, kind, status", [
    ("worker", "village", "reported", "accept", 403),       # only the village head accepts at village level
    ("secretary", "village", "reported", "accept", 403),    # 小事不出村: the town does not take it over
    ("head", "village", "reported", "resolve", 409),        # not before it is mediated
    ("head", "village", "closed", "mediate", 409),
    ("head", "town", "accepted", "assign", 403),            # held by the town now
    ("head", "village", "reported", "supervise", 403),      # supervision is for town and county
    ("secretary", "village", "mediating", "supervise", 200),
    ("staff", "village", "reported", "supervise", 200),
    ("worker", "village", "resolved", "call_back+", 200),   # grid workers make call-backs
    ("worker", "village", "closed", "note", 200),
    ("head", "village", "accepted", "assign", 422),         # no leader named
    ("head", "village", "resolved", "call_back", 422),      # no satisfaction given
])
def test_who_may_take_which_step(small_app, place, who, level, state, kind, status):
    d = make_dispute(small_app, place, state=state, level=level)
    body = {"satisfaction": "basically_satisfied"} if kind.endswith("+") else {}
    response = step(small_app, place[who], d, kind.rstrip("+"), **body)
    assert response.status_code == status, response.get_json()
    if status >= 400:
        assert response.get_json()["message_zh"]


def test_a_stale_version_is_409_with_the_current_state(small_app, place):
    d = make_dispute(small_app, place)
    head = signed_in(small_app, place["head"])
    seen = head.get(f"/api/disputes/{d}").get_json()["version"]
    assert head.post(f"/api/disputes/{d}/steps", json={"kind": "accept", "version": seen}).status_code == 200
    late = signed_in(small_app, place["secretary"]).post(
        f"/api/disputes/{d}/steps", json={"kind": "supervise", "version": seen})
    assert late.status_code == 409
    current = late.get_json()["current"]
    assert current["state"] == "accepted" and current["version"] == seen + 1


@pytest.mark.parametrize("state, days_ago, channel, colour", [
    ("reported", 1, "grid_screening", "green"),
    ("reported", 12, "grid_screening", "yellow"),   # 3 of 15 days left (< 25 %)
    ("reported", 16, "grid_screening", "red"),
    ("reported", 6, "sms", "yellow"),               # SMS: 7 days to accept
    ("reported", 8, "sms", "red"),
    ("mediating", 16, "grid_screening", "green"),   # accepted: 60 days to resolve
    ("mediating", 50, "grid_screening", "yellow"),
    ("mediating", 61, "grid_screening", "red"),
    ("resolved", 61, "grid_screening", None),       # done: no colour
])
def test_deadline_colours_with_a_frozen_clock(small_app, place, frozen, state, days_ago, channel, colour):
    d = make_dispute(small_app, place, state=state, days_ago=days_ago, channel=channel)
    body = signed_in(small_app, "county01").get(f"/api/disputes/{d}").get_json()
    assert body["deadline"] == colour
    limit = 7 if channel == "sms" and state == "reported" else 15 if state == "reported" else 60
    if colour:
        due = dt.datetime.fromisoformat(body["due_at"])
        assert due == NOW - dt.timedelta(days=days_ago) + dt.timedelta(days=limit)


def test_list_filters_by_deadline_colour(small_app, place, frozen):
    red = make_dispute(small_app, place, days_ago=20)
    green = make_dispute(small_app, place, days_ago=1)
    ids = {d["id"] for d in signed_in(small_app, "county01").get("/api/disputes?deadline=red&page_size=500")
           .get_json()["items"]}
    assert red in ids and green not in ids


def test_list_of_escalated_open_disputes(small_app, place, frozen):
    town = make_dispute(small_app, place, state="accepted", level="town")
    county = make_dispute(small_app, place, state="mediating", level="county")
    village = make_dispute(small_app, place, state="accepted")
    done = make_dispute(small_app, place, state="resolved", level="town")
    ids = {d["id"] for d in signed_in(small_app, "county01").get("/api/disputes?escalated=true&open=true&page_size=500")
           .get_json()["items"]}
    assert {town, county} <= ids and not {village, done} & ids


def test_steps_from_phones_use_the_same_rules(small_app, place):
    d = make_dispute(small_app, place)
    head = signed_in(small_app, place["head"])
    item = {"type": "dispute_event", "id": str(uuid.uuid4()), "data": {
        "dispute_id": d, "kind": "accept", "occurred_at": "2026-11-19T10:00:00+08:00", "version": 5}}
    result = head.post("/api/sync/push", json={"items": [item]}).get_json()["results"][0]
    assert result["status"] == "rejected" and result["reason"]["status"] == 409
    assert result["reason"]["current"]["state"] == "reported"
    item = {**item, "id": str(uuid.uuid4()), "data": {**item["data"], "version": 1}}
    assert head.post("/api/sync/push", json={"items": [item]}).get_json()["accepted"] == 1


def test_time_limits_are_settings(small_app, place, frozen):
    d = make_dispute(small_app, place, days_ago=10)
    staff = signed_in(small_app, "county01")
    assert staff.get(f"/api/disputes/{d}").get_json()["deadline"] == "green"
    response = staff.patch("/api/settings", json={"acceptance_days": {"default": 9}})
    assert response.status_code == 200 and response.get_json()["acceptance_days"] == {"default": 9}
    assert staff.get(f"/api/disputes/{d}").get_json()["deadline"] == "red"
    assert staff.patch("/api/settings", json={"acceptance_days": {"pigeon": 3}}).status_code == 422
    assert staff.patch("/api/settings", json={"daily_reporting": True}).get_json()["daily_reporting"] is True


def test_a_change_racing_ours_is_409_not_500(small_app, place, monkeypatch):
    """Another request updates the dispute between our read and our write: the version check in the
    UPDATE catches it, and the answer is a 409 with the current state."""
    from sqlalchemy.orm.exc import StaleDataError

    from server.api.disputes import routes

    def racing(*_, **__):
        raise StaleDataError("UPDATE statement on table 'dispute' expected to update 1 row(s); 0 were matched.")
    d = make_dispute(small_app, place)
    monkeypatch.setattr(routes, "take_step", racing)
    response = step(small_app, place["head"], d, "accept")
    assert response.status_code == 409 and response.get_json()["current"]["state"] == "reported"


def test_every_step_writes_the_dispute_a_note_too(small_app, place, frozen):
    """A note or a supervision leaves the state as it is but moves updated_at (which pull watches, by the server's
    clock) and the version: a phone holding the version from before the note gets 409 for its next step."""
    d = make_dispute(small_app, place, state="mediating")
    seen = signed_in(small_app, place["head"]).get(f"/api/disputes/{d}").get_json()["version"]
    for who, kind in (("worker", "note"), ("secretary", "supervise")):
        body = step(small_app, place[who], d, kind, note="已电话核实").get_json()
        assert body["state"] == "mediating" and body["events"][-1]["kind"] == kind
    with small_app.app_context():
        row = db.session.get(Dispute, uuid.UUID(d))
        assert (row.version, row.updated_at) == (seen + 2, NOW)
    late = signed_in(small_app, place["head"]).post(f"/api/disputes/{d}/steps", json={"kind": "resolve", "version": seen})
    assert late.status_code == 409 and late.get_json()["current"]["version"] == seen + 2

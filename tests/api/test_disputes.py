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


def make_dispute(app, place, state="reported", level="village", days_ago=1, channel="grid_screening",
                 accepted_days_ago=None):
    with app.app_context():
        reporter = db.session.scalar(sa.select(User.id).where(User.username == place["worker"]))
        accepted = None if accepted_days_ago is None else NOW - dt.timedelta(days=accepted_days_ago)
        d = Dispute(id=uuid.uuid4(), cell_id=place["cell_id"], reporter_id=reporter, category="neighbour",
                    risk_colour="yellow", title="邻里纠纷", state=state, level=level, channel=channel,
                    reported_at=NOW - dt.timedelta(days=days_ago), accepted_at=accepted)
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


@pytest.mark.parametrize("state, days_ago, accepted_days_ago, channel, colour, limit", [
    ("reported", 1, None, "grid_screening", "green", 15),   # 15 days from the report to accept, every channel
    ("reported", 12, None, "grid_screening", "yellow", 15),  # 3 of 15 days left (< 25 %)
    ("reported", 16, None, "grid_screening", "red", 15),
    ("reported", 8, None, "sms", "green", 15),             # SMS petitions too: their 7 days are to resolve them
    ("reported", 16, None, "sms", "red", 15),
    ("mediating", 16, 15, "grid_screening", "green", 60),   # accepted: 60 days from acceptance to resolve
    ("mediating", 50, 46, "grid_screening", "yellow", 60),
    ("mediating", 70, 40, "grid_screening", "green", 60),   # reported 70 days ago, accepted 40 ago: 20 days left
    ("mediating", 70, 50, "grid_screening", "yellow", 60),  # accepted 50 days ago: near, not past, its limit
    ("mediating", 61, 61, "grid_screening", "red", 60),
    ("mediating", 16, None, "grid_screening", "green", 60),  # no acceptance recorded: counted from the report
    ("accepted", 8, 6, "sms", "yellow", 7),                 # SMS: resolved within 7 days of acceptance
    ("accepted", 9, 8, "sms", "red", 7),
    ("assigned", 10, 4, "online", "green", 15),             # online / WeChat: within 15
    ("assigned", 20, 16, "online", "red", 15),
    ("resolved", 61, 60, "grid_screening", None, 60),       # done: no colour
])
def test_deadline_colours_with_a_frozen_clock(small_app, place, frozen, state, days_ago, accepted_days_ago, channel,
                                              colour, limit):
    d = make_dispute(small_app, place, state=state, days_ago=days_ago, channel=channel,
                     accepted_days_ago=accepted_days_ago)
    body = signed_in(small_app, "county01").get(f"/api/disputes/{d}").get_json()
    assert body["deadline"] == colour
    if colour:
        start = days_ago if state == "reported" or accepted_days_ago is None else accepted_days_ago
        assert dt.datetime.fromisoformat(body["due_at"]) == NOW - dt.timedelta(days=start) + dt.timedelta(days=limit)


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


def test_steps_from_phones_use_the_same_rules(small_app, place, frozen):
    d = make_dispute(small_app, place)
    head = signed_in(small_app, place["head"])
    item = {"type": "dispute_event", "id": str(uuid.uuid4()), "data": {
        "dispute_id": d, "kind": "accept", "occurred_at": "2026-11-20T10:00:00+08:00", "version": 5}}
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
    sms = make_dispute(small_app, place, state="accepted", days_ago=10, accepted_days_ago=4, channel="sms")
    assert staff.get(f"/api/disputes/{sms}").get_json()["deadline"] == "green"  # 3 of its 7 days left
    response = staff.patch("/api/settings", json={"resolution_days": {"default": 60, "sms": 5}})
    assert response.status_code == 200 and response.get_json()["resolution_days"] == {"default": 60, "sms": 5}
    assert staff.get(f"/api/disputes/{sms}").get_json()["deadline"] == "yellow"  # 1 of 5 days left
    assert staff.patch("/api/settings", json={"daily_reporting": True}).get_json()["daily_reporting"] is True


@pytest.mark.parametrize("change, field, message", [
    ({"acceptance_days": {"pigeon": 3, "default": 15}}, "acceptance_days", "unknown channels: pigeon / 未知渠道：pigeon"),
    ({"resolution_days": {"sms": 7}}, "resolution_days", "须包含 default"),
    ({"resolution_days": 60}, "resolution_days", "不是有效的对象"),
    ({"resolution_days": {"default": 0}}, "resolution_days", "须在 1 到 365 之间"),
    ({"acceptance_days": {"default": "soon"}}, "acceptance_days", "不是有效的整数"),
])
def test_time_limits_are_checked_field_by_field(small_app, change, field, message):
    response = signed_in(small_app, "county01").patch("/api/settings", json=change)
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]
    assert list(errors) == [field] and message in str(errors[field])
    assert signed_in(small_app, "county01").get("/api/settings").get_json()["resolution_days"] == {
        "default": 60, "sms": 7, "online": 15}


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

"""What the dispute desk relies on: the steps a user may take now, the 待办 inbox, refusing a case 不予受理, the four
fixes 四定 of an assignment, an unsatisfied call-back reopening the case, and finding the disputes of a map spot."""
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from geoalchemy2.shape import from_shape
from shapely.geometry import Point

from server.extensions import db
from server.models import Dispute, DisputeEvent, GridUnit
from tests.api.test_disputes import NOW, make_dispute, step
from tests.conftest import signed_in


def detail(app, username, dispute_id):
    return signed_in(app, username).get(f"/api/disputes/{dispute_id}").get_json()


def inbox(app, username):
    body = signed_in(app, username).get("/api/disputes/inbox").get_json()
    return {**{box["key"]: box["count"] for box in body["boxes"]}, "waiting": body["waiting"]}


def box_ids(app, username, box):
    body = signed_in(app, username).get(f"/api/disputes?box={box}&page_size=200").get_json()
    return {d["id"] for d in body["items"]}


@pytest.mark.parametrize("who, level, state, actions", [
    ("head", "village", "reported", ["accept", "decline", "escalate", "note"]),
    ("head", "village", "accepted", ["assign", "escalate", "note"]),
    ("head", "town", "accepted", ["note"]),                          # held by the town: the village only watches
    ("secretary", "village", "mediating", ["supervise", "note"]),
    ("secretary", "town", "mediating", ["resolve", "escalate", "supervise", "note"]),
    ("staff", "county", "assigned", ["mediate", "supervise", "note"]),  # nowhere higher to escalate to
    ("worker", "village", "resolved", ["call_back", "note"]),
    ("head", "village", "closed", ["note"]),
])
def test_the_dispute_answer_lists_the_steps_the_user_may_take_now(small_app, place, who, level, state, actions):
    d = make_dispute(small_app, place, state=state, level=level)
    assert detail(small_app, place[who], d)["actions"] == actions


def test_the_detail_names_where_it_lies_even_above_the_readers_scope(small_app, place):
    d = make_dispute(small_app, place)
    body = detail(small_app, place["head"], d)
    assert [p["level"] for p in body["places"]] == ["town", "village", "cell"]
    with small_app.app_context():
        cell = db.session.get(GridUnit, place["cell_id"])
        assert [p["name"] for p in body["places"]] == [cell.parent.parent.name, cell.parent.name, cell.name]
    assert body["cell_name"] == body["places"][2]["name"]


def test_declining_needs_a_reason_and_the_notice_and_closes_it(small_app, place):
    d = make_dispute(small_app, place)
    no_reason = step(small_app, place["head"], d, "decline", notice="请向县人民法院起诉")
    assert no_reason.status_code == 422 and "note" in no_reason.get_json()["errors"]["json"]
    no_notice = step(small_app, place["head"], d, "decline", note="属于诉讼事项")
    assert no_notice.status_code == 422 and "notice" in no_notice.get_json()["errors"]["json"]
    assert "告知" in no_notice.get_json()["message_zh"]
    body = step(small_app, place["head"], d, "decline", note="属于诉讼事项", notice="请向县人民法院起诉").get_json()
    assert body["state"] == "closed" and body["closed_at"] and body["actions"] == ["note"]
    last = body["events"][-1]
    assert last["kind"] == "close" and last["details"] == {"notice": "请向县人民法院起诉", "declined": True}
    assert last["note"] == "属于诉讼事项"


def test_escalating_needs_a_reason(small_app, place):
    d = make_dispute(small_app, place, state="accepted")
    response = step(small_app, place["head"], d, "escalate")
    assert response.status_code == 422 and "note" in response.get_json()["errors"]["json"]
    assert detail(small_app, place["head"], d)["level"] == "village"


def test_assigning_records_the_four_fixes_and_the_owner_unit(small_app, place):
    d = make_dispute(small_app, place, state="accepted")
    with small_app.app_context():
        cell = db.session.get(GridUnit, place["cell_id"])
        village_code, other_village = cell.parent.code, db.session.scalar(
            sa.select(GridUnit.code).where(GridUnit.level == "village", GridUnit.id != cell.parent_id))
    outside = step(small_app, place["head"], d, "assign", leader_username=place["head"], owner_unit_code=other_village)
    assert outside.status_code == 422 and "owner_unit_code" in outside.get_json()["errors"]["json"]
    body = step(small_app, place["head"], d, "assign", leader_username=place["head"], measures="组织双方现场勘界",
                responsible="王主任", due_on="2026-12-20", owner_unit_code=cell.code).get_json()
    assert body["state"] == "assigned" and body["owner_unit"]["code"] == cell.code
    assert body["events"][-1]["details"] == {"measures": "组织双方现场勘界", "responsible": "王主任",
                                             "due_on": "2026-12-20", "owner_unit_code": cell.code}
    with small_app.app_context():
        assert db.session.scalar(sa.select(DisputeEvent.details).where(
            DisputeEvent.dispute_id == uuid.UUID(d), DisputeEvent.kind == "assign"))["measures"] == "组织双方现场勘界"
    default = make_dispute(small_app, place, state="accepted")
    body = step(small_app, place["head"], default, "assign", leader_username=place["head"]).get_json()
    assert body["owner_unit"]["code"] == village_code  # the unit holding it


def test_an_unsatisfied_call_back_reopens_the_case(small_app, place):
    d = make_dispute(small_app, place, state="resolved")
    body = step(small_app, place["worker"], d, "call_back", satisfaction="unsatisfied", note="对方未履行").get_json()
    assert body["state"] == "mediating" and body["events"][-1]["to_state"] == "mediating"
    assert body["events"][-1]["details"] == {"satisfaction": "unsatisfied"}
    assert "resolve" in detail(small_app, place["head"], d)["actions"]
    assert step(small_app, place["head"], d, "resolve", agreement="双方签订调解协议书").status_code == 200
    assert detail(small_app, place["head"], d)["events"][-1]["details"] == {"agreement": "双方签订调解协议书"}
    assert step(small_app, place["worker"], d, "call_back", satisfaction="satisfied").get_json()["state"] == "called_back"
    assert step(small_app, place["head"], d, "close").get_json()["state"] == "closed"


def test_a_case_left_unsatisfied_cannot_be_closed(small_app, place):
    d = make_dispute(small_app, place, state="called_back")
    with small_app.app_context():
        db.session.execute(sa.update(Dispute).where(Dispute.id == uuid.UUID(d)).values(satisfaction="unsatisfied"))
        db.session.commit()
    response = step(small_app, place["head"], d, "close")
    assert response.status_code == 409 and "不满意" in response.get_json()["message_zh"]
    assert step(small_app, place["head"], d, "mediate", note="重新调处").get_json()["state"] == "mediating"


def test_the_inbox_counts_each_box_and_lists_it(small_app, place, monkeypatch):
    from server import clock
    now = [NOW]
    monkeypatch.setattr(clock, "now", lambda: now[0])

    def later():
        now[0] += dt.timedelta(minutes=5)

    with small_app.app_context():  # a clean slate for this cell's village and town
        db.session.execute(sa.delete(DisputeEvent))
        db.session.execute(sa.delete(Dispute))
        db.session.commit()
    waiting = make_dispute(small_app, place)
    overdue = make_dispute(small_app, place, state="assigned", days_ago=80)
    resolved = make_dispute(small_app, place, state="resolved")
    head = inbox(small_app, place["head"])
    assert head["to_accept"] == 1 and head["call_back"] == 1 and head["deadline"] == 1 and head["waiting"] == 3
    assert box_ids(small_app, place["head"], "to_accept") == {waiting}
    assert box_ids(small_app, place["head"], "deadline") == {overdue}
    assert box_ids(small_app, place["head"], "call_back") == {resolved}
    assert inbox(small_app, place["secretary"])["to_accept"] == 0  # held by the village
    # handed up: the town's escalated box, until the town names a case leader
    assert step(small_app, place["head"], waiting, "accept").status_code == 200
    assert step(small_app, place["head"], waiting, "escalate", note="涉及两村").status_code == 200
    assert box_ids(small_app, place["secretary"], "escalated") == {waiting}
    assert inbox(small_app, place["head"])["to_accept"] == 0
    # supervised by the county: in the town's box until the town moves it on
    later()
    assert step(small_app, place["staff"], waiting, "supervise", note="请于本周内化解").status_code == 200
    assert box_ids(small_app, place["secretary"], "supervised") == {waiting}
    later()
    assert step(small_app, place["secretary"], waiting, "assign", leader_username=place["secretary"]).status_code == 200
    assert inbox(small_app, place["secretary"])["supervised"] == 0
    assert box_ids(small_app, place["secretary"], "mine") == {waiting}
    assert inbox(small_app, place["worker"]) == {key: 0 for key in head}  # workers hold no level


def test_the_disputes_of_a_map_spot(small_app, place):
    here, there = make_dispute(small_app, place), make_dispute(small_app, place)
    with small_app.app_context():
        for ident, point in ((here, Point(108.30, 33.30)), (there, Point(108.50, 33.50))):
            db.session.execute(sa.update(Dispute).where(Dispute.id == uuid.UUID(ident))
                               .values(location=from_shape(point, srid=4326)))
        db.session.commit()
    staff = signed_in(small_app, place["staff"])
    found = staff.get("/api/disputes?bbox=108.29,33.29,108.31,33.31&page_size=200").get_json()["items"]
    assert {d["id"] for d in found} >= {here} and there not in {d["id"] for d in found}
    bad = staff.get("/api/disputes?bbox=108.31,33.29,108.29,33.31")
    assert bad.status_code == 422 and "bbox" in bad.get_json()["errors"]["query"]
    for garbage in ("x,33.29,108.31,33.31", "108.29,33.29", "{'a': ['x', -1.1]}"):  # found by the fuzzer: never a 500
        answer = staff.get("/api/disputes", query_string={"bbox": garbage})
        assert answer.status_code == 422 and "bbox" in answer.get_json()["errors"]["query"], garbage

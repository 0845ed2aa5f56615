"""Follow-ups 待跟进: a visit opens one, phones mark it done (sync item follow_up_done)."""
import datetime as dt
import uuid

import sqlalchemy as sa

from server.extensions import db
from server.models import AuditLog, FollowUpDone, SyncItem, User, Visit
from tests.conftest import signed_in


def push(client, *items) -> list[dict]:
    response = client.post("/api/sync/push", json={"items": list(items)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def visit(code, at: dt.datetime, follow_up_on: dt.date | None = None, **data) -> dict:
    return {"type": "visit", "id": str(uuid.uuid4()), "data": {
        "household_code": code, "kind": "poverty_check", "visited_at": at.isoformat(), "findings": "低保材料待补",
        "follow_up_on": follow_up_on and follow_up_on.isoformat(), **data}}


def done(visit_id, at: dt.datetime, **data) -> dict:
    return {"type": "follow_up_done", "id": str(uuid.uuid4()),
            "data": {"visit_id": visit_id, "done_at": at.isoformat(), **data}}


def logged_follow_up(app, username, code, at) -> str:
    """A visit with a follow-up in a week, pushed by the user; its id."""
    item = visit(code, at, at.date() + dt.timedelta(days=7))
    assert push(signed_in(app, username), item)[0]["status"] == "accepted"
    return item["id"]


def test_a_follow_up_is_marked_done_once_whoever_marks_it(small_app, worker_cell):
    now = worker_cell["clock"].at
    visit_id = logged_follow_up(small_app, worker_cell["worker"], worker_cell["household"], now - dt.timedelta(hours=1))
    mine = done(visit_id, now - dt.timedelta(minutes=30), note="材料已补齐")
    theirs = done(visit_id, now - dt.timedelta(minutes=20), note="已上门确认")
    worker, cadre = signed_in(small_app, worker_cell["worker"]), signed_in(small_app, worker_cell["cadre"])
    assert push(worker, mine)[0]["status"] == "accepted"
    assert push(cadre, theirs)[0]["status"] == "accepted"           # another user, done already: nothing written
    assert push(cadre, theirs) == push(cadre, theirs)                 # sent again: the same answer
    assert push(signed_in(small_app, worker_cell["worker"]), mine)[0]["status"] == "accepted"  # the worker's other phone
    with small_app.app_context():
        rows = db.session.scalars(sa.select(FollowUpDone).where(FollowUpDone.visit_id == uuid.UUID(visit_id))).all()
        worker_id = db.session.scalar(sa.select(User.id).where(User.username == worker_cell["worker"]))
        assert [(str(r.id), r.note, r.user_id) for r in rows] == [(mine["id"], "材料已补齐", worker_id)]
        assert rows[0].done_at == now - dt.timedelta(minutes=30) and rows[0].received_at == now
        outcomes = db.session.execute(sa.select(SyncItem.id, SyncItem.status).where(
            SyncItem.item_type == "follow_up_done")).all()
        assert {(str(i), s) for i, s in outcomes} == {(mine["id"], "accepted"), (theirs["id"], "accepted")}
        audited = db.session.scalars(sa.select(AuditLog).where(AuditLog.entity_type == "follow_up_done")).all()
        assert [(a.action, a.entity_id, a.username, a.after["visit_id"]) for a in audited] == [
            ("create", mine["id"], worker_cell["worker"], visit_id)]
        batches = db.session.scalars(sa.select(AuditLog.after).where(AuditLog.entity_type == "sync_batch")).all()
        assert [mine["id"]] in [b["accepted"].get("follow_up_done") for b in batches]


def test_twice_in_one_batch_writes_one_row(small_app, worker_cell):
    now = worker_cell["clock"].at
    worker = signed_in(small_app, worker_cell["worker"])
    follow_up = visit(worker_cell["household"], now - dt.timedelta(hours=1), now.date())
    first, second = done(follow_up["id"], now), done(follow_up["id"], now)
    assert [r["status"] for r in push(worker, follow_up, first, second)] == ["accepted"] * 3  # visit first, then done
    with small_app.app_context():
        assert db.session.scalars(sa.select(FollowUpDone.id)).all() == [uuid.UUID(first["id"])]


def test_marking_done_is_refused_field_by_field(small_app, worker_cell):
    now = worker_cell["clock"].at
    worker = signed_in(small_app, worker_cell["worker"])
    theirs = logged_follow_up(small_app, "county01", worker_cell["elsewhere"], now - dt.timedelta(hours=1))
    plain = visit(worker_cell["household"], now - dt.timedelta(hours=1))        # no follow-up
    assert push(worker, plain)[0]["status"] == "accepted"
    ours = logged_follow_up(small_app, worker_cell["worker"], worker_cell["household"], now - dt.timedelta(minutes=50))
    cases = {
        "visit_id": done(theirs, now),                                    # another town's visit: not found
        "visit_id ": done(plain["id"], now),                              # no follow-up
        "visit_id  ": done(str(uuid.uuid4()), now),                       # no such visit
        "done_at": done(ours, now + dt.timedelta(hours=1)),               # in the future
        "done_at ": {**done(ours, now), "data": {"visit_id": ours, "done_at": "2026-11-30T09:00:00"}},  # no offset
        "note": done(ours, now, note="很" * 4001),
        "visit_id   ": {**done(ours, now), "data": {"done_at": now.isoformat()}},  # missing
    }
    results = push(worker, *cases.values())
    for field, result in zip(cases, results):
        assert result["status"] == "rejected", field
        assert field.strip() in result["reason"]["errors"] and result["reason"]["message_zh"], (field, result)
    with small_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FollowUpDone)) == 0
        assert db.session.get(Visit, uuid.UUID(theirs)) is not None  # it exists, out of the worker's sight


def test_an_out_of_scope_follow_up_and_an_unknown_one_get_the_same_answer(small_app, worker_cell):
    now = worker_cell["clock"].at
    theirs = logged_follow_up(small_app, "county01", worker_cell["elsewhere"], now - dt.timedelta(hours=1))
    worker = signed_in(small_app, worker_cell["worker"])
    out, unknown = push(worker, done(theirs, now), done(str(uuid.uuid4()), now))
    assert out["reason"] == unknown["reason"]


def open_follow_ups_of_cell(app, cell_code) -> list[str]:
    """The cell's open follow-ups as plain SQL says them: each household's latest visit if it set a follow-up date
    and nobody marked it done."""
    with app.app_context():
        return [str(uuid.UUID(str(v))) for v in db.session.scalars(sa.text(
            "SELECT v.id FROM visit v JOIN household h ON h.id = v.household_id JOIN grid_unit g ON g.id = h.cell_id "
            "WHERE g.code = :cell AND v.follow_up_on IS NOT NULL AND v.visited_at = (SELECT MAX(visited_at) FROM visit "
            "WHERE household_id = h.id) AND v.id NOT IN (SELECT visit_id FROM follow_up_done) "
            "ORDER BY v.follow_up_on, h.code, v.id"), {"cell": cell_code})]


def test_every_pull_answers_the_complete_list_of_open_follow_ups(small_app, worker_cell):
    """The phone replaces its list with the one pulled: an incremental pull carries the follow-ups logged before its
    cursor too; one superseded by a later visit of the household, or marked done, leaves every phone's list."""
    clock, code, other = worker_cell["clock"], worker_cell["household"], worker_cell["other"]
    worker, cadre = signed_in(small_app, worker_cell["worker"]), signed_in(small_app, worker_cell["cadre"])
    before = clock.at - dt.timedelta(hours=1)
    first = visit(code, before, clock.at.date() + dt.timedelta(days=3))
    second = visit(other, before, clock.at.date() + dt.timedelta(days=1))
    assert [r["status"] for r in push(worker, first, second)] == ["accepted", "accepted"]

    pulled = worker.get("/api/sync/pull").get_json()
    listed = [f["visit_id"] for f in pulled["follow_ups"]]
    assert listed == open_follow_ups_of_cell(small_app, worker_cell["cell"])
    assert listed.index(second["id"]) < listed.index(first["id"])  # soonest due first
    theirs = [f["visit_id"] for f in cadre.get("/api/sync/pull").get_json()["follow_ups"]]
    assert first["id"] in theirs and second["id"] not in theirs  # the cadre's linked households only

    clock.advance(hours=1)
    again = worker.get("/api/sync/pull", query_string={"since": pulled["cursor"]}).get_json()
    assert [f["visit_id"] for f in again["follow_ups"]] == listed  # nothing new, the whole list all the same

    clock.advance(minutes=10)
    assert push(cadre, visit(code, clock.at - dt.timedelta(minutes=1)))[0]["status"] == "accepted"  # supersedes
    assert push(signed_in(small_app, worker_cell["worker"]), done(second["id"], clock.at))[0]["status"] == "accepted"
    clock.advance(minutes=10)
    for phone in (worker, cadre):
        left = [f["visit_id"] for f in phone.get("/api/sync/pull", query_string={"since": again["cursor"]})
                .get_json()["follow_ups"]]
        assert first["id"] not in left and second["id"] not in left
    assert [f["visit_id"] for f in worker.get("/api/sync/pull").get_json()["follow_ups"]] == [
        v for v in listed if v not in (first["id"], second["id"])] == open_follow_ups_of_cell(small_app,
                                                                                               worker_cell["cell"])


def test_two_phones_marking_it_done_at_once_store_one_row(small_app, worker_cell, monkeypatch):
    """The other phone's request committed between this one's check and its insert: the unique visit_id refuses
    the second row, the push runs again, sees the first and answers accepted."""
    from server.sync import handlers
    now = worker_cell["clock"].at
    visit_id = logged_follow_up(small_app, worker_cell["worker"], worker_cell["household"], now - dt.timedelta(hours=1))
    theirs, mine = done(visit_id, now, note="村里已办"), done(visit_id, now)
    assert push(signed_in(small_app, worker_cell["cadre"]), theirs)[0]["status"] == "accepted"
    real, calls = handlers.marked_done, []

    def not_yet_seen(ids):
        calls.append(ids)
        return set() if len(calls) == 1 else real(ids)  # the first attempt read before the other commit
    monkeypatch.setattr(handlers, "marked_done", not_yet_seen)
    assert push(signed_in(small_app, worker_cell["worker"]), mine)[0]["status"] == "accepted"
    assert len(calls) == 2  # rolled back once on the key, and run again
    with small_app.app_context():
        rows = db.session.execute(sa.select(FollowUpDone.id, FollowUpDone.note)).all()
        assert [(str(i), n) for i, n in rows] == [(theirs["id"], "村里已办")]
        assert db.session.get(SyncItem, uuid.UUID(mine["id"])).status == "accepted"

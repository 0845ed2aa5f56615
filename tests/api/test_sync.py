"""Push sync: idempotent, item by item, durable; visits flagged by GPS."""
import uuid

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Dispute, DisputeEvent, GridUnit, Household, SyncItem, User, Visit, ZeroReport
from tests.conftest import lately, signed_in

VISITED = lately(3)
THIS_MONTH = lately()[:10]  # a day of this month: a monthly report is for this month or the last


@pytest.fixture
def worker(small_app):
    """The first grid worker, their cell, and the households in it; the cell has filed no zero report yet (the
    seed files most months')."""
    with small_app.app_context():
        user = db.session.scalars(sa.select(User).where(User.role == "grid_worker").order_by(User.id)).first()
        db.session.execute(sa.delete(ZeroReport).where(ZeroReport.cell_id == user.unit_id))
        db.session.commit()
        households = db.session.execute(sa.select(Household.code, sa.func.ST_X(Household.location),
                                                  sa.func.ST_Y(Household.location))
                                        .where(Household.cell_id == user.unit_id, Household.location.is_not(None))
                                        .order_by(Household.code)).all()
        return {"client": signed_in(small_app, user.username), "username": user.username,
                "cell": user.unit.code, "households": households}


def visit_item(code, **data):
    return {"type": "visit", "id": str(uuid.uuid4()),
            "data": {"household_code": code, "kind": "policy", "visited_at": VISITED, **data}}


def count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_batch_sent_three_times_is_stored_once_and_answered_the_same(small_app, worker):
    items = [visit_item(code) for code, _, _ in worker["households"][:5]]
    dispute_id = str(uuid.uuid4())
    items.append({"type": "dispute", "id": dispute_id, "data": {
        "household_code": worker["households"][0][0], "category": "neighbour", "risk_colour": "yellow",
        "title": "宅基地界址纠纷", "reported_at": VISITED}})
    items.append({"type": "dispute_event", "id": str(uuid.uuid4()), "data": {
        "dispute_id": dispute_id, "kind": "note", "note": "双方已到场", "occurred_at": lately()}})
    items.append({"type": "zero_report", "id": str(uuid.uuid4()), "data": {
        "cell_code": worker["cell"], "period": THIS_MONTH, "nothing_to_report": True, "reported_at": VISITED}})
    before = {m: count(small_app, m) for m in (Visit, Dispute, DisputeEvent, ZeroReport)}
    answers = [worker["client"].post("/api/sync/push", json={"items": items}).get_json() for _ in range(3)]
    assert answers[0]["accepted"] == len(items) and answers[0]["rejected"] == 0
    assert answers[0]["results"] == answers[1]["results"] == answers[2]["results"]
    after = {m: count(small_app, m) for m in before}
    assert after[Visit] - before[Visit] == 5 and after[Dispute] - before[Dispute] == 1
    assert after[DisputeEvent] - before[DisputeEvent] == 2  # the report and the note
    assert after[ZeroReport] - before[ZeroReport] == 1


def test_a_batch_of_500_with_one_bad_item_stores_499(small_app, worker):
    codes = [code for code, _, _ in worker["households"]]
    items = [visit_item(codes[i % len(codes)]) for i in range(500)]
    items[137]["data"]["kind"] = "gossip"
    before = count(small_app, Visit)
    body = worker["client"].post("/api/sync/push", json={"items": items}).get_json()
    assert body["accepted"] == 499 and body["rejected"] == 1
    bad, = [r for r in body["results"] if r["status"] == "rejected"]
    assert bad["id"] == items[137]["id"] and "kind" in bad["reason"]["errors"]
    assert bad["reason"]["message_zh"]
    assert count(small_app, Visit) - before == 499


@pytest.mark.parametrize("odd", [None, 7, "visit", [], {}])
def test_an_item_that_is_no_item_is_rejected_alone_and_the_rest_stored(small_app, worker, odd):
    """Issue 22 point 7: a null in the batch made the whole push 422, though every item is answered on its own."""
    items = [visit_item(code) for code, _, _ in worker["households"][:2]]
    before = count(small_app, Visit)
    response = worker["client"].post("/api/sync/push", json={"items": [items[0], odd, items[1]]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [r["status"] for r in body["results"]] == ["accepted", "rejected", "accepted"]
    assert body["results"][1]["id"] is None and body["results"][1]["reason"]["message_zh"]
    assert count(small_app, Visit) - before == 2


def test_more_than_500_items_is_413(worker):
    items = [visit_item(worker["households"][0][0]) for _ in range(501)]
    assert worker["client"].post("/api/sync/push", json={"items": items}).status_code == 413


def test_a_batch_whose_reply_was_lost_is_not_duplicated(small_app, worker, monkeypatch):
    """The server stored the batch, the connection dropped before the reply; the phone sends it again."""
    items = [visit_item(code) for code, _, _ in worker["households"][:3]]
    with small_app.test_request_context():
        from flask import g

        from server import clock
        from server.sync.push import push
        with small_app.app_context():
            g.user = db.session.scalar(sa.select(User).where(User.username == worker["username"]))
            push(g.user, items, clock.now())  # committed; no reply reaches the phone
    before = count(small_app, Visit)
    body = worker["client"].post("/api/sync/push", json={"items": items}).get_json()
    assert [r["status"] for r in body["results"]] == ["accepted"] * 3
    assert count(small_app, Visit) == before


def test_a_batch_that_failed_midway_is_stored_whole_when_sent_again(small_app, worker, monkeypatch):
    """The server died before committing: nothing was kept, so the second send stores everything once."""
    from server.sync import handlers
    items = [visit_item(code) for code, _, _ in worker["households"][:3]]
    items.append({"type": "zero_report", "id": str(uuid.uuid4()), "data": {
        "cell_code": worker["cell"], "period": THIS_MONTH, "reported_at": VISITED}})
    real = handlers.HANDLERS["zero_report"]

    def crash(*_):
        raise RuntimeError("power cut")
    monkeypatch.setitem(handlers.HANDLERS, "zero_report", crash)
    before = count(small_app, Visit)
    assert worker["client"].post("/api/sync/push", json={"items": items}).status_code == 500
    assert count(small_app, Visit) == before and count(small_app, SyncItem) == 0
    monkeypatch.setitem(handlers.HANDLERS, "zero_report", real)
    body = worker["client"].post("/api/sync/push", json={"items": items}).get_json()
    assert body["accepted"] == 4 and count(small_app, Visit) == before + 3


def test_a_reused_id_with_other_content_is_a_duplicate_and_changes_nothing(small_app, worker):
    item = visit_item(worker["households"][0][0], notes="第一次")
    worker["client"].post("/api/sync/push", json={"items": [item]})
    item["data"]["notes"] = "改过的"
    result = worker["client"].post("/api/sync/push", json={"items": [item]}).get_json()["results"][0]
    assert result["status"] == "duplicate"
    with small_app.app_context():
        assert db.session.get(Visit, uuid.UUID(item["id"])).notes == "第一次"


def test_an_id_already_used_by_a_record_that_did_not_come_by_sync_is_a_duplicate(small_app, worker):
    """The generated county's visits and zero reports, or another cell's (out of the worker's sight), carry ids
    that no sync item remembers: sending one of them again answers duplicate instead of failing on the key."""
    with small_app.app_context():
        theirs = db.session.scalar(sa.select(Visit.id).join(Household).where(Household.cell_id != sa.select(
            User.unit_id).where(User.username == worker["username"]).scalar_subquery()).limit(1))
        report = db.session.scalar(sa.select(ZeroReport.id).limit(1))
    items = [{**visit_item(worker["households"][0][0]), "id": str(theirs)},
             {"type": "zero_report", "id": str(report), "data": {
                 "cell_code": worker["cell"], "period": THIS_MONTH, "nothing_to_report": True,
                 "reported_at": VISITED}}]
    response = worker["client"].post("/api/sync/push", json={"items": items})
    assert response.status_code == 200
    assert [r["status"] for r in response.get_json()["results"]] == ["duplicate", "duplicate"]
    assert "already used" in response.get_json()["results"][0]["reason"]["message"]


def test_a_rejected_item_can_be_corrected_and_sent_again(small_app, worker):
    item = visit_item(worker["households"][0][0], kind="gossip")
    rejected = worker["client"].post("/api/sync/push", json={"items": [item]}).get_json()
    assert rejected["rejected"] == 1 and "retry" not in rejected["results"][0]["reason"]  # for the user to correct
    item["data"]["kind"] = "counselling"
    assert worker["client"].post("/api/sync/push", json={"items": [item]}).get_json()["accepted"] == 1


def test_a_step_sent_before_its_dispute_is_accepted_when_sent_again_as_it_was(small_app, worker):
    """Issue 22 point 7: a rejection stores nothing, so an item rejected for what had not arrived yet (its dispute,
    from another phone's outbox) is checked again when sent again unchanged, not answered from the stored rejection;
    an accepted one keeps its stored answer."""
    dispute = {"type": "dispute", "id": str(uuid.uuid4()), "data": {
        "household_code": worker["households"][0][0], "category": "neighbour", "risk_colour": "yellow",
        "title": "宅基地界址纠纷", "reported_at": VISITED}}
    step = {"type": "dispute_event", "id": str(uuid.uuid4()), "data": {
        "dispute_id": dispute["id"], "kind": "note", "note": "双方已到场", "occurred_at": lately()}}
    push = lambda items: worker["client"].post("/api/sync/push", json={"items": items}).get_json()  # noqa: E731
    early = push([step])["results"][0]
    assert early["status"] == "rejected" and early["reason"]["retry"] is True  # the phone sends it again by itself
    assert push([dispute])["accepted"] == 1
    assert push([step])["results"][0]["status"] == "accepted"
    assert push([step, dispute])["results"] == push([step, dispute])["results"]  # accepted: answered as stored
    with small_app.app_context():
        notes = db.session.scalars(sa.select(DisputeEvent.note).where(DisputeEvent.id == uuid.UUID(step["id"]))).all()
    assert notes == ["双方已到场"]


def test_households_out_of_scope_are_rejected(small_app, worker):
    with small_app.app_context():
        other = db.session.scalar(sa.select(Household.code).where(Household.cell_id != sa.select(User.unit_id).where(
            User.username == worker["username"]).scalar_subquery()).order_by(Household.id))
    result = worker["client"].post("/api/sync/push", json={"items": [visit_item(other)]}).get_json()["results"][0]
    assert result["status"] == "rejected" and "household_code" in result["reason"]["errors"]


def test_times_in_the_future_and_without_offsets_are_rejected(worker):
    code = worker["households"][0][0]
    future = visit_item(code, visited_at="2099-01-01T00:00:00+08:00")
    naive = visit_item(code, visited_at="2026-11-19T09:30:00")
    results = worker["client"].post("/api/sync/push", json={"items": [future, naive]}).get_json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert "visited_at" in results[0]["reason"]["errors"] and "visited_at" in results[1]["reason"]["errors"]


def test_visits_far_from_the_household_or_with_poor_fixes_are_flagged(small_app, worker):
    code, lon, lat = worker["households"][0]
    near = visit_item(code, location={"lon": lon, "lat": lat + 0.0005}, gps_accuracy_m=8)     # ≈ 55 m
    far = visit_item(code, location={"lon": lon, "lat": lat + 0.005}, gps_accuracy_m=8)       # ≈ 555 m
    vague = visit_item(code, location={"lon": lon, "lat": lat}, gps_accuracy_m=400)
    worker["client"].post("/api/sync/push", json={"items": [near, far, vague]})
    visits = {v["id"]: v for v in worker["client"].get(f"/api/households/{code}/visits?page_size=500")
              .get_json()["items"]}
    assert visits[near["id"]]["flags"] == [] and 50 < visits[near["id"]]["distance_m"] < 60
    assert visits[far["id"]]["flags"] == ["far_from_household"]
    assert visits[vague["id"]]["flags"] == ["poor_accuracy"]


def test_malformed_items_are_rejected_one_by_one(worker):
    body = worker["client"].post("/api/sync/push", json={"items": [{"type": "visit"}, "nonsense",
                                                                    visit_item(worker["households"][0][0])]}).get_json()
    assert [r["status"] for r in body["results"]] == ["rejected", "rejected", "accepted"]


def test_a_zero_report_is_filed_once_per_cell_and_month(worker):
    item = {"type": "zero_report", "id": str(uuid.uuid4()), "data": {
        "cell_code": worker["cell"], "period": THIS_MONTH, "reported_at": VISITED}}
    again = {**item, "id": str(uuid.uuid4())}
    results = worker["client"].post("/api/sync/push", json={"items": [item, again]}).get_json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected"]


def test_logging_one_visit_online_is_idempotent_too(small_app, worker):
    code = worker["households"][0][0]
    visit = {"id": str(uuid.uuid4()), "household_code": code, "kind": "employment_help", "visited_at": VISITED}
    before = count(small_app, Visit)
    first = worker["client"].post("/api/visits", json=visit)
    again = worker["client"].post("/api/visits", json=visit)
    assert first.status_code == again.status_code == 201 and first.get_json() == again.get_json()
    assert count(small_app, Visit) == before + 1


def test_out_of_scope_and_unknown_households_get_the_same_answer(small_app, worker):
    with small_app.app_context():
        other = db.session.scalar(sa.select(Household.code).join(GridUnit, GridUnit.id == Household.cell_id)
                                  .where(GridUnit.code.startswith("610923101")))
    answers = []
    for code in (other, "6109230000000000000"):
        response = worker["client"].post("/api/visits", json={"id": str(uuid.uuid4()), "household_code": code,
                                                              "kind": "policy", "visited_at": VISITED})
        answers.append((response.status_code, response.get_json()["message"].replace(code, "X")))
    assert answers[0] == answers[1] and answers[0][0] == 422


def test_a_daily_report_is_for_a_day_up_to_today_once_per_cell_and_day(worker):
    """Accepted with daily reporting off too (a phone may be behind the switch)."""
    import datetime as dt

    from server import clock
    today = clock.china_today()

    def daily(day):
        return {"type": "zero_report", "id": str(uuid.uuid4()), "data": {
            "cell_code": worker["cell"], "kind": "daily", "period": day.isoformat(),
            "reported_at": clock.now().isoformat()}}
    items = [daily(today), daily(today), daily(today - dt.timedelta(days=3)), daily(today + dt.timedelta(days=1))]
    results = worker["client"].post("/api/sync/push", json={"items": items}).get_json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted", "rejected"]
    assert results[3]["reason"]["errors"]["period"] and "今天" in results[3]["reason"]["message_zh"]


def test_every_item_type_has_its_schema_handler_and_table():
    """The vocabulary lives in server/models/sync.py (and the CHECK on sync_item.item_type): the rest follows it."""
    from server.models.sync import SYNC_ITEM_TYPES
    from server.sync.handlers import HANDLERS
    from server.sync.items import DATA_SCHEMAS
    from server.sync.push import ITEM_KEYS
    assert tuple(DATA_SCHEMAS) == SYNC_ITEM_TYPES and set(HANDLERS) == set(ITEM_KEYS) == set(SYNC_ITEM_TYPES)


ENVELOPES = [
    {"type": "visit", "id": "6f1c2a4e-8b7d-4c3e-9a5f-1d2e3f4a5b6c", "data": {"kind": "policy"}},
    {"type": "visit", "id": "6F1C2A4E8B7D4C3E9A5F1D2E3F4A5B6C", "data": {}},  # a UUID without hyphens, in capitals
    {"type": "visit", "id": "urn:uuid:6f1c2a4e-8b7d-4c3e-9a5f-1d2e3f4a5b6c", "data": {}},
    {"type": "visit", "id": "not-a-uuid", "data": {}},
    {"type": "visit", "id": 12, "data": {}},
    {"type": "visit", "id": None, "data": {}},
    {"type": "visit", "data": {}},
    {"type": "gossip", "id": "6f1c2a4e-8b7d-4c3e-9a5f-1d2e3f4a5b6c", "data": {}},
    {"type": 1, "id": "6f1c2a4e-8b7d-4c3e-9a5f-1d2e3f4a5b6c", "data": {}},
    {"type": "visit", "id": "6f1c2a4e-8b7d-4c3e-9a5f-1d2e3f4a5b6c", "data": []},
    {"type": "visit", "id": "6f1c2a4e-8b7d-4c3e-9a5f-1d2e3f4a5b6c", "data": None},
    {"type": "visit", "id": "6f1c2a4e-8b7d-4c3e-9a5f-1d2e3f4a5b6c", "data": {}, "extra": 1},
    {}, [], "visit", None,
]


@pytest.mark.parametrize("raw", ENVELOPES)
def test_an_item_is_read_as_its_schema_reads_it(raw):
    """push reads an item's envelope without marshmallow when it can: the same result, or the schema's own messages."""
    from marshmallow import ValidationError

    from server.sync.push import ITEM, _envelope

    def read(load):
        try:
            return load()
        except ValidationError as exc:
            return ("error", exc.messages)
    assert read(lambda: _envelope(raw)) == read(lambda: ITEM.load(raw if isinstance(raw, dict) else {}))


def test_an_items_hash_is_that_of_its_sorted_json_as_it_was_stored_before():
    """Stored answers are matched by this hash: a batch sent before an upgrade must still find its answers."""
    import hashlib
    import json

    from server.sync.push import content_hash
    item = {"type": "visit", "id": str(uuid.uuid4()), "data": {"notes": "入户走访", "kind": "policy", "gps_accuracy_m": 8.0,
                                                             "location": {"lon": 108.3, "lat": 33.2}, "follow_up_on": None}}
    text = json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
    assert content_hash(item) == hashlib.sha256(text.encode()).hexdigest()

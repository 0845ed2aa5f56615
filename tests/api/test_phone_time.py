"""The phone's time is what the user says happened, bounded where it decides a figure (issue 22 point 3): not ahead of
the server beyond the clock's skew, not more than the offline allowance before it reached the server, not before the
thing it follows (the dispute's last step, the visit a follow-up is done for, a household registered at the desk). A
resolve step once dated two days after the report was accepted for a dispute whose last step was weeks later, and the
case counted as resolved on time; steps dated 2001, visits dated 1970 and zero reports for 2030 were accepted."""
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from server.clock import CHINA
from server.disputes.deadlines import deadline_columns
from server.extensions import db
from server.models import Dispute, DisputeEvent, FollowUpDone, Household, Visit, ZeroReport
from server.phone_time import OFFLINE_ALLOWANCE
from tests.api.test_disputes import make_dispute, step
from tests.api.test_petitions import TOWN, household_in, register
from tests.conftest import signed_in

LONG_AGO = "2001-03-04T09:00:00+08:00"


def item(item_type: str, **data) -> dict:
    return {"type": item_type, "id": str(uuid.uuid4()), "data": data}


def push(client, *items) -> list[dict]:
    response = client.post("/api/sync/push", json={"items": list(items)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def refused_for(result: dict, field: str) -> str:
    assert result["status"] == "rejected", result
    assert field in result["reason"]["errors"], result["reason"]
    return result["reason"]["message_zh"]


def at(t: dt.datetime) -> str:
    return t.astimezone(CHINA).isoformat()


def mediating(app, place) -> str:
    """A dispute the village head has accepted, assigned and taken into mediation at the desk, by the server's clock."""
    d = make_dispute(app, place, days_ago=0)
    for kind, body in (("accept", {}), ("assign", {"leader_username": place["head"]}), ("mediate", {"note": "调解"})):
        assert step(app, place["head"], d, kind, **body).status_code == 200, kind
    return d


def test_a_step_is_not_dated_before_the_step_it_follows(small_app, place, clock):
    d = mediating(small_app, place)
    mediated = clock.at
    clock.advance(days=5)
    head = signed_in(small_app, place["head"])
    early = item("dispute_event", dispute_id=d, kind="resolve", occurred_at=at(mediated - dt.timedelta(days=1)))
    assert "调处" in refused_for(push(head, early)[0], "occurred_at")  # names the step it follows
    with small_app.app_context():
        dispute = db.session.get(Dispute, uuid.UUID(d))
        assert (dispute.state, dispute.resolved_at) == ("mediating", None)
    resolved = mediated + dt.timedelta(days=2)  # offline in the field, sent three days later: the time is the user's
    answer, = push(head, item("dispute_event", dispute_id=d, kind="resolve", occurred_at=at(resolved)))
    assert answer["status"] == "accepted", answer
    with small_app.app_context():
        dispute = db.session.get(Dispute, uuid.UUID(d))
        event = db.session.get(DisputeEvent, uuid.UUID(answer["id"]))
        assert (dispute.state, dispute.resolved_at) == ("resolved", resolved)
        assert (event.occurred_at, event.received_at) == (resolved, clock.at)  # the server's receipt beside it
    shown = signed_in(small_app, place["head"]).get(f"/api/disputes/{d}").get_json()["events"][-1]
    assert shown["kind"] == "resolve" and shown["received_at"] and shown["occurred_at"] != shown["received_at"]


def test_a_late_case_cannot_be_made_on_time_by_dating_its_resolution_back(small_app, place, clock):
    """The issue's case: reported and accepted 80 days ago (60 days to resolve), mediated weeks later; a resolve dated
    two days after the report would count it resolved on time."""
    d = make_dispute(small_app, place, state="mediating", days_ago=80, accepted_days_ago=79)
    with small_app.app_context():
        dispute = db.session.get(Dispute, uuid.UUID(d))
        db.session.add(DisputeEvent(id=uuid.uuid4(), dispute=dispute, actor_id=dispute.reporter_id, kind="mediate",
                                    to_state="mediating",
                                    note="", occurred_at=clock.at - dt.timedelta(days=20)))
        db.session.commit()
    head = signed_in(small_app, place["head"])
    back_dated = item("dispute_event", dispute_id=d, kind="resolve",
                      occurred_at=at(clock.at - dt.timedelta(days=78)))
    refused_for(push(head, back_dated)[0], "occurred_at")
    answer, = push(head, item("dispute_event", dispute_id=d, kind="resolve", occurred_at=at(clock.at)))
    assert answer["status"] == "accepted"
    with small_app.app_context():
        on_time = db.session.scalar(sa.select(deadline_columns(clock.at)["on_time"]).where(Dispute.id == uuid.UUID(d)))
    assert on_time is False  # resolved, and late


@pytest.mark.parametrize("when", [LONG_AGO, "1970-01-01T08:00:00+08:00", "2030-01-01T09:00:00+08:00"])
def test_times_far_from_the_servers_are_refused_on_every_item(small_app, worker_cell, when):
    client = signed_in(small_app, worker_cell["worker"])
    visit = item("visit", household_code=worker_cell["household"], kind="policy", visited_at=when)
    dispute = item("dispute", household_code=worker_cell["household"], category="neighbour", risk_colour="blue",
                   title="邻里纠纷", reported_at=when)
    report = item("zero_report", cell_code=worker_cell["cell"], period=when[:10], reported_at=when)
    answers = push(client, visit, dispute, report)
    for answer, field in zip(answers, ("visited_at", "reported_at", "reported_at")):
        message = refused_for(answer, field)
        assert "手机时钟" in message, message
    with small_app.app_context():
        assert db.session.get(Visit, uuid.UUID(visit["id"])) is None
        assert db.session.get(Dispute, uuid.UUID(dispute["id"])) is None
        assert db.session.get(ZeroReport, uuid.UUID(report["id"])) is None


def test_the_offline_allowance_is_the_edge(small_app, worker_cell):
    clock = worker_cell["clock"]
    client = signed_in(small_app, worker_cell["worker"])
    inside = item("visit", household_code=worker_cell["household"], kind="policy",
                  visited_at=at(clock.at - OFFLINE_ALLOWANCE + dt.timedelta(minutes=1)))
    outside = item("visit", household_code=worker_cell["household"], kind="policy",
                   visited_at=at(clock.at - OFFLINE_ALLOWANCE - dt.timedelta(minutes=1)))
    kept, refused = push(client, inside, outside)
    assert kept["status"] == "accepted"
    message = refused_for(refused, "visited_at")
    assert f"{OFFLINE_ALLOWANCE.days} 天" in message


def test_a_monthly_report_is_for_this_month_or_the_last(small_app, worker_cell):
    clock = worker_cell["clock"]
    client = signed_in(small_app, worker_cell["worker"])
    today = clock.at.astimezone(CHINA).date()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    next_month = (this_month + dt.timedelta(days=32)).replace(day=1)
    before = (last_month - dt.timedelta(days=1)).replace(day=1)
    with small_app.app_context():
        db.session.execute(sa.delete(ZeroReport))
        db.session.commit()
    answers = push(client, *(item("zero_report", cell_code=worker_cell["cell"], period=str(month),
                                  reported_at=at(clock.at)) for month in (next_month, before, last_month, this_month)))
    assert [a["status"] for a in answers] == ["rejected", "rejected", "accepted", "accepted"]
    assert "period" in answers[0]["reason"]["errors"] and "period" in answers[1]["reason"]["errors"]
    with small_app.app_context():
        filed = sorted(db.session.scalars(sa.select(ZeroReport.period)))
    assert filed == [last_month, this_month]


def test_a_follow_up_is_not_done_before_its_visit(small_app, worker_cell):
    clock = worker_cell["clock"]
    client = signed_in(small_app, worker_cell["worker"])
    visited = clock.at - dt.timedelta(days=2)
    visit = item("visit", household_code=worker_cell["household"], kind="policy", visited_at=at(visited),
                 follow_up_on=str(clock.at.date()))
    assert push(client, visit)[0]["status"] == "accepted"
    early = item("follow_up_done", visit_id=visit["id"], done_at=at(visited - dt.timedelta(days=1)))
    refused_for(push(client, early)[0], "done_at")
    done = item("follow_up_done", visit_id=visit["id"], done_at=at(visited + dt.timedelta(hours=3)))
    assert push(client, done)[0]["status"] == "accepted"
    with small_app.app_context():
        assert db.session.scalar(sa.select(FollowUpDone.done_at).where(
            FollowUpDone.visit_id == uuid.UUID(visit["id"]))) == visited + dt.timedelta(hours=3)


def test_a_visit_is_not_dated_before_its_household_was_registered_at_the_desk(small_app, worker_cell):
    clock = worker_cell["clock"]
    with small_app.app_context():
        household = db.session.scalar(sa.select(Household).where(Household.code == worker_cell["household"]))
        household.registered_at, household.client_id = clock.at - dt.timedelta(days=1), None
        db.session.commit()
    client = signed_in(small_app, worker_cell["worker"])
    before = item("visit", household_code=worker_cell["household"], kind="policy",
                  visited_at=at(clock.at - dt.timedelta(days=3)))
    after = item("visit", household_code=worker_cell["household"], kind="policy",
                 visited_at=at(clock.at - dt.timedelta(hours=3)))
    refused, kept = push(client, before, after)
    assert "登记" in refused_for(refused, "visited_at")
    assert kept["status"] == "accepted"


def test_a_petition_is_not_registered_as_received_in_2001(small_app):
    response = register(small_app, "county01", reported_at=LONG_AGO,
                        household_code=household_in(small_app, TOWN)["code"])
    assert response.status_code == 422, response.get_json()
    errors = response.get_json()["errors"]["json"]
    assert list(errors) == ["reported_at"] and "天" in str(errors["reported_at"])

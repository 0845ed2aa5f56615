"""Messages 消息通知 (issue 20): each event reaches exactly its audience — computed here independently, in plain SQL
over the roles and the grid's codes — and nobody else; an event told again writes nothing more; the message centre
lists the caller's own, unread first; the phone gets them by pull; no message carries an ID or a phone number."""
import datetime as dt
import re
import uuid

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Alert, GridUnit, HouseholdMove, Notification, User
from server.notifications.kinds import kinds_for
from server.notifications.sweep import sweep
from server.warnings.engine import raise_alerts
from server.warnings.rules import Candidate
from tests.conftest import signed_in

CHINA = dt.timezone(dt.timedelta(hours=8))


def told(app, kind=None) -> dict[str, set[str]]:
    """Who has been told what: {event key: {usernames}} (of one kind, if given)."""
    with app.app_context():
        query = sa.select(Notification.event_key, User.username).join(User, User.id == Notification.user_id)
        if kind:
            query = query.where(Notification.kind == kind)
        out: dict[str, set[str]] = {}
        for key, username in db.session.execute(query):
            out.setdefault(key, set()).add(username)
        return out


def users_at(app, role, unit_code) -> set[str]:
    """The active users of the role bound to the unit (by code), as plain SQL says."""
    with app.app_context():
        return set(db.session.scalars(sa.text(
            "SELECT u.username FROM app_user u JOIN grid_unit g ON g.id = u.unit_id "
            "WHERE u.role = :role AND g.code = :code AND u.active"), {"role": role, "code": unit_code}))


def report(client, cell_code, colour="blue", reported_at=None) -> str:
    item = {"type": "dispute", "id": str(uuid.uuid4()), "data": {
        "cell_code": cell_code, "category": "neighbour", "risk_colour": colour, "title": "张三与李四宅基地纠纷",
        "reported_at": (reported_at or dt.datetime.now(CHINA)).isoformat()}}
    answer = client.post("/api/sync/push", json={"items": [item]}).get_json()
    assert answer["accepted"] == 1, answer
    return item


def step(client, dispute_id, kind, **body):
    detail = client.get(f"/api/disputes/{dispute_id}").get_json()
    answer = client.post(f"/api/disputes/{dispute_id}/steps", json={"kind": kind, "version": detail["version"], **body})
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


@pytest.fixture
def cast(worker_cell, small_app):
    """The worker's cell, its village head, its town's secretary, county staff, and a town secretary elsewhere."""
    cell = worker_cell["cell"]
    with small_app.app_context():
        def first(role, code):
            return db.session.scalar(sa.select(User.username).join(GridUnit, GridUnit.id == User.unit_id)
                                     .where(User.role == role, GridUnit.code == code).order_by(User.id))
        return {**worker_cell, "village_head": first("village_head", cell[:12]),
                "secretary": first("town_secretary", cell[:9]),
                "county": db.session.scalar(sa.select(User.username).where(User.role == "county_staff")
                                            .order_by(User.id)),
                "other_secretary": first("town_secretary", "610923101")}


def test_a_dispute_reaches_its_holders_level_by_level_and_its_leader_once_each(small_app, cast, clock):
    cell = cast["cell"]
    worker = signed_in(small_app, cast["worker"])
    item = report(worker, cell)
    dispute_id = item["id"]
    arrived = told(small_app, "dispute_arrived")
    assert arrived == {f"arrived:{dispute_id}:village": users_at(small_app, "village_head", cell[:12])}
    assert cast["village_head"] in arrived[f"arrived:{dispute_id}:village"]
    worker.post("/api/sync/push", json={"items": [item]})  # the phone sends it again: nothing more is told
    assert told(small_app, "dispute_arrived") == arrived

    head = signed_in(small_app, cast["village_head"])
    step(head, dispute_id, "accept")
    step(head, dispute_id, "escalate", note="涉及跨村土地，村级无法调处")
    arrived = told(small_app, "dispute_arrived")
    assert arrived[f"arrived:{dispute_id}:town"] == users_at(small_app, "town_secretary", cell[:9])
    assert cast["other_secretary"] not in arrived[f"arrived:{dispute_id}:town"]

    secretary = signed_in(small_app, cast["secretary"])
    step(secretary, dispute_id, "assign", leader_username=cast["secretary"], measures="召集双方调解")
    assigned = told(small_app, "case_assigned")
    assert list(assigned.values()) == [{cast["secretary"]}]

    county = signed_in(small_app, cast["county"])
    step(county, dispute_id, "supervise", note="请于本周内化解")
    supervised = told(small_app, "supervised")
    holders = users_at(small_app, "town_secretary", cell[:9])
    assert list(supervised.values()) == [holders | {cast["secretary"]}]
    assert cast["county"] not in supervised and all(cast["worker"] not in who for who in told(small_app).values())


def test_the_sweep_tells_yellow_then_red_once_each_to_the_holders(small_app, cast, clock):
    cell = cast["cell"]
    reported = clock.at - dt.timedelta(days=12)  # acceptance within 15 days: yellow in the last quarter
    item = report(signed_in(small_app, cast["worker"]), cell, reported_at=reported.astimezone(CHINA))
    with small_app.app_context():
        first = sweep(clock.at)
        db.session.commit()
        assert first["deadline"] >= 1
        again = sweep(clock.at)
        db.session.commit()
        assert again["deadline"] == 0  # run again: nothing more
    near = told(small_app, "deadline_near")
    assert near[f"deadline:{uuid.UUID(item['id'])}:accept:yellow"] == users_at(small_app, "village_head", cell[:12])
    clock.at += dt.timedelta(days=4)
    with small_app.app_context():
        sweep(clock.at)
        db.session.commit()
        urgent = db.session.scalar(sa.select(Notification.urgent).where(
            Notification.event_key == f"deadline:{uuid.UUID(item['id'])}:accept:red"))
    passed = told(small_app, "deadline_passed")
    assert passed[f"deadline:{uuid.UUID(item['id'])}:accept:red"] == users_at(small_app, "village_head", cell[:12])
    assert urgent is True


def test_an_alert_reaches_the_level_it_was_raised_for_over_its_unit(small_app, cast, clock):
    with small_app.app_context():
        cell_id = db.session.scalar(sa.select(GridUnit.id).where(GridUnit.code == cast["cell"]))
        raise_alerts([Candidate("test:town-alert", "cluster", "high", "town", cell_id, "a cluster", "纠纷聚集", [])],
                     clock.at)
        db.session.commit()
        alert_id = db.session.scalar(sa.select(Alert.id).where(Alert.key == "test:town-alert"))
        raise_alerts([Candidate("test:town-alert", "cluster", "high", "town", cell_id, "a cluster", "纠纷聚集", [])],
                     clock.at)  # the same key again: no alert, no message
        db.session.commit()
    assert told(small_app, "alert_raised") == {f"alert:{alert_id}": users_at(small_app, "town_secretary",
                                                                             cast["cell"][:9])}
    message = signed_in(small_app, cast["secretary"]).get("/api/notifications").get_json()["items"][0]
    assert "高风险预警" in message["text_zh"] and message["urgent"] is True
    opened = signed_in(small_app, cast["secretary"]).get(message["api_url"])
    assert opened.status_code == 200 and opened.get_json()["id"] == str(alert_id)


def test_a_move_is_told_to_the_receiving_cells_worker(small_app, cast, clock):
    with small_app.app_context():
        cell = db.session.scalar(sa.select(GridUnit).where(GridUnit.code == cast["cell"]))
        other = db.session.scalar(sa.select(GridUnit.code).where(GridUnit.level == "cell", GridUnit.code != cell.code,
                                                                 GridUnit.code.startswith(cell.code[:12])))
        version = db.session.scalar(sa.text("SELECT version FROM household WHERE code = :c"), {"c": cast["other"]})
    worker = signed_in(small_app, cast["worker"])
    answer = worker.post(f"/api/households/{cast['other']}/move", json={"to_cell_code": other, "version": version,
                                                                       "reason": "分户"})
    assert answer.status_code == 201, answer.get_json()
    with small_app.app_context():
        move_id = db.session.scalar(sa.select(HouseholdMove.id).order_by(HouseholdMove.requested_at.desc()))
    assert told(small_app, "move_awaiting") == {f"move:{move_id}": users_at(small_app, "grid_worker", other)}
    receiver = signed_in(small_app, next(iter(users_at(small_app, "grid_worker", other))))
    message = receiver.get("/api/notifications").get_json()["items"][0]
    opened = receiver.get(message["api_url"])
    assert opened.status_code == 200 and opened.get_json()["household_code"] == cast["other"]


def test_the_message_centre_lists_my_own_unread_first_and_marks_them_read(small_app, cast, clock):
    report(signed_in(small_app, cast["worker"]), cast["cell"], colour="red")
    head = signed_in(small_app, cast["village_head"])
    page = head.get("/api/notifications").get_json()
    assert page["unread"] == page["total"] >= 1
    message = page["items"][0]
    assert message["kind"] == "dispute_arrived" and message["urgent"] is True and message["read_at"] is None
    assert "红色矛盾纠纷" in message["text_zh"] and message["api_url"].startswith("/api/disputes/")
    assert head.get(message["api_url"]).status_code == 200  # the address opens the thing it is about
    assert "张三" not in message["text_zh"] + message["text"]  # the title may name people: not in a message
    with small_app.app_context():
        others = db.session.scalar(sa.select(Notification.id).join(User, User.id == Notification.user_id)
                                   .where(User.username != cast["village_head"]))
    county = signed_in(small_app, cast["county"])  # sees the whole county, but not others' messages
    assert county.post(f"/api/notifications/{others}/read").status_code == 404
    read = head.post(f"/api/notifications/{message['id']}/read").get_json()
    assert read["read_at"] is not None
    after = head.get("/api/notifications").get_json()
    assert after["unread"] == page["unread"] - 1 and after["items"][-1]["id"] == message["id"]  # read ones last
    assert head.get("/api/notifications?unread=true").get_json()["total"] == after["unread"]
    pulled = signed_in(small_app, cast["worker"]).get("/api/sync/pull").get_json()
    assert pulled["notifications"] == []  # the worker was told nothing
    assert head.post("/api/notifications/read-all").get_json()["read"] == after["unread"]
    assert head.get("/api/notifications").get_json()["unread"] == 0


def test_no_message_carries_an_id_or_a_phone_number(small_app, cast, clock):
    item = report(signed_in(small_app, cast["worker"]), cast["cell"])
    head = signed_in(small_app, cast["village_head"])
    step(head, item["id"], "accept")
    step(head, item["id"], "assign", leader_username=cast["village_head"], measures="入户调解")
    step(signed_in(small_app, cast["county"]), item["id"], "supervise", note="尽快化解")
    with small_app.app_context():
        sweep(clock.at + dt.timedelta(days=30))
        db.session.commit()
        texts = db.session.execute(sa.select(Notification.text, Notification.text_zh)).all()
    assert texts
    personal = re.compile(r"\d{17}[\dXx]|\d{15}|1[3-9]\d{9}")
    assert not [t for pair in texts for t in pair if personal.search(t)]
    with small_app.app_context():  # and each was told to someone whose role can be told it (their settings offer it)
        told_roles = db.session.execute(sa.select(Notification.kind, User.role).join(User).distinct()).all()
    assert told_roles and all(kind in kinds_for(role) for kind, role in told_roles)


def test_in_the_months_last_days_the_workers_of_cells_without_a_report_are_asked_once(small_app, cast, clock):
    month_end = dt.datetime(clock.at.year + 1, 1, 30, 9, tzinfo=CHINA)  # the 30th of a month after everything made
    clock.at = month_end.astimezone(dt.timezone.utc)
    worker = signed_in(small_app, cast["worker"])
    filed = {"type": "zero_report", "id": str(uuid.uuid4()), "data": {
        "cell_code": cast["cell"], "kind": "monthly", "period": month_end.date().replace(day=1).isoformat(),
        "nothing_to_report": True, "reported_at": month_end.isoformat()}}
    assert worker.post("/api/sync/push", json={"items": [filed]}).get_json()["accepted"] == 1
    with small_app.app_context():
        early = sweep(dt.datetime(month_end.year, 1, 20, 9, tzinfo=CHINA))
        assert early["report_due"] == 0  # not in the month's last days yet
        sweep(clock.at)
        db.session.commit()
        assert sweep(clock.at)["report_due"] == 0
        workers = db.session.execute(sa.text(
            "SELECT g.id, u.username FROM app_user u JOIN grid_unit g ON g.id = u.unit_id "
            "WHERE u.role = 'grid_worker' AND u.active AND g.code <> :filed"), {"filed": cast["cell"]}).all()
    want: dict[str, set[str]] = {}
    for cell_id, username in workers:
        want.setdefault(f"report:{cell_id}:monthly:{month_end.date().replace(day=1)}", set()).add(username)
    assert told(small_app, "report_due") == want and cast["worker"] not in set().union(*want.values())


def test_a_follow_up_falling_due_is_told_to_whoever_planned_it_unless_done(small_app, cast, clock):
    worker = signed_in(small_app, cast["worker"])
    today = clock.at.astimezone(CHINA).date()
    visits = []
    for code in (cast["household"], cast["other"]):
        visits.append({"type": "visit", "id": str(uuid.uuid4()), "data": {
            "household_code": code, "kind": "counselling", "visited_at": (clock.at - dt.timedelta(minutes=5)).isoformat(),
            "follow_up_on": today.isoformat()}})
    assert worker.post("/api/sync/push", json={"items": visits}).get_json()["accepted"] == 2
    done = {"type": "follow_up_done", "id": str(uuid.uuid4()), "data": {
        "visit_id": visits[1]["id"], "done_at": clock.at.isoformat(), "note": "已回访"}}
    assert worker.post("/api/sync/push", json={"items": [done]}).get_json()["accepted"] == 1
    with small_app.app_context():
        sweep(clock.at)
        db.session.commit()
    ours = {key: who for key, who in told(small_app, "follow_up_due").items() if key.endswith(tuple(
        v["id"] for v in visits))}
    assert ours == {f"follow_up:{visits[0]['id']}": {cast["worker"]}}
    message = signed_in(small_app, cast["worker"]).get("/api/notifications").get_json()["items"][0]
    assert message["api_url"] == f"/api/households/{cast['household']}/visits"


def test_in_daily_reporting_the_workers_are_asked_for_todays_report_from_the_afternoon(small_app, cast, clock):
    county = signed_in(small_app, cast["county"])
    assert county.patch("/api/settings", json={"daily_reporting": True}).status_code == 200
    today = clock.at.astimezone(CHINA).date()
    morning = dt.datetime.combine(today, dt.time(9), CHINA) + dt.timedelta(days=1)
    afternoon = morning.replace(hour=17, minute=30)
    with small_app.app_context():
        assert sweep(morning)["report_due"] == 0  # not before 17:00
        sweep(afternoon)
        db.session.commit()
        assert sweep(afternoon)["report_due"] == 0
        workers = db.session.execute(sa.text(
            "SELECT g.id, u.username FROM app_user u JOIN grid_unit g ON g.id = u.unit_id "
            "WHERE u.role = 'grid_worker' AND u.active")).all()
    want: dict[str, set[str]] = {}
    for cell_id, username in workers:
        want.setdefault(f"report:{cell_id}:daily:{afternoon.date()}", set()).add(username)
    assert told(small_app, "report_due") == want
    message = signed_in(small_app, cast["worker"]).get("/api/notifications").get_json()["items"][0]
    assert "今日日报告尚未填报" in message["text_zh"]

"""Showing personal numbers in full has limits per user (issue 22 point 6: a script revealed 60 full ID numbers in
1.8 s): a script of reveals is stopped at the limit with the limit and the wait named, in Chinese and English; other
users go on; the wait ends. Whoever asks for numbers in bulk raises one alert for the county, which county staff see
and handle, and the village head does not."""
import datetime as dt
import math
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from server import clock as server_clock
from server.extensions import db
from server.identity import id_check_digit
from server.models import Alert, AuditLog, GridUnit, Household, User
from server.reveals import BULK_ALERT_AT, PER_DAY, PER_MINUTE
from tests.conftest import signed_in

SCRIPT = 60  # the reveals of the script in the issue
PETITION = {"channel": "walk_in", "petitioner_name": "赵秀英",
            "petitioner_id_number": "61092319800315003" + id_check_digit("61092319800315003"),
            "petitioner_mobile": "13912345678", "category": "land_rights", "risk_colour": "orange",
            "title": "反映承包地被占"}


@pytest.fixture
def morning(clock):
    """Nine in the morning, China time, two days ahead: the day's limit has the whole day before it."""
    day = clock.at.astimezone(server_clock.CHINA).date() + dt.timedelta(days=2)
    clock.at = server_clock.china_midnight(day) + dt.timedelta(hours=9)
    return clock


def households_with_an_id_number(unit: GridUnit) -> list[str]:
    return db.session.scalars(
        sa.select(Household.code).join(GridUnit, GridUnit.id == Household.cell_id)
        .where(GridUnit.code.startswith(unit.code), Household.head_id_number.is_not(None)).order_by(Household.code)).all()


def village_people(app) -> dict:
    """The first village's head and its households (with an ID number), another village's head and households, the town's
    secretary."""
    with app.app_context():
        head, other = db.session.scalars(sa.select(User).where(User.role == "village_head").order_by(User.id)).all()[:2]
        secretary = db.session.scalar(sa.select(User.username).where(
            User.role == "town_secretary", User.unit_id == head.unit.parent_id))
        return {"head": head.username, "head_id": head.id, "head_name": head.display_name,
                "codes": households_with_an_id_number(head.unit), "other_head": other.username,
                "other_codes": households_with_an_id_number(other.unit), "secretary": secretary}


def reveal(client, code):
    return client.post(f"/api/households/{code}/reveal", json={"field": "head_id_number", "reason": "核实身份"})


def reveals_of(app, username) -> dict:
    with app.app_context():
        return dict(db.session.execute(
            sa.select(AuditLog.action, sa.func.count()).where(AuditLog.username == username,
                                                              AuditLog.action.like("reveal%"))
            .group_by(AuditLog.action)).all())


def bulk_alerts(app) -> list[Alert]:
    with app.app_context():
        return db.session.scalars(sa.select(Alert).where(Alert.rule == "bulk_reveal").order_by(Alert.raised_at)).all()


def test_a_script_of_reveals_is_stopped_at_the_limit_which_the_answer_names(small_app, morning):
    people = village_people(small_app)
    assert len(people["codes"]) >= SCRIPT
    head = signed_in(small_app, people["head"])
    answers = [reveal(head, code) for code in people["codes"][:SCRIPT]]
    assert [a.status_code for a in answers] == [200] * PER_MINUTE + [429] * (SCRIPT - PER_MINUTE)
    refused = answers[-1].get_json()
    assert refused["message_zh"] == f"每分钟最多查看 {PER_MINUTE} 个完整号码，请 1 分钟后再试"
    assert refused["message"] == f"At most {PER_MINUTE} full numbers may be shown a minute: try again in 1 minute"
    assert refused["retry_after_seconds"] == 60 and "value" not in refused
    # the database: the numbers shown, and each refused request beside them with its reason
    assert reveals_of(small_app, people["head"]) == {"reveal": PER_MINUTE, "reveal_refused": SCRIPT - PER_MINUTE}
    with small_app.app_context():
        row = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "reveal_refused")).first()
        assert row.after == {"field": "head_id_number", "reason": "核实身份", "limit": "minute"}


def test_another_user_is_not_held_by_ones_limit(small_app, morning):
    people = village_people(small_app)
    head = signed_in(small_app, people["head"])
    for code in people["codes"][:PER_MINUTE]:
        assert reveal(head, code).status_code == 200
    assert reveal(head, people["codes"][PER_MINUTE]).status_code == 429
    other = signed_in(small_app, people["other_head"])
    shown = [reveal(other, code) for code in people["other_codes"][:PER_MINUTE]]
    assert [r.status_code for r in shown] == [200] * PER_MINUTE and all(r.get_json()["value"] for r in shown)
    assert reveal(head, people["codes"][PER_MINUTE]).status_code == 429


def test_reveals_work_again_once_the_minute_and_the_day_are_over(small_app, morning):
    people = village_people(small_app)
    head, codes = signed_in(small_app, people["head"]), iter(people["codes"])
    for _ in range(PER_MINUTE):
        assert reveal(head, next(codes)).status_code == 200
    wait = reveal(head, next(codes)).get_json()["retry_after_seconds"]
    morning.advance(seconds=wait - 1)
    assert reveal(head, next(codes)).status_code == 429
    morning.advance(seconds=1)
    shown = 0
    while shown < PER_DAY - PER_MINUTE:  # a minute at a time, up to the day's limit
        for _ in range(min(PER_MINUTE, PER_DAY - PER_MINUTE - shown)):
            assert reveal(head, next(codes)).status_code == 200
            shown += 1
        morning.advance(seconds=60)
    refused = reveal(head, next(codes))
    until_midnight = int((server_clock.china_midnight(morning.at.astimezone(server_clock.CHINA).date()
                                                      + dt.timedelta(days=1)) - morning.at).total_seconds())
    assert refused.status_code == 429 and refused.get_json()["retry_after_seconds"] == until_midnight
    hours = math.ceil(until_midnight / 3600)
    assert refused.get_json()["message_zh"] == f"每天最多查看 {PER_DAY} 个完整号码，今天已满，请明天再试（{hours} 小时后）"
    assert refused.get_json()["message"] == (
        f"At most {PER_DAY} full numbers may be shown a day: try again tomorrow (in {hours} hours)")
    morning.advance(seconds=until_midnight)
    assert reveal(head, next(codes)).status_code == 200
    assert reveals_of(small_app, people["head"])["reveal"] == PER_DAY + 1


def test_the_limit_counts_every_endpoint_that_shows_a_number(small_app, morning):
    """County staff reveal households' numbers and petitioners' alike: one limit for both."""
    people = village_people(small_app)
    staff = signed_in(small_app, "county01")
    petition = staff.post("/api/petitions", json={**PETITION, "household_code": people["codes"][0]})
    assert petition.status_code == 201, petition.get_json()
    at_petition = f"/api/petitions/{petition.get_json()['id']}/reveal"
    for code in people["codes"][:PER_MINUTE - 1]:
        assert reveal(staff, code).status_code == 200
    assert staff.post(at_petition, json={"field": "petitioner_id_number", "reason": "核实身份"}).get_json() == {
        "field": "petitioner_id_number", "value": PETITION["petitioner_id_number"]}
    refused = staff.post(at_petition, json={"field": "petitioner_mobile", "reason": "电话回访"})
    assert refused.status_code == 429 and "每分钟最多查看" in refused.get_json()["message_zh"]
    assert reveals_of(small_app, "county01") == {"reveal": PER_MINUTE, "reveal_refused": 1}


def test_a_bulk_revealer_raises_one_alert_that_county_staff_see_and_handle(small_app, morning):
    people = village_people(small_app)
    head = signed_in(small_app, people["head"])
    for code in people["codes"][:SCRIPT]:
        reveal(head, code)
    morning.advance(minutes=5)
    for code in people["codes"][:PER_MINUTE]:  # the same day, more: nothing new is raised
        assert reveal(head, code).status_code == 200
    alert, = bulk_alerts(small_app)
    with small_app.app_context():
        county = db.session.scalar(sa.select(GridUnit).where(GridUnit.level == "county"))
        assert (alert.level, alert.unit_id, alert.severity, alert.state) == ("county", county.id, "high", "open")
    day = morning.at.astimezone(server_clock.CHINA).date()
    assert alert.key == f"bulk_reveal:{people['head_id']}:{day.isoformat()}"
    assert people["head_name"] in alert.reason_zh and people["head"] in alert.reason_zh
    assert f"请求查看完整号码 {BULK_ALERT_AT} 次" in alert.reason_zh
    assert f"{PER_MINUTE} 次已显示" in alert.reason_zh and f"{BULK_ALERT_AT - PER_MINUTE} 次超出限额被拒绝" in alert.reason_zh

    staff = signed_in(small_app, "county01")
    inbox = staff.get("/api/alerts").get_json()["items"]
    seen, = [a for a in inbox if a["id"] == str(alert.id)]
    assert seen["reason_zh"] == alert.reason_zh and seen["unit_name"] == county.name
    assert seen["evidence"][0]["href"] == f"/api/audit?username={people['head']}&action=reveal"
    told = staff.get("/api/notifications").get_json()["items"]
    assert [m for m in told if m["kind"] == "alert_raised" and m["subject_id"] == str(alert.id)]

    for below in (people["head"], people["secretary"]):  # neither sees it, nor handles it
        client = signed_in(small_app, below)
        assert str(alert.id) not in {a["id"] for a in client.get("/api/alerts?level=all").get_json()["items"]}
        assert client.post(f"/api/alerts/{alert.id}/acknowledge").status_code == 404
    assert staff.post(f"/api/alerts/{alert.id}/acknowledge").get_json()["state"] == "acknowledged"

    morning.advance(days=1)  # another day, another bulk: another alert
    for code in people["codes"][:BULK_ALERT_AT]:
        reveal(head, code)
    assert len(bulk_alerts(small_app)) == 2


def test_a_few_reveals_a_day_raise_nothing(small_app, morning):
    people = village_people(small_app)
    head = signed_in(small_app, people["head"])
    for code in people["codes"][:BULK_ALERT_AT - 1]:
        reveal(head, code)
        morning.advance(minutes=10)
    assert bulk_alerts(small_app) == []


def test_requests_sent_at_once_are_counted_one_after_the_other(small_app, morning):
    """A script sending its requests in parallel: each would find room under the limit if they were counted at the same
    time; the user's row is locked while one is counted, so exactly the limit's worth are shown."""
    people = village_people(small_app)
    clients = [signed_in(small_app, people["head"]) for _ in range(3 * PER_MINUTE)]
    start = threading.Barrier(len(clients))

    def ask(client, code):
        start.wait()
        return reveal(client, code).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        statuses = list(pool.map(ask, clients, people["codes"]))
    assert sorted(statuses) == [200] * PER_MINUTE + [429] * (len(clients) - PER_MINUTE)
    assert reveals_of(small_app, people["head"]) == {"reveal": PER_MINUTE, "reveal_refused": len(clients) - PER_MINUTE}

"""Outbound channels 消息外发 (issue 20): an event writes what goes out in its own transaction and the sender delivers
it later, against a fake gateway on loopback (tools/fake_gateway.py) that records requests and can fail, hang and
dedupe by Idempotency-Key: each channel's request as the 企业微信 / 钉钉 robots and the county's SMS template want it;
retries that deliver once; a hanging gateway that no request waits for; a crash on either side of the send; quiet
hours, the digest and the hourly allowance; no ID or phone number in anything sent, and no secret in any log."""
import base64
import datetime as dt
import hashlib
import hmac
import logging
import re
import time
import uuid

import pytest
import sqlalchemy as sa

from server import settings
from server.config import ConfigError, outbound
from server.extensions import db
from server.models import Dispute, GridUnit, OutboundMessage, User
from server.notifications import outbox, rules, sender
from server.notifications.sweep import sweep
from server.privacy import PersonalDataError
from tests.api.test_notifications import report
from tests.api.test_petitions import BODY as PETITION
from tests.conftest import make_app, signed_in
from tools.fake_gateway import FakeGateway

CHINA = dt.timezone(dt.timedelta(hours=8))
KEY, SECRET, TOKEN = "wecomKEY0secret", "SECdingtalk0secret", "smsTOKEN0secret"
TEMPLATE = '{"phone": "{mobile}", "content": "{text}", "url": "{link}", "sign": "网格"}'
PUBLIC = "https://wangge.example.gov.cn"


def china(days: int, hour: int) -> dt.datetime:
    """A China hour on a day to come (after everything the county was generated with)."""
    day = dt.datetime.now(CHINA).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), CHINA).astimezone(dt.timezone.utc)


@pytest.fixture
def gateway():
    fake = FakeGateway().start()
    yield fake
    fake.stop()


def configure(app, gateway, *channels):
    every = {"wecom": {"NOTIFY_WECOM_WEBHOOK": f"{gateway.url}/cgi-bin/webhook/send?key={KEY}"},
             "dingtalk": {"NOTIFY_DINGTALK_WEBHOOK": f"{gateway.url}/robot/send?access_token={KEY}",
                          "NOTIFY_DINGTALK_SECRET": SECRET},
             "sms": {"NOTIFY_SMS_URL": f"{gateway.url}/sms/send", "NOTIFY_SMS_TEMPLATE": TEMPLATE,
                     "NOTIFY_SMS_TOKEN": TOKEN}}
    app.config.update({name: "" for settings_ in every.values() for name in settings_})
    for channel in channels:
        app.config.update(every[channel])
    app.config.update(PUBLIC_URL=PUBLIC, NOTIFY_TIMEOUT=(1, 1))


@pytest.fixture
def out(small_app, worker_cell, gateway, clock):
    """The worker's cell with every channel on the fake gateway, at 10:00 China tomorrow; the village heads who hear
    of a dispute there, each with a mobile."""
    configure(small_app, gateway, "wecom", "dingtalk", "sms")
    clock.at = china(1, 10)
    with small_app.app_context():
        heads = db.session.execute(
            sa.select(User.id, User.username, User.phone).join(GridUnit, GridUnit.id == User.unit_id)
            .where(User.role == "village_head", GridUnit.code == worker_cell["cell"][:12], User.active)
            .order_by(User.id)).all()
    assert heads and all(h.phone for h in heads)
    return {**worker_cell, "app": small_app, "gateway": gateway, "heads": heads, "head": heads[0]}


def outbox_rows(app, **where) -> list[dict]:
    with app.app_context():
        query = sa.select(OutboundMessage).where(*(getattr(OutboundMessage, k) == v for k, v in where.items()))
        return [{c.key: getattr(m, c.key) for c in OutboundMessage.__table__.c}
                for m in db.session.scalars(query.order_by(OutboundMessage.created_at, OutboundMessage.id))]


def send(app) -> dict:
    with app.app_context():
        return sender.send_due()


def test_an_event_writes_its_outbox_in_its_own_transaction_and_the_request_sends_nothing(out):
    app, gateway = out["app"], out["gateway"]
    worker = signed_in(app, out["worker"])
    item = report(worker, out["cell"])
    dispute_id = item["id"]
    assert gateway.requests == []  # nothing is sent from inside a request
    rows = outbox_rows(app)
    event = f"arrived:{uuid.UUID(dispute_id)}:village"
    assert {r["idempotency_key"] for r in rows if r["channel"] != "sms"} == {f"wecom:{event}", f"dingtalk:{event}"}
    assert {r["user_id"] for r in rows if r["channel"] == "sms"} == {h.id for h in out["heads"]}
    assert {(r["status"], r["attempts"], r["next_attempt_at"]) for r in rows} == {("pending", 0, out["clock"].at)}
    assert all(r["link"] == f"/views/desk#dispute/{uuid.UUID(dispute_id)}" for r in rows)  # desk roles: the desk
    assert worker.post("/api/sync/push", json={"items": [item]}).status_code == 200  # sent again: nothing more
    assert len(outbox_rows(app)) == len(rows)
    with app.app_context():  # an event whose transaction is rolled back leaves nothing to send
        dispute = db.session.get(Dispute, uuid.UUID(dispute_id))
        dispute.level = "town"
        rules.dispute_arrived(dispute, out["clock"].at)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage)) > len(rows)
        db.session.rollback()
    assert len(outbox_rows(app)) == len(rows)


def test_each_channel_gets_its_request_shape_with_the_key_and_the_signature(out):
    app, gateway = out["app"], out["gateway"]
    report(signed_in(app, out["worker"]), out["cell"], colour="red")
    assert send(app)["sent"] == 2 + len(out["heads"])
    rows = {r["idempotency_key"]: r for r in outbox_rows(app)}
    assert all(r["status"] == "sent" and r["attempts"] == 1 and r["sent_at"] for r in rows.values())
    by_path = {}
    for request in gateway.delivered:
        by_path.setdefault(request.path, []).append(request)
    (wecom,), (dingtalk,) = by_path["/cgi-bin/webhook/send"], by_path["/robot/send"]
    assert wecom.query == {"key": [KEY]} and wecom.json == {"msgtype": "text", "text": {
        "content": rows[wecom.key]["body"]}} and wecom.key.startswith("wecom:arrived:")
    timestamp = dingtalk.query["timestamp"][0]
    signed = base64.b64encode(hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest())
    assert dingtalk.query["sign"] == [signed.decode()] and dingtalk.query["access_token"] == [KEY]
    assert abs(int(timestamp) - out["clock"].at.timestamp() * 1000) < 1000
    assert dingtalk.json == {"msgtype": "text", "text": {"content": rows[dingtalk.key]["body"]}}
    phones = {h.id: h.phone for h in out["heads"]}
    for request in by_path["/sms/send"]:
        row = rows[request.key]
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.json == {"phone": phones[row["user_id"]], "content": row["body"], "url": PUBLIC + row["link"],
                                "sign": "网格"}
        assert row["body"].startswith("【网格】") and row["body"].endswith(f"详情：{PUBLIC}{row['link']}")
        assert "红色矛盾纠纷" in row["body"] and phones[row["user_id"]] not in row["body"]
    assert send(app)["sent"] == 0 and len(gateway.requests) == 2 + len(out["heads"])  # a sent row never goes again


def test_a_gateway_failing_twice_then_succeeding_delivers_once(out):
    app, gateway, clock = out["app"], out["gateway"], out["clock"]
    configure(app, gateway, "wecom")
    report(signed_in(app, out["worker"]), out["cell"])
    gateway.fail_next = 2
    assert send(app)["retry"] == 1
    (row,) = outbox_rows(app)
    assert (row["status"], row["attempts"], row["last_error"]) == ("pending", 1, "HTTP 500")
    assert dt.timedelta(seconds=30) <= row["next_attempt_at"] - clock.at <= dt.timedelta(seconds=36)
    assert send(app)["retry"] == 0  # not yet due
    clock.advance(minutes=2)
    assert send(app)["retry"] == 1 and outbox_rows(app)[0]["attempts"] == 2
    clock.advance(minutes=2)
    assert send(app)["sent"] == 1
    (row,) = outbox_rows(app)
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 3, None)
    assert [r.key for r in gateway.requests] == [row["idempotency_key"]] * 3 and len(gateway.delivered) == 1


def test_a_gateway_failing_for_good_is_given_up_after_the_last_attempt(out):
    app, gateway, clock = out["app"], out["gateway"], out["clock"]
    configure(app, gateway, "wecom")
    report(signed_in(app, out["worker"]), out["cell"])
    gateway.fail_next = 100
    for _ in range(sender.MAX_ATTEMPTS):
        send(app)
        clock.advance(hours=2)
    (row,) = outbox_rows(app)
    assert (row["status"], row["attempts"]) == ("failed", sender.MAX_ATTEMPTS)
    assert send(app) == {"digests": 0, "sent": 0, "retry": 0, "failed": 0, "deferred": 0}
    assert len(gateway.requests) == sender.MAX_ATTEMPTS


def test_a_hanging_gateway_blocks_no_request_and_the_sender_retries_after_a_timeout(out):
    app, gateway, clock = out["app"], out["gateway"], out["clock"]
    configure(app, gateway, "wecom")
    gateway.hang_seconds = 3
    started = time.perf_counter()
    report(signed_in(app, out["worker"]), out["cell"])
    assert time.perf_counter() - started < 2.5 and gateway.requests == []
    started = time.perf_counter()
    assert send(app)["retry"] == 1
    assert time.perf_counter() - started < 2.5  # the read timeout (1 s here), not the gateway's 3 s
    (row,) = outbox_rows(app)
    assert (row["status"], row["attempts"], row["last_error"]) == ("pending", 1, "timeout")
    gateway.hang_seconds = 0
    clock.advance(minutes=2)
    assert send(app)["sent"] == 1
    assert [r.key for r in gateway.requests] == [row["idempotency_key"]] * 2
    assert len(gateway.delivered) == 1  # the late one was taken: the key dedupes the retry


def test_a_crash_between_the_commit_and_the_send_sends_after_the_restart_once(out):
    app, gateway = out["app"], out["gateway"]
    report(signed_in(app, out["worker"]), out["cell"])  # committed; no sender ran: the server stops here
    restarted = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    restarted.config.update({k: v for k, v in app.config.items() if k.startswith("NOTIFY_") or k == "PUBLIC_URL"})
    assert send(restarted)["sent"] == len(outbox_rows(app)) == 2 + len(out["heads"])
    assert send(restarted)["sent"] == 0
    assert len(gateway.requests) == len({r.key for r in gateway.requests}) == 2 + len(out["heads"])


def test_flask_notifications_send_once_delivers_what_is_due(out):
    app, gateway = out["app"], out["gateway"]
    report(signed_in(app, out["worker"]), out["cell"])
    result = app.test_cli_runner().invoke(args=["notifications", "send", "--once"])
    assert result.exit_code == 0, result.output
    assert f"sent {2 + len(out['heads'])}" in result.output and len(gateway.delivered) == 2 + len(out["heads"])


def test_a_crash_after_the_send_before_the_mark_sends_again_with_the_same_key(out, monkeypatch):
    app, gateway, clock = out["app"], out["gateway"], out["clock"]
    configure(app, gateway, "wecom")
    report(signed_in(app, out["worker"]), out["cell"])
    mark = sender.mark_sent
    calls = []

    def crash_once(row):
        calls.append(row.id)
        if len(calls) == 1:
            raise RuntimeError("the sender stops here")
        mark(row)

    monkeypatch.setattr(sender, "mark_sent", crash_once)
    with pytest.raises(RuntimeError):
        send(app)
    (row,) = outbox_rows(app)
    assert (row["status"], row["attempts"]) == ("pending", 0) and len(gateway.delivered) == 1
    assert send(app)["sent"] == 0  # claimed: not taken again before its lease runs out
    clock.advance(seconds=sender.LEASE.total_seconds() + 1)
    assert send(app)["sent"] == 1 and outbox_rows(app)[0]["status"] == "sent"
    assert [r.key for r in gateway.requests] == [row["idempotency_key"]] * 2 and len(gateway.delivered) == 1


def test_in_quiet_hours_an_sms_waits_till_morning_unless_it_is_urgent(out):
    app, gateway, clock = out["app"], out["gateway"], out["clock"]
    configure(app, gateway, "sms")
    clock.at = china(1, 23)
    worker = signed_in(app, out["worker"])
    blue, red = report(worker, out["cell"])["id"], report(worker, out["cell"], colour="red")["id"]
    rows = {r["idempotency_key"]: r for r in outbox_rows(app, user_id=out["head"].id)}
    assert sorted(r["next_attempt_at"] for r in rows.values()) == [clock.at, china(2, 7)]
    assert send(app)["sent"] == len(out["heads"])
    assert all("红色" in r.json["content"] for r in gateway.delivered)
    clock.at = china(2, 6) + dt.timedelta(minutes=59)
    assert send(app)["sent"] == 0
    clock.at = china(2, 7)
    assert send(app)["sent"] == len(out["heads"])
    assert len(gateway.delivered) == 2 * len(out["heads"]) and blue != red


def test_a_digest_user_gets_one_sms_a_day_summing_up_and_urgent_ones_at_once(out):
    app, gateway, clock = out["app"], out["gateway"], out["clock"]
    configure(app, gateway, "sms")
    head = out["head"]
    answer = signed_in(app, head.username).put("/api/notifications/preferences", json={
        "notify_channels": None, "notify_digest": True})
    assert answer.status_code == 200 and answer.get_json()["notify_digest"] is True
    worker = signed_in(app, out["worker"])
    for colour in ("blue", "orange", "red"):
        report(worker, out["cell"], colour=colour)
    assert sorted(r["status"] for r in outbox_rows(app, user_id=head.id)) == ["held", "held", "pending"]
    send(app)
    mine = [r for r in gateway.delivered if r.json["phone"] == head.phone]
    assert len(mine) == 1 and "红色" in mine[0].json["content"]  # the urgent one did not wait
    clock.at = china(2, 7)
    assert send(app)["digests"] == 0  # before the digest hour
    clock.at = china(2, 8) + dt.timedelta(minutes=1)
    counts = send(app)
    assert counts["digests"] == 1 and counts["sent"] == 1
    mine = [r for r in gateway.delivered if r.json["phone"] == head.phone]
    assert len(mine) == 2 and mine[1].json["content"] == f"【网格】您有2条新消息 详情：{PUBLIC}/views/desk"
    assert sorted(r["status"] for r in outbox_rows(app, user_id=head.id)) == ["digested", "digested", "sent", "sent"]
    clock.advance(hours=3)
    assert send(app)["digests"] == 0 and len(gateway.requests) == len(gateway.delivered)


def test_a_person_over_the_hourly_allowance_waits_for_room(out):
    app, gateway, clock = out["app"], out["gateway"], out["clock"]
    configure(app, gateway, "sms")
    with app.app_context():
        settings.put("notify_sms_per_hour", 2)
        db.session.commit()
    worker = signed_in(app, out["worker"])
    for _ in range(3):
        report(worker, out["cell"])
        clock.advance(minutes=1)
    send(app)
    rows = outbox_rows(app, user_id=out["head"].id)
    assert [r["status"] for r in rows] == ["sent", "sent", "pending"]
    assert rows[2]["next_attempt_at"] == rows[0]["sent_at"] + dt.timedelta(hours=1) and rows[2]["attempts"] == 0
    clock.at = rows[2]["next_attempt_at"]
    send(app)
    assert [r["status"] for r in outbox_rows(app, user_id=out["head"].id)] == ["sent"] * 3


PERSONAL = re.compile(r"(?<![0-9A-Za-z])(?:[0-9]{17}[0-9Xx]|[0-9]{15}|1[3-9][0-9]{9})(?![0-9A-Za-z])")


def test_no_id_or_phone_number_goes_out_in_any_message(out):
    app, gateway, clock = out["app"], out["gateway"], out["clock"]
    with app.app_context():
        household = db.session.scalar(sa.text("SELECT code FROM household ORDER BY id LIMIT 1"))
        phones = set(db.session.scalars(sa.select(User.phone).where(User.phone.is_not(None))))
        ids = set(db.session.scalars(sa.text("SELECT head_id_number FROM household WHERE head_id_number IS NOT NULL")))
    staff = signed_in(app, "county01")
    for colour in ("red", "blue"):
        answer = staff.post("/api/petitions", json={**PETITION, "household_code": household, "risk_colour": colour,
                                                    "title": f"赵秀英 {PETITION['petitioner_mobile']} 反映占地"})
        assert answer.status_code == 201, answer.get_json()
    report(signed_in(app, out["worker"]), out["cell"], colour="red")
    with app.app_context():
        sweep(clock.at + dt.timedelta(days=30))
        db.session.commit()
    clock.advance(days=30)
    send(app)
    bodies = [r["body"] for r in outbox_rows(app)]
    texts = bodies + [r.json.get("content") or r.json["text"]["content"] for r in gateway.requests]
    assert len(bodies) > 10 and not [t for t in texts if PERSONAL.search(t)]
    secret = {PETITION["petitioner_id_number"], PETITION["petitioner_mobile"], "赵秀英"} | phones | ids
    assert not [t for t in texts if any(value in t for value in secret)]
    with app.app_context(), pytest.raises(PersonalDataError):
        outbox.body("请联系 13812345678", "/views/desk")
    with app.app_context():  # a UUID's digits beside a hex letter are no mobile
        assert outbox.body("x", "/app/#/dispute/0f6c1e2a-8b7d-4c3e-9a1b-a13812345678")


def test_the_channels_by_preference_and_the_422s_naming_the_field(out):
    app, head = out["app"], out["head"]
    mine = signed_in(app, head.username)
    got = mine.get("/api/notifications/preferences").get_json()
    assert got["notify_channels"] is None and got["notify_digest"] is False and got["mobile_on_file"] is True
    assert got["county_allows"]["dispute_arrived"] == ["sms"] and got["county_allows"]["follow_up_due"] == []
    for body, field in (({"notify_channels": {"no_such_kind": ["sms"]}}, "notify_channels"),
                        ({"notify_channels": {"dispute_arrived": ["wecom"]}}, "notify_channels"),  # a group's
                        ({"notify_channels": {"follow_up_due": ["sms"]}}, "notify_channels"),  # not the county's
                        ({"notify_channels": {"dispute_arrived": "sms"}}, "notify_channels"),
                        ({"notify_channels": None, "notify_digest": "sometimes"}, "notify_digest"),
                        ({"notify_channels": None}, "notify_digest")):
        answer = mine.put("/api/notifications/preferences", json={"notify_digest": False, **body}
                          if "notify_digest" not in body and field != "notify_digest" else body)
        assert answer.status_code == 422 and field in str(answer.get_json()["errors"]), (body, answer.get_json())
    answer = mine.put("/api/notifications/preferences", json={"notify_channels": {"dispute_arrived": []},
                                                               "notify_digest": False})
    assert answer.status_code == 200 and answer.get_json()["notify_channels"] == {"dispute_arrived": []}
    report(signed_in(app, out["worker"]), out["cell"])
    assert outbox_rows(app, user_id=head.id) == []  # SMS off for the kind: none for them
    assert {r["user_id"] for r in outbox_rows(app, channel="sms")} == {h.id for h in out["heads"]} - {head.id}
    assert len(outbox_rows(app, channel="wecom")) == 1  # the group still hears of it


def test_the_admin_sees_deliveries_by_channel_and_status_failed_first(out):
    app, gateway = out["app"], out["gateway"]
    configure(app, gateway, "wecom", "sms")
    report(signed_in(app, out["worker"]), out["cell"])
    with app.app_context():
        db.session.execute(sa.update(OutboundMessage).where(OutboundMessage.channel == "wecom")
                           .values(status="failed", attempts=8, last_error="HTTP 500"))
        db.session.commit()
    admin = signed_in(app, "admin")
    page = admin.get("/api/admin/notifications/deliveries").get_json()
    assert page["items"][0]["status"] == "failed" and page["items"][0]["last_error"] == "HTTP 500"
    assert {(c["channel"], c["status"]): c["count"] for c in page["counts"]} == {
        ("wecom", "failed"): 1, ("sms", "pending"): len(out["heads"])}
    assert page["configured"] == ["wecom", "sms"] and page["total"] == 1 + len(out["heads"])
    assert {i["username"] for i in page["items"] if i["channel"] == "sms"} == {h.username for h in out["heads"]}
    only = admin.get("/api/admin/notifications/deliveries?status=pending&channel=sms").get_json()
    assert only["total"] == len(out["heads"]) and {i["status"] for i in only["items"]} == {"pending"}
    assert admin.get("/api/admin/notifications/deliveries?status=lost").status_code == 422
    assert signed_in(app, out["head"].username).get("/api/admin/notifications/deliveries").status_code == 403


def test_no_secret_in_a_log_line_or_a_reason(out, caplog):
    app, gateway, clock = out["app"], out["gateway"], out["clock"]
    app.config["NOTIFY_WECOM_WEBHOOK"] = f"http://127.0.0.1:9/cgi-bin/webhook/send?key={KEY}"  # nothing listens
    report(signed_in(app, out["worker"]), out["cell"])
    gateway.fail_next = 100
    caplog.set_level(logging.DEBUG)
    send(app)
    clock.advance(hours=2)
    send(app)
    reasons = {r["last_error"] for r in outbox_rows(app)}
    assert {"connection failed", "HTTP 500"} <= reasons and "outbound wecom" in caplog.text
    assert not [s for s in (KEY, SECRET, TOKEN) if s in caplog.text or any(s in r for r in reasons)]


CONFIG = {"NOTIFY_WECOM_WEBHOOK": "", "NOTIFY_DINGTALK_WEBHOOK": "", "NOTIFY_DINGTALK_SECRET": "",
          "NOTIFY_SMS_URL": "", "NOTIFY_SMS_TEMPLATE": "", "NOTIFY_SMS_TOKEN": "", "PUBLIC_URL": PUBLIC}


@pytest.mark.parametrize("changes, named", [
    ({"NOTIFY_WECOM_WEBHOOK": f"qyapi.weixin.qq.com/send?key={KEY}"}, "NOTIFY_WECOM_WEBHOOK"),
    ({"NOTIFY_DINGTALK_SECRET": SECRET}, "NOTIFY_DINGTALK_SECRET"),
    ({"NOTIFY_SMS_URL": "https://sms.example.cn/send", "NOTIFY_SMS_TEMPLATE": "{mobile} {text}"}, "NOTIFY_SMS_TEMPLATE"),
    ({"NOTIFY_SMS_URL": "https://sms.example.cn/send", "NOTIFY_SMS_TEMPLATE": '{"to": "{mobile}"}'},
     "NOTIFY_SMS_TEMPLATE"),
    ({"NOTIFY_WECOM_WEBHOOK": f"https://qyapi.weixin.qq.com/send?key={KEY}", "PUBLIC_URL": ""}, "PUBLIC_URL"),
])
def test_start_up_refuses_a_bad_channel_setting_naming_it_not_its_value(changes, named):
    with pytest.raises(ConfigError) as refused:
        outbound({**CONFIG, **changes})
    assert named in str(refused.value) and KEY not in str(refused.value) and SECRET not in str(refused.value)
    assert outbound(CONFIG) == {}

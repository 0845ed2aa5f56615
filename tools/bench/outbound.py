"""The outbound sender, measured: messages delivered per second by `flask notifications send` (server/notifications/
sender.py: the claim, the SMS checks, the request with its key and timeouts, the mark and commit of each) to the fake
gateway on loopback (tools/fake_gateway.py), on SpatiaLite and on PostGIS (a throwaway cluster of its own). Beside it,
the same requests POSTed to the same gateway by urllib3 alone, one after another: the floor the network and the
gateway set.

    python -m tools.bench.run --only outbound     (this section alone; make bench runs it with the rest)"""
from __future__ import annotations

import datetime as dt
import time
import uuid

from tools.bench.backends import both_backends, small_county

HEADING = "## Outbound messages"
MESSAGES = 600  # per back end: half to a 企业微信 robot, half SMS to the county's users in turn


def _queue(app, gateway) -> None:
    """The fake gateway as every channel, no quiet hours nor allowance in the way, and MESSAGES rows due now."""
    import sqlalchemy as sa

    from server import settings
    from server.extensions import db
    from server.models import OutboundMessage, User
    app.config.update(NOTIFY_WECOM_WEBHOOK=f"{gateway.url}/cgi-bin/webhook/send?key=bench",
                      NOTIFY_SMS_URL=f"{gateway.url}/sms", NOTIFY_SMS_TOKEN="bench", PUBLIC_URL="https://wangge.test",
                      NOTIFY_SMS_TEMPLATE='{"phone": "{mobile}", "content": "{text}"}')
    now = dt.datetime.now(dt.timezone.utc)
    with app.app_context():
        settings.put("quiet_hours", [0, 0])
        settings.put("notify_sms_per_hour", MESSAGES)
        users = db.session.scalars(sa.select(User.id).where(User.phone.is_not(None)).order_by(User.id)).all()
        db.session.execute(sa.insert(OutboundMessage), [
            {"id": uuid.uuid4(), "channel": "sms" if i % 2 else "wecom", "idempotency_key": f"bench:{i}",
             "user_id": users[i % len(users)] if i % 2 else None, "body": f"【网格】城关镇西桥社区第{i}网格有一件矛盾纠纷待受理 "
             "详情：https://wangge.test/views/desk", "link": "/views/desk", "urgent": False, "status": "pending",
             "attempts": 0, "next_attempt_at": now, "created_at": now} for i in range(MESSAGES)])
        db.session.commit()


def _urllib3_alone(gateway) -> float:
    import json

    import urllib3
    pool = urllib3.PoolManager(retries=False)
    body = json.dumps({"msgtype": "text", "text": {"content": "【网格】测试"}}, ensure_ascii=False).encode()
    start = time.perf_counter()
    for i in range(MESSAGES):
        pool.request("POST", f"{gateway.url}/raw", body=body, headers={"Idempotency-Key": f"raw:{i}"},
                     timeout=urllib3.Timeout(connect=3, read=10))
    return time.perf_counter() - start


def bench_outbound() -> list[dict]:
    from server.notifications.sender import send_due
    from tools.fake_gateway import FakeGateway
    out = []
    with both_backends("outbound") as (_, backends):
        for backend, url in backends:
            app = small_county(url)
            gateway = FakeGateway().start()
            try:
                _queue(app, gateway)
                with app.app_context():
                    start = time.perf_counter()
                    counts = send_due()
                    seconds = time.perf_counter() - start
                raw = _urllib3_alone(gateway)
            finally:
                gateway.stop()
            assert counts["sent"] == MESSAGES and len(gateway.delivered) == 2 * MESSAGES, counts
            row = {"backend": backend, "seconds": seconds, "raw": raw, "rate": MESSAGES / seconds,
                   "raw_rate": MESSAGES / raw}
            out.append(row)
            print(f"outbound on {backend}: {MESSAGES} messages in {seconds:.2f} s ({row['rate']:.0f}/s); "
                  f"urllib3 alone {row['raw_rate']:.0f}/s, ratio {seconds / raw:.2f}×")
    return out


def section(rows: list[dict]) -> str:
    lines = [HEADING, "",
             f"Written by `python -m tools.bench.run` (also alone: `--only outbound`) on {dt.date.today()}. "
             f"{MESSAGES} messages due in the outbox per back end (half to a 企业微信 robot, half SMS to the small "
             "county's users in turn), delivered by one sender (`flask notifications send --once`) to the fake gateway "
             "on loopback: each claimed in batches, checked (quiet hours, the hourly allowance), POSTed with its "
             "Idempotency-Key, and marked sent in a commit of its own. Raw: the same number of POSTs to the same "
             "gateway by urllib3 alone. A real gateway's latency (tens of milliseconds) would dominate both.", "",
             "| back end | messages | seconds | messages/s | urllib3 alone | ratio |", "|---|---|---|---|---|---|"]
    lines += [f"| {r['backend']} | {MESSAGES} | {r['seconds']:.2f} | {r['rate']:.0f} | {r['raw_rate']:.0f}/s | "
              f"{r['seconds'] / r['raw']:.2f}× |" for r in rows]
    return "\n".join(lines) + "\n"

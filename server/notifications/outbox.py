"""The outbox 消息外发: the messages to go out by the county's channels, written beside the notifications in the
transaction of their event (rules.write), so an event rolled back sends nothing and an event committed is sent
even if the server stops right after. `flask notifications send` (sender.py) delivers them; nothing is sent from
inside a request.

Who gets what: a channel is used only when it is configured (server/config.py outbound) and the county's rule sends
the kind by it (setting `notify_channels`). A group robot (wecom, dingtalk) posts to its group once per event; an SMS
goes to each person told who has a mobile on file and has not turned SMS off for the kind (User.notify_channels,
null: all the county allows; a kind left out follows the county). Decided here, when the message is written:

- quiet hours (setting `quiet_hours`, China time): a non-urgent SMS written then waits until they end; urgent ones
  (red) go at once. The sender checks again before sending (a retry may fall into them);
- the daily digest (User.notify_digest): a person's non-urgent SMS are held; at `digest_hour` the sender sends one
  SMS summing them up and marks them digested.

The per-person rate (`notify_sms_per_hour`) is the sender's: it counts what went out. A body is the message's
Chinese text and a link to the page of its subject (sign-in required, no token), and it is refused if it carries an ID
or a mobile number (server/privacy.py): the texts are written without them (kinds.py), this is the backstop."""
from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from .. import clock, settings
from ..config import outbound
from ..extensions import db
from ..models import OutboundMessage, User
from ..models.vocab import PERSONAL_CHANNELS
from ..privacy import refuse_personal_numbers
from ..roles import PHONE_ROLES
from ..scope import outside_scope

GROUP_CHANNELS = ("wecom", "dingtalk")
# where a message opens, by the subject and where the person works: the phone app or the desk
PHONE_LINKS = {"dispute": "/app/#/dispute/{id}", "move": "/app/#/tasks", "visit": "/app/#/tasks",
               "cell": "/app/#/report", "alert": "/app/#/messages"}
DESK_LINKS = {"dispute": "/views/desk#dispute/{id}"}  # anything else: the desk itself
MESSAGE_CENTRE = {True: "/app/#/messages", False: "/views/desk"}  # the digest's link (phone, desk)


def link(role: str, subject_type: str, subject_id: str) -> str:
    """The page a message about the subject opens for someone of the role (after sign-in)."""
    on_phone = role in PHONE_ROLES
    pattern = PHONE_LINKS[subject_type] if on_phone else DESK_LINKS.get(subject_type, "/views/desk")
    return pattern.format(id=subject_id)


def centre(role: str) -> str:
    """Where the role reads its messages."""
    return MESSAGE_CENTRE[role in PHONE_ROLES]


def body(text_zh: str, page: str) -> str:
    """What goes out: 【网格】the text 详情：the link. Refused if it carries an ID or a mobile number."""
    return refuse_personal_numbers(f"【网格】{text_zh} 详情：{current_app.config['PUBLIC_URL'].rstrip('/')}{page}")


def in_quiet_hours(moment: dt.datetime, quiet: list[int]) -> bool:
    start, end = quiet
    hour = moment.astimezone(clock.CHINA).hour
    return start <= hour < end if start <= end else hour >= start or hour < end


def after_quiet_hours(moment: dt.datetime, quiet: list[int]) -> dt.datetime:
    """The moment itself, or when the quiet hours it falls in end (China time)."""
    if not in_quiet_hours(moment, quiet):
        return moment
    local = moment.astimezone(clock.CHINA)
    end = local.replace(hour=quiet[1], minute=0, second=0, microsecond=0)
    return (end if end > local else end + dt.timedelta(days=1)).astimezone(dt.timezone.utc)


def personal_channels(choice: dict | None, county: list[str], kind: str) -> set[str]:
    """The personal channels a person gets a kind by: what the county sends it by, within their choice."""
    allowed = set(county) & set(PERSONAL_CHANNELS)
    return allowed if choice is None or kind not in choice else allowed & set(choice[kind])


def enqueue(notifications: list[dict]) -> int:
    """Write the outbound messages of newly written notifications (rows as rules.write takes them), skipping those
    already written (same key): one statement. How many rows it offered."""
    configured = outbound(current_app.config)
    if not configured or not notifications:
        return 0
    config = settings.all_settings()
    rules = config["notify_channels"]
    people = outside_scope(User).c  # the audience is read past the acting user's scope, as rules.py does
    users = {u.id: u for u in db.session.execute(
        sa.select(people.id, people.role, people.phone, people.notify_channels, people.notify_digest)
        .where(people.id.in_({n["user_id"] for n in notifications})))}
    rows = []
    for event in {n["event_key"]: n for n in reversed(notifications)}.values():  # the first told of each event
        for channel in GROUP_CHANNELS:
            if channel in configured and channel in rules.get(event["kind"], []):
                rows.append(_row(channel, f"{channel}:{event['event_key']}", None, event,
                                 users[event["user_id"]].role, event["created_at"]))
    for n in notifications if "sms" in configured else []:
        user = users[n["user_id"]]
        if user.phone and "sms" in personal_channels(user.notify_channels, rules.get(n["kind"], []), n["kind"]):
            row = _row("sms", f"sms:{n['id']}", user.id, n, user.role,
                       n["created_at"] if n["urgent"] else after_quiet_hours(n["created_at"], config["quiet_hours"]))
            rows.append({**row, "status": "held" if user.notify_digest and not n["urgent"] else "pending"})
    return insert(rows)


def _row(channel: str, key: str, user_id: int | None, notification: dict, role: str, due: dt.datetime) -> dict:
    page = link(role, notification["subject_type"], notification["subject_id"])
    return {"id": uuid.uuid4(), "channel": channel, "idempotency_key": key, "user_id": user_id,
            "notification_id": notification["id"] if user_id else None, "body": body(notification["text_zh"], page),
            "link": page, "urgent": notification["urgent"], "status": "pending", "attempts": 0,
            "next_attempt_at": due, "created_at": notification["created_at"]}


def insert(rows: list[dict]) -> int:
    """Insert outbound rows, skipping any whose idempotency key is written already; how many were new."""
    if not rows:
        return 0
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = (dialect.insert(OutboundMessage).on_conflict_do_nothing(index_elements=["idempotency_key"])
                 .returning(OutboundMessage.id))
    return len(db.session.connection().execute(statement, rows).all())

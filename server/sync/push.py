"""Push sync: a batch of items captured offline, each with its client-generated UUID.

Every item gets its own answer: accepted, duplicate (its UUID was used for something else), or
rejected with the reason and field messages. Answers are stored with the UUID, so a batch sent
again — because the phone never saw the reply — creates nothing new and gets the same answers.
All items are checked before anything is written, and the whole batch is written in one
transaction: once the reply is sent, everything accepted is stored. A clash with a concurrent
request (the same UUID from two phones, a dispute changed meanwhile) rolls back and runs again."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import audit, settings
from ..extensions import db
from ..models import Dispute, DisputeEvent, FollowUpDone, SyncItem, User, Visit, ZeroReport
from ..warnings.engine import on_new_disputes
from .handlers import HANDLERS, Rejected, reason
from .items import DATA_SCHEMAS, ItemSchema

ATTEMPTS = 3
ITEM = ItemSchema()
CLOCK_SKEW = dt.timedelta(minutes=10)
ITEM_TABLES = {"visit": Visit.__table__, "dispute": Dispute.__table__, "dispute_event": DisputeEvent.__table__,
               "zero_report": ZeroReport.__table__, "follow_up_done": FollowUpDone.__table__}


@dataclass
class Outcome:
    id: str
    type: str | None
    status: str
    reason: dict | None = None

    def to_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "status": self.status, "reason": self.reason}


def content_hash(raw: dict) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def push(user: User, raw_items: list, now: dt.datetime) -> list[Outcome]:
    attempt = 1
    while True:
        try:
            outcomes = _push_once(user, raw_items, now)
            db.session.commit()
            return outcomes
        except (IntegrityError, StaleDataError):
            db.session.rollback()  # a concurrent request got there first: its work is now visible
            if attempt == ATTEMPTS:
                raise
            attempt += 1


def _push_once(user, raw_items, now) -> list[Outcome]:
    outcomes: list[Outcome | None] = [None] * len(raw_items)
    pending = []   # (index, type, uuid, data dict, hash)
    seen = set()
    for i, raw in enumerate(raw_items):
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        raw_id = None if raw_id is None else str(raw_id)  # as sent, or null when there was none
        try:
            item = ITEM.load(raw if isinstance(raw, dict) else {})
        except ValidationError as exc:
            outcomes[i] = Outcome(raw_id, raw.get("type") if isinstance(raw, dict) else None, "rejected",
                                  reason("the item is malformed", "条目格式错误", exc.messages))
            continue
        if item["id"] in seen:
            outcomes[i] = Outcome(str(item["id"]), item["type"], "duplicate",
                                  reason("the same id appears earlier in this batch", "同一批次中编号重复"))
            continue
        seen.add(item["id"])
        pending.append((i, item["type"], item["id"], item["data"], content_hash(raw)))

    stored = _stored_outcomes([p[2] for p in pending])
    todo = []
    for i, kind, item_id, data, digest in pending:
        previous = stored.get(item_id)
        if previous is not None and (previous.status == "accepted" or previous.content_hash == digest):
            same = previous.content_hash == digest
            outcomes[i] = (Outcome(str(item_id), previous.item_type, previous.status, previous.reason) if same else
                           Outcome(str(item_id), kind, "duplicate",
                                   reason("this id was already used for different content: nothing was changed",
                                          "该编号已用于其他内容，未作修改")))
            continue
        todo.append((i, kind, item_id, data, digest, previous))
    taken = _ids_taken(todo)
    for i, kind, item_id, *_ in todo:
        if item_id in taken:
            outcomes[i] = Outcome(str(item_id), kind, "duplicate", reason(
                "this id is already used for another record: nothing was changed", "该编号已被其他记录使用，未作修改"))
    todo = [t for t in todo if t[2] not in taken]

    context = {"user": user, "now": now, "settings": settings.all_settings(), "skew": CLOCK_SKEW}
    loaded = []
    for i, kind, item_id, data, digest, previous in todo:
        try:
            loaded.append((i, kind, item_id, DATA_SCHEMAS[kind].load(data), digest, previous))
        except ValidationError as exc:
            outcomes[i] = _remember(user, now, item_id, kind, digest, previous, "rejected",
                                    reason("some fields are wrong", "部分字段有误", exc.messages))
    for kind, handler in HANDLERS.items():
        batch = [(i, item_id, data) for i, k, item_id, data, _, _ in loaded if k == kind]
        if not batch:
            continue
        results = handler(batch, context)
        for i, k, item_id, _data, digest, previous in loaded:
            if k != kind:
                continue
            result = results[item_id]
            if isinstance(result, Rejected):
                outcomes[i] = _remember(user, now, item_id, kind, digest, previous, "rejected", result.reason)
            else:
                outcomes[i] = _remember(user, now, item_id, kind, digest, previous, "accepted", None)
    new_disputes = [uuid.UUID(o.id) for o in outcomes if o and o.type == "dispute" and o.status == "accepted"]
    if new_disputes:  # the cheap early-warning rules run on write; the scan catches the rest
        db.session.flush()
        on_new_disputes(db.session.scalars(sa.select(Dispute).where(Dispute.id.in_(new_disputes))).all(), now)
    _audit(outcomes)
    return outcomes


def _ids_taken(todo) -> set:
    """Ids of new items that a record of their kind already has without having come by sync (the generated
    county, another user's record out of this user's sight): read from the plain tables, which the data scope
    does not filter, so the insert cannot fail on the key."""
    taken = set()
    for kind, table in ITEM_TABLES.items():
        ids = [item_id for _, k, item_id, *_ in todo if k == kind]
        if ids:
            taken.update(db.session.scalars(sa.select(table.c.id).where(table.c.id.in_(ids))))
    return taken


def _stored_outcomes(ids) -> dict:
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(SyncItem).where(SyncItem.id.in_(ids))).all()
    return {r.id: r for r in rows}


def _remember(user, now, item_id, kind, digest, previous, status, why) -> Outcome:
    if previous is not None:
        db.session.delete(previous)  # an item rejected before, sent again corrected
        db.session.flush()
    db.session.add(SyncItem(id=item_id, item_type=kind, user_id=user.id, content_hash=digest, status=status,
                            reason=why, received_at=now))
    return Outcome(str(item_id), kind, status, why)


def _audit(outcomes):
    accepted = {}
    for o in outcomes:
        if o is not None and o.status == "accepted":
            accepted.setdefault(o.type, []).append(o.id)
    if accepted:
        audit.record("sync", "sync_batch", None, after={"accepted": accepted})

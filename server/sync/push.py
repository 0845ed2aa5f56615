"""Push sync: a batch of items captured offline, each with its client-generated UUID.

Every item gets its own answer: accepted, duplicate (its UUID was used for something else), or
rejected with the reason and field messages. Answers are stored with the UUID, so a batch sent
again — because the phone never saw the reply — creates nothing new and gets the same answers for what was
accepted; a rejected item is checked again (what it waited for may have come since).
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
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import audit, settings
from ..auth.policy import SYNC_ITEM_ROLES
from ..extensions import db
from ..models import Dispute, DisputeEvent, FollowUpDone, HouseholdMove, SyncItem, User, Visit, ZeroReport
from ..models.sync import SYNC_ITEM_TYPES
from ..roles import ROLE
from ..warnings.engine import on_new_disputes
from .devices import Device, synced
from .handlers import HANDLERS, Accepted, Rejected, reason
from .items import DATA_SCHEMAS, ItemSchema

ATTEMPTS = 3
ITEM = ItemSchema()
ITEM_FIELDS = set(ITEM.fields)  # type, id, data
# the key each type's record takes from the item's id, which no other record may hold already; None: the handler
# answers an id met before (household_new: the household registered under it, through the API too)
ITEM_KEYS = {"visit": Visit.__table__.c.id, "dispute": Dispute.__table__.c.id,
             "dispute_event": DisputeEvent.__table__.c.id, "zero_report": ZeroReport.__table__.c.id,
             "follow_up_done": FollowUpDone.__table__.c.id, "household_new": None,
             "household_change": HouseholdMove.__table__.c.id}  # a move asked for takes the item's id


@dataclass
class Outcome:
    id: str
    type: str | None
    status: str
    reason: dict | None = None
    detail: dict | None = None  # accepted: what the item made that the phone needs (a household's code and version)

    def to_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "status": self.status, "reason": self.reason, "detail": self.detail}


# json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str), with its encoder made once instead of per item; the
# text hashed must never change, or a batch sent before an upgrade would no longer match its stored answers
HASHED_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str)


def content_hash(raw: dict) -> str:
    return hashlib.sha256(HASHED_JSON.encode(raw).encode()).hexdigest()


def push(user: User, raw_items: list, now: dt.datetime, device: Device | None = None) -> list[Outcome]:
    """Answer and store the batch; the phone that sent it (if it said) is recorded as having pushed, in the same
    transaction."""
    attempt = 1
    while True:
        try:
            outcomes = _push_once(user, raw_items, now)
            synced(device, user, "push", now)
            db.session.commit()
            return outcomes
        except (IntegrityError, StaleDataError):
            db.session.rollback()  # a concurrent request got there first: its work is now visible
            if attempt == ATTEMPTS:
                raise
            attempt += 1


@dataclass
class Pending:
    """An item of the batch on its way through: its place in the batch, what it is, and its stored outcome if
    its id was sent before."""
    index: int
    type: str
    id: uuid.UUID
    data: dict
    digest: str
    previous: sa.Row | None = None  # the stored answer (_stored_outcomes)


class Answers:
    """The batch's answers as they are stored (sync_item rows), written at once: one DELETE of the answers they
    replace (items rejected before, sent again), one INSERT of them all."""

    def __init__(self, user: User, now: dt.datetime):
        self.user_id, self.now, self.rows, self.replaced = user.id, now, [], []

    def remember(self, item: Pending, status, why, detail=None) -> Outcome:
        if item.previous is not None:
            self.replaced.append(item.id)  # an item rejected before, sent again corrected
        self.rows.append({"id": item.id, "item_type": item.type, "user_id": self.user_id, "content_hash": item.digest,
                          "status": status, "reason": why if status == "rejected" else detail,
                          "received_at": self.now})
        return Outcome(str(item.id), item.type, status, why, detail)

    def write(self) -> None:
        table = SyncItem.__table__
        if self.replaced:
            db.session.execute(sa.delete(table).where(table.c.id.in_(self.replaced)))
        if self.rows:  # a concurrent request that stored one of these ids first fails it on the key: push retries
            db.session.execute(sa.insert(table), self.rows)


def _push_once(user, raw_items, now) -> list[Outcome]:
    outcomes: list[Outcome | None] = [None] * len(raw_items)
    answers = Answers(user, now)
    items = _parsed(raw_items, outcomes)
    items = _not_answered_before(items, outcomes)
    items = _ids_free(items, outcomes)
    context = {"user": user, "now": now, "settings": settings.all_settings()}
    loaded = []
    for item in items:
        if user.role not in SYNC_ITEM_ROLES[item.type]:
            outcomes[item.index] = answers.remember(item, "rejected", reason(
                f"a {user.role} does not file {item.type} items", f"您的角色（{ROLE[user.role].zh}）不能提交此类条目"))
            continue
        try:
            item.data = DATA_SCHEMAS[item.type].load(item.data)
            loaded.append(item)
        except ValidationError as exc:
            outcomes[item.index] = answers.remember(item, "rejected",
                                                    reason("some fields are wrong", "部分字段有误", exc.messages))
    for kind, handler in HANDLERS.items():  # in the handlers' order: disputes before their steps
        batch = [item for item in loaded if item.type == kind]
        if not batch:
            continue
        results = handler([(item.index, item.id, item.data) for item in batch], context)
        for item in batch:
            result = results[item.id]
            rejected = isinstance(result, Rejected)
            outcomes[item.index] = answers.remember(item, "rejected" if rejected else "accepted",
                                                    result.reason if rejected else None,
                                                    result.detail if isinstance(result, Accepted) else None)
    answers.write()
    new_disputes = [uuid.UUID(o.id) for o in outcomes if o and o.type == "dispute" and o.status == "accepted"]
    if new_disputes:  # the cheap early-warning rules run on write; the scan catches the rest
        db.session.flush()
        on_new_disputes(db.session.scalars(sa.select(Dispute).where(Dispute.id.in_(new_disputes))).all(), now)
    _audit(outcomes)
    return outcomes


def _parsed(raw_items, outcomes) -> list[Pending]:
    """The well-formed items, each id once; the others are answered in `outcomes`."""
    items, seen = [], set()
    for i, raw in enumerate(raw_items):
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        raw_id = None if raw_id is None else str(raw_id)  # as sent, or null when there was none
        try:
            item = _envelope(raw)
        except ValidationError as exc:
            outcomes[i] = Outcome(raw_id, raw.get("type") if isinstance(raw, dict) else None, "rejected",
                                  reason("the item is malformed", "条目格式错误", exc.messages))
            continue
        if item["id"] in seen:
            outcomes[i] = Outcome(str(item["id"]), item["type"], "duplicate",
                                  reason("the same id appears earlier in this batch", "同一批次中编号重复"))
            continue
        seen.add(item["id"])
        items.append(Pending(i, item["type"], item["id"], item["data"], content_hash(raw)))
    return items


def _envelope(raw) -> dict:
    """ItemSchema's load of an item ({type, id, data}). An item as the phones send it (those three keys: a known type,
    an id that is a UUID, data an object) is taken as the schema would take it without going through marshmallow,
    which costs more than the rest of the item's check; anything else goes through the schema, for its messages."""
    if (type(raw) is dict and raw.keys() == ITEM_FIELDS and type(raw["type"]) is str
            and raw["type"] in SYNC_ITEM_TYPES and type(raw["id"]) is str and type(raw["data"]) is dict):
        try:
            return {"type": raw["type"], "id": uuid.UUID(raw["id"]), "data": dict(raw["data"])}
        except ValueError:
            pass  # not a UUID: the schema says so
    return ITEM.load(raw if isinstance(raw, dict) else {})


def _not_answered_before(items, outcomes) -> list[Pending]:
    """Items whose id was accepted before get that answer again (or duplicate, for other content); an item rejected
    before goes on, remembering its old outcome: sent again corrected, or as it was, since what it waited for may have
    come meanwhile (a step sent before its dispute reached the server) and a rejection stored nothing."""
    stored = _stored_outcomes([item.id for item in items])
    left = []
    for item in items:
        item.previous = previous = stored.get(item.id)
        if previous is not None and previous.status == "accepted":
            outcomes[item.index] = (
                _stored(previous)
                if previous.content_hash == item.digest else
                Outcome(str(item.id), item.type, "duplicate", reason(
                    "this id was already used for different content: nothing was changed", "该编号已用于其他内容，未作修改")))
            continue
        left.append(item)
    return left


def _ids_free(items, outcomes) -> list[Pending]:
    """Items whose id no record of their kind has yet (a record that did not come by sync: the generated county,
    another user's record out of this user's sight); read from the plain tables, which the data scope does not
    filter, so the insert cannot fail on the key."""
    taken = set()
    for kind, key in ITEM_KEYS.items():
        ids = [item.id for item in items if item.type == kind]
        if ids and key is not None:
            taken.update(db.session.scalars(_holding(key, ids)))
    for item in items:
        if item.id in taken:
            outcomes[item.index] = Outcome(str(item.id), item.type, "duplicate", reason(
                "this id is already used for another record: nothing was changed", "该编号已被其他记录使用，未作修改"))
    return [item for item in items if item.id not in taken]


def _holding(key, ids, *columns) -> sa.Select:
    """The rows (`columns`, or just `key`) of key's table whose key is among `ids`. On PostgreSQL the ids go as one
    array joined to the table: visits (and dispute steps) are partitioned by their date and have no index of the id
    alone, so every partition is probed for every id, and joined so each probe is one look into a partition's primary
    key, where an IN list of 500 would be planned, and mostly scanned, partition by partition (issue 21: 24 ms of a
    165 ms push on the benchmark county); on the plain tables it spares rendering 500 parameters, each with its cast."""
    if db.session.get_bind().dialect.name != "postgresql":
        return sa.select(*(columns or (key,))).where(key.in_(ids))
    given = sa.func.unnest(sa.cast(sa.literal([str(i) for i in ids], ARRAY(sa.String)), ARRAY(sa.Uuid))) \
        .table_valued("id", name="given").render_derived()
    return sa.select(*(columns or (key,))).join_from(key.table, given, key == given.c.id)


def _stored_outcomes(ids) -> dict:
    """The stored answers of these ids, as rows (id, item_type, status, content_hash, reason)."""
    if not ids:
        return {}
    c = SyncItem.__table__.c
    rows = db.session.execute(_holding(c.id, ids, c.id, c.item_type, c.status, c.content_hash, c.reason)).all()
    return {r.id: r for r in rows}


def _stored(previous) -> Outcome:
    """The answer stored with an accepted item's id; its stored "reason" is its detail."""
    return Outcome(str(previous.id), previous.item_type, previous.status, None, previous.reason)


def _audit(outcomes):
    accepted = {}
    for o in outcomes:
        if o is not None and o.status == "accepted":
            accepted.setdefault(o.type, []).append(o.id)
    if accepted:
        audit.record("sync", "sync_batch", None, after={"accepted": accepted})

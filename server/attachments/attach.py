"""Attachments linked to the records they document, and who may see them.

A visit, a dispute or a dispute step names its attachments by id (at most MAX_PER_RECORD): each must be one the same
user uploaded and not attached to anything else (the same record again is fine: a re-sent item). Linking a photo to a
visit measures it against the household's place, as the visit's own fix is.

Who may see an attachment: its uploader, before and after it is attached, and whoever's scope holds what it is
attached to (a visit: its household; a dispute or a step: the dispute). That record is looked up through the scoped
session (server/scope.py), so the scope decides as it does everywhere; anyone else is answered 404."""
from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from grids.distance import haversine_m

from ..extensions import db
from ..models import Attachment, Dispute, DisputeEvent, Visit
from ..refusal import Refusal

MAX_PER_RECORD = 10
RECORDS = {"visit": Visit, "dispute": Dispute, "dispute_event": DisputeEvent}
NOT_YOURS = ("no attachment of yours has been uploaded under this id: upload it first / "
             "您尚未上传该编号的附件，请先上传")
ELSEWHERE = "already attached to another record / 已附在其他记录上"
TWICE = "named twice / 重复引用"


def url_of(attachment_id) -> str:
    return f"/api/attachments/{attachment_id}"


def thumbnail_url_of(attachment_id, kind: str) -> str | None:
    return f"{url_of(attachment_id)}/thumbnail" if kind == "photo" else None


class Claims:
    """The attachments a batch of records of one type names, read in one query, checked record by record and
    linked once the record is written."""

    def __init__(self, user_id: int, record_type: str, named):
        self.user_id, self.record_type = user_id, record_type
        ids = {attachment_id for ids in named for attachment_id in ids}
        self.rows = {row.id: row for row in db.session.scalars(
            sa.select(Attachment).where(Attachment.id.in_(ids)))} if ids else {}
        self.claimed: dict[uuid.UUID, uuid.UUID] = {}  # attachment → record, linked in this batch

    def errors(self, record_id: uuid.UUID, ids: list) -> dict | None:
        """{"attachments.<i>": [message]} for each id this record may not take, or None."""
        errors = {}
        for i, attachment_id in enumerate(ids):
            row = self.rows.get(attachment_id)
            mine = (self.record_type, record_id)
            if row is None or row.uploaded_by_id != self.user_id:
                errors[f"attachments.{i}"] = [NOT_YOURS]
            elif (row.attached_id is not None and (row.attached_type, row.attached_id) != mine
                  or self.claimed.get(attachment_id, record_id) != record_id):
                errors[f"attachments.{i}"] = [ELSEWHERE]
            elif attachment_id in ids[:i]:
                errors[f"attachments.{i}"] = [TWICE]
        return errors or None

    def link(self, record_id: uuid.UUID, ids: list, now: dt.datetime, household_point=None) -> None:
        """Attach them (checked by errors() first); household_point (lon, lat) measures each located photo."""
        for attachment_id in ids:
            row = self.rows[attachment_id]
            row.attached_type, row.attached_id = self.record_type, record_id
            row.attached_at = row.attached_at or now
            if household_point and household_point[0] is not None and row.lon is not None:
                row.distance_m = round(haversine_m(row.lon, row.lat, *household_point), 1)
            self.claimed[attachment_id] = record_id


def may_see(attachment: Attachment, user_id: int) -> bool:
    if attachment.uploaded_by_id == user_id:
        return True
    if attachment.attached_type is None:
        return False
    record = RECORDS[attachment.attached_type]
    # through the scoped session: found only when the user's scope holds the record
    return db.session.scalar(sa.select(record.id).where(record.id == attachment.attached_id).limit(1)) is not None


def short_form(row) -> dict:
    return {"id": row.id, "kind": row.kind, "content_type": row.content_type, "url": url_of(row.id),
            "thumbnail_url": thumbnail_url_of(row.id, row.kind), "taken_at": row.taken_at}


def attachments_of(records: dict) -> dict:
    """{(type, record id): [short form, …]} for the records {type: [ids]}, oldest upload first: one query for a
    whole list (a page of visits, the steps of the disputes of a pull)."""
    conditions = [sa.and_(Attachment.attached_type == record_type, Attachment.attached_id.in_(set(ids)))
                  for record_type, ids in records.items() if ids]
    if not conditions:
        return {}
    rows = db.session.execute(
        sa.select(Attachment.id, Attachment.kind, Attachment.content_type, Attachment.taken_at,
                  Attachment.attached_type, Attachment.attached_id)
        .where(sa.or_(*conditions)).order_by(Attachment.uploaded_at, Attachment.id))
    out: dict = {}
    for row in rows:
        out.setdefault((row.attached_type, row.attached_id), []).append(short_form(row))
    return out


class AttachmentsRefused(Refusal):
    """A record sent through the API names attachments it may not take: 422 with the messages by field."""

    def __init__(self, errors: dict):
        super().__init__("some attachments cannot be attached", "部分附件无法添加", field="attachments")
        self.errors = errors


def attach_to(user_id: int, record_type: str, record_id: uuid.UUID, ids: list, now: dt.datetime,
              household_point=None) -> None:
    """Attach the ids to one record written in this transaction, or raise AttachmentsRefused (the caller rolls
    back)."""
    if not ids:
        return
    claims = Claims(user_id, record_type, [ids])
    errors = claims.errors(record_id, ids)
    if errors:
        raise AttachmentsRefused(errors)
    claims.link(record_id, ids, now, household_point)


def with_attachments(records: list[dict], record_type: str) -> list[dict]:
    """Each record (a dict with its id) given its `attachments`, in one query for the list."""
    found = attachments_of({record_type: [record["id"] for record in records]})
    for record in records:
        record["attachments"] = found.get((record_type, record["id"]), [])
    return records

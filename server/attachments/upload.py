"""An upload turned into an attachment: refused or prepared (a photo re-encoded, a PDF checked), its files stored,
then its row added. The files go first, so a row never exists without them; files without a row (a failed commit)
are harmless and a re-send under the same id writes them again."""
from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

from ..extensions import db
from ..limits import MAX_ATTACHMENT_BYTES
from ..models import Attachment, User
from .documents import PDF, check_pdf
from .errors import empty, someone_elses, too_many_bytes, type_not_allowed
from .images import IMAGE_TYPES, process_photo
from .store import Store, file_key, thumbnail_key

ALLOWED_TYPES = IMAGE_TYPES + (PDF,)
SERVED_PHOTO_TYPE = "image/jpeg"


@dataclass
class Prepared:
    kind: str
    content_type: str
    data: bytes
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None
    taken_at: dt.datetime | None = None
    lon: float | None = None
    lat: float | None = None


# the first bytes of each allowed type, for a form upload whose part came as application/octet-stream
SIGNATURES = ((b"%PDF-", PDF), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def sniff_type(data: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heif"):
        return "image/heic"
    return None


def prepare(data: bytes, claimed: str) -> Prepared:
    """The file as it will be served; raises UploadRefused (413, 415, 422)."""
    if claimed not in ALLOWED_TYPES:
        raise type_not_allowed(claimed, ALLOWED_TYPES)
    if not data:
        raise empty()
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise too_many_bytes()
    if claimed == PDF:
        check_pdf(data)
        return Prepared("document", PDF, data)
    photo = process_photo(data, claimed)
    return Prepared("photo", SERVED_PHOTO_TYPE, photo.data, photo.thumbnail, photo.width, photo.height,
                    photo.taken_at, photo.lon, photo.lat)


def uploaded_before(attachment_id: uuid.UUID, user: User) -> Attachment | None:
    """The attachment this user uploaded under the id before (a re-send); another user's id is refused (409)."""
    row = db.session.get(Attachment, attachment_id)
    if row is not None and row.uploaded_by_id != user.id:
        raise someone_elses(attachment_id)
    return row


def receive(user: User, attachment_id: uuid.UUID, data: bytes, claimed: str, store: Store,
            now: dt.datetime) -> tuple[Attachment, bool]:
    """(the attachment, whether it is new): the first upload's when the id was sent before, whatever the bytes.
    The caller commits."""
    first = uploaded_before(attachment_id, user)
    if first is not None:
        return first, False
    prepared = prepare(data, claimed)
    store.put(file_key(attachment_id), prepared.data, prepared.content_type)
    if prepared.thumbnail is not None:
        store.put(thumbnail_key(attachment_id), prepared.thumbnail, SERVED_PHOTO_TYPE)
    row = Attachment(id=attachment_id, kind=prepared.kind, content_type=prepared.content_type, size=len(prepared.data),
                     sha256=hashlib.sha256(prepared.data).hexdigest(), width=prepared.width, height=prepared.height,
                     original_content_type=claimed, original_size=len(data), taken_at=prepared.taken_at,
                     lon=prepared.lon, lat=prepared.lat, uploaded_by_id=user.id, uploaded_at=now)
    db.session.add(row)
    db.session.flush()
    return row, True

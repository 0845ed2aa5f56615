"""Evidence 拍照取证: uploading a photo or a PDF, and serving it (and a photo's thumbnail) to whoever may see it.
The handling is in server/attachments/; here are HTTP's parts: the body, the limits before reading it, caching."""
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, g, request
from flask.views import MethodView
from sqlalchemy.exc import IntegrityError

from ... import clock
from ...attachments.attach import may_see, thumbnail_url_of, url_of
from ...attachments.errors import UploadRefused, too_many_bytes
from ...attachments.store import file_key, store_from_url, thumbnail_key
from ...attachments.upload import ALLOWED_TYPES, receive, sniff_type
from ...errors import api_abort
from ...extensions import db
from ...geojson import point_geojson
from ...limits import FORM_ALLOWANCE, MAX_ATTACHMENT_BYTES, attachment_limits
from ...models import Attachment, User
from ...refusal import Refusal
from ...scope import outside_scope
from ..blueprint import Blueprint
from ..common import BINARY, also_as
from .schemas import AttachmentSchema, UploadArgsSchema

CACHE_SECONDS = 7 * 24 * 3600  # a file never changes under its id; private: only its viewers may hold it
UPLOAD_BODY = {"required": True, "description": (
    f"one file, at most {MAX_ATTACHMENT_BYTES // 2**20} MB and 40 megapixels: the raw body with its Content-Type, or "
    "multipart/form-data with a `file` part (and optionally `id`)"),
    "content": {**{media: {"schema": BINARY} for media in ALLOWED_TYPES},
                "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                    "file": BINARY, "id": {"type": "string", "format": "uuid"}}}}}}

blp = Blueprint("attachments", __name__, url_prefix="/api/attachments",
                description="Evidence: photos and documents 照片与文件")


def attachment_store():
    """The store ATTACHMENT_STORE names (by default the instance folder's attachments/), made once per setting."""
    url = current_app.config.get("ATTACHMENT_STORE", "")
    made = current_app.extensions.get("attachment_store")
    if made is None or made[0] != url:
        made = (url, store_from_url(url, Path(current_app.instance_path) / "attachments"))
        current_app.extensions["attachment_store"] = made
    return made[1]


def refused(exc: Refusal):
    api_abort(exc.status, exc.message, exc.message_zh, errors={exc.field: [f"{exc.message} / {exc.message_zh}"]},
              limits=attachment_limits())


@blp.before_request
def refuse_large_uploads():
    """Before the body is read: one declared larger than the limit is refused at once, naming it."""
    if request.method == "POST" and (request.content_length or 0) > MAX_ATTACHMENT_BYTES + FORM_ALLOWANCE:
        refused(too_many_bytes())


def uploaded_file() -> tuple[bytes, str, uuid.UUID | None]:
    """(the bytes, at most one past the limit; their claimed type; the id a form sent)."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            api_abort(422, "Send the file in a part named file", "请在名为 file 的字段中上传文件",
                      errors={"file": ["Missing data for required field. / 必填字段缺失"]}, limits=attachment_limits())
        data = upload.read(MAX_ATTACHMENT_BYTES + 1)
        claimed = upload.mimetype if upload.mimetype in ALLOWED_TYPES else sniff_type(data) or upload.mimetype
        form_id = request.form.get("id")  # sent empty, it is not a UUID either: refused, not taken as absent
        try:
            return data, claimed, None if form_id is None else uuid.UUID(form_id)
        except ValueError:
            api_abort(422, "id is not a valid UUID", "id 不是有效的 UUID", errors={"id": ["Not a valid UUID. / 不是有效的 UUID"]})
    return request.stream.read(MAX_ATTACHMENT_BYTES + 1), request.mimetype, None


def described(row: Attachment) -> dict:
    """The attachment as the API answers it; the uploader's name from the plain table (they may work elsewhere)."""
    users = outside_scope(User).c
    uploader = db.session.scalar(sa.select(users.display_name).where(users.id == row.uploaded_by_id))
    return {"id": row.id, "kind": row.kind, "content_type": row.content_type, "size": row.size, "width": row.width,
            "height": row.height, "sha256": row.sha256, "taken_at": row.taken_at,
            "location": point_geojson(row.lon, row.lat), "distance_m": row.distance_m, "uploaded_at": row.uploaded_at,
            "uploaded_by": uploader, "attached_to": {"type": row.attached_type, "id": row.attached_id}
            if row.attached_type else None, "url": url_of(row.id), "thumbnail_url": thumbnail_url_of(row.id, row.kind)}


@blp.route("")
class Attachments(MethodView):
    @blp.arguments(UploadArgsSchema, location="query")
    @blp.doc(requestBody=UPLOAD_BODY)
    @blp.response(201, AttachmentSchema)
    @blp.alt_response(200, schema=AttachmentSchema, description="the same id sent again: the first upload's attachment")
    def post(self, args):
        """Upload one photo (JPEG, PNG, WebP, HEIC) or PDF, then name its id in a visit's, dispute's or step's
        `attachments`. Photos are decoded, turned upright, re-encoded as JPEG of at most 2048 px without metadata (the
        EXIF capture time and GPS are kept as fields); PDFs are kept as sent. Over 15 MB or 40 megapixels: 413; a type
        not accepted or content not of the type claimed: 415; a file that cannot be decoded: 422 (`limits` named)."""
        data, claimed, form_id = uploaded_file()
        attachment_id = args["id"] or form_id or uuid.uuid4()
        if len(data) > MAX_ATTACHMENT_BYTES:
            refused(too_many_bytes())
        try:
            row, created = receive(g.user, attachment_id, data, claimed, attachment_store(), clock.now())
            db.session.commit()
        except UploadRefused as exc:
            db.session.rollback()
            refused(exc)
        except Refusal as exc:  # the id is another user's
            db.session.rollback()
            api_abort(exc.status, exc.message, exc.message_zh, errors={exc.field: [f"{exc.message} / {exc.message_zh}"]})
        except IntegrityError:  # the same id uploaded at the same moment by a concurrent request: answer its row
            db.session.rollback()
            row, created = receive(g.user, attachment_id, b"", claimed, attachment_store(), clock.now())
        return described(row), 201 if created else 200


def viewable(attachment_id: uuid.UUID) -> Attachment:
    row = db.session.get(Attachment, attachment_id)
    if row is None or not may_see(row, g.user.id):
        api_abort(404, f"No attachment {attachment_id}", f"未找到附件 {attachment_id}")
    return row


def served(data: bytes | None, content_type: str, etag: str, download_name: str | None = None):
    if data is None:  # a row never exists without its file: the store lost it, or cannot be reached
        api_abort(404, "The file is not in the attachment store", "附件存储中找不到该文件")
    response = current_app.response_class(data, mimetype=content_type)
    response.headers["Cache-Control"] = f"private, max-age={CACHE_SECONDS}"
    response.headers["Content-Disposition"] = (f'attachment; filename="{download_name}"' if download_name
                                               else "inline")
    response.set_etag(etag)
    return response.make_conditional(request)


@blp.route("/<uuid:attachment_id>")
class AttachmentFile(MethodView):
    @blp.response(200, content_type="image/jpeg", description="the photo (JPEG) or the PDF, as a download")
    @blp.doc(**also_as(200, {"image/jpeg": BINARY, "application/pdf": BINARY}))
    def get(self, attachment_id):
        """The file: a photo as the JPEG re-encoded on upload, a PDF as a download. Its uploader and those whose
        scope holds what it is attached to may fetch it; others get 404."""
        row = viewable(attachment_id)
        name = f"{row.id}.pdf" if row.kind == "document" else None
        return served(attachment_store().get(file_key(row.id)), row.content_type, row.sha256, name)


@blp.route("/<uuid:attachment_id>/thumbnail")
class Thumbnail(MethodView):
    @blp.response(200, content_type="image/jpeg", description="JPEG, at most 320 px")
    @blp.doc(**also_as(200, {"image/jpeg": BINARY}))
    def get(self, attachment_id):
        """A photo's thumbnail, a JPEG of at most 320 px (404 for a document)."""
        row = viewable(attachment_id)
        if row.kind != "photo":
            api_abort(404, "A document has no thumbnail", "文件类附件没有缩略图")
        return served(attachment_store().get(thumbnail_key(row.id)), "image/jpeg", f"{row.sha256}-thumbnail")

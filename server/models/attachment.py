"""Evidence: a photo or a document uploaded from a phone or the desk (server/attachments/). The file lives in the
attachment store under its id; this row holds what is known of it. Never deleted, like the visits it documents.

What it is attached to is named by type and id rather than by foreign keys: on PostgreSQL visit and dispute_event are
partitioned (their keys are (id, time)), so no foreign key can point at them. Not filtered by server/scope.py: who
may see an attachment is decided through the record it is attached to (server/attachments/attach.py), which is."""
import sqlalchemy as sa

from ..extensions import db
from .types import UTCDateTime, one_of, utcnow
from .vocab import ATTACHED_TYPES, ATTACHMENT_KINDS


class Attachment(db.Model):
    __tablename__ = "attachment"
    __table_args__ = (
        sa.CheckConstraint(one_of("kind", ATTACHMENT_KINDS), name="kind"),
        sa.CheckConstraint("attached_type IS NULL OR " + one_of("attached_type", ATTACHED_TYPES), name="attached_type"),
        sa.CheckConstraint("(attached_type IS NULL) = (attached_id IS NULL)", name="attached_both_or_neither"),
        sa.CheckConstraint("size >= 0", name="size_non_negative"),
        sa.Index("ix_attachment_attached", "attached_type", "attached_id"),
    )

    id = sa.Column(sa.Uuid, primary_key=True)  # the client's UUID: a re-sent upload is answered from the first
    kind = sa.Column(sa.String(10), nullable=False)
    content_type = sa.Column(sa.String(40), nullable=False)  # of the file served (a photo is re-encoded as JPEG)
    size = sa.Column(sa.Integer, nullable=False)             # bytes served
    sha256 = sa.Column(sa.String(64), nullable=False)        # of the file served: its ETag
    width = sa.Column(sa.Integer)
    height = sa.Column(sa.Integer)
    original_content_type = sa.Column(sa.String(40), nullable=False)
    original_size = sa.Column(sa.Integer, nullable=False)
    taken_at = sa.Column(UTCDateTime)  # EXIF DateTimeOriginal
    lon = sa.Column(sa.Float)          # EXIF GPS, WGS-84; kept here, never in the served file
    lat = sa.Column(sa.Float)
    distance_m = sa.Column(sa.Float)   # from the household of the visit it is attached to
    uploaded_by_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="RESTRICT"), nullable=False,
                               index=True)
    uploaded_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    attached_type = sa.Column(sa.String(16))
    attached_id = sa.Column(sa.Uuid)
    attached_at = sa.Column(UTCDateTime)

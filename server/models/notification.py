"""Messages to users 消息通知 (server/notifications/): one row per person and event, read in the app's message centre
and sent on by the county's outbound channels."""
import sqlalchemy as sa

from ..extensions import db
from .types import UTCDateTime, one_of, utcnow
from .vocab import NOTIFICATION_KINDS, NOTIFICATION_SUBJECTS


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (
        sa.CheckConstraint(one_of("kind", NOTIFICATION_KINDS), name="kind"),
        sa.CheckConstraint(one_of("subject_type", NOTIFICATION_SUBJECTS), name="subject_type"),
        # an event is told to a person once: the deadline sweep and a re-sent sync item write nothing twice
        sa.UniqueConstraint("event_key", "user_id"),  # looked up by key: the sweep asks what was told
        sa.Index("ix_notification_user_unread", "user_id", "read_at", "created_at"),
    )

    id = sa.Column(sa.Uuid, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False)
    kind = sa.Column(sa.String(24), nullable=False)
    event_key = sa.Column(sa.String(160), nullable=False)
    subject_type = sa.Column(sa.String(12), nullable=False)
    subject_id = sa.Column(sa.String(40), nullable=False)
    api_url = sa.Column(sa.String(120), nullable=False)  # where a client reads the subject
    text = sa.Column(sa.Text, nullable=False)      # never a name, an ID or a phone number (masked at the source)
    text_zh = sa.Column(sa.Text, nullable=False)
    urgent = sa.Column(sa.Boolean, nullable=False, default=False)  # red: sent even in quiet hours
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    read_at = sa.Column(UTCDateTime)

"""Messages to users 消息通知 (server/notifications/): one row per person and event, read in the app's message centre
and sent on by the county's outbound channels."""
import sqlalchemy as sa

from ..extensions import db
from .types import UTCDateTime, one_of, utcnow
from .vocab import NOTIFICATION_KINDS, NOTIFICATION_SUBJECTS, OUTBOUND_CHANNELS, OUTBOUND_STATUSES


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


class OutboundMessage(db.Model):
    """The outbox 消息外发: a message to go out by a channel, written in the transaction of its event
    (server/notifications/outbox.py) and sent by `flask notifications send` (sender.py), never from a request. Its
    idempotency key is unique: a group robot's is the channel and the event's key (a group hears of an event once),
    an SMS's the channel and the notification (each person once), a digest's the person and the day."""
    __tablename__ = "outbound_message"
    __table_args__ = (
        sa.CheckConstraint(one_of("channel", OUTBOUND_CHANNELS), name="channel"),
        sa.CheckConstraint(one_of("status", OUTBOUND_STATUSES), name="status"),
        sa.Index("ix_outbound_message_due", "status", "next_attempt_at"),  # the sender's pick
        sa.Index("ix_outbound_message_user_sent", "user_id", "sent_at"),  # the SMS a person had in the last hour
    )

    id = sa.Column(sa.Uuid, primary_key=True)
    channel = sa.Column(sa.String(12), nullable=False)
    idempotency_key = sa.Column(sa.String(200), nullable=False, unique=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="CASCADE"))  # none for a group robot
    notification_id = sa.Column(sa.Uuid, sa.ForeignKey("notification.id", ondelete="CASCADE"))
    body = sa.Column(sa.Text, nullable=False)  # masked at the source; never an ID or a phone number (checked)
    link = sa.Column(sa.String(200), nullable=False)  # the page it opens, after sign-in (also in the body)
    urgent = sa.Column(sa.Boolean, nullable=False, default=False)
    status = sa.Column(sa.String(10), nullable=False, default="pending")
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    next_attempt_at = sa.Column(UTCDateTime, nullable=False)
    last_error = sa.Column(sa.String(200))  # a short reason, never a URL, a key or a token
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    sent_at = sa.Column(UTCDateTime)

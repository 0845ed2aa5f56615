"""The message centre 消息中心: each signed-in user's own messages (server/notifications/), unread first, and
marking them read. A message of someone else's is not found."""
import uuid

import sqlalchemy as sa
from flask import g
from flask.views import MethodView

from ... import audit, clock, settings
from ...errors import api_abort, found_or_404
from ...extensions import db
from ...models import Notification
from ...models.vocab import PERSONAL_CHANNELS
from ...notifications.kinds import kinds_for
from ..blueprint import Blueprint
from ..pagination import paginate
from .schemas import (
    NotificationArgsSchema,
    NotificationPageSchema,
    NotificationSchema,
    PreferencesSchema,
    ReadAllSchema,
)

blp = Blueprint("notifications", __name__, url_prefix="/api/notifications", description="Messages 消息中心")


def mine():
    return Notification.user_id == g.user.id


def unread_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(mine(), Notification.read_at.is_(None)))


@blp.route("")
class Notifications(MethodView):
    @blp.arguments(NotificationArgsSchema, location="query")
    @blp.response(200, NotificationPageSchema)
    def get(self, args):
        """Your messages: unread first, newest first; with how many are unread."""
        query = sa.select(Notification).where(mine())
        if args["unread"]:
            query = query.where(Notification.read_at.is_(None))
        page = paginate(query, args, Notification.read_at.is_not(None), Notification.created_at.desc(),
                        Notification.id)
        return {**page, "unread": unread_count()}


@blp.route("/<uuid:notification_id>/read")
class Read(MethodView):
    @blp.response(200, NotificationSchema)
    def post(self, notification_id: uuid.UUID):
        """Mark one of your messages read (again: it stays read as it was)."""
        message = found_or_404(db.session.scalar(sa.select(Notification).where(
            mine(), Notification.id == notification_id)), f"No message {notification_id}", f"未找到消息 {notification_id}")
        if message.read_at is None:
            message.read_at = clock.now()
            db.session.commit()
        return message


@blp.route("/read-all")
class ReadAll(MethodView):
    @blp.response(200, ReadAllSchema)
    def post(self):
        """Mark all your messages read."""
        done = db.session.execute(sa.update(Notification).where(mine(), Notification.read_at.is_(None))
                                  .values(read_at=clock.now())).rowcount
        audit.record("read_all", "notification", after={"read": done})  # one row for them all (a plain UPDATE)
        db.session.commit()
        return {"read": done}


def county_allows() -> dict[str, list[str]]:
    return {kind: [c for c in channels if c in PERSONAL_CHANNELS]
            for kind, channels in settings.get("notify_channels").items()}


def preferences() -> dict:
    return {"notify_channels": g.user.notify_channels, "notify_digest": g.user.notify_digest,
            "county_allows": county_allows(), "mobile_on_file": bool(g.user.phone), "my_kinds": kinds_for(g.user.role)}


@blp.route("/preferences")
class Preferences(MethodView):
    @blp.response(200, PreferencesSchema)
    def get(self):
        """How your messages reach you beyond the message centre: SMS by kind, the daily digest."""
        return preferences()

    @blp.arguments(PreferencesSchema)
    @blp.response(200, PreferencesSchema)
    def put(self, body):
        """Choose the channels by kind within what the county allows, and the digest (audited)."""
        allows = county_allows()
        beyond = sorted(f"{kind}: {channel}" for kind, channels in (body["notify_channels"] or {}).items()
                        for channel in channels if channel not in allows.get(kind, []))
        if beyond:
            api_abort(422, "The county does not send these", "县级设置不允许以这些渠道发送",
                      errors={"json": {"notify_channels": [f"not allowed by the county: {', '.join(beyond)} / "
                                                           f"县级设置不允许：{'、'.join(beyond)}"]}})
        g.user.notify_channels, g.user.notify_digest = body["notify_channels"], body["notify_digest"]
        db.session.commit()
        return preferences()

"""Delivery of the outbound channels 消息外发 (the admin): how many by channel and status, and the rows themselves,
failed and pending first, each with its attempts, last error and next attempt."""
import sqlalchemy as sa
from flask import current_app
from flask.views import MethodView

from ...config import outbound
from ...extensions import db
from ...models import OutboundMessage, User
from ..blueprint import Blueprint
from ..pagination import paginate
from .schemas import DeliveryArgsSchema, DeliveryPageSchema

blp = Blueprint("admin_notifications", __name__, url_prefix="/api/admin/notifications",
                description="Outbound delivery 消息外发")

# the rows that need looking at first: those that gave up, then those still waiting
FIRST = sa.case({"failed": 0, "pending": 1, "held": 2}, value=OutboundMessage.status, else_=3)


@blp.route("/deliveries")
class Deliveries(MethodView):
    @blp.arguments(DeliveryArgsSchema, location="query")
    @blp.response(200, DeliveryPageSchema)
    def get(self, args):
        """The outbox: counts by channel and status; rows by status and channel, failed and pending first."""
        query = (sa.select(OutboundMessage, User.username)
                 .outerjoin(User, User.id == OutboundMessage.user_id)
                 .where(*(getattr(OutboundMessage, key) == args[key] for key in ("status", "channel") if args.get(key))))
        page = paginate(query, args, FIRST, OutboundMessage.next_attempt_at, OutboundMessage.id,
                        row=lambda r: {**{c.key: getattr(r[0], c.key) for c in OutboundMessage.__table__.c},
                                       "username": r.username})
        counts = db.session.execute(
            sa.select(OutboundMessage.channel, OutboundMessage.status, sa.func.count())
            .group_by(OutboundMessage.channel, OutboundMessage.status)
            .order_by(OutboundMessage.channel, OutboundMessage.status)).all()
        return {**page, "counts": [{"channel": c, "status": s, "count": n} for c, s, n in counts],
                "configured": list(outbound(current_app.config))}

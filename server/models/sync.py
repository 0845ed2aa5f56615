"""Offline sync bookkeeping (items answered, the phones that sync), zero reports and county settings."""
import sqlalchemy as sa

from ..extensions import db
from .types import UTCDateTime, one_of, utcnow

SYNC_ITEM_TYPES = ("visit", "dispute", "dispute_event", "zero_report", "follow_up_done", "household_new",
                   "household_change")
SYNC_STATUSES = ("accepted", "rejected")
ZERO_REPORT_KINDS = ("monthly", "daily")
USER_AGENT_LENGTH = 300


class SyncItem(db.Model):
    """The outcome of every item a phone has pushed, keyed by the item's client-generated UUID, so a
    batch sent again (its reply was lost) gets the same answers and creates nothing twice."""

    __tablename__ = "sync_item"
    __table_args__ = (
        sa.CheckConstraint(one_of("item_type", SYNC_ITEM_TYPES), name="item_type"),
        sa.CheckConstraint(one_of("status", SYNC_STATUSES), name="status"),
    )

    id = sa.Column(sa.Uuid, primary_key=True)
    item_type = sa.Column(sa.String(16), nullable=False)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="RESTRICT"), nullable=False, index=True)
    content_hash = sa.Column(sa.String(64), nullable=False)
    status = sa.Column(sa.String(10), nullable=False)
    # rejected: {"message": ..., "message_zh": ..., "errors": {...}}; an accepted household item: its detail
    # ({"household_code": ..., "version": ...}), answered again with a re-sent item
    reason = sa.Column(sa.JSON)
    received_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)


class DeviceSync(db.Model):
    """When each phone last pulled and pushed for each user who syncs from it, by the server's clock: the phone makes
    its own UUID once and sends it with every sync (X-Device-Id), so a shared phone has a row per user and a user
    with two phones a row per phone. Written by server/sync/devices.py in the sync request's own transaction; the
    worker-activity report (server/stats/activity.py) reads it. Bookkeeping, like SyncItem: not audited."""

    __tablename__ = "device_sync"

    device_id = sa.Column(sa.Uuid, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True, index=True)
    first_seen_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    last_pull_at = sa.Column(UTCDateTime)
    last_push_at = sa.Column(UTCDateTime)
    user_agent = sa.Column(sa.String(USER_AGENT_LENGTH))  # the phone's browser as it said, cut to the column


class ZeroReport(db.Model):
    """A cell's report for a month (or a day, when the county is on daily reporting): nothing to
    report (零报告), or that its disputes were reported through the usual channel."""

    __tablename__ = "zero_report"
    __table_args__ = (
        sa.CheckConstraint(one_of("kind", ZERO_REPORT_KINDS), name="kind"),
        sa.UniqueConstraint("cell_id", "kind", "period", name="uq_zero_report_cell_period"),
    )

    id = sa.Column(sa.Uuid, primary_key=True)
    cell_id = sa.Column(sa.Integer, sa.ForeignKey("grid_unit.id", ondelete="RESTRICT"), nullable=False)
    kind = sa.Column(sa.String(8), nullable=False, default="monthly")
    period = sa.Column(sa.Date, nullable=False)  # first day of the month, or the day
    nothing_to_report = sa.Column(sa.Boolean, nullable=False, default=True)
    note = sa.Column(sa.Text, nullable=False, default="")
    author_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="RESTRICT"), nullable=False)
    reported_at = sa.Column(UTCDateTime, nullable=False)
    received_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)


class Setting(db.Model):
    """County-wide settings changed at run time (time limits, the daily-reporting switch)."""

    __tablename__ = "setting"

    key = sa.Column(sa.String(64), primary_key=True)
    value = sa.Column(sa.JSON, nullable=False)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

"""Disputes and early warnings (矛盾纠纷) and their timeline."""
import sqlalchemy as sa
from sqlalchemy.orm import relationship

from ..extensions import db
from .types import UTCDateTime, one_of, point_column, utcnow
from .vocab import (
    DISPUTE_CATEGORIES,
    DISPUTE_CHANNELS,
    DISPUTE_EVENT_KINDS,
    DISPUTE_STATES,
    HANDLING_LEVELS,
    RISK_COLOURS,
    SATISFACTION,
)


class Dispute(db.Model):
    __tablename__ = "dispute"
    __table_args__ = (
        sa.CheckConstraint(one_of("category", DISPUTE_CATEGORIES), name="category"),
        sa.CheckConstraint(one_of("risk_colour", RISK_COLOURS), name="risk_colour"),
        sa.CheckConstraint(one_of("state", DISPUTE_STATES), name="state"),
        sa.CheckConstraint(one_of("level", HANDLING_LEVELS), name="level"),
        sa.CheckConstraint(one_of("channel", DISPUTE_CHANNELS), name="channel"),
        sa.CheckConstraint("satisfaction IS NULL OR " + one_of("satisfaction", SATISFACTION), name="satisfaction"),
        sa.CheckConstraint("party_count >= 1", name="party_count_positive"),
        sa.CheckConstraint("gps_accuracy_m IS NULL OR gps_accuracy_m >= 0", name="accuracy_non_negative"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.Index("ix_dispute_cell_reported", "cell_id", "reported_at"),
        sa.Index("ix_dispute_state_reported", "state", "reported_at"),
    )

    id = sa.Column(sa.Uuid, primary_key=True)
    cell_id = sa.Column(sa.Integer, sa.ForeignKey("grid_unit.id", ondelete="RESTRICT"), nullable=False)
    household_id = sa.Column(sa.Integer, sa.ForeignKey("household.id", ondelete="SET NULL"), index=True)
    reporter_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="RESTRICT"), nullable=False)
    category = sa.Column(sa.String(24), nullable=False)
    risk_colour = sa.Column(sa.String(8), nullable=False)
    state = sa.Column(sa.String(12), nullable=False, default="reported")
    level = sa.Column(sa.String(8), nullable=False, default="village")  # who handles it now
    channel = sa.Column(sa.String(16), nullable=False, default="grid_screening")
    title = sa.Column(sa.String(200), nullable=False)
    description = sa.Column(sa.Text, nullable=False, default="")
    parties = sa.Column(sa.JSON, nullable=False, default=list)  # [{"name": ..., "role": ...}]
    party_count = sa.Column(sa.Integer, nullable=False, default=2)
    owner_unit_id = sa.Column(sa.Integer, sa.ForeignKey("grid_unit.id", ondelete="RESTRICT"), index=True)
    leader_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="RESTRICT"), index=True)  # 包案
    reported_at = sa.Column(UTCDateTime, nullable=False)
    received_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    accepted_at = sa.Column(UTCDateTime)
    resolved_at = sa.Column(UTCDateTime)
    closed_at = sa.Column(UTCDateTime)
    satisfaction = sa.Column(sa.String(20))
    location = point_column(nullable=True)
    gps_accuracy_m = sa.Column(sa.Float)
    version = sa.Column(sa.Integer, nullable=False, default=1)  # optimistic concurrency
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    # A petition 信访 registered at the window (server/disputes/petitions.py): who brought it and who received it
    # first (首问负责). Empty for disputes the grid found.
    petitioner_name = sa.Column(sa.String(50))
    petitioner_id_number = sa.Column(sa.String(18), index=True)
    petitioner_mobile = sa.Column(sa.String(11), index=True)
    petitioner_address = sa.Column(sa.String(200))
    first_receiver_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="RESTRICT"), index=True)

    __mapper_args__ = {"version_id_col": version}

    cell = relationship("GridUnit", foreign_keys=[cell_id])
    owner_unit = relationship("GridUnit", foreign_keys=[owner_unit_id])
    events = relationship("DisputeEvent", back_populates="dispute", order_by="DisputeEvent.occurred_at")


class DisputeEvent(db.Model):
    """One step on a dispute's timeline, with who and when."""

    __tablename__ = "dispute_event"
    __table_args__ = (
        sa.CheckConstraint(one_of("kind", DISPUTE_EVENT_KINDS), name="kind"),
        sa.CheckConstraint("to_state IS NULL OR " + one_of("to_state", DISPUTE_STATES), name="to_state"),
        sa.CheckConstraint("gps_accuracy_m IS NULL OR gps_accuracy_m >= 0", name="accuracy_non_negative"),
        sa.Index("ix_dispute_event_dispute_occurred", "dispute_id", "occurred_at"),
    )

    id = sa.Column(sa.Uuid, primary_key=True)
    dispute_id = sa.Column(sa.Uuid, sa.ForeignKey("dispute.id", ondelete="CASCADE"), nullable=False)
    actor_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="RESTRICT"), nullable=False)
    kind = sa.Column(sa.String(12), nullable=False)
    to_state = sa.Column(sa.String(12))
    note = sa.Column(sa.Text, nullable=False, default="")
    # what the step recorded besides its note (server/disputes/workflow.py DETAILS): the 四定 of an assignment, …
    details = sa.Column(sa.JSON, nullable=False, default=dict, server_default=sa.text("'{}'"))
    occurred_at = sa.Column(UTCDateTime, nullable=False)
    received_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    location = point_column(nullable=True)
    gps_accuracy_m = sa.Column(sa.Float)

    dispute = relationship("Dispute", back_populates="events")
    actor = relationship("User")


class DisputeLink(db.Model):
    """A petition linked, when it was registered, to an earlier case of the same petitioner or household
    (重复信访). Read both ways: the earlier case shows the later ones."""

    __tablename__ = "dispute_link"
    __table_args__ = (
        sa.CheckConstraint("dispute_id <> earlier_id", name="not_itself"),
        sa.UniqueConstraint("dispute_id", "earlier_id", name="uq_dispute_link_pair"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    dispute_id = sa.Column(sa.Uuid, sa.ForeignKey("dispute.id", ondelete="CASCADE"), nullable=False)
    earlier_id = sa.Column(sa.Uuid, sa.ForeignKey("dispute.id", ondelete="CASCADE"), nullable=False, index=True)
    linked_by_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="RESTRICT"), nullable=False)
    linked_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

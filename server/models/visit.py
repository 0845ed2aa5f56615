"""Home visits (走访). Rows are created on phones, offline, so the id is a client-generated UUID."""
import sqlalchemy as sa
from sqlalchemy.orm import relationship

from ..extensions import db
from .types import UTCDateTime, one_of, point_column, utcnow
from .vocab import VISIT_KINDS


class Visit(db.Model):
    __tablename__ = "visit"
    __table_args__ = (
        sa.CheckConstraint(one_of("kind", VISIT_KINDS), name="kind"),
        sa.CheckConstraint("gps_accuracy_m IS NULL OR gps_accuracy_m >= 0", name="accuracy_non_negative"),
        sa.Index("ix_visit_household_visited", "household_id", "visited_at"),
        sa.Index("ix_visit_author_visited", "author_id", "visited_at"),
        sa.Index("ix_visit_visited_at", "visited_at"),
        # pull sends each phone the follow-ups due in its area: few visits have one, so the index is small
        sa.Index("ix_visit_follow_up_on", "follow_up_on", postgresql_where=sa.text("follow_up_on IS NOT NULL"),
                 sqlite_where=sa.text("follow_up_on IS NOT NULL")),
    )

    id = sa.Column(sa.Uuid, primary_key=True)
    household_id = sa.Column(sa.Integer, sa.ForeignKey("household.id", ondelete="RESTRICT"), nullable=False)
    author_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="RESTRICT"), nullable=False)
    kind = sa.Column(sa.String(20), nullable=False)
    notes = sa.Column(sa.Text, nullable=False, default="")
    findings = sa.Column(sa.Text, nullable=False, default="")
    visited_at = sa.Column(UTCDateTime, nullable=False)  # the phone's clock, with its offset
    received_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)  # the server's clock
    location = point_column(nullable=True)
    gps_accuracy_m = sa.Column(sa.Float)
    distance_m = sa.Column(sa.Float)  # from the household's location when logged; flagged above a threshold
    follow_up_on = sa.Column(sa.Date)

    household = relationship("Household")
    author = relationship("User")


class FollowUpDone(db.Model):
    """A visit's follow-up marked done, from a phone (a sync item, whose UUID is its id): it leaves every phone's
    list of follow-ups. One per visit: whoever marks it done again (another device, another user) is answered
    accepted and writes nothing. Not filtered by server/scope.py: it is read only through the visit it names,
    which is. No foreign key to visit: on PostgreSQL visit is partitioned, its key is (id, visited_at)."""

    __tablename__ = "follow_up_done"

    id = sa.Column(sa.Uuid, primary_key=True)
    visit_id = sa.Column(sa.Uuid, nullable=False, unique=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="RESTRICT"), nullable=False)
    done_at = sa.Column(UTCDateTime, nullable=False)  # the phone's clock, with its offset
    note = sa.Column(sa.Text, nullable=False, default="")
    received_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)  # the server's clock

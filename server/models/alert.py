"""Early warnings (预警): alerts raised by the rules in server/warnings/ for the level that must act."""
import sqlalchemy as sa

from ..extensions import db
from .types import UTCDateTime, one_of, utcnow
from .vocab import HANDLING_LEVELS

# the scan's rules (server/warnings/rules.py), and bulk_reveal, raised as numbers are shown (server/reveals.py)
ALERT_RULES = ("repeat_dispute", "cluster", "high_risk", "deadline", "key_person_unvisited", "zero_report_missed",
               "bulk_reveal")
ALERT_SEVERITIES = ("high", "medium", "low")
ALERT_STATES = ("open", "acknowledged", "closed")


class Alert(db.Model):
    """One warning about one unit. `key` names the situation (the rule and what it is about), so a scan run
    again, or a rule fired both on write and by the scan, raises nothing new."""

    __tablename__ = "alert"
    __table_args__ = (
        sa.CheckConstraint(one_of("rule", ALERT_RULES), name="rule"),
        sa.CheckConstraint(one_of("severity", ALERT_SEVERITIES), name="severity"),
        sa.CheckConstraint(one_of("level", HANDLING_LEVELS), name="level"),
        sa.CheckConstraint(one_of("state", ALERT_STATES), name="state"),
        sa.Index("ix_alert_state_raised", "state", "raised_at"),
    )

    id = sa.Column(sa.Uuid, primary_key=True)
    key = sa.Column(sa.String(200), nullable=False, unique=True)
    rule = sa.Column(sa.String(24), nullable=False)
    severity = sa.Column(sa.String(8), nullable=False)
    level = sa.Column(sa.String(8), nullable=False)  # who must act: village head, town secretary, county staff
    unit_id = sa.Column(sa.Integer, sa.ForeignKey("grid_unit.id", ondelete="CASCADE"), nullable=False, index=True)
    reason = sa.Column(sa.Text, nullable=False)
    reason_zh = sa.Column(sa.Text, nullable=False)
    evidence = sa.Column(sa.JSON, nullable=False, default=list)  # [{"type": "dispute", "id": ...}, ...]
    state = sa.Column(sa.String(12), nullable=False, default="open")
    raised_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    acknowledged_at = sa.Column(UTCDateTime)
    acknowledged_by = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="RESTRICT"))
    closed_at = sa.Column(UTCDateTime)
    closed_by = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="RESTRICT"))
    close_note = sa.Column(sa.Text, nullable=False, default="")

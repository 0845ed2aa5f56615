"""The audit log (append-only: the database refuses UPDATE and DELETE) and login attempts."""
import sqlalchemy as sa

from ..extensions import db
from .types import UTCDateTime, utcnow

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite autoincrements INTEGER keys only


class AuditLog(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_entity", "entity_type", "entity_id"),
        sa.Index("ix_audit_log_user_at", "user_id", "at"),
    )

    id = sa.Column(BigId, primary_key=True, autoincrement=True)
    at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="RESTRICT"))  # NULL: the system (CLI)
    username = sa.Column(sa.String(64), nullable=False)  # as it was when acting
    address = sa.Column(sa.String(45))
    action = sa.Column(sa.String(32), nullable=False, index=True)
    entity_type = sa.Column(sa.String(32), nullable=False)
    entity_id = sa.Column(sa.String(64))
    before = sa.Column(sa.JSON)
    after = sa.Column(sa.JSON)


class LoginAttempt(db.Model):
    __tablename__ = "login_attempt"
    __table_args__ = (
        sa.Index("ix_login_attempt_username_at", "username", "at"),
        sa.Index("ix_login_attempt_address_at", "address", "at"),
    )

    id = sa.Column(BigId, primary_key=True, autoincrement=True)
    at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    username = sa.Column(sa.String(64), nullable=False)
    address = sa.Column(sa.String(45), nullable=False)
    success = sa.Column(sa.Boolean, nullable=False)

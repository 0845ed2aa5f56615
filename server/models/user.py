"""Users and the cadre ↔ household links (包联)."""
import hashlib

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import relationship

from ..extensions import db
from .types import UTCDateTime, one_of, utcnow
from .vocab import ROLES


class User(UserMixin, db.Model):
    __tablename__ = "app_user"  # "user" is reserved on PostgreSQL
    __table_args__ = (
        sa.CheckConstraint(one_of("role", ROLES), name="role"),
        sa.CheckConstraint("phone IS NULL OR length(phone) = 11", name="phone_length"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(64), nullable=False, unique=True)
    password_hash = sa.Column(sa.String(255), nullable=False)
    role = sa.Column(sa.String(20), nullable=False, index=True)
    display_name = sa.Column(sa.String(50), nullable=False)
    phone = sa.Column(sa.String(11))
    # Every user is bound to a grid unit; their data scope is that unit's subtree.
    unit_id = sa.Column(sa.Integer, sa.ForeignKey("grid_unit.id", ondelete="RESTRICT"), nullable=False, index=True)
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    # set when the administrator creates the user or resets the password, and at sign-in outside the demo while
    # the password is still the demo's shared one (server/auth/passwords.py); cleared by changing it
    must_change_password = sa.Column(sa.Boolean, nullable=False, default=False, server_default=sa.false())
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    # messages sent out (server/notifications/outbox.py): the channels chosen for each kind, within what the county
    # allows (null: all it allows), and one SMS a day summing up instead of one each (urgent ones still go at once)
    notify_channels = sa.Column(sa.JSON)
    notify_digest = sa.Column(sa.Boolean, nullable=False, default=False, server_default=sa.false())

    unit = relationship("GridUnit")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """The id kept in the session; it changes with the password, which ends the other sessions."""
        stamp = hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]
        return f"{self.id}:{stamp}"


class CadreLink(db.Model):
    """A cadre's responsibility for a household over a period; valid_to NULL means current."""

    __tablename__ = "cadre_link"
    __table_args__ = (
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period_order"),
        # At most one current cadre per household.
        sa.Index("ux_cadre_link_current_household", "household_id", unique=True,
                 sqlite_where=sa.text("valid_to IS NULL"), postgresql_where=sa.text("valid_to IS NULL")),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    cadre_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="RESTRICT"), nullable=False, index=True)
    household_id = sa.Column(sa.Integer, sa.ForeignKey("household.id", ondelete="CASCADE"), nullable=False)
    valid_from = sa.Column(sa.Date, nullable=False)
    valid_to = sa.Column(sa.Date)
    updated_at = sa.Column(UTCDateTime, default=utcnow, onupdate=utcnow)  # phones pull changes since a time

    cadre = relationship("User")
    household = relationship("Household")


class UserSession(db.Model):
    """A signed-in browser or phone. The session cookie carries a random token and this table only its
    SHA-256, so neither the audit log nor a backup holds anything that signs anyone in. Sign-out ends the
    row, which ends the session for every copy of the cookie (a cookie-only session cannot be revoked)."""

    __tablename__ = "user_session"

    id = sa.Column(sa.String(64), primary_key=True)  # hex SHA-256 of the token in the cookie
    user_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    ended_at = sa.Column(UTCDateTime)

    @staticmethod
    def key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

"""Households (户), their members and tags, and their moves between cells: the register (server/register/)."""
import sqlalchemy as sa
from sqlalchemy.orm import relationship

from ..extensions import db
from .types import UTCDateTime, all_digits, one_of, point_column, utcnow
from .vocab import (
    HOUSEHOLD_CODE_LENGTH,
    HOUSEHOLD_TAGS,
    MEMBER_JOIN_REASONS,
    MEMBER_LEAVE_REASONS,
    MEMBER_RELATIONS,
    MOVE_STATES,
    RETIRE_REASONS,
    SEXES,
)


def _optional(column: str, values) -> str:
    return f"{column} IS NULL OR {one_of(column, values)}"


class Household(db.Model):
    __tablename__ = "household"
    __table_args__ = (
        sa.CheckConstraint(f"length(code) = {HOUSEHOLD_CODE_LENGTH}", name="code_length"),
        sa.CheckConstraint(all_digits("code"), name="code_digits"),
        sa.CheckConstraint("member_count >= 1", name="member_count_positive"),
        sa.CheckConstraint("head_id_number IS NULL OR length(head_id_number) = 18", name="id_number_length"),
        sa.CheckConstraint("phone IS NULL OR length(phone) = 11", name="phone_length"),
        sa.CheckConstraint(_optional("retire_reason", RETIRE_REASONS), name="retire_reason"),
        sa.Index("ix_household_client_id", "client_id", unique=True),
        # no index of last_visit_at (kept by a trigger on visit), and on PostgreSQL pages filled to 90 % (migration
        # 0018, which SQLAlchemy's table options cannot say): a visit's update of the row stays HOT
    )

    id = sa.Column(sa.Integer, primary_key=True)
    # Registration number: allocated from the cell's code, kept when a boundary change moves the household.
    code = sa.Column(sa.String(HOUSEHOLD_CODE_LENGTH), nullable=False, unique=True)
    cell_id = sa.Column(sa.Integer, sa.ForeignKey("grid_unit.id", ondelete="RESTRICT"), nullable=False, index=True)
    address = sa.Column(sa.String(200), nullable=False)
    location = point_column(nullable=True)  # some households are not yet located
    head_name = sa.Column(sa.String(50), nullable=False)
    head_id_number = sa.Column(sa.String(18))
    phone = sa.Column(sa.String(11))
    member_count = sa.Column(sa.Integer, nullable=False, default=1)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    # the latest visited_at of its visits, kept by a database trigger on visit (migration 0004): never set it here
    last_visit_at = sa.Column(UTCDateTime)
    # optimistic concurrency: every change of the register carries the version its author saw (a stale one: 409)
    version = sa.Column(sa.Integer, nullable=False, default=1, server_default=sa.text("1"))
    client_id = sa.Column(sa.Uuid)  # the UUID the phone (or desk) made when registering it: re-sent, answered once
    registered_at = sa.Column(UTCDateTime)  # None: on the register before the platform
    # 注销: never deleted; out of lists and figures from that China day's midnight, history kept
    retired_at = sa.Column(UTCDateTime)
    retire_reason = sa.Column(sa.String(12))
    retire_note = sa.Column(sa.Text)

    # the register sets it (server/register/): each change of the register is one version, in the audit log too; an
    # UPDATE of an older version than the row's fails (StaleDataError)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    cell = relationship("GridUnit")
    members = relationship("HouseholdMember", back_populates="household", cascade="all, delete-orphan")
    tag_rows = relationship("HouseholdTag", cascade="all, delete-orphan")
    pending_moves = relationship("HouseholdMove", viewonly=True, primaryjoin=(
        "and_(HouseholdMove.household_id == Household.id, HouseholdMove.state == 'pending')"))

    @property
    def tags(self):
        return sorted(t.tag for t in self.tag_rows)


class HouseholdTag(db.Model):
    __tablename__ = "household_tag"
    __table_args__ = (sa.CheckConstraint(one_of("tag", HOUSEHOLD_TAGS), name="tag"),)

    household_id = sa.Column(sa.Integer, sa.ForeignKey("household.id", ondelete="CASCADE"), primary_key=True)
    tag = sa.Column(sa.String(20), primary_key=True, index=True)


class HouseholdMember(db.Model):
    """A member of the household other than its head (the head's details are on the household)."""

    __tablename__ = "household_member"
    __table_args__ = (
        sa.CheckConstraint(one_of("relation", MEMBER_RELATIONS), name="relation"),
        sa.CheckConstraint(one_of("sex", SEXES), name="sex"),
        sa.CheckConstraint("id_number IS NULL OR length(id_number) = 18", name="id_number_length"),
        sa.CheckConstraint(_optional("join_reason", MEMBER_JOIN_REASONS), name="join_reason"),
        sa.CheckConstraint(_optional("leave_reason", MEMBER_LEAVE_REASONS), name="leave_reason"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    household_id = sa.Column(sa.Integer, sa.ForeignKey("household.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    name = sa.Column(sa.String(50), nullable=False)
    relation = sa.Column(sa.String(12), nullable=False)
    sex = sa.Column(sa.String(1), nullable=False)
    birth_date = sa.Column(sa.Date)
    id_number = sa.Column(sa.String(18))
    # None: a member since the household was registered; otherwise when and why they joined
    joined_on = sa.Column(sa.Date)
    join_reason = sa.Column(sa.String(12))
    # a member who left is kept, with the day and why (history), and no longer counts among the living
    left_on = sa.Column(sa.Date)
    leave_reason = sa.Column(sa.String(12))

    household = relationship("Household", back_populates="members")


class HouseholdMove(db.Model):
    """A household's move to another cell (迁移): asked for by someone whose area holds the household, pending until
    someone whose area holds the target cell accepts it (or refuses it; the asking side may cancel it). Accepted,
    the household's cell changes and its code stays (a registration number is kept when a household moves)."""

    __tablename__ = "household_move"
    __table_args__ = (
        sa.CheckConstraint(one_of("state", MOVE_STATES), name="state"),
        sa.CheckConstraint("from_cell_id <> to_cell_id", name="other_cell"),
    )

    id = sa.Column(sa.Uuid, primary_key=True)
    household_id = sa.Column(sa.Integer, sa.ForeignKey("household.id", ondelete="RESTRICT"), nullable=False,
                             index=True)
    from_cell_id = sa.Column(sa.Integer, sa.ForeignKey("grid_unit.id", ondelete="RESTRICT"), nullable=False)
    to_cell_id = sa.Column(sa.Integer, sa.ForeignKey("grid_unit.id", ondelete="RESTRICT"), nullable=False, index=True)
    state = sa.Column(sa.String(10), nullable=False, default="pending")
    reason = sa.Column(sa.Text, nullable=False, default="")
    requested_by_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="RESTRICT"), nullable=False)
    requested_at = sa.Column(UTCDateTime, nullable=False)
    decided_by_id = sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="RESTRICT"))
    decided_at = sa.Column(UTCDateTime)
    note = sa.Column(sa.Text, nullable=False, default="")

    household = relationship("Household")
    from_cell = relationship("GridUnit", foreign_keys=[from_cell_id])
    to_cell = relationship("GridUnit", foreign_keys=[to_cell_id])

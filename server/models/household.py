"""Households (户), their members and tags."""
import sqlalchemy as sa
from sqlalchemy.orm import relationship

from ..extensions import db
from .types import UTCDateTime, all_digits, one_of, point_column, utcnow
from .vocab import HOUSEHOLD_CODE_LENGTH, HOUSEHOLD_TAGS, MEMBER_RELATIONS, SEXES


class Household(db.Model):
    __tablename__ = "household"
    __table_args__ = (
        sa.CheckConstraint(f"length(code) = {HOUSEHOLD_CODE_LENGTH}", name="code_length"),
        sa.CheckConstraint(all_digits("code"), name="code_digits"),
        sa.CheckConstraint("member_count >= 1", name="member_count_positive"),
        sa.CheckConstraint("head_id_number IS NULL OR length(head_id_number) = 18", name="id_number_length"),
        sa.CheckConstraint("phone IS NULL OR length(phone) = 11", name="phone_length"),
        sa.Index("ix_household_cell_last_visit", "cell_id", "last_visit_at"),
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

    cell = relationship("GridUnit")
    members = relationship("HouseholdMember", back_populates="household", cascade="all, delete-orphan")
    tag_rows = relationship("HouseholdTag", cascade="all, delete-orphan")

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
    )

    id = sa.Column(sa.Integer, primary_key=True)
    household_id = sa.Column(sa.Integer, sa.ForeignKey("household.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    name = sa.Column(sa.String(50), nullable=False)
    relation = sa.Column(sa.String(12), nullable=False)
    sex = sa.Column(sa.String(1), nullable=False)
    birth_date = sa.Column(sa.Date)
    id_number = sa.Column(sa.String(18))

    household = relationship("Household", back_populates="members")

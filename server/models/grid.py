"""The three-level grid (town → village → cell) under the county."""
import sqlalchemy as sa
from sqlalchemy.orm import relationship

from ..extensions import db
from .types import UTCDateTime, all_digits, multipolygon_column, one_of, point_column, utcnow
from .vocab import CODE_LENGTH, UNIT_LEVELS

_length_by_level = " ".join(f"WHEN '{lvl}' THEN {n}" for lvl, n in CODE_LENGTH.items())


class GridUnit(db.Model):
    """One unit of the grid. Codes are hierarchical: a unit's code starts with its parent's code,
    so a subtree is `code LIKE 'prefix%'` (indexed) without a recursive query."""

    __tablename__ = "grid_unit"
    __table_args__ = (
        sa.CheckConstraint(one_of("level", UNIT_LEVELS), name="level"),
        sa.CheckConstraint(f"length(code) = CASE level {_length_by_level} END", name="code_length"),
        sa.CheckConstraint(all_digits("code"), name="code_digits"),
        sa.CheckConstraint("(level = 'county') = (parent_id IS NULL)", name="parent_unless_county"),
        sa.CheckConstraint("target_households IS NULL OR target_households > 0", name="target_positive"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    level = sa.Column(sa.String(10), nullable=False, index=True)
    parent_id = sa.Column(sa.Integer, sa.ForeignKey("grid_unit.id", ondelete="RESTRICT"), index=True)
    code = sa.Column(sa.String(15), nullable=False, unique=True)
    name = sa.Column(sa.String(100), nullable=False)
    boundary = multipolygon_column(nullable=False)
    centroid = point_column(nullable=False)
    target_households = sa.Column(sa.Integer)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    parent = relationship("GridUnit", remote_side=[id], backref="children")

    def __repr__(self):
        return f"<GridUnit {self.level} {self.code} {self.name}>"

"""SQL on the grid, for the API and grid administration: counts done in the database, subtrees by grid-code range.

Unit codes nest (a child's code starts with its parent's) and are all digits, so the cells under a
unit are one contiguous range of the unique index on grid_unit.code, in any collation. Households
are reached through their cell, never through their own code: a household keeps its code when a
boundary change moves it to another cell."""
import sqlalchemy as sa

from ..extensions import db
from ..models import GridUnit, Household
from ..models.vocab import CODE_LENGTH


def count_by_level() -> dict:
    rows = db.session.execute(sa.select(GridUnit.level, sa.func.count()).group_by(GridUnit.level)).all()
    return {level: n for level, n in rows}


def cells_between(low_code: str, high_code: str):
    """Condition on GridUnit: a cell whose code lies under any unit from low_code to high_code."""
    pad = CODE_LENGTH["cell"]
    return sa.and_(GridUnit.level == "cell",
                   GridUnit.code.between(low_code.ljust(pad, "0"), high_code.ljust(pad, "9")))


def households_under(unit: GridUnit):
    """WHERE clause for households in the unit's subtree."""
    if unit.level == "cell":
        return Household.cell_id == unit.id
    return Household.cell_id.in_(sa.select(GridUnit.id).where(cells_between(unit.code, unit.code)))


def on_register(at=None):
    """WHERE clause for households on the register (not retired) at the moment `at` (a column or literal), or now: a
    household retired leaves the register from the start of its retirement day (server/register/changes.py)."""
    if at is None:
        return Household.retired_at.is_(None)
    return sa.or_(Household.retired_at.is_(None), Household.retired_at > at)


def unit_stats(units) -> dict:
    """{unit id: (household count, child count)} for the given units: grouped queries, no loops over rows."""
    if not units:
        return {}
    ids = [u.id for u in units]
    child = sa.orm.aliased(GridUnit)
    children = dict(db.session.execute(
        sa.select(child.parent_id, sa.func.count()).where(child.parent_id.in_(ids)).group_by(child.parent_id)).all())
    households = {}
    for level in {u.level for u in units}:
        codes = [u.code for u in units if u.level == level]
        prefix = sa.func.substr(GridUnit.code, 1, CODE_LENGTH[level])
        rows = db.session.execute(
            sa.select(prefix, sa.func.count(Household.id)).join(Household, Household.cell_id == GridUnit.id)
            .where(cells_between(min(codes), max(codes)), on_register()).group_by(prefix)).all()
        households.update(rows)
    return {u.id: (households.get(u.code, 0), children.get(u.id, 0)) for u in units}

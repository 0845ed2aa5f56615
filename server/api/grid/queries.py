"""SQL for the grid API: counts done in the database, subtrees by code prefix."""
import sqlalchemy as sa

from ...extensions import db
from ...models import GridUnit, Household


def count_by_level() -> dict:
    rows = db.session.execute(sa.select(GridUnit.level, sa.func.count()).group_by(GridUnit.level)).all()
    return {level: n for level, n in rows}


def households_under(unit: GridUnit):
    """WHERE clause for households in the unit's subtree (household codes start with the cell code)."""
    if unit.level == "cell":
        return Household.cell_id == unit.id
    return Household.code.startswith(unit.code, autoescape=True)


def unit_stats(units) -> dict:
    """{unit id: (household count, child count)} for the given units, two grouped queries."""
    if not units:
        return {}
    ids = [u.id for u in units]
    child = sa.orm.aliased(GridUnit)
    children = dict(db.session.execute(
        sa.select(child.parent_id, sa.func.count()).where(child.parent_id.in_(ids)).group_by(child.parent_id)).all())
    # Households per unit by code prefix: a join on the code's leading characters, grouped in SQL.
    unit = sa.orm.aliased(GridUnit)
    households = dict(db.session.execute(
        sa.select(unit.id, sa.func.count(Household.id))
        .join(Household, sa.func.substr(Household.code, 1, sa.func.length(unit.code)) == unit.code)
        .where(unit.id.in_(ids)).group_by(unit.id)).all())
    return {i: (households.get(i, 0), children.get(i, 0)) for i in ids}

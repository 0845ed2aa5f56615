"""SQL for the grid API: counts done in the database, subtrees by household-code range.

Household codes start with their cell's code and are all digits of one length, so the households
under any unit are one contiguous range of the unique index on household.code, in any collation."""
import sqlalchemy as sa

from ...extensions import db
from ...models import GridUnit, Household
from ...models.vocab import CODE_LENGTH, HOUSEHOLD_CODE_LENGTH


def count_by_level() -> dict:
    rows = db.session.execute(sa.select(GridUnit.level, sa.func.count()).group_by(GridUnit.level)).all()
    return {level: n for level, n in rows}


def code_range(low_code: str, high_code: str) -> tuple[str, str]:
    pad = HOUSEHOLD_CODE_LENGTH
    return low_code.ljust(pad, "0"), high_code.ljust(pad, "9")


def households_under(unit: GridUnit):
    """WHERE clause for households in the unit's subtree."""
    return Household.code.between(*code_range(unit.code, unit.code))


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
        prefix = sa.func.substr(Household.code, 1, CODE_LENGTH[level])
        rows = db.session.execute(
            sa.select(prefix, sa.func.count()).where(Household.code.between(*code_range(min(codes), max(codes))))
            .group_by(prefix)).all()
        households.update(rows)
    return {u.id: (households.get(u.code, 0), children.get(u.id, 0)) for u in units}

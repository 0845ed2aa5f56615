"""Household codes 户编号: a cell's code and a 4-digit number (19 digits, docs/domain.md "The grid"). The register
allocates them here, for one household or a whole import."""
from __future__ import annotations

import sqlalchemy as sa

from grids.codes import CODE_LENGTH, HOUSEHOLD_CODE_LENGTH

from ..extensions import db
from ..models import Household
from ..refusal import Refusal
from ..scope import outside_scope

SEQUENCE_DIGITS = HOUSEHOLD_CODE_LENGTH - CODE_LENGTH["cell"]
LAST_NUMBER = 10 ** SEQUENCE_DIGITS - 1


class CellFull(Refusal):
    """The cell's household numbers are used up (9999): the cell is far past its size and wants partitioning."""


def next_household_codes(cell_code: str, count: int = 1, session=None) -> list[str]:
    """The next `count` free household codes of the cell: its code and the numbers after the highest one in use.
    Every code with the cell's prefix counts, of households retired or moved to another cell too (a code is never
    given twice), read from the plain table past the user's scope (a code is taken whoever may see its household).
    Two registrations at once may be handed the same code: the unique constraint on household.code refuses the
    second, which asks again (server/register/changes.py)."""
    household = outside_scope(Household)  # codes are taken by households outside the user's sight too
    low, high = cell_code + "0" * SEQUENCE_DIGITS, cell_code + "9" * SEQUENCE_DIGITS
    top = (session or db.session).scalar(sa.select(sa.func.max(household.c.code))
                                         .where(household.c.code.between(low, high)))
    first = int(top[-SEQUENCE_DIGITS:]) + 1 if top else 1
    if first + count - 1 > LAST_NUMBER:
        raise CellFull(f"cell {cell_code} has no free household numbers left", f"网格 {cell_code} 的住户编号已用完",
                       field="cell_code", status=409)
    return [f"{cell_code}{n:0{SEQUENCE_DIGITS}d}" for n in range(first, first + count)]

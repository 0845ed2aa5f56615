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


def free_household_codes(wanted: dict[str, int], session=None) -> dict[str, list[str]]:
    """For each cell code, up to `wanted[code]` free household codes, in one query: the cell's code and the numbers
    after the highest one in use. Every code with the cell's prefix counts, of households retired or moved to another
    cell too (a code is never given twice), read from the plain table past the user's scope (a code is taken whoever
    may see its household). A cell runs out at 9999, so fewer may come back."""
    if not wanted:
        return {}
    code = outside_scope(Household).c.code  # codes are taken by households outside the user's sight too
    prefix = sa.func.substr(code, 1, CODE_LENGTH["cell"])
    highest = dict((session or db.session).execute(
        sa.select(prefix, sa.func.max(code)).where(prefix.in_(list(wanted))).group_by(prefix)).all())
    out = {}
    for cell, count in wanted.items():
        first = int(highest[cell][-SEQUENCE_DIGITS:]) + 1 if cell in highest else 1
        out[cell] = [f"{cell}{n:0{SEQUENCE_DIGITS}d}" for n in range(first, min(first + count, LAST_NUMBER + 1))]
    return out


def next_household_codes(cell_code: str, count: int = 1, session=None) -> list[str]:
    """The next `count` free household codes of one cell, or CellFull. Two registrations at once may be handed the
    same code: the unique constraint on household.code refuses the second, which asks again
    (server/register/changes.py)."""
    codes = free_household_codes({cell_code: count}, session)[cell_code]
    if len(codes) < count:
        raise CellFull(f"cell {cell_code} has no free household numbers left", f"网格 {cell_code} 的住户编号已用完",
                       field="cell_code", status=409)
    return codes

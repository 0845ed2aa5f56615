"""(Re)assign households to cells by point in polygon, after any boundary change."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa

from grids.assign import OUTSIDE, assign_points

from .. import audit
from ..extensions import db
from ..models import GridUnit, Household
from .queries import cells_between
from .store import household_points, unit_geometries


@dataclass
class AssignmentResult:
    households: int = 0
    moved: list = field(default_factory=list)       # (household id, from cell id, to cell id)
    outside: list = field(default_factory=list)     # household ids in no cell (left where they were)
    on_border: list = field(default_factory=list)   # household ids on a cell boundary
    unlocated: int = 0

    def to_dict(self) -> dict:
        return {"households": self.households, "moved": len(self.moved), "outside": self.outside,
                "on_border": self.on_border, "unlocated": self.unlocated}


def reassign_households(unit: GridUnit | None = None, apply: bool = False) -> AssignmentResult:
    """Assign the households of a unit's subtree (or the whole county) to the cell that contains them.

    Households without a location, or outside every cell, keep their cell and are reported. With
    apply, the moves are written (the caller commits)."""
    cell_filter = cells_between(unit.code, unit.code) if unit is not None else GridUnit.level == "cell"
    cells = unit_geometries(cell_filter)
    cell_ids = np.array([c[0] for c in cells])
    ids, current, lon, lat = household_points(
        Household.cell_id.in_(sa.select(GridUnit.id).where(cell_filter)) if unit is not None else None)
    located = ~np.isnan(lon)
    result = assign_points([c[3] for c in cells], lon, lat)
    target = np.where(result.cell == OUTSIDE, current, cell_ids[np.maximum(result.cell, 0)] if len(cell_ids) else 0)
    changed = np.flatnonzero(target != current)
    outcome = AssignmentResult(
        households=len(ids), unlocated=int((~located).sum()),
        moved=[(int(ids[i]), int(current[i]), int(target[i])) for i in changed],
        outside=ids[(result.cell == OUTSIDE) & located].tolist(), on_border=ids[result.on_border].tolist())
    if apply and len(changed):
        table = Household.__table__
        db.session.execute(
            table.update().where(table.c.id == sa.bindparam("hid")).values(cell_id=sa.bindparam("cid")),
            [{"hid": h, "cid": c} for h, _, c in outcome.moved])
        # a bulk update bypasses the ORM's audit hook: one row lists every move
        audit.record("reassign", "household", unit.code if unit is not None else None,
                     before={"cell_ids": {h: f for h, f, _ in outcome.moved}},
                     after={"cell_ids": {h: t for h, _, t in outcome.moved}})
    return outcome

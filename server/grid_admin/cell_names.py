"""Finding a cell the way a county office names it: by its code, or by its village (and town) and village group.

A village's cells are its village groups 村民小组 (柳林村三组); a community's are numbered grids (西桥社区第3网格), as
grids/numbering.py names them. A group is matched by its number however it is written (三组, 3组, 第三村民小组, 3),
or by the cell's whole name; a village by its name (with or without 村 / 社区) or its 12-digit code."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from grids.codes import CODE_LENGTH
from grids.numbering import group_number

from ..extensions import db
from ..models import GridUnit
from ..tabular import normalise_heading


@dataclass
class Cell:
    id: int
    code: str
    name: str
    village_code: str
    village_name: str
    town_name: str

    @property
    def group_name(self) -> str:
        return self.name.removeprefix(self.village_name)


def load_cells() -> dict[str, Cell]:
    """Every cell with its village and town, by code (one query)."""
    cell, village, town = (GridUnit.__table__.alias(n) for n in ("cell", "village", "town"))
    rows = db.session.execute(
        sa.select(cell.c.id, cell.c.code, cell.c.name, village.c.code, village.c.name, town.c.name)
        .join(village, village.c.id == cell.c.parent_id).join(town, town.c.id == village.c.parent_id)
        .where(cell.c.level == "cell").order_by(cell.c.code))
    return {r[1]: Cell(*r) for r in rows}


def group_key(name: str):
    """What a village group is matched by: its number, or else its name as written (normalised)."""
    number = group_number(name)
    return number if number is not None else normalise_heading(name)


class CellFinder:
    def __init__(self, cells: dict[str, Cell]):
        self.by_code = cells
        self.villages: dict[str, dict[str, Cell]] = {}   # village name → {village code: a cell of it}
        self.cells_of: dict[str, list[Cell]] = {}        # village code → its cells
        self.groups: dict[str, dict] = {}                # village code → {group key or cell name: cell}
        for c in cells.values():
            self.villages.setdefault(normalise_heading(c.village_name), {}).setdefault(c.village_code, c)
            self.cells_of.setdefault(c.village_code, []).append(c)
            groups = self.groups.setdefault(c.village_code, {})
            groups.setdefault(group_key(c.group_name), c)
            groups[normalise_heading(c.name)] = c

    def village(self, name: str, town: str = ""):
        """((village code, a cell of it), None), or (None, "unknown" | "ambiguous")."""
        key = normalise_heading(name)
        if key.isdigit() and len(key) == CODE_LENGTH["village"]:
            found = {key: self.cells_of[key][0]} if key in self.cells_of else {}
        else:
            found = self.villages.get(key) or self.villages.get(key + "村") or self.villages.get(key + "社区") or {}
        if town:
            wanted = normalise_heading(town)
            found = {code: c for code, c in found.items()
                     if normalise_heading(c.town_name).startswith(wanted) or code[:CODE_LENGTH["town"]] == wanted}
        if len(found) == 1:
            return next(iter(found.items())), None
        return None, "ambiguous" if found else "unknown"

    def group(self, village_code: str, name: str) -> Cell | None:
        groups = self.groups[village_code]
        return groups.get(group_key(name)) or groups.get(normalise_heading(name))

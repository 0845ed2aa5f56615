"""Propose cells for a village from its households, and replace the village's cells with them."""
from __future__ import annotations

import shapely
import sqlalchemy as sa
from shapely.geometry import mapping

from grids.codes import LEVEL_ZH
from grids.numbering import cell_name, is_community
from grids.partition import TOLERANCE, Partition, partition_village

from ..extensions import db
from ..models import Dispute, GridUnit, Household, User, ZeroReport
from ..refusal import Refusal
from .assignment import reassign_households
from .importer import COMMUNITY_TARGET, VILLAGE_TARGET
from .queries import cells_between
from .store import household_points, set_geometry, unit_geometries


class PartitionError(Refusal):
    """The village cannot be partitioned as asked."""


def village_or_error(code: str) -> GridUnit:
    village = db.session.scalar(sa.select(GridUnit).where(GridUnit.code == code))
    if village is None or village.level != "village":
        raise PartitionError(f"{code} is not a village code", f"{code} 不是{LEVEL_ZH['village']}编码", status=404)
    return village


def default_target(village: GridUnit) -> int:
    return COMMUNITY_TARGET if is_community(village.name) else VILLAGE_TARGET


def propose(village: GridUnit, target: int | None = None) -> Partition:
    target = target or default_target(village)
    if not 5 <= target <= 500:
        raise PartitionError("target must be between 5 and 500 households", "目标户数须在 5 到 500 之间")
    ((_, _, _, boundary),) = unit_geometries(GridUnit.id == village.id)
    ids, _, lon, lat = household_points(Household.cell_id.in_(
        sa.select(GridUnit.id).where(cells_between(village.code, village.code))))
    return partition_village(boundary, ids, lon, lat, target=target, seed=int(village.code[-6:]))


def to_geojson(village: GridUnit, partition: Partition) -> dict:
    """The proposal as a FeatureCollection, with every household of the village (its point and the proposed cell
    holding it, null when it lies in none) so the proposal can be reviewed over the households."""
    cell_of = {hid: _cell_code(village, c.seq) for c in partition.cells for hid in c.household_ids}
    ids = list(cell_of) + partition.unlocated + partition.outside
    rows = db.session.execute(sa.select(Household.id, Household.code, sa.func.ST_X(Household.location),
                                        sa.func.ST_Y(Household.location)).where(Household.id.in_(ids))
                              .order_by(Household.code)).all()
    codes = {r[0]: r[1] for r in rows}
    low, high = partition.target * (1 - TOLERANCE), partition.target * (1 + TOLERANCE)
    return {
        "type": "FeatureCollection",
        "village": {"code": village.code, "name": village.name},
        "target": partition.target,
        "tolerance": TOLERANCE,
        "unlocated_households": sorted(codes[i] for i in partition.unlocated),
        "outside_households": sorted(codes[i] for i in partition.outside),
        "households": [{"code": code, "location": None if x is None else [round(float(x), 6), round(float(y), 6)],
                        "cell": cell_of.get(hid)} for hid, code, x, y in rows],
        "features": [{
            "type": "Feature", "id": _cell_code(village, c.seq), "geometry": mapping(c.boundary),
            "properties": {"code": _cell_code(village, c.seq), "name": cell_name(village.name, c.seq),
                           "household_count": c.household_count, "target_households": partition.target,
                           "within_tolerance": low <= c.household_count <= high},
        } for c in partition.cells],
    }


def apply(village: GridUnit, partition: Partition) -> dict:
    """Replace the village's cells: cells keep their ids where the code survives, new codes are added,
    and cells no longer needed hand their grid workers, disputes and unlocated households to the new
    cell they overlap most before they are removed. Then households are reassigned by location."""
    old = {u.code: u for u in db.session.scalars(
        sa.select(GridUnit).where(GridUnit.parent_id == village.id, GridUnit.level == "cell"))}
    old_shapes = {code: geom for _, code, _, geom in unit_geometries(GridUnit.code.in_(list(old)))}
    new_units = []
    for cell in partition.cells:
        code = _cell_code(village, cell.seq)
        unit = old.pop(code, None) or GridUnit(level="cell", code=code, parent=village)
        unit.name = cell_name(village.name, cell.seq)
        unit.target_households = partition.target
        set_geometry(unit, cell.boundary)
        db.session.add(unit)
        new_units.append((unit, cell.boundary))
    db.session.flush()
    for code, unit in old.items():
        heir = max(new_units, key=lambda nu: shapely.area(shapely.intersection(nu[1], old_shapes[code])))[0]
        for model, column in ((User, User.unit_id), (Dispute, Dispute.cell_id), (Dispute, Dispute.owner_unit_id),
                              (Household, Household.cell_id)):
            db.session.execute(sa.update(model).where(column == unit.id).values({column.key: heir.id}))
        _hand_over_zero_reports(unit, heir)
        db.session.delete(unit)
    db.session.flush()
    moved = reassign_households(village, apply=True)
    return {"cells": len(new_units), "removed": sorted(old), "households_moved": len(moved.moved),
            "outside": len(moved.outside)}


def _hand_over_zero_reports(unit: GridUnit, heir: GridUnit) -> None:
    """A removed cell's zero reports go to its heir for the periods the heir has not reported itself; for the
    others the heir's own report stands for the merged area (a cell has one report a period)."""
    heirs_periods = sa.select(ZeroReport.kind, ZeroReport.period).where(ZeroReport.cell_id == heir.id)
    db.session.execute(sa.delete(ZeroReport).where(
        ZeroReport.cell_id == unit.id, sa.tuple_(ZeroReport.kind, ZeroReport.period).in_(heirs_periods)))
    db.session.execute(sa.update(ZeroReport).where(ZeroReport.cell_id == unit.id).values(cell_id=heir.id))


def _cell_code(village: GridUnit, seq: int) -> str:
    return f"{village.code}{seq:03d}"

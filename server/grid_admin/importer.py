"""Import towns, villages or cells from a file: validate, and write only when there is no error."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from grids.codes import CODE_LENGTH, PARENT_LEVEL
from grids.crs import CRS_CHOICES, geometry_gcj02_to_wgs84
from grids.io import NO_LIMITS, FieldMapping, FileLimits, read_file
from grids.numbering import is_community
from grids.report import Report
from grids.validate import Context, Tolerances, cell_target, validate

from ..extensions import db
from ..models import GridUnit
from .assignment import reassign_households
from .store import household_points, set_geometry, unit_geometries

VILLAGE_TARGET, COMMUNITY_TARGET = 50, 80  # households a cell should hold (docs/domain.md, "The grid")
CELL_LEVELS = ("town", "village", "cell")


@dataclass
class ImportResult:
    report: Report
    applied: bool = False
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    households_moved: int = 0

    def to_dict(self) -> dict:
        return {**self.report.to_dict(), "applied": self.applied, "created": self.created, "updated": self.updated,
                "households_moved": self.households_moved}


def import_units(data: bytes, filename: str, level: str, mapping: FieldMapping | None = None, crs: str = "wgs84",
                 apply: bool = False, tolerances: Tolerances | None = None,
                 limits: FileLimits = NO_LIMITS) -> ImportResult:
    """Read, convert (GCJ-02 → WGS-84 if asked), validate; with apply and no errors, upsert by code
    and reassign households when cells changed. A file beyond the limits is read no further (the report names the
    limit). The caller commits or rolls back."""
    if level not in CELL_LEVELS:
        raise ValueError(f"level must be one of {', '.join(CELL_LEVELS)}")
    if crs not in CRS_CHOICES:
        raise ValueError(f"crs must be one of {', '.join(CRS_CHOICES)}")
    report = Report()
    features = read_file(data, filename, mapping or FieldMapping(), report, limits)
    if report.over_limit():
        return ImportResult(report)
    if crs == "gcj02":
        for f in features:
            if f.geometry is not None:
                f.geometry = geometry_gcj02_to_wgs84(f.geometry)
    context = load_context(level, features)
    validate(features, level, context, report, tolerances)
    result = ImportResult(report)
    if apply and report.ok and features:
        _write(features, level, context, result)
    return result


def load_context(level: str, features) -> Context:
    parent_level = PARENT_LEVEL[level]
    parent_len = CODE_LENGTH[parent_level]
    parent_codes = sorted({f.parent_code or (f.code or "")[:parent_len] for f in features} - {""})
    parents = unit_geometries(sa.and_(GridUnit.level == parent_level, GridUnit.code.in_(parent_codes)))
    parent_ids = {pid: code for pid, code, _, _ in parents}
    siblings = unit_geometries(sa.and_(GridUnit.level == level, GridUnit.parent_id.in_(list(parent_ids))))
    own_codes = [f.code for f in features if f.code]
    stored = {code: uid for uid, code, _, _ in unit_geometries(GridUnit.code.in_(own_codes))}
    children = unit_geometries(GridUnit.parent_id.in_(list(stored.values()))) if level != "cell" else []
    by_id = {uid: code for uid, code in ((v, k) for k, v in stored.items())}
    context = Context(
        parents={code: geom for _, code, _, geom in parents},
        siblings={code: (parent_ids[pid], geom) for _, code, pid, geom in siblings},
        children={code: (by_id[pid], geom) for _, code, pid, geom in children})
    if level == "cell":
        _, _, lon, lat = household_points()
        context.household_points = (lon, lat)
        names = db.session.execute(sa.select(GridUnit.code, GridUnit.name).where(GridUnit.code.in_(parent_codes)))
        context.default_targets = {code: COMMUNITY_TARGET if is_community(name) else VILLAGE_TARGET
                                   for code, name in names}
    return context


def _write(features, level, context: Context, result: ImportResult):
    codes = [f.code for f in features]
    parents = {u.code: u for u in db.session.scalars(
        sa.select(GridUnit).where(GridUnit.code.in_({f.parent_code for f in features})))}
    existing = {u.code: u for u in db.session.scalars(sa.select(GridUnit).where(GridUnit.code.in_(codes)))}
    for f in features:
        unit = existing.get(f.code)
        if unit is None:
            unit = GridUnit(level=level, code=f.code)
            db.session.add(unit)
            result.created.append(f.code)
        else:
            result.updated.append(f.code)
        parent = parents[f.parent_code]
        unit.name = f.name or unit.name or f.code
        unit.parent = parent
        set_geometry(unit, f.geometry)
        if level == "cell":
            unit.target_households = cell_target(f, context)
    db.session.flush()
    if level == "cell":
        for parent in {parents[f.parent_code] for f in features}:
            result.households_moved += len(reassign_households(parent, apply=True).moved)
    result.applied = True



"""Validation of imported grid units against the rules of the grid and the units already stored.

Errors block an import; warnings do not. Tolerances are in square metres, measured in an equal-area
projection, so hand-drawn slivers can be told from real mistakes."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from .assign import assign_points
from .codes import CODE_LENGTH, LEVEL_ZH, PARENT_LEVEL
from .crs import LocalEqualArea, area_m2, geometry_gcj02_to_wgs84
from .io import Feature
from .report import ERROR, WARNING, Report, round_point


@dataclass
class Tolerances:
    sliver_m2: float = 1.0             # below this, overlaps, gaps and overhangs are ignored
    outside_parent_m2: float = 100.0   # above this an overhang is an error (between: a warning)
    overlap_m2: float = 100.0
    gap_m2: float = 1000.0
    households: float = 0.30           # a cell may hold its target ± 30 %


@dataclass
class Context:
    """What is already stored, as plain geometry (lon/lat) keyed by code."""
    parents: dict = field(default_factory=dict)          # code → geometry of possible parents
    siblings: dict = field(default_factory=dict)         # code → (parent code, geometry), same level
    children: dict = field(default_factory=dict)         # code → (parent code, geometry), level below
    household_points: tuple = (np.empty(0), np.empty(0))  # lon, lat of households (for cells)
    default_targets: dict = field(default_factory=dict)  # parent code → households a cell should hold


DEFAULT_TARGET = 50


def cell_target(feature: Feature, context: Context) -> int | None:
    """The feature's target_households attribute, else its village's default; None if malformed."""
    given = feature.properties.get("target_households")
    if given in (None, ""):
        return context.default_targets.get(feature.parent_code, DEFAULT_TARGET)
    try:
        target = int(float(given))
    except (TypeError, ValueError):
        return None
    return target if target > 0 else None


def validate(features: list[Feature], level: str, context: Context, report: Report,
             tolerances: Tolerances | None = None) -> Report:
    tolerances = tolerances or Tolerances()
    _check_codes(features, level, context, report)
    usable = [f for f in features if f.geometry is not None]
    if _check_coordinates(usable, report) and not _check_gcj02(usable, context, report):
        for f in usable:
            _check_valid(f, report)
        good = [f for f in usable if f.geometry.is_valid and not f.geometry.is_empty]
        _check_parents(good, context, report, tolerances)
        _check_overlaps(good, context, report, tolerances)
        _check_gaps(good, context, report, tolerances)
        _check_children(good, context, report, tolerances)
        if level == "cell":
            _check_household_counts(good, context, report, tolerances)
    _locate(features, report)
    return report


def _locate(features, report):
    """A problem of a feature that has no place of its own (a bad code, a missing parent…) is placed on the
    feature: a point inside it and its geometry, so a map can show every problem."""
    by_label = {f.label: f for f in features if f.geometry is not None and not f.geometry.is_empty}
    for problem in report.problems:
        f = by_label.get(problem.feature)
        if f is None:
            continue
        if problem.geometry is None:
            problem.geometry = f.geometry
        if problem.location is None:
            problem.location = round_point(_where(f.geometry))


def _check_codes(features, level, context, report):
    length = CODE_LENGTH[level]
    seen = {}
    for f in features:
        if f.code is None:
            continue
        if not (f.code.isascii() and f.code.isdigit() and len(f.code) == length):
            report.add(ERROR, "bad_code", f.label, code=f.code, level=level, level_zh=LEVEL_ZH[level],
                       expected=f"{length} digits", expected_zh=f"应为 {length} 位数字")
            continue
        if f.code in seen:
            report.add(ERROR, "duplicate_code", f.label, code=f.code, other=seen[f.code])
        seen.setdefault(f.code, f.index)
        derived = f.code[:CODE_LENGTH[PARENT_LEVEL[level]]]
        if f.parent_code is None:
            f.parent_code = derived  # codes nest: the parent is the code's prefix
        elif f.parent_code != derived:
            report.add(ERROR, "code_not_under_parent", f.label, code=f.code, parent=f.parent_code)
        if f.parent_code not in context.parents:
            report.add(ERROR, "missing_parent", f.label, parent=f.parent_code)


def _check_coordinates(features, report) -> bool:
    """Longitude/latitude or not? Projected metres are an error that makes further checks pointless."""
    for f in features:
        coords = shapely.get_coordinates(f.geometry)
        if len(coords) and (np.abs(coords[:, 0]).max() > 180 or np.abs(coords[:, 1]).max() > 90):
            x, y = coords[0]
            report.add(ERROR, "projected_coordinates", f.label, sample=f"{x:.0f}, {y:.0f}")
            return False
    return True


def _check_gcj02(features, context, report) -> bool:
    """Boundaries that overhang their parents but fit once read as GCJ-02 were exported from a
    Chinese web map. Compared over the whole file, so one badly drawn unit does not trigger it."""
    pairs = [(f.geometry, context.parents[f.parent_code]) for f in features
             if f.parent_code in context.parents and f.geometry.is_valid]
    if not pairs:
        return False
    total = sum(area_m2(g) for g, _ in pairs)
    outside = sum(area_m2(shapely.difference(g, p)) for g, p in pairs)
    if total == 0 or outside / total < 0.01:
        return False
    # the shift can fold a thin spike of a valid boundary over itself: mend it before subtracting (found by fuzzing)
    converted = sum(area_m2(shapely.difference(shapely.make_valid(geometry_gcj02_to_wgs84(g)), p)) for g, p in pairs)
    if converted < outside / 3:
        g = pairs[0][0]
        c = shapely.centroid(g)
        moved = shapely.centroid(geometry_gcj02_to_wgs84(g))
        proj = LocalEqualArea(c.x)
        shift = float(np.hypot(*np.subtract(proj.forward(c.x, c.y), proj.forward(moved.x, moved.y))))
        report.add(ERROR, "gcj02_shift", None, (c.x, c.y), shift_m=shift)
        return True
    return False


def _check_valid(f, report):
    if f.geometry.is_empty:
        report.add(ERROR, "empty_geometry", f.label)
        return
    if not f.geometry.is_valid:
        reason = shapely.is_valid_reason(f.geometry)
        where = _reason_location(reason, f.geometry)
        name = reason.partition("[")[0].strip()
        report.add(ERROR, "invalid_geometry", f.label, where, geometry=f.geometry,
                   reason=f"{name} at {where[0]:.6f}, {where[1]:.6f}",
                   reason_zh=f"{GEOS_REASONS_ZH.get(name, name)}（{where[0]:.6f}, {where[1]:.6f}）")


# GEOS's reasons (is_valid_reason) in Chinese; the place in brackets is kept
GEOS_REASONS_ZH = {"Ring Self-intersection": "环自相交", "Self-intersection": "自相交", "Too few points": "点数过少",
                   "Hole lies outside shell": "内环位于外环之外", "Nested holes": "内环相互嵌套",
                   "Interior is disconnected": "内部不连通", "Nested shells": "外环相互嵌套",
                   "Duplicate Rings": "重复的环", "Invalid Coordinate": "坐标无效",
                   "Ring not closed": "环未闭合"}


def _reason_location(reason: str, geometry):
    """GEOS reasons end with the place: 'Self-intersection[108.1 33.2]'."""
    if "[" in reason and reason.endswith("]"):
        try:
            x, y = map(float, reason[reason.index("[") + 1:-1].split()[:2])
            return (x, y)
        except ValueError:
            pass
    return shapely.get_coordinates(geometry)[0]


def _severity(area, error_above, tolerances) -> str | None:
    if area <= tolerances.sliver_m2:
        return None
    return ERROR if area > error_above else WARNING


def _check_parents(features, context, report, tolerances):
    for f in features:
        parent = context.parents.get(f.parent_code)
        if parent is None:
            continue
        overhang = shapely.difference(f.geometry, parent)
        area = area_m2(overhang)
        severity = _severity(area, tolerances.outside_parent_m2, tolerances)
        if severity:
            report.add(severity, "outside_parent", f.label, _where(overhang), area, geometry=overhang,
                       parent=f.parent_code)


def _check_overlaps(features, context, report, tolerances):
    """Pairs among the new units, and between new units and stored siblings they do not replace."""
    codes = {f.code for f in features}
    others = [(code, parent, geom) for code, (parent, geom) in context.siblings.items() if code not in codes]
    items = [(f.label, f.parent_code, f.geometry) for f in features] + others
    geoms = np.array([g for _, _, g in items], dtype=object)
    if len(geoms) < 2:
        return
    left, right = shapely.STRtree(geoms).query(geoms[: len(features)], predicate="intersects")
    for i, j in zip(left.tolist(), right.tolist()):
        if j < len(features) and i >= j:
            continue  # each pair of new units once, and never a unit with itself
        overlap = shapely.intersection(geoms[i], geoms[j])
        area = area_m2(overlap)
        severity = _severity(area, tolerances.overlap_m2, tolerances)
        if severity:
            report.add(severity, "sibling_overlap", items[i][0], _where(overlap), area, geometry=overlap,
                       other=items[j][0])


def _check_gaps(features, context, report, tolerances):
    """Each parent the file touches must be covered by its children (new and stored)."""
    codes = {f.code for f in features}
    for parent_code in sorted({f.parent_code for f in features if f.parent_code in context.parents}):
        children = [f.geometry for f in features if f.parent_code == parent_code]
        children += [g for code, (p, g) in context.siblings.items() if p == parent_code and code not in codes]
        gap = shapely.difference(context.parents[parent_code], shapely.union_all(children))
        for part in shapely.get_parts(gap):
            area = area_m2(part)
            severity = _severity(area, tolerances.gap_m2, tolerances)
            if severity:
                report.add(severity, "gap", None, _where(part), area, geometry=part, parent=parent_code)


def _check_children(features, context, report, tolerances):
    """Stored units of the level below must still fit in the units that replace their parents."""
    by_code = {f.code: f for f in features}
    for code, (parent_code, geom) in context.children.items():
        f = by_code.get(parent_code)
        if f is None:
            continue
        overhang = shapely.difference(geom, f.geometry)
        area = area_m2(overhang)
        severity = _severity(area, tolerances.outside_parent_m2, tolerances)
        if severity:
            report.add(severity, "orphaned_child", f.label, _where(overhang), area, geometry=overhang, child=code)


def _check_household_counts(features, context, report, tolerances):
    lon, lat = context.household_points
    assigned = assign_points([f.geometry for f in features], lon, lat).cell if len(lon) else np.empty(0, dtype=int)
    counts = np.bincount(assigned[assigned >= 0], minlength=len(features))
    for f, count in zip(features, counts.tolist()):
        target = cell_target(f, context)
        if target is None:
            report.add(ERROR, "bad_target", f.label, value=f.properties.get("target_households"))
            continue
        if abs(count - target) > tolerances.households * target:
            report.add(WARNING, "household_count", f.label, _where(f.geometry), geometry=f.geometry, count=count,
                       target=target, tolerance=tolerances.households)


def _where(geom):
    """A point inside (or on) the geometry to show on a map."""
    if geom is None or geom.is_empty:
        return None
    try:
        p = shapely.point_on_surface(geom)
    except shapely.errors.GEOSException:  # an invalid geometry: its first vertex will do
        return tuple(shapely.get_coordinates(geom)[0])
    return (p.x, p.y)


"""Auto-partition of a village into cells of about `target` households (≈50; ≈80 in town communities).

Cells are grown over the Voronoi faces of the household locations, so each cell is one piece, cells
never overlap and together cover the village exactly; growth balances households, not area, and
starts from well-spread seeds, so cells are compact. Numbered west→east, north→south."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from .crs import LocalEqualArea
from .mesh import grow_regions, mesh_from_points, union_faces
from .numbering import reading_order

TOLERANCE = 0.30  # cells may hold target ± 30 %


@dataclass
class ProposedCell:
    seq: int
    boundary: shapely.MultiPolygon        # degrees, EPSG:4326
    household_ids: list

    @property
    def household_count(self) -> int:
        return len(self.household_ids)


@dataclass
class Partition:
    target: int
    cells: list[ProposedCell]
    unlocated: list = field(default_factory=list)     # households without a location
    outside: list = field(default_factory=list)       # households whose point is outside the village

    def out_of_tolerance(self, tolerance: float = TOLERANCE) -> list[ProposedCell]:
        low, high = self.target * (1 - tolerance), self.target * (1 + tolerance)
        return [c for c in self.cells if not low <= c.household_count <= high]


def cell_count(households: int, target: int) -> int:
    """The number of cells whose mean size is closest to the target (in ratio), at least one."""
    if households <= target:
        return 1
    low = max(1, households // target)
    return min((low, low + 1), key=lambda k: abs(np.log(households / k / target)))


def partition_village(village, ids, lon, lat, target: int = 50, attempts: int = 12, seed: int = 0) -> Partition:
    """Propose cells for a village (a lon/lat (Multi)Polygon) from its households' points.

    ids, lon, lat are aligned sequences; NaN coordinates mean "no location"."""
    ids = np.asarray(ids)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    located = ~(np.isnan(lon) | np.isnan(lat))
    inside = np.zeros(len(ids), dtype=bool)
    inside[located] = shapely.contains_xy(village, lon[located], lat[located])
    result = Partition(target, [], unlocated=ids[~located].tolist(), outside=ids[located & ~inside].tolist())
    ids, lon, lat = ids[inside], lon[inside], lat[inside]
    proj = LocalEqualArea.around(village)
    x, y = proj.forward(lon, lat)
    # households sharing a location (flats in one building) share a face: weight faces by households
    points, point_of_household, household_load = np.unique(np.round(np.column_stack([x, y]), 1), axis=0,
                                                return_inverse=True, return_counts=True)
    k = min(cell_count(len(ids), target), max(1, len(points)))
    if k == 1:
        result.cells = [ProposedCell(1, _as_multi(village), ids.tolist())]
        return result
    mesh = mesh_from_points(proj.to_metres(village), points, grid_size=None)
    faces = np.arange(len(mesh.faces))
    holder = mesh.site >= 0
    face_of_point = np.full(len(points), -1)
    face_of_point[mesh.site[holder]] = faces[holder]
    for i in np.flatnonzero(face_of_point < 0):  # left without a face of its own: join the nearest
        face_of_point[i] = int(np.argmin(np.hypot(*(mesh.centres - points[i]).T)))
    load = np.where(holder, household_load[np.maximum(mesh.site, 0)], 0)
    best = None
    for attempt in range(attempts):
        region = grow_regions(mesh, faces, [1.0] * k, np.random.default_rng(seed + attempt),
                              face_weight=load, noise=0.1)
        sizes = np.bincount(region, weights=load, minlength=k)
        worst = float(np.max(np.abs(sizes / (len(ids) / k) - 1)))
        if best is None or worst < best[0]:
            best = (worst, region)
        if worst <= TOLERANCE / 2:
            break
    region = best[1]
    household_region = region[face_of_point[point_of_household.ravel()]]
    geoms = [proj.to_degrees(union_faces(mesh, faces[region == r])) for r in range(k)]
    centres = shapely.centroid(geoms)
    row_height = float(np.sqrt(np.mean(shapely.area(geoms))))
    order = reading_order(shapely.get_x(centres), shapely.get_y(centres), row_height)
    result.cells = [ProposedCell(seq, _as_multi(geoms[r]), ids[household_region == r].tolist())
                    for seq, r in enumerate(order.tolist(), start=1)]
    return result


def _as_multi(geom) -> shapely.MultiPolygon:
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
    return shapely.MultiPolygon(parts)

"""Household-to-cell assignment by point in polygon (Shapely 2 STRtree, vectorised)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

OUTSIDE = -1


@dataclass
class Assignment:
    cell: np.ndarray        # index into the cells for each point, OUTSIDE (-1) if in none
    on_border: np.ndarray   # bool: the point lies on a cell boundary (assigned to the first cell touching it)

    @property
    def outside(self) -> np.ndarray:
        return np.flatnonzero(self.cell == OUTSIDE)


def assign_points(cells, lon, lat) -> Assignment:
    """For each point, the cell whose interior contains it. A point on a boundary goes to the first
    cell (in the given order) that touches it and is reported as on_border; a point in no cell is OUTSIDE.
    Points with NaN coordinates are OUTSIDE."""
    cells = np.asarray(cells)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    cell = np.full(len(lon), OUTSIDE)
    on_border = np.zeros(len(lon), dtype=bool)
    valid = ~(np.isnan(lon) | np.isnan(lat))
    if not len(cells) or not valid.any():
        return Assignment(cell, on_border)
    index = np.flatnonzero(valid)
    points = shapely.points(lon[valid], lat[valid])
    tree = shapely.STRtree(cells)
    p, c = tree.query(points, predicate="within")
    cell[index[p]] = c  # interiors do not overlap: at most one cell per point
    unplaced = cell[index] == OUTSIDE
    if unplaced.any():
        p, c = tree.query(points[unplaced], predicate="intersects")  # on a boundary
        first = {}
        for pi, ci in zip(p.tolist(), c.tolist()):
            first[pi] = min(first.get(pi, ci), ci)
        rows = index[np.flatnonzero(unplaced)]
        for pi, ci in first.items():
            cell[rows[pi]] = ci
            on_border[rows[pi]] = True
    return Assignment(cell, on_border)

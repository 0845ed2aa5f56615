"""Generate the grid of a county: towns, villages (some of them urban communities) and cells,
with irregular polygons that nest and tile, numbered by the statistical code rules."""
from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from tqdm import tqdm

from grids.crs import LocalEqualArea, geometry_gcj02_to_wgs84
from grids.mesh import build_mesh, grow_regions, union_faces
from grids.numbering import cell_name, reading_order

from . import names
from .spec import CountySpec

COMMUNITY_CELL_TARGET = 80
VILLAGE_CELL_TARGET = 50
COMMUNITY_AREA_WEIGHT = 0.4  # a community cell covers a fraction of a mountain village cell's area


@dataclass
class Unit:
    id: int
    level: str
    code: str
    name: str
    parent: "Unit | None"
    boundary: MultiPolygon          # degrees, EPSG:4326
    target_households: int | None = None
    community: bool = False
    seq: int = 0                    # 1-based position among siblings


def load_outline(spec: CountySpec):
    """The county outline from GeoJSON in GCJ-02, converted to WGS-84."""
    with open(spec.outline, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    merged = shapely.union_all([shape(f["geometry"]) for f in features])
    return geometry_gcj02_to_wgs84(shapely.make_valid(merged))


def split(total: int, parts: int, rng: random.Random, spread: float = 0.3) -> list[int]:
    """`parts` positive integers summing to `total`, each within roughly ±spread of the mean."""
    return scale_to_total([rng.uniform(1 - spread, 1 + spread) for _ in range(parts)], total)


def scale_to_total(weights: list[float], total: int) -> list[int]:
    """Positive integers proportional to weights that add up to exactly `total`."""
    if total < len(weights):
        raise ValueError(f"cannot give {len(weights)} parts at least one each out of {total}")
    scale = total / sum(weights)
    out = [max(1, round(w * scale)) for w in weights]
    i = 0
    while sum(out) != total:  # settle rounding one unit at a time
        step = 1 if sum(out) < total else -1
        j = i % len(out)
        if out[j] + step >= 1:
            out[j] += step
        i += 1
    return out


def as_multipolygon(geom) -> MultiPolygon:
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    polys = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon)]
    return MultiPolygon(polys)


class GridBuilder:
    def __init__(self, spec: CountySpec, rng: random.Random, nprng: np.random.Generator, quiet: bool = True):
        self.spec, self.rng, self.nprng, self.quiet = spec, rng, nprng, quiet
        self.units: list[Unit] = []
        self.used_names: set[str] = set()

    def build(self) -> list[Unit]:
        spec = self.spec
        outline = load_outline(spec)
        self.proj = LocalEqualArea.around(outline)
        self.mesh = build_mesh(self.proj.to_metres(outline), spec.cells * spec.mesh_faces_per_cell, self.nprng)
        county = self._add("county", spec.code, spec.name, None, np.arange(len(self.mesh.faces)))
        villages_per_town = split(spec.villages, spec.towns, self.rng, 0.35)
        community_flags = self._community_flags(villages_per_town)
        cells_per_village = self._cells_per_village(community_flags)
        cells_per_town = [sum(cells_per_village[sum(villages_per_town[:t]):sum(villages_per_town[:t + 1])])
                          for t in range(spec.towns)]
        town_faces = self._grow(np.arange(len(self.mesh.faces)), [1.0] * spec.towns,
                                minimum=[2 * c for c in cells_per_town])
        v_index = 0
        for t in tqdm(range(spec.towns), unit=" towns", disable=self.quiet, file=sys.stderr):
            faces = np.flatnonzero(town_faces == t)
            tname = spec.town_names[t] if t < len(spec.town_names) else names.place_name(self.rng, self.used_names) + "镇"
            town = self._add("town", f"{spec.code}{100 + t:03d}", tname, county, faces, seq=t + 1)
            n_v = villages_per_town[t]
            flags = community_flags[v_index:v_index + n_v]
            n_cells = cells_per_village[v_index:v_index + n_v]
            weights = [c * (COMMUNITY_AREA_WEIGHT if f else 1.0) for c, f in zip(n_cells, flags)]
            region = self._grow(faces, weights, minimum=[2 * c for c in n_cells])
            self._add_villages(town, faces, region, flags, n_cells)
            v_index += n_v
        return self.units

    def _grow(self, faces, weights, minimum, attempts: int = 50):
        """grow_regions, redrawn until every region has at least its minimum number of faces
        (a region hemmed in early can end up too small to hold its cells)."""
        for _ in range(attempts):
            region = grow_regions(self.mesh, faces, weights, self.nprng)
            sizes = np.bincount(region, minlength=len(weights))
            if np.all(sizes >= minimum):
                return region
        raise ValueError("could not split the faces into regions large enough: use a finer mesh "
                         "(CountySpec.mesh_faces_per_cell)")

    def _community_flags(self, villages_per_town):
        """Communities go to the first towns (the county seat first), at most half of a town's units."""
        flags = []
        left = self.spec.communities
        for n in villages_per_town:
            here = min(left, max(1, n // 2) if left else 0, n)
            flags += [True] * here + [False] * (n - here)
            left -= here
        return flags

    def _cells_per_village(self, flags):
        """Cells per level-2 unit so that the total is exact and community cells hold ≈80 households."""
        return split(self.spec.cells, len(flags), self.rng, 0.4)

    def _add_villages(self, town, faces, region, flags, n_cells):
        units = []
        for r in range(len(flags)):
            vf = faces[region == r]
            units.append((vf, flags[r], n_cells[r]))
        centres = np.array([self.mesh.centres[vf].mean(axis=0) for vf, _, _ in units])
        lon, lat = self.proj.inverse(centres[:, 0], centres[:, 1])
        order = reading_order(lon, lat, row_height=0.05)
        community_seq = village_seq = 0
        for i in order.tolist():
            vf, community, cells = units[i]
            if community:
                community_seq += 1
                code, suffix = f"{town.code}{community_seq:03d}", "社区"
            else:
                village_seq += 1
                code, suffix = f"{town.code}{200 + village_seq:03d}", "村"
            village = self._add("village", code, names.place_name(self.rng, self.used_names) + suffix, town, vf,
                                community=community, seq=community_seq if community else village_seq)
            self._add_cells(village, vf, cells)

    def _add_cells(self, village, faces, n_cells):
        region = grow_regions(self.mesh, faces, [1.0] * n_cells, self.nprng)
        groups = [faces[region == r] for r in range(n_cells)]
        geoms = [union_faces(self.mesh, g) for g in groups]
        cx = np.array([shapely.centroid(g).x for g in geoms])
        cy = np.array([shapely.centroid(g).y for g in geoms])
        lon, lat = self.proj.inverse(cx, cy)
        row_height = max(1e-4, float(np.sqrt(np.mean([g.area for g in geoms]))) / 111_000)
        target = COMMUNITY_CELL_TARGET if village.community else VILLAGE_CELL_TARGET
        for seq, i in enumerate(reading_order(lon, lat, row_height).tolist(), start=1):
            self._add("cell", f"{village.code}{seq:03d}", cell_name(village.name, seq), village, groups[i],
                      target=target, community=village.community, seq=seq, metric=geoms[i])

    def _add(self, level, code, name, parent, faces, target=None, community=False, seq=0, metric=None) -> Unit:
        """Add a unit made of the given faces; `metric` is their union when the caller has it already."""
        metric = union_faces(self.mesh, faces) if metric is None else metric
        boundary = as_multipolygon(self.proj.to_degrees(metric))
        unit = Unit(len(self.units) + 1, level, code, name, parent, boundary, target, community, seq)
        self.units.append(unit)
        return unit

"""Tilings made of whole faces of a Voronoi mesh, grown region by region.

A mesh of Voronoi faces is cut to an outline; regions are grown over the mesh's adjacency graph.
Every region is a union of whole faces, so regions tile the outline exactly (shared edges are the
same vertices), never overlap, and stay in one piece. The seed generator grows towns, villages and
cells over random points (irregular, hand-drawn-looking borders); the partitioner grows cells over
the faces of household locations, balancing households instead of faces.
All work is in metres (an equal-area projection); callers project back to degrees.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import shapely


@dataclass
class Mesh:
    faces: np.ndarray          # shapely polygons (metres)
    centres: np.ndarray        # (n, 2) representative points of the faces
    neighbours: list[np.ndarray]
    snapped: bool = True       # vertices on a common grid: faces form an exact coverage
    site: np.ndarray | None = None  # index of the input point each face holds, -1 for none


def random_points_in(polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    """n uniform random points inside a polygon, by rejection from its bounding box."""
    xmin, ymin, xmax, ymax = polygon.bounds
    shapely.prepare(polygon)
    out = np.empty((0, 2))
    while len(out) < n:
        batch = max(64, 2 * (n - len(out)))
        pts = np.column_stack([rng.uniform(xmin, xmax, batch), rng.uniform(ymin, ymax, batch)])
        out = np.vstack([out, pts[shapely.contains_xy(polygon, pts[:, 0], pts[:, 1])]])
    return out[:n]


def build_mesh(outline, n_faces: int, rng: np.random.Generator, relax: int = 2) -> Mesh:
    """Voronoi faces of n random points (Lloyd-relaxed for even sizes), clipped to the outline."""
    return mesh_from_points(outline, random_points_in(outline, n_faces, rng), relax)


def mesh_from_points(outline, points: np.ndarray, relax: int = 0, grid_size: float | None = 0.01) -> Mesh:
    """Voronoi faces of the given distinct points, clipped to the outline; face i belongs to point i
    (unless relaxed). Points must lie inside the outline. With a grid_size, all vertices are snapped
    to it (shared edges identical, fast coverage unions); without, the outline is kept exactly."""
    envelope = shapely.box(*outline.buffer(1000).bounds)
    for step in range(relax + 1):
        cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=envelope))
        # voronoi_polygons does not keep input order: match cells back to points
        tree = shapely.STRtree(cells)
        point_geoms = shapely.points(points)
        pi, ci = tree.query(point_geoms, predicate="intersects")
        order = np.full(len(points), -1)
        order[pi] = ci
        faces = _clip(cells[order], outline, grid_size)
        if step < relax:
            points = shapely.get_coordinates(shapely.centroid(faces))
    if relax:  # faces no longer belong to input points: drop slivers
        faces = faces[~shapely.is_empty(faces) & (shapely.area(faces) > 1.0)]
    # A face cut by a concave outline can fall apart; each part becomes a face of its own, and only
    # the part holding the site keeps it (the others are empty land that growth hands to a neighbour).
    parts, owner = shapely.get_parts(faces, return_index=True)
    site = np.full(len(parts), -1)
    if not relax:
        holds = shapely.intersects_xy(parts, points[owner, 0], points[owner, 1])
        _, first = np.unique(owner[holds], return_index=True)  # one part per site
        site[np.flatnonzero(holds)[first]] = owner[holds][first]
        lost = np.setdiff1d(np.arange(len(points)), site)
        if len(lost):  # a site on the outline, by rounding just outside it: its nearest free part
            free = np.flatnonzero(site < 0)
            if len(free):
                _, nearest = shapely.STRtree(parts[free]).query_nearest(shapely.points(points[lost]),
                                                                        return_distance=False, all_matches=False)
                site[free[nearest]] = lost
    centres = shapely.get_coordinates(shapely.point_on_surface(parts))
    return Mesh(parts, centres, _adjacency(parts), snapped=grid_size is not None, site=site)


def _clip(cells: np.ndarray, outline, grid_size) -> np.ndarray:
    """Cells cut to the outline. Only cells crossing the outline need the costly intersection; with
    a grid the rest are snapped to it too, so shared edges stay identical."""
    if grid_size is not None:
        cells = shapely.set_precision(cells, grid_size)
    shapely.prepare(outline)
    crossing = ~shapely.contains_properly(outline, cells)
    cells[crossing] = shapely.intersection(cells[crossing], outline, grid_size=grid_size)
    return cells


def _adjacency(faces: np.ndarray) -> list[np.ndarray]:
    """Faces sharing an edge (not just a corner)."""
    tree = shapely.STRtree(faces)
    a, b = tree.query(faces, predicate="intersects")
    mask = a < b
    a, b = a[mask], b[mask]
    shared = shapely.length(shapely.intersection(shapely.boundary(faces[a]), shapely.boundary(faces[b])))
    mask = shared > 1e-3
    a, b = a[mask], b[mask]
    neighbours = [[] for _ in range(len(faces))]
    for i, j in zip(a.tolist(), b.tolist()):
        neighbours[i].append(j)
        neighbours[j].append(i)
    return [np.array(n, dtype=int) for n in neighbours]


def grow_regions(mesh: Mesh, face_ids: np.ndarray, weights: list[float], rng: np.random.Generator,
                 face_weight: np.ndarray | None = None, noise: float = 0.4) -> np.ndarray:
    """Split the given faces into len(weights) contiguous regions whose loads are ∝ weights.

    A face's load is 1, or face_weight (aligned with face_ids), e.g. the households it holds.
    Balanced region growing: the region furthest below its share takes its next frontier face,
    chosen by distance to the region's seed times a random factor 1 ± noise (irregular borders;
    0 gives compact regions). Returns the region index of each face in face_ids."""
    k = len(weights)
    n = len(face_ids)
    if n < k:
        raise ValueError(f"{n} faces cannot make {k} regions: build a finer mesh")
    load = np.ones(n) if face_weight is None else np.asarray(face_weight, dtype=float)
    local = {f: i for i, f in enumerate(face_ids.tolist())}
    centres = mesh.centres[face_ids]
    seeds = _spread_seeds(centres, k, rng)
    target = np.asarray(weights, dtype=float) / np.sum(weights) * load.sum()
    region = np.full(n, -1)
    size = np.zeros(k)
    frontier = [[] for _ in range(k)]
    noise = rng.uniform(1 - noise, 1 + noise, n)

    def push_neighbours(r, i):
        for f in mesh.neighbours[face_ids[i]].tolist():
            j = local.get(f)
            if j is not None and region[j] < 0:
                d = np.hypot(*(centres[j] - centres[seeds[r]])) * noise[j]
                heapq.heappush(frontier[r], (d, j))

    for r, s in enumerate(seeds):
        region[s] = r
        size[r] = load[s]
        push_neighbours(r, s)
    active = [(size[r] / target[r], r) for r in range(k)]
    heapq.heapify(active)
    assigned = k
    while active and assigned < n:
        _, r = heapq.heappop(active)
        while frontier[r] and region[frontier[r][0][1]] >= 0:
            heapq.heappop(frontier[r])
        if not frontier[r]:
            continue  # enclosed: this region stops growing
        _, j = heapq.heappop(frontier[r])
        region[j] = r
        size[r] += load[j]
        assigned += 1
        push_neighbours(r, j)
        heapq.heappush(active, (size[r] / target[r], r))
    _absorb_orphans(mesh, face_ids, local, region)
    if n <= REBALANCE_MAX_FACES:
        _rebalance(mesh, face_ids, local, region, target, load, rng)
    return region


REBALANCE_MAX_FACES = 6000  # rebalancing checks connectivity by search: keep it to village-sized sets


def _rebalance(mesh, face_ids, local, region, target, load, rng, passes: int = 40):
    """Hand border faces from regions above their share to neighbours below it, never cutting the
    giver in two. Growth alone leaves regions that were hemmed in early too small."""
    k = len(target)
    size = np.bincount(region, weights=load, minlength=k)
    local_neighbours = [[local[f] for f in mesh.neighbours[face_ids[i]].tolist() if f in local]
                        for i in range(len(region))]
    for _ in range(passes):
        moved = 0
        for i in rng.permutation(len(region)).tolist():
            a = region[i]
            ratio_a = size[a] / target[a]
            if ratio_a <= 1.05 or size[a] <= load[i]:
                continue
            others = {region[j] for j in local_neighbours[i]} - {a}
            if not others:
                continue
            b = min(others, key=lambda r: size[r] / target[r])
            # move only if the receiver stays below where the giver was: the worst imbalance shrinks
            if (size[b] + load[i]) / target[b] >= ratio_a - 0.05 or \
                    not _stays_connected(local_neighbours, region, i, a):
                continue
            region[i] = b
            size[a] -= load[i]
            size[b] += load[i]
            moved += 1
        if moved == 0:
            return


def _stays_connected(neighbours, region, removed, r) -> bool:
    """Whether region r is still one piece without face `removed` (breadth-first search)."""
    members = np.flatnonzero(region == r)
    start = next((j for j in neighbours[removed] if region[j] == r), None)
    if start is None:
        return False
    seen, stack = {removed, start}, [start]
    while stack:
        for j in neighbours[stack.pop()]:
            if j not in seen and region[j] == r:
                seen.add(j)
                stack.append(j)
    return len(seen) == len(members)


def _spread_seeds(centres, k, rng):
    """k well-spread seed faces (k-means++ style)."""
    first = int(rng.integers(len(centres)))
    seeds = [first]
    d2 = np.sum((centres - centres[first]) ** 2, axis=1)
    for _ in range(1, k):
        p = d2 ** 2  # strongly favour far faces: even spread
        nxt = int(rng.choice(len(centres), p=p / p.sum()))
        seeds.append(nxt)
        d2 = np.minimum(d2, np.sum((centres - centres[nxt]) ** 2, axis=1))
    return seeds


def _absorb_orphans(mesh, face_ids, local, region):
    """Faces no region reached (cut off by enclosed regions or islands) join a neighbour or the nearest."""
    for _ in range(len(region)):
        orphans = np.flatnonzero(region < 0)
        if len(orphans) == 0:
            return
        progressed = False
        for i in orphans.tolist():
            for f in mesh.neighbours[face_ids[i]].tolist():
                j = local.get(f)
                if j is not None and region[j] >= 0:
                    region[i] = region[j]
                    progressed = True
                    break
        if not progressed:
            centres = mesh.centres[face_ids]
            done = np.flatnonzero(region >= 0)
            for i in orphans.tolist():
                region[i] = region[done[np.argmin(np.hypot(*(centres[done] - centres[i]).T))]]
            return


def union_faces(mesh: Mesh, face_ids: np.ndarray):
    faces = mesh.faces[face_ids]
    return shapely.coverage_union_all(faces) if mesh.snapped else shapely.union_all(faces)

"""Irregular nested tilings for generated counties.

A fine mesh of Voronoi faces is cut to the county outline; towns, villages and cells are then
grown over the mesh's adjacency graph, each level inside its parent. Every unit is the union of
whole faces, so children tile their parent exactly (shared edges are the same vertices) and
siblings never overlap, while borders wander like hand-drawn ones instead of straight lines.
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
    points = random_points_in(outline, n_faces, rng)
    envelope = shapely.box(*outline.buffer(1000).bounds)
    for step in range(relax + 1):
        cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=envelope))
        # voronoi_polygons does not keep input order: match cells back to points
        tree = shapely.STRtree(cells)
        point_geoms = shapely.points(points)
        pi, ci = tree.query(point_geoms, predicate="intersects")
        order = np.full(len(points), -1)
        order[pi] = ci
        faces = _clip(cells[order], outline)
        if step < relax:
            points = shapely.get_coordinates(shapely.centroid(faces))
    keep = ~shapely.is_empty(faces) & (shapely.area(faces) > 1.0)
    faces = faces[keep]
    centres = shapely.get_coordinates(shapely.point_on_surface(faces))
    return Mesh(faces, centres, _adjacency(faces))


def _clip(cells: np.ndarray, outline) -> np.ndarray:
    """Cells cut to the outline on a 1 cm grid. Only cells crossing the outline need the costly
    intersection; the rest are snapped to the same grid so shared edges stay identical."""
    cells = shapely.set_precision(cells, 0.01)
    shapely.prepare(outline)
    crossing = ~shapely.contains_properly(outline, cells)
    cells[crossing] = shapely.intersection(cells[crossing], outline, grid_size=0.01)
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
                 seed_near: np.ndarray | None = None) -> np.ndarray:
    """Split the given faces into len(weights) contiguous regions with face counts ∝ weights.

    Balanced region growing: the region furthest below its share takes its next frontier face,
    chosen by noisy distance to the region's seed (the noise makes borders irregular). Returns the
    region index of each face in face_ids. `seed_near` optionally pulls region 0's seed to a point
    (a town seat)."""
    k = len(weights)
    n = len(face_ids)
    if n < k:
        raise ValueError(f"{n} faces cannot make {k} regions: build a finer mesh")
    local = {f: i for i, f in enumerate(face_ids.tolist())}
    centres = mesh.centres[face_ids]
    seeds = _spread_seeds(centres, k, rng, seed_near)
    target = np.asarray(weights, dtype=float) / np.sum(weights) * n
    region = np.full(n, -1)
    size = np.zeros(k)
    frontier = [[] for _ in range(k)]
    noise = rng.uniform(0.6, 1.4, n)

    def push_neighbours(r, i):
        for f in mesh.neighbours[face_ids[i]].tolist():
            j = local.get(f)
            if j is not None and region[j] < 0:
                d = np.hypot(*(centres[j] - centres[seeds[r]])) * noise[j]
                heapq.heappush(frontier[r], (d, j))

    for r, s in enumerate(seeds):
        region[s] = r
        size[r] = 1
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
        size[r] += 1
        assigned += 1
        push_neighbours(r, j)
        heapq.heappush(active, (size[r] / target[r], r))
    _absorb_orphans(mesh, face_ids, local, region)
    if n <= REBALANCE_MAX_FACES:
        _rebalance(mesh, face_ids, local, region, target, rng)
    return region


REBALANCE_MAX_FACES = 6000  # rebalancing checks connectivity by search: keep it to village-sized sets


def _rebalance(mesh, face_ids, local, region, target, rng, passes: int = 40):
    """Hand border faces from regions above their share to neighbours below it, never cutting the
    giver in two. Growth alone leaves regions that were hemmed in early too small."""
    k = len(target)
    size = np.bincount(region, minlength=k).astype(float)
    local_neighbours = [[local[f] for f in mesh.neighbours[face_ids[i]].tolist() if f in local]
                        for i in range(len(region))]
    for _ in range(passes):
        moved = 0
        for i in rng.permutation(len(region)).tolist():
            a = region[i]
            ratio_a = size[a] / target[a]
            if ratio_a <= 1.05 or size[a] <= 1:
                continue
            others = {region[j] for j in local_neighbours[i]} - {a}
            if not others:
                continue
            b = min(others, key=lambda r: size[r] / target[r])
            if size[b] / target[b] >= ratio_a - 0.1 or not _stays_connected(local_neighbours, region, i, a):
                continue
            region[i] = b
            size[a] -= 1
            size[b] += 1
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


def _spread_seeds(centres, k, rng, seed_near):
    """k well-spread seed faces (k-means++ style), the first optionally nearest a given point."""
    first = int(np.argmin(np.hypot(*(centres - seed_near).T))) if seed_near is not None \
        else int(rng.integers(len(centres)))
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
    return shapely.coverage_union_all(mesh.faces[face_ids])

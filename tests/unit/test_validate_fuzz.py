"""Hypothesis throws generated boundaries at the import validator: it never crashes, every problem names its
feature in both languages, and a file that passes without errors holds only sound polygons. (A file whose
coordinates are not longitude/latitude stops at that error: its other features are not checked further.)

Most generated villages are plausible (star-shaped rings around a point of the town), then some are broken
on purpose (two corners swapped into a bow-tie, a corner flung far away, NaN or Infinity, the ring left
open, a repeated corner); the rest are arbitrary rings. Plausible shapes reach the deeper checks
(self-intersection, parent, overlaps, gaps) that garbage never gets to."""
import json
import math

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from grids.io import FieldMapping, read_file
from grids.report import MESSAGES, Report
from grids.validate import validate
from tests.unit.test_validate import context

NEAR_TOWN = st.tuples(st.floats(108.295, 108.325), st.floats(33.295, 33.325))
ANY_NUMBER = st.tuples(st.floats(allow_nan=True, allow_infinity=True), st.floats(allow_nan=True, allow_infinity=True))
MUTATIONS = ("none", "none", "none", "swap", "far", "nan", "open", "repeat")


@st.composite
def village_ring(draw):
    cx, cy = draw(NEAR_TOWN)
    n = draw(st.integers(3, 9))
    angles = sorted(draw(st.lists(st.floats(0, 2 * math.pi, exclude_max=True), min_size=n, max_size=n, unique=True)))
    radii = draw(st.lists(st.floats(0.0005, 0.015), min_size=n, max_size=n))
    ring = [[cx + r * math.cos(a), cy + r * math.sin(a)] for a, r in zip(angles, radii)]
    mutation = draw(st.sampled_from(MUTATIONS))
    i = draw(st.integers(0, n - 1))
    if mutation == "swap" and n >= 4:
        ring[i], ring[(i + 1) % n] = ring[(i + 1) % n], ring[i]
    elif mutation == "far":
        ring[i] = [ring[i][0] + 0.5, ring[i][1]]
    elif mutation == "nan":
        ring[i] = list(draw(ANY_NUMBER))
    elif mutation == "repeat":
        ring.insert(i, list(ring[i]))
    return ring if mutation == "open" else ring + [list(ring[0])]


@st.composite
def arbitrary_ring(draw):
    points = [list(p) for p in draw(st.lists(st.one_of(NEAR_TOWN, ANY_NUMBER), max_size=10))]
    return points + points[:1] if points and draw(st.booleans()) else points


RING = st.one_of(village_ring(), village_ring(), village_ring(), arbitrary_ring())
POLYGON = st.lists(RING, min_size=1, max_size=2)
GEOMETRY = st.one_of(POLYGON.map(lambda p: {"type": "Polygon", "coordinates": p}),
                     st.lists(POLYGON, min_size=1, max_size=2).map(lambda ps: {"type": "MultiPolygon", "coordinates": ps}))


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(GEOMETRY, min_size=1, max_size=3))
@example([{"type": "Polygon", "coordinates": [[  # a spike the GCJ-02 shift folds over itself (crashed the check once)
    [108.3203125, 33.3125], [108.32421875, 33.3125], [108.31935611376477, 33.316245512020345],
    [108.31821631928808, 33.31782530281268], [108.3167211117646, 33.31907399206881],
    [108.30924885283947, 33.31960388614708], [108.307393409212, 33.30658748050541],
    [108.8126911983876, 33.311853650981575], [108.3203125, 33.3125], [108.3203125, 33.3125]]]}])
def test_generated_boundaries_never_crash_and_every_problem_is_named(geometries):
    features = [{"type": "Feature", "properties": {"code": f"610923100{201 + i}", "name": f"村{i + 1}"},
                 "geometry": g} for i, g in enumerate(geometries)]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()  # NaN and Infinity included
    report = Report()
    parsed = read_file(data, "villages.geojson", FieldMapping(), report)
    validate(parsed, "village", context(), report)
    for problem in report.problems:
        assert problem.kind in MESSAGES and problem.message and problem.message_zh
        assert problem.feature is None or problem.feature.split()[0] in {f"#{i + 1}" for i in range(len(features))}
    for kind in sorted({p.kind for p in report.errors}) or ["accepted"]:
        event(kind)
    if not report.errors:  # the file would be imported: every boundary in it must be a sound polygon
        for geometry in geometries:
            polygon = shape(geometry)
            assert polygon.is_valid and not polygon.is_empty, (geometry, report.to_text())

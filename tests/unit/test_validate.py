"""Broken inputs each produce the right named, located problem; a good file produces none."""
import io
import json
import zipfile

import numpy as np
import pytest
import shapefile
import shapely
from shapely.geometry import box, mapping

from grids.crs import LocalEqualArea, geometry_wgs84_to_gcj02
from grids.io import FieldMapping, read_file
from grids.report import Report
from grids.validate import Context, validate

TOWN = "610923100"
TOWN_SHAPE = box(108.30, 33.30, 108.32, 33.32)
WEST, EAST = box(108.30, 33.30, 108.31, 33.32), box(108.31, 33.30, 108.32, 33.32)


def context(**kw):
    return Context(parents={TOWN: TOWN_SHAPE}, **kw)


def feature(code, geom, name="村", **props):
    geometry = geom if geom is None or isinstance(geom, dict) else mapping(geom)
    return {"type": "Feature", "properties": {"code": code, "name": name, **props}, "geometry": geometry}


def run(features, level="village", ctx=None, filename="villages.geojson", data=None):
    report = Report()
    data = data if data is not None else json.dumps({"type": "FeatureCollection", "features": features}).encode()
    parsed = read_file(data, filename, FieldMapping(), report)
    return validate(parsed, level, ctx or context(), report)


def only(report, kind):
    found = [p for p in report.problems if p.kind == kind]
    assert found, f"expected a {kind} problem, got {[p.kind for p in report.problems]}"
    return found


def test_a_good_file_has_no_problems():
    report = run([feature("610923100201", WEST), feature("610923100202", EAST)])
    assert report.problems == [] and report.ok and report.features == 2


def test_bow_tie_is_an_invalid_geometry_located_at_the_crossing():
    bow_tie = {"type": "Polygon", "coordinates": [[[108.30, 33.30], [108.32, 33.32], [108.32, 33.30],
                                                   [108.30, 33.32], [108.30, 33.30]]]}
    report = run([feature("610923100201", bow_tie, name="柳林村")])
    problem, = only(report, "invalid_geometry")
    assert problem.severity == "error" and "柳林村" in problem.feature and "#1" in problem.feature
    assert "Self-intersection" in problem.message and "几何无效" in problem.message_zh
    assert problem.location == pytest.approx((108.31, 33.31), abs=1e-6)
    assert not report.ok


def test_overlapping_siblings_are_named_with_the_overlap_area():
    widened_west = box(108.30, 33.30, 108.311, 33.32)  # 0.001° into the east village
    report = run([feature("610923100201", widened_west), feature("610923100202", EAST)])
    problem, = only(report, "sibling_overlap")
    expected = LocalEqualArea(108.31).to_metres(box(108.31, 33.30, 108.311, 33.32)).area
    assert problem.area_m2 == pytest.approx(expected, rel=0.01) and problem.severity == "error"
    assert "610923100201" in problem.feature and "610923100202" in problem.params["other"]
    assert 108.31 <= problem.location[0] <= 108.311


def test_overlap_with_a_stored_sibling_is_found_too():
    ctx = context(siblings={"610923100202": (TOWN, EAST)})
    report = run([feature("610923100201", box(108.30, 33.30, 108.312, 33.32))], ctx=ctx)
    assert only(report, "sibling_overlap")[0].params["other"] == "610923100202"


def test_a_gap_in_the_parent_is_reported_with_its_area():
    narrowed_east = box(108.312, 33.30, 108.32, 33.32)
    report = run([feature("610923100201", WEST), feature("610923100202", narrowed_east)])
    problem, = only(report, "gap")
    assert problem.params["parent"] == TOWN and problem.area_m2 > 1000 and problem.severity == "error"
    assert 108.31 < problem.location[0] < 108.312


def test_a_child_sticking_out_of_its_parent():
    report = run([feature("610923100201", box(108.29, 33.30, 108.31, 33.32)), feature("610923100202", EAST)])
    problem, = only(report, "outside_parent")
    assert problem.area_m2 > 100_000 and problem.location[0] < 108.30


def test_a_gcj02_shifted_copy_is_recognised_and_explained():
    report = run([feature("610923100201", geometry_wgs84_to_gcj02(WEST)),
                  feature("610923100202", geometry_wgs84_to_gcj02(EAST))])
    problem, = only(report, "gcj02_shift")
    assert 200 < problem.params["shift_m"] < 800 and "--crs gcj02" in problem.message
    assert "火星坐标" in problem.message_zh
    assert "outside_parent" not in report.kinds()  # one clear explanation, not a flood


def test_a_file_in_metres_is_recognised():
    in_metres = shapely.affinity.translate(box(0, 0, 1000, 1000), 500_000, 3_690_000)
    report = run([feature("610923100201", in_metres)])
    problem, = only(report, "projected_coordinates")
    assert "3690000" in problem.message and "EPSG:4326" in problem.message


def test_an_unclosed_ring_is_named_with_its_ends():
    ring = [[108.30, 33.30], [108.31, 33.30], [108.31, 33.32], [108.30, 33.32]]
    report = run([feature("610923100201", {"type": "Polygon", "coordinates": [ring]})])
    problem, = only(report, "unclosed_ring")
    assert "(108.300000, 33.300000)" in problem.message and "(108.300000, 33.320000)" in problem.message


@pytest.mark.parametrize("geometry, kind", [
    (None, "empty_geometry"),
    ({"type": "Polygon", "coordinates": []}, "empty_geometry"),
    ({"type": "Point", "coordinates": [108.3, 33.3]}, "wrong_geometry_type"),
    ({"type": "Polygon", "coordinates": [[[108.3, 33.3], [108.31, 33.3], [108.3, 33.3]]]}, "short_ring"),
    ({"type": "Polygon", "coordinates": [[["a", 33.3], [108.31, 33.3], [108.31, 33.31], ["a", 33.3]]]},
     "bad_coordinates"),
    ({"type": "MultiPolygon", "coordinates": [5, 6]}, "bad_coordinates"),
    ({"type": "Polygon", "coordinates": [108.3, 33.3]}, "bad_coordinates"),
    ({"type": "Polygon", "coordinates": "abc"}, "bad_coordinates"),
])
def test_unusable_geometries(geometry, kind):
    report = run([feature("610923100201", geometry)])
    assert only(report, kind)[0].feature.startswith("#1")


@pytest.mark.parametrize("code, kind", [
    ("61092310020", "bad_code"),            # 11 digits
    ("61092310020X", "bad_code"),
    ("610923101201", "missing_parent"),     # town 610923101 is not stored
])
def test_bad_codes(code, kind):
    assert only(run([feature(code, WEST)]), kind)


def test_duplicate_codes_name_both_features():
    report = run([feature("610923100201", WEST), feature("610923100201", EAST)])
    problem, = only(report, "duplicate_code")
    assert problem.feature.startswith("#2") and problem.params["other"] == 1


def test_a_parent_field_that_contradicts_the_code():
    report = run([feature("610923100201", WEST, parent_code="610923101")])
    assert only(report, "code_not_under_parent")


def test_missing_attribute_lists_what_is_there():
    data = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"名称": "柳林村"}, "geometry": mapping(WEST)}]}).encode()
    problem = only(run([], data=data), "missing_field")[0]
    assert problem.params["field"] == "code" and "名称" in problem.params["available"]


def test_existing_cells_must_fit_a_replaced_village():
    ctx = context(children={"610923100201001": ("610923100201", box(108.305, 33.30, 108.315, 33.31))})
    report = run([feature("610923100201", WEST), feature("610923100202", EAST)], ctx=ctx)
    assert only(report, "orphaned_child")[0].params["child"] == "610923100201001"


def test_cells_far_from_their_household_target_are_warnings():
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(108.30, 108.31, 130), rng.uniform(33.30, 33.32, 130)  # all in the west cell
    village = box(108.30, 33.30, 108.32, 33.32)
    ctx = Context(parents={"610923100201": village}, household_points=(lon, lat))
    report = run([feature("610923100201001", WEST), feature("610923100201002", EAST)], level="cell", ctx=ctx)
    problems = only(report, "household_count")
    assert {p.params["count"] for p in problems} == {130, 0}
    assert report.ok  # warnings do not block


def test_not_json_is_a_file_error():
    problem, = only(run([], data=b"{not json"), "file")
    assert "line 1" in problem.message and "第 1 行" in problem.message_zh


def shapefile_zip(features, skip=()):
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="utf-8") as w:
        w.field("code", "C", 20)
        w.field("name", "C", 50)
        for code, name, geom in features:
            w.record(code, name)
            w.shape(mapping(geom))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for ext, data in ((".shp", shp), (".shx", shx), (".dbf", dbf)):
            if ext not in skip:
                z.writestr("villages" + ext, data.getvalue())
    return buf.getvalue()


def test_a_shapefile_is_read_with_its_chinese_names():
    data = shapefile_zip([("610923100201", "柳林村", WEST), ("610923100202", "青山村", EAST)])
    report = Report()
    features = read_file(data, "villages.zip", FieldMapping(), report)
    assert [f.name for f in features] == ["柳林村", "青山村"] and report.problems == []
    assert features[0].geometry.equals(WEST)
    assert validate(features, "village", context(), report).problems == []


def test_a_shapefile_without_its_dbf_is_named():
    report = run([], filename="villages.zip", data=shapefile_zip([("610923100201", "柳林村", WEST)], skip={".dbf"}))
    problem, = only(report, "missing_component")
    assert problem.params["ext"] == ".dbf" and ".dbf" in problem.message_zh


def random_json(rng, depth=0):
    choices = [lambda: rng.random() * 400 - 200, lambda: rng.randint(-5, 5), lambda: "x", lambda: None,
               lambda: [random_json(rng, depth + 1) for _ in range(rng.randint(0, 5))] if depth < 5 else [],
               lambda: {"type": rng.choice(["Polygon", "MultiPolygon", "Point", 3]),
                        "coordinates": random_json(rng, depth + 1)} if depth < 5 else {}]
    return rng.choice(choices)()


def test_garbage_geometries_never_crash_and_every_rejection_is_named():
    import random
    rng = random.Random(11)
    for _ in range(400):
        geometry = {"type": rng.choice(["Polygon", "MultiPolygon"]), "coordinates": random_json(rng)}
        report = run([feature("610923100201", geometry)])
        assert all(p.feature is None or p.feature.startswith("#1") for p in report.problems)
        assert all(p.message and p.message_zh for p in report.problems)


# ---------------------------------------------------------------- every problem of a feature is placed on a map

BOW_TIE = {"type": "Polygon", "coordinates": [[[108.30, 33.30], [108.32, 33.32], [108.32, 33.30],
                                               [108.30, 33.32], [108.30, 33.30]]]}


@pytest.mark.parametrize("features, kind", [
    ([feature("61092310020", WEST)], "bad_code"),
    ([feature("610923100201", WEST), feature("610923100201", EAST)], "duplicate_code"),
    ([feature("610923200201", WEST)], "missing_parent"),
    ([feature("610923100201", box(108.30, 33.30, 108.311, 33.32)), feature("610923100202", EAST)], "sibling_overlap"),
    ([feature("610923100201", WEST), feature("610923100202", box(108.312, 33.30, 108.32, 33.32))], "gap"),
    ([feature("610923100201", BOW_TIE)], "invalid_geometry"),
    ([feature("610923100201", box(108.30, 33.30, 108.31, 33.33)), feature("610923100202", EAST)], "outside_parent"),
])
def test_each_problem_has_a_point_a_geometry_and_names_in_both_languages(features, kind):
    problem = only(run(features), kind)[0].to_dict()
    lon, lat = problem["location"]
    assert 108.29 <= lon <= 108.33 and 33.29 <= lat <= 33.34
    assert problem["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert problem["title"] and problem["title_zh"] and problem["message_zh"] != problem["message"]


def test_the_geometry_is_the_offending_part_not_the_whole_unit():
    report = run([feature("610923100201", box(108.30, 33.30, 108.311, 33.32)), feature("610923100202", EAST)])
    overlap = shapely.geometry.shape(only(report, "sibling_overlap")[0].to_dict()["geometry"])
    assert overlap.equals_exact(box(108.31, 33.30, 108.311, 33.32).normalize(), 1e-6) or \
        overlap.symmetric_difference(box(108.31, 33.30, 108.311, 33.32)).area < 1e-12


def test_a_self_intersection_is_described_in_chinese():
    problem = only(run([feature("610923100201", BOW_TIE)]), "invalid_geometry")[0]
    assert "自相交" in problem.message_zh and "Self-intersection" not in problem.message_zh


def test_a_problem_of_the_whole_file_has_no_place():
    problem = only(run([], data=b"not json"), "file")[0].to_dict()
    assert problem["location"] is None and problem["geometry"] is None and problem["title_zh"] == "文件无法读取"


def test_every_kind_of_problem_has_a_name_and_a_message():
    from grids.report import MESSAGES, TITLES
    assert set(TITLES) == set(MESSAGES)

"""The `flask grids` commands, as a county's GIS staff would run them."""
import json

import shapely
import sqlalchemy as sa

from grids.crs import geometry_gcj02_to_wgs84, geometry_wgs84_to_gcj02
from server.extensions import db
from server.models import GridUnit
from tests.test_grid_admin import villages_as_file


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_import_is_a_dry_run_by_default(small_app, tmp_path):
    with small_app.app_context():
        path = tmp_path / "villages.geojson"
        path.write_bytes(villages_as_file(lambda g: shapely.affinity.translate(g, 0.0001)))
        result = invoke(small_app, "grids", "import", str(path), "--level", "village")
        assert result.exit_code == 0, result.output
        assert "6 features" in result.output and "Dry run" in result.output and "试运行" in result.output


def test_import_with_errors_and_apply_fails_and_says_why(small_app, tmp_path):
    with small_app.app_context():
        path = tmp_path / "villages.geojson"
        path.write_bytes(villages_as_file(geometry_wgs84_to_gcj02))
        before = db.session.scalar(sa.select(sa.func.sum(sa.func.ST_Area(GridUnit.boundary))))
        result = invoke(small_app, "grids", "import", str(path), "--level", "village", "--apply")
        assert result.exit_code == 1
        assert "GCJ-02" in result.output and "nothing written" in result.output
        db.session.expire_all()
        assert db.session.scalar(sa.select(sa.func.sum(sa.func.ST_Area(GridUnit.boundary)))) == before


def test_import_json_report(small_app, tmp_path):
    with small_app.app_context():
        path = tmp_path / "villages.geojson"
        path.write_bytes(villages_as_file(geometry_wgs84_to_gcj02))
        result = invoke(small_app, "grids", "import", str(path), "--level", "village", "--json")
        report = json.loads(result.output[: result.output.rindex("}") + 1])
        assert report["ok"] is False and report["problems"][0]["kind"] == "gcj02_shift"
        assert report["problems"][0]["message_zh"]


def test_partition_writes_a_geojson_proposal(small_app, tmp_path):
    with small_app.app_context():
        code = db.session.scalar(sa.select(GridUnit.code).where(GridUnit.level == "village").order_by(GridUnit.code))
        out = tmp_path / "proposal.geojson"
        result = invoke(small_app, "grids", "partition", code, "--target", "40", "--output", str(out))
        assert result.exit_code == 0, result.output
        proposal = json.loads(out.read_text(encoding="utf-8"))
        assert proposal["features"] and all(f["id"].startswith(code) for f in proposal["features"])
        assert "Dry run" in result.output


def test_partition_of_an_unknown_village(small_app):
    result = invoke(small_app, "grids", "partition", "610923999999")
    assert result.exit_code == 1 and "不是村" in result.output


def test_assign_reports_in_both_languages(small_app):
    result = invoke(small_app, "grids", "assign")
    assert result.exit_code == 0 and "0 move" in result.output and "户调整网格" in result.output


def test_a_county_is_started_only_in_an_empty_database_from_a_readable_outline(db_server, tmp_path):
    """`flask grids start-county`: each refusal names its cause in both languages and writes nothing; the county
    it writes lies where the GCJ-02 outline says, shifted back to WGS-84, and its administrator must change the
    password typed at the command line."""
    from geoalchemy2.shape import to_shape

    from seed.spec import NINGSHAN_OUTLINE
    from server.models import User
    from tests.conftest import migrated_app
    app = migrated_app(db_server)
    outline = str(NINGSHAN_OUTLINE)
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    nameless = tmp_path / "nameless.geojson"
    nameless.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [[[108, 33], [108.1, 33], [108.1, 33.1], [108, 33]]]}}]}),
        encoding="utf-8")
    for args, said in ((["--password", "short"], "密码至少 8 位"),
                       (["--password", "long-enough-1", "--code", "61092"], "县代码须为 6 位数字"),
                       (["--password", "long-enough-1", "--code", "610923"], "须给出县名")):
        result = invoke(app, "grids", "start-county", str(nameless) if "须给出县名" in said else outline, *args)
        assert result.exit_code == 1 and said in result.output, result.output
    result = invoke(app, "grids", "start-county", str(broken), "--password", "long-enough-1")
    assert result.exit_code == 1 and "县界文件无法读取" in result.output and "cannot be read" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(GridUnit)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    result = invoke(app, "grids", "start-county", outline, "--crs", "gcj02", "--admin", "xtgly", "--password",
                    "long-enough-1")
    assert result.exit_code == 0, result.output
    with app.app_context():
        county = db.session.scalar(sa.select(GridUnit))
        assert (county.level, county.code, county.name) == ("county", "610923", "宁陕县")
        stored = to_shape(county.boundary)
        drawn = shapely.union_all([shapely.geometry.shape(f["geometry"])
                                   for f in json.loads(NINGSHAN_OUTLINE.read_text(encoding="utf-8"))["features"]])
        # drawn in GCJ-02, some 500 m off here: stored shifted back to WGS-84
        assert shapely.hausdorff_distance(stored, drawn) > 0.004
        assert shapely.hausdorff_distance(stored, geometry_gcj02_to_wgs84(drawn)) < 1e-6
        admin = db.session.scalar(sa.select(User))
        assert (admin.username, admin.role, admin.unit_id, admin.must_change_password) == ("xtgly", "admin", county.id, True)
    result = invoke(app, "grids", "start-county", outline, "--password", "long-enough-1")
    assert result.exit_code == 1 and "只能在空数据库中创建县" in result.output

"""The `flask grids` commands, as a county's GIS staff would run them."""
import json

import shapely
import sqlalchemy as sa

from grids.crs import geometry_wgs84_to_gcj02
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

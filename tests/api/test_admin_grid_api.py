"""Boundary upload, partition and assignment over HTTP: admin only, dry run by default, audited."""
import io

import shapely
import shapely.affinity
import shapely.geometry
import sqlalchemy as sa

from grids.crs import geometry_wgs84_to_gcj02
from server.extensions import db
from server.models import AuditLog, GridUnit, Household
from tests.conftest import signed_in
from tests.test_grid_admin import villages_as_file


def upload(client, data, **form):
    return client.post("/api/admin/grid/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), "villages.geojson"), "level": "village", **form})


def test_a_dry_run_upload_reports_and_writes_nothing(small_app):
    admin = signed_in(small_app, "admin")
    with small_app.app_context():
        response = upload(admin, villages_as_file())
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["ok"] and body["features"] == 6 and body["applied"] is False


def test_an_upload_with_errors_and_apply_is_422_with_the_report(small_app):
    admin = signed_in(small_app, "admin")
    with small_app.app_context():
        response = upload(admin, villages_as_file(geometry_wgs84_to_gcj02), apply="true")
        assert response.status_code == 422
        report = response.get_json()["report"]
        assert report["problems"][0]["kind"] == "gcj02_shift" and report["applied"] is False


def test_an_applied_upload_is_written_and_audited(small_app):
    admin = signed_in(small_app, "admin")
    with small_app.app_context():
        response = upload(admin, villages_as_file(geometry_wgs84_to_gcj02), apply="true", crs="gcj02")
        assert response.status_code == 200 and response.get_json()["applied"]
        rows = db.session.scalars(sa.select(AuditLog).where(AuditLog.entity_type == "grid_unit",
                                                            AuditLog.action == "update")).all()
        assert len(rows) == 6 and all(r.username == "admin" for r in rows)
        assert all("boundary" in r.before and r.before["boundary"] != r.after["boundary"] for r in rows)


def test_upload_needs_a_file_and_a_level(small_app):
    admin = signed_in(small_app, "admin")
    response = admin.post("/api/admin/grid/import", content_type="multipart/form-data", data={"level": "hamlet"})
    assert response.status_code == 422 and "level" in response.get_json()["errors"]["form"]
    response = admin.post("/api/admin/grid/import", content_type="multipart/form-data", data={"level": "cell"})
    assert response.status_code == 422 and "file" in response.get_json()["errors"]["files"]


def test_only_admins_may_upload(small_app):
    secretary = signed_in(small_app, "t100")
    with small_app.app_context():
        data = villages_as_file()
    assert upload(secretary, data).status_code == 403
    assert upload(small_app.test_client(), data).status_code == 401


def test_partition_proposal_and_apply(small_app):
    admin = signed_in(small_app, "admin")
    with small_app.app_context():
        code = db.session.scalar(sa.select(GridUnit.code).where(GridUnit.level == "village").order_by(GridUnit.code))
    proposal = admin.post(f"/api/admin/grid/units/{code}/partition", json={"target": 30}).get_json()
    assert proposal["type"] == "FeatureCollection" and "applied" not in proposal
    applied = admin.post(f"/api/admin/grid/units/{code}/partition", json={"target": 30, "apply": True}).get_json()
    assert applied["applied"]["cells"] == len(proposal["features"])
    with small_app.app_context():
        cells = db.session.scalar(sa.select(sa.func.count()).where(GridUnit.code.startswith(code),
                                                                   GridUnit.level == "cell"))
        assert cells == len(proposal["features"])


def test_partition_of_something_that_is_not_a_village(small_app):
    admin = signed_in(small_app, "admin")
    assert admin.post("/api/admin/grid/units/610923100/partition", json={}).status_code == 404
    assert admin.post("/api/admin/grid/units/610923100201/partition", json={"target": 2}).status_code == 422


def test_assign_dry_run(small_app):
    admin = signed_in(small_app, "admin")
    body = admin.post("/api/admin/grid/assign", json={}).get_json()
    assert body["households"] == 1300 and body["moved"] == 0
    assert admin.post("/api/admin/grid/assign", json={"unit_code": "610923999"}).status_code == 404


def test_writes_need_the_csrf_token(small_app):
    admin = signed_in(small_app, "admin")
    del admin.environ_base["HTTP_X_CSRF_TOKEN"]
    response = admin.post("/api/admin/grid/assign", json={})
    assert response.status_code == 403 and "CSRF" in response.get_json()["message"]


def test_the_report_locates_each_problem_with_its_geometry_and_names_it_in_both_languages(small_app):
    admin = signed_in(small_app, "admin")
    with small_app.app_context():
        data = villages_as_file(lambda g: shapely.affinity.translate(g, 0.002, 0))  # every village shifted east
    body = upload(admin, data).get_json()
    assert not body["ok"] and body["problems"]
    for problem in body["problems"]:
        assert problem["location"] and problem["geometry"]["type"] in ("Polygon", "MultiPolygon")
        assert problem["title_zh"] and problem["title"] and problem["message_zh"]
    assert {"outside_parent", "gap"} <= {p["kind"] for p in body["problems"]}


def test_a_file_that_is_not_a_boundary_file_is_a_bilingual_report_not_a_500(small_app):
    admin = signed_in(small_app, "admin")
    for data, name in ((b"PK\x03\x04broken", "villages.zip"), (b"\x89PNG....", "photo.png"), (b"", "empty.geojson")):
        response = admin.post("/api/admin/grid/import", content_type="multipart/form-data",
                              data={"file": (io.BytesIO(data), name), "level": "village", "apply": "true"})
        assert response.status_code == 422, (name, response.get_json())
        problem = response.get_json()["report"]["problems"][0]
        assert problem["kind"] == "file" and problem["message_zh"] and problem["location"] is None


def test_a_proposal_carries_every_household_of_the_village_with_its_point_and_proposed_cell(small_app):
    admin = signed_in(small_app, "admin")
    with small_app.app_context():
        village = db.session.scalar(sa.select(GridUnit).where(GridUnit.level == "village").order_by(GridUnit.code))
        on_file = db.session.scalar(sa.select(sa.func.count()).select_from(Household).join(
            GridUnit, GridUnit.id == Household.cell_id).where(GridUnit.parent_id == village.id))
    proposal = admin.post(f"/api/admin/grid/units/{village.code}/partition", json={}).get_json()
    households = proposal["households"]
    assert len(households) == on_file and proposal["tolerance"] == 0.3
    assert proposal["target"] == (80 if village.name.endswith("社区") else 50)  # the default: 80 in a community
    cells = {f["properties"]["code"]: shapely.geometry.shape(f["geometry"]) for f in proposal["features"]}
    for f in proposal["features"]:
        held = [h for h in households if h["cell"] == f["properties"]["code"]]
        assert len(held) == f["properties"]["household_count"]
        assert all(cells[h["cell"]].buffer(1e-6).contains(shapely.Point(h["location"])) for h in held)
    unplaced = {h["code"] for h in households if h["cell"] is None}
    assert unplaced == set(proposal["outside_households"]) | set(proposal["unlocated_households"])


def test_a_file_over_the_limit_is_413_in_both_languages(small_app, monkeypatch):
    admin = signed_in(small_app, "admin")
    monkeypatch.setitem(small_app.config, "MAX_CONTENT_LENGTH", 10_000)
    response = upload(admin, b" " * 20_000)
    assert response.status_code == 413
    body = response.get_json()
    assert body["message"] and body["message_zh"] and body["message"] != body["message_zh"]

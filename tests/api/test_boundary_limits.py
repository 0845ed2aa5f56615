"""A boundary file that costs far more than it weighs (issue 22 point 5): a zipped Shapefile that unpacks to hundreds
of megabytes (a zip bomb), an archive of thousands of files, one whose declared sizes lie, a file of more features
than any county has. Each is refused before the work it would cause, naming the limit in both languages, and writes
nothing. The memory a request takes is measured: the bomb grew a worker by ~800 MB."""
import io
import json
import zipfile

import pytest
import sqlalchemy as sa

from server import limits
from server.extensions import db
from server.models import GridUnit
from tests.conftest import signed_in
from tests.unit.test_validate import EAST, WEST, shapefile_zip
from tests.zip_bombs import MB, declaring, peak_megabytes, zip_of


@pytest.fixture(scope="module")
def app(db_server):
    from tests.conftest import small_county_app
    return small_county_app(db_server)


@pytest.fixture(scope="module")
def parts():
    """A good Shapefile's .shp, .shx and .dbf: two villages."""
    with zipfile.ZipFile(io.BytesIO(shapefile_zip([("610923100201", "柳林村", WEST),
                                                   ("610923100202", "青山村", EAST)]))) as archive:
        return {name.rsplit(".")[-1]: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def bomb(parts):
    """A Shapefile whose .shp is 200 MB of zeros: about 200 KB zipped."""
    return zip_of({"villages.shx": parts["shx"], "villages.dbf": parts["dbf"]}, zeros={"villages.shp": 200 * MB})


@pytest.fixture(scope="module")
def admin(app):
    return signed_in(app, "admin")  # once: signing in (scrypt) takes more memory than a refusal may


def upload(client, data, filename="villages.zip", **form):
    return client.post("/api/admin/grid/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), filename), "level": "village", **form})




def units(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(GridUnit))


def refusal(response, status, limit):
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert limit in body["message"] and limit in body["message_zh"] and "上限" in body["message_zh"]
    problem, = body["report"]["problems"]
    assert problem["kind"] == "over_limit" and problem["title_zh"] and problem["message_zh"] == body["message_zh"]
    assert body["limits"] == limits.boundary_limits()
    return body


@pytest.mark.parametrize("apply", ["false", "true"])
def test_a_zip_bomb_is_refused_from_its_declared_size_without_unpacking_it(app, admin, bomb, apply):
    assert len(bomb) < MB
    before = units(app)
    response, peak = peak_megabytes(lambda: upload(admin, bomb, apply=apply))
    assert peak < 10, f"the answer took {peak:.0f} MB"
    body = refusal(response, 413, "max_unpacked_bytes")
    assert "100 MB" in body["message"] and "100 MB" in body["message_zh"]
    assert units(app) == before


def test_an_archive_that_lies_about_its_sizes_is_refused_without_unpacking_more_than_it_declared(app, admin, bomb):
    """The central directory says 1 KB; the member inflates to 200 MB. It is read no further than declared."""
    liar = declaring(bomb, "villages.shp", 1024)
    response, peak = peak_megabytes(lambda: upload(admin, liar, apply="true"))
    assert peak < 10, f"the answer took {peak:.0f} MB"
    assert response.status_code == 422, response.get_json()
    problem, = response.get_json()["report"]["problems"]
    assert problem["kind"] == "file" and "压缩包已损坏" in problem["message_zh"]


def test_an_archive_of_too_many_files_is_refused_naming_the_limit(app, admin, parts):
    crowd = {f"junk/{i}.txt": b"" for i in range(limits.MAX_ARCHIVE_MEMBERS)}
    archive = zip_of({"villages.shp": parts["shp"], "villages.shx": parts["shx"], "villages.dbf": parts["dbf"],
                      **crowd})
    body = refusal(upload(admin, archive), 413, "max_archive_members")
    assert f"{limits.MAX_ARCHIVE_MEMBERS}" in body["message"]


def test_a_good_shapefile_within_the_limits_is_read(app, admin, parts):
    archive = zip_of({"villages.shp": parts["shp"], "villages.shx": parts["shx"], "villages.dbf": parts["dbf"]})
    response = upload(admin, archive)
    assert response.status_code == 200 and response.get_json()["features"] == 2


def minimal_features(count: int) -> bytes:
    """A FeatureCollection of `count` cells, tiny squares side by side, written as text (fast for many thousands)."""
    square = ('{{"type":"Feature","properties":{{"code":"610923100{v:03d}{c:03d}","name":"c"}},"geometry":{{"type":'
              '"Polygon","coordinates":[[[{x},{y}],[{x}1,{y}],[{x}1,{y}1],[{x},{y}]]]}}}}')
    return ('{"type":"FeatureCollection","features":[' + ",".join(
        square.format(v=201 + i // 999, c=1 + i % 999, x=f"108.{3000 + i % 100:04d}", y=f"33.{3000 + i // 100:04d}")
        for i in range(count)) + "]}").encode()


def test_more_features_than_the_limit_are_refused_before_any_geometry_is_built(app, admin, monkeypatch):
    import grids.io
    built = []
    real_shape = grids.io.shape
    monkeypatch.setattr(grids.io, "shape", lambda geometry: built.append(1) or real_shape(geometry))
    before = units(app)
    data = minimal_features(limits.MAX_FEATURES + 1)
    body = refusal(upload(admin, data, "cells.geojson", level="cell", apply="true"), 422, "max_features")
    assert f"{limits.MAX_FEATURES:,}" in body["message"] and f"{limits.MAX_FEATURES + 1:,}" in body["message_zh"]
    assert built == [] and units(app) == before


def test_a_shapefile_of_more_features_than_the_limit_is_refused(app, admin, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FEATURES", 1)
    archive = shapefile_zip([("610923100201", "柳林村", WEST), ("610923100202", "青山村", EAST)])
    body = refusal(upload(admin, archive), 422, "max_features")
    assert body["limits"]["max_features"] == 1


def test_the_limit_is_far_above_a_countys_cells():
    assert limits.MAX_FEATURES >= 6000  # the benchmark county (Ankang) has 6,000 cells; a county a few thousand


def test_a_file_at_the_limit_is_read(app, admin, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FEATURES", 2)
    data = json.dumps({"type": "FeatureCollection", "features": json.loads(minimal_features(2))["features"]})
    assert upload(admin, data.encode(), "cells.geojson", level="cell").get_json()["features"] == 2

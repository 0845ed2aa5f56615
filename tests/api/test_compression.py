"""Answers are compressed in the app (Flask-Compress, server/config.py): brotli or gzip as the client accepts, the
same content once decoded, Vary: Accept-Encoding on every answer, and nothing compressed twice or that is
compressed already (workbooks, photos)."""
import gzip
import json

import brotli
import pytest

from server.pwa import VIEWS_DIR
from tests.api.test_maps import county_tile
from tests.conftest import signed_in

DECODE = {"gzip": gzip.decompress, "br": brotli.decompress}


@pytest.fixture(scope="module")
def county(db_server):
    """The small county, shared by the module (these tests only read)."""
    from tests.conftest import small_county_app
    return small_county_app(db_server)


@pytest.fixture(scope="module")
def staff(county):
    return signed_in(county, "county01")


def varies_by_encoding(response) -> bool:
    return "accept-encoding" in response.headers.get("Vary", "").lower()


@pytest.mark.parametrize("encoding", ["gzip", "br"])
@pytest.mark.parametrize("path", ["/api/map/units?level=town", "/api/stats/figures?level=village&start=2026-10-01"
                                  "&end=2026-11-01", "/api/grid/tree"])
def test_json_compressed_decodes_to_the_same_json(staff, path, encoding):
    plain = staff.get(path)
    packed = staff.get(path, headers={"Accept-Encoding": encoding})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == encoding
    assert varies_by_encoding(plain) and varies_by_encoding(packed)
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 3
    assert json.loads(DECODE[encoding](packed.data)) == plain.get_json()


def test_the_browsers_preference_is_brotli_and_gzip_over_http(staff):
    """Chromium offers "gzip, deflate, br, zstd" over TLS and "gzip, deflate" over plain HTTP: brotli, then gzip."""
    assert staff.get("/api/map/units?level=town", headers={
        "Accept-Encoding": "gzip, deflate, br, zstd"}).headers["Content-Encoding"] == "br"
    assert staff.get("/api/map/units?level=town", headers={
        "Accept-Encoding": "gzip, deflate"}).headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in staff.get("/api/map/units?level=town", headers={
        "Accept-Encoding": "identity"}).headers


def test_small_answers_go_as_they_are(staff):
    response = staff.get("/api/auth/me", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and len(response.data) < 500
    assert "Content-Encoding" not in response.headers and varies_by_encoding(response)


def test_heat_tiles_are_compressed_and_decode_to_the_same_tile(county, staff, monkeypatch):
    monkeypatch.setitem(county.config, "COMPRESS_MIN_SIZE", 100)  # the small county's tiles are small
    tile = county_tile(county, 9)
    path = f"/api/map/heat/9/{tile.x}/{tile.y}.mvt"
    plain, packed = staff.get(path), staff.get(path, headers={"Accept-Encoding": "gzip"})
    assert plain.mimetype == packed.mimetype == "application/vnd.mapbox-vector-tile"
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and gzip.decompress(packed.data) == plain.data
    assert packed.headers["Cache-Control"] == "private, max-age=60" and varies_by_encoding(packed)


def test_csv_export_is_compressed_and_keeps_its_file_name(staff):
    path = "/api/stats/figures?format=csv&level=village&start=2026-10-01&end=2026-11-01"
    plain, packed = staff.get(path), staff.get(path, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and gzip.decompress(packed.data) == plain.data
    assert packed.headers["Content-Disposition"] == plain.headers["Content-Disposition"]


def test_workbooks_are_not_compressed_again(staff):
    response = staff.get("/api/stats/figures?format=xlsx&start=2026-10-01&end=2026-11-01",
                         headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200 and response.data[:2] == b"PK"  # a zip file, compressed already
    assert "Content-Encoding" not in response.headers


def test_a_script_streams_compressed_and_revalidates_by_its_compressed_etag(county):
    client = county.test_client()
    response = client.get("/views/js/county.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data) == (VIEWS_DIR / "js" / "county.js").read_bytes()
    assert varies_by_encoding(response)
    again = client.get("/views/js/county.js", headers={"Accept-Encoding": "gzip",
                                                       "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.data

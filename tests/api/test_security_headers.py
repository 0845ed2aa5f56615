"""What every answer tells the browser (issue 22 point 8): no type sniffing, no framing by other sites, scripts from
this server only (the desk's import map by its hash), and redirects that stay on this site whatever Host was sent."""
import base64
import hashlib
import re

import pytest

from tests.conftest import signed_in


@pytest.fixture(scope="module")
def app(db_server):
    from tests.conftest import small_county_app
    return small_county_app(db_server)


@pytest.mark.parametrize("path", ["/api/auth/me", "/api/disputes", "/views/county", "/app/", "/app/sw.js",
                                  "/views/js/county.js", "/api/docs", "/api/openapi.json", "/api/no-such-thing",
                                  "/app/no-such-file.js"])
def test_every_answer_refuses_sniffing_framing_and_foreign_scripts(app, path):
    response = signed_in(app, "county01").get(path)
    policy = response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in policy
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert script_src.split()[0] == "'self'" and "unsafe" not in script_src and "*" not in script_src
    assert "object-src 'none'" in policy and "base-uri 'none'" in policy


def test_the_desk_shell_allows_exactly_its_import_map(app):
    response = signed_in(app, "county01").get("/views/county")
    html = response.get_data(as_text=True)
    import_map = re.search(r'<script type="importmap">(.*?)</script>', html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(import_map.encode()).digest()).decode()
    assert re.search(r"script-src ([^;]*)", response.headers["Content-Security-Policy"]).group(1).split() == [
        "'self'", f"'sha256-{digest}'"]
    assert "<script>" not in html and "<script>" not in app.test_client().get("/api/docs").get_data(as_text=True)


def test_the_base_maps_tile_servers_are_allowed_as_images(app):
    saved = dict(app.config)
    try:
        app.config.update(TILE_URL="https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}", TILE_CRS="gcj02")
        policy = app.test_client().get("/app/config.json").headers["Content-Security-Policy"]
        assert "img-src 'self' data: blob: https://*.is.autonavi.com" in policy
        app.config.update(TILE_URL="", TIANDITU_KEY="k", TILE_CRS="wgs84")
        policy = app.test_client().get("/app/config.json").headers["Content-Security-Policy"]
        assert "https://*.tianditu.gov.cn" in re.search(r"img-src ([^;]*)", policy).group(1)
    finally:
        app.config.update(saved)


@pytest.mark.parametrize("path, location", [("/app", "/app/"), ("/", "/views/desk?then=home")])
def test_redirects_stay_on_this_site_whatever_host_the_request_named(app, path, location):
    response = app.test_client().get(path, headers={"Host": "evil.example"})
    assert response.status_code in (302, 308) and response.headers["Location"] == location

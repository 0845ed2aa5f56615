"""The desk's scripts, styles and npm libraries by content-hashed addresses (server/assets.py): cached for a year
when the hash is the file's, revalidated otherwise; the shell carries the import map and is revalidated itself."""
import json
import re

import pytest

from server.assets import IMMUTABLE
from server.pwa import ASSETS, NODE_MODULES, PWA_DIR, VIEWS_DIR


@pytest.fixture(scope="module")
def client(db_server):
    from tests.conftest import migrated_app
    return migrated_app(db_server).test_client()


def shell_parts(html: str):
    import_map = json.loads(re.search(r'<script type="importmap">(.*?)</script>', html, re.S).group(1))["imports"]
    entry = re.search(r'<script type="module" src="([^"]+)"', html).group(1)
    return import_map, entry


@pytest.mark.parametrize("url, path", [
    ("/views/js/county.js", VIEWS_DIR / "js" / "county.js"), ("/views/css/views.css", VIEWS_DIR / "css" / "views.css"),
    ("/app/js/api.js", PWA_DIR / "js" / "api.js"),
    ("/app/vendor/leaflet/leaflet.js", NODE_MODULES / "leaflet" / "dist" / "leaflet.js"),
    ("/app/vendor/pbf/index.js", NODE_MODULES / "pbf" / "index.js")])
def test_a_hashed_address_is_cached_for_a_year_with_the_files_bytes(client, url, path):
    hashed = ASSETS.hashed(url)
    assert re.fullmatch(re.escape(url) + r"\?v=[0-9a-f]{12}", hashed)
    response = client.get(hashed)
    assert response.status_code == 200 and response.data == path.read_bytes()
    assert response.headers["Cache-Control"] == IMMUTABLE and "Expires" not in response.headers


@pytest.mark.parametrize("query", ["", "?v=0123456789ab"])
def test_a_plain_or_old_address_gets_the_current_file_revalidated(client, query):
    response = client.get(f"/views/js/county.js{query}")
    assert response.status_code == 200 and response.data == (VIEWS_DIR / "js" / "county.js").read_bytes()
    assert "immutable" not in response.headers["Cache-Control"] and "max-age=0" in response.headers["Cache-Control"]


def test_the_phone_apps_service_worker_is_never_cached_for_long(client):
    response = client.get(ASSETS.hashed("/app/sw.js"))
    assert response.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("page, script", [("county", "county.js"), ("town", "town.js"), ("desk", "desk.js")])
def test_the_shell_carries_the_import_map_of_its_modules(client, page, script):
    response = client.get(f"/views/{page}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
    html = response.get_data(as_text=True)
    import_map, entry = shell_parts(html)
    assert entry == ASSETS.hashed(f"/views/js/{script}") == import_map[f"/views/js/{script}"]
    for url in ("/app/js/api.js", "/app/js/i18n.js", "/views/js/session.js"):
        assert import_map[url] == ASSETS.hashed(url)
    assert import_map["@mapbox/point-geometry"] == ASSETS.hashed("/app/vendor/point-geometry/index.js")
    for url in ("/views/css/views.css", "/app/vendor/leaflet/leaflet.css", "/app/vendor/leaflet/leaflet.js"):
        assert f'"{ASSETS.hashed(url)}"' in html
    again = client.get(f"/views/{page}", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_county_shell_maps_the_heat_maps_libraries(client):
    import_map, _ = shell_parts(client.get("/views/county").get_data(as_text=True))
    for url in ("/views/js/heat.js", "/app/vendor/pbf/index.js", "/app/vendor/vector-tile/index.js",
                "/app/js/gcj02.js", "/views/js/figures.js"):
        assert import_map[url] == ASSETS.hashed(url)


def test_the_shell_preloads_every_module_its_page_imports_before_it_runs(client):
    html = client.get("/views/county").get_data(as_text=True)
    preloads = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
    needed, _ = ASSETS.module_graph("/views/js/county.js")
    assert preloads == [ASSETS.hashed(url) for url in needed if url != "/views/js/county.js"]
    for url in ("/app/js/ids.js", "/views/js/heat.js", "/app/vendor/point-geometry/index.js"):  # deep ones too
        assert ASSETS.hashed(url) in preloads
    assert html.index('type="importmap"') < html.index('rel="modulepreload"')  # a preload before the map voids it


def test_the_phone_apps_page_preloads_its_modules_by_the_addresses_its_service_worker_keeps(client):
    response = client.get("/app/")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
    html = response.get_data(as_text=True)
    preloads = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
    needed, _ = ASSETS.module_graph("/app/js/app.js")
    assert preloads == [url for url in needed if url != "/app/js/app.js"] and "/app/js/gcj02.js" in preloads
    precached = set(re.findall(r'"(/app/[^"]+)"', (PWA_DIR / "sw" / "precache.js").read_text()))
    assert set(preloads) <= precached  # plain addresses: the very requests the service worker answers offline
    assert "{%" not in html and client.get("/app/index.html").get_data(as_text=True) == html
    assert client.get("/app/", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304

"""The desk's maps over a base map drawn from a local tile server (any source by TILE_URL, shifted for GCJ-02 tiles;
the 天地图 preset with its key), and with none; the phone's map from the same settings; and the units' names written
where they fit."""
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import shapely
from shapely.geometry import shape

from grids.crs import wgs84_to_gcj02
from server.config import base_map
from server.maps.tiles import lonlat_to_tile
from tests.browser.phone import phone_of
from tests.browser.test_offline_roundtrip import first_worker
from tests.browser.test_views import desktop, secretary_of, sign_in  # noqa: F401 (the desk's fixture)
from tests.conftest import signed_in

SETTINGS = ("TILE_URL", "TILE_CRS", "TILE_ATTRIBUTION", "TIANDITU_KEY", "TIANDITU_URL")
TOWN = "610923100"
XYZ = re.compile(r"^/xyz/(\d+)/(\d+)/(\d+)\.png$")

# The map in `selector` is done: zoomed to its units as unitLayer fits them, `layers` tile layers, none loading, every
# tile image loaded
SETTLED = """([selector, layers]) => {
  const map = document.querySelector(selector)?.wanggeMap;
  if (!map || map._animatingZoom) return false;
  let units = L.latLngBounds([]), tileLayers = 0, loading = false;
  map.eachLayer((layer) => {
    if (layer.feature && layer.getBounds) units.extend(layer.getBounds());
    if (layer instanceof L.TileLayer) { tileLayers++; loading = loading || layer.isLoading(); }
  });
  return units.isValid() && map.getZoom() === map.getBoundsZoom(units, false, L.point(24, 24)) && tileLayers === layers
    && !loading && [...document.querySelectorAll(`${selector} img.leaflet-tile`)].every((img) =>
      img.classList.contains("leaflet-tile-loaded") && img.naturalWidth === 256);
}"""


@pytest.fixture
def configure(live_server, tile_server):
    """Sets the map settings for a test (config.json reads them on each request) as create_app checks them, and
    clears the tile server's record; they go back afterwards."""
    app, _ = live_server
    saved = {key: app.config[key] for key in SETTINGS}

    def set_tiles(**settings):
        app.config.update({**saved, **settings})
        base_map(app.config)
        tile_server.paths.clear()
    yield set_tiles
    app.config.update(saved)


def features(app, level, under=None):
    query = f"level={level}" + (f"&under={under}" if under else "")
    return json.loads(signed_in(app, "county01").get(f"/api/map/units?{query}").data)["features"]


def tiles_over(west, south, east, north, z):
    """The z/x/y of every tile a box touches."""
    nw, se = lonlat_to_tile(west, north, z), lonlat_to_tile(east, south, z)
    return {(z, x, y) for x in range(nw.x, se.x + 1) for y in range(nw.y, se.y + 1)}


def view_of(page, selector):
    """(tile zoom, tiles of the map's view): Leaflet draws tiles of the zoom nearest the map's."""
    zoom, bounds = page.eval_on_selector(selector, """e => { const b = e.wanggeMap.getBounds();
        return [e.wanggeMap.getZoom(), [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]]; }""")
    return round(zoom), tiles_over(*bounds, round(zoom))


def xyz_requests(tile_server):
    return {tuple(int(n) for n in XYZ.match(path).groups()) for path in tile_server.paths}


def first_vertex(page, selector, code):
    """[lat, lng] of a unit's first vertex as drawn."""
    return page.eval_on_selector(selector, """(e, code) => { let vertex = null;
        e.wanggeMap.eachLayer((l) => { if (l.feature?.properties.code === code) vertex = l.getLatLngs().flat(9)[0]; });
        return [vertex.lat, vertex.lng]; }""", code)


def county_page(context, layers, page=None):
    """The county view of county staff, settled; with `page`, that page read again (the settings anew)."""
    if page:
        page.reload()
    else:
        page = sign_in(context, "/views/county", "county01")
    page.wait_for_selector("#drill-map[data-level=town]")
    page.wait_for_function(SETTLED, arg=["#drill-map", layers])
    return page


# --- the base map ------------------------------------------------------------------------------------------

def test_the_county_view_draws_the_tiles_covering_the_county(live_server, desktop, tile_server, configure):  # noqa: F811
    app, _ = live_server
    configure(TILE_URL=f"{tile_server.url}/xyz/{{z}}/{{x}}/{{y}}.png", TILE_ATTRIBUTION="测试底图")
    page = county_page(desktop, 1)
    z, shown = view_of(page, "#drill-map")
    _, heat_shown = view_of(page, "#heat-map")
    county = shapely.union_all([shape(f["geometry"]) for f in features(app, "town")]).bounds
    wanted = tiles_over(*county, z)
    requested = {tile for tile in xyz_requests(tile_server) if tile[0] == z}
    assert wanted <= requested <= shown | heat_shown
    drawn = page.eval_on_selector_all("#drill-map img.leaflet-tile-loaded", "imgs => imgs.map(i => i.src)")
    assert {tuple(int(n) for n in XYZ.match(urlsplit(src).path).groups()) for src in drawn} >= wanted
    assert "测试底图" in page.inner_text("#drill-map .leaflet-control-attribution")


def test_over_gcj02_tiles_the_units_are_shifted_and_the_tiles_follow(
        live_server, desktop, tile_server, configure):  # noqa: F811
    app, _ = live_server
    town = next(f for f in features(app, "town") if f["id"] == TOWN)
    lon, lat = shapely.get_coordinates(shape(town["geometry"]))[0]
    configure(TILE_URL=f"{tile_server.url}/xyz/{{z}}/{{x}}/{{y}}.png")
    page = county_page(desktop, 1)
    assert first_vertex(page, "#drill-map", TOWN) == pytest.approx([lat, lon], abs=1e-9)
    configure(TILE_URL=f"{tile_server.url}/xyz/{{z}}/{{x}}/{{y}}.png", TILE_CRS="gcj02")
    page = county_page(desktop, 1, page)
    glon, glat = wgs84_to_gcj02(lon, lat)
    shifted = first_vertex(page, "#drill-map", TOWN)
    assert shifted == pytest.approx([glat, glon], abs=1e-7) and abs(shifted[1] - lon) > 0.003  # hundreds of metres
    z, _ = view_of(page, "#drill-map")
    county = shapely.union_all([shape(f["geometry"]) for f in features(app, "town")]).bounds
    west, south = wgs84_to_gcj02(county[0], county[1])
    east, north = wgs84_to_gcj02(county[2], county[3])
    assert tiles_over(west, south, east, north, z) <= xyz_requests(tile_server)


def test_the_tianditu_preset_draws_vector_tiles_and_their_annotation_with_the_key(
        live_server, desktop, tile_server, configure):  # noqa: F811
    app, _ = live_server
    configure(TIANDITU_KEY="wangge-test-key", TIANDITU_URL=f"{tile_server.url}/t{{s}}")
    page = sign_in(desktop, "/views/town", secretary_of(app, TOWN))
    page.wait_for_function(SETTLED, arg=["#town-map", 2])
    z, shown = view_of(page, "#town-map")
    town = shapely.union_all([shape(f["geometry"]) for f in features(app, "cell", TOWN)]).bounds
    by_layer = {"vec": set(), "cva": set()}
    for path in tile_server.paths:
        url = urlsplit(path)
        host, service = re.fullmatch(r"/t([0-7])/(\w+)_w/wmts", url.path).groups()
        query = {key: value for key, [value] in parse_qs(url.query).items()}
        assert query["tk"] == "wangge-test-key" and query["LAYER"] == service and query["TILEMATRIXSET"] == "w"
        by_layer[service].add((int(query["TILEMATRIX"]), int(query["TILECOL"]), int(query["TILEROW"])))
    for requested in by_layer.values():
        assert tiles_over(*town, z) <= {tile for tile in requested if tile[0] == z} <= shown
    layers = page.eval_on_selector_all("#town-map .leaflet-tile-pane > .leaflet-layer", """ls => ls.map(l =>
        [...l.querySelectorAll('img.leaflet-tile-loaded')].map(i => new URL(i.src).pathname.split('/')[2]))""")
    assert [set(layer) for layer in layers] == [{"vec_w"}, {"cva_w"}]  # the names over the map
    assert "天地图" in page.inner_text("#town-map .leaflet-control-attribution")


def test_without_tiles_no_tile_is_asked_for_and_the_map_still_draws(
        live_server, desktop, tile_server, configure):  # noqa: F811
    app, base = live_server
    configure(TILE_URL="")
    asked = []
    desktop.on("request", lambda request: asked.append(request.url))
    page = county_page(desktop, 0)
    assert page.locator("#drill-map path.unit").count() == len(features(app, "town"))
    assert page.locator("#drill-map img, #drill-map .leaflet-control-attribution").count() == 0
    assert tile_server.paths == [] and [url for url in asked if not url.startswith(base)] == []


def test_the_phone_draws_the_same_base_map(live_server, browser, tile_server, configure):
    app, base = live_server
    configure(TILE_URL=f"{tile_server.url}/xyz/{{z}}/{{x}}/{{y}}.png")
    username = first_worker(app)[0]
    cell_code = signed_in(app, username).get("/api/auth/me").get_json()["user"]["unit_code"]
    cell = next(f for f in features(app, "cell") if f["id"] == cell_code)
    phone, page = phone_of(browser, base, username)
    page.goto("/app/#/map")
    page.wait_for_function("""() => document.querySelectorAll('#map img.leaflet-tile-loaded').length > 0
        && document.querySelectorAll('#map img.leaflet-tile:not(.leaflet-tile-loaded)').length === 0""")
    requested = xyz_requests(tile_server)
    z = max(tile[0] for tile in requested)  # the phone's map opens on its cell
    assert tiles_over(*shape(cell["geometry"]).bounds, z) <= requested
    phone.close()


# --- the units' names ----------------------------------------------------------------------------------------

def labels(page, selector):
    """The names written on the map, whether any two of them overlap on screen, and whether each lies within the box
    of its unit on screen."""
    boxes = page.eval_on_selector(selector, """(element) => {
      const map = element.wanggeMap, origin = element.getBoundingClientRect(), units = {};
      map.eachLayer((layer) => { if (layer.feature) units[layer.feature.properties.code] = layer.getBounds(); });
      return [...element.querySelectorAll(".unit-label span")].map((span) => {
        const name = span.getBoundingClientRect(), bounds = units[span.dataset.code];
        const [sw, ne] = [bounds.getSouthWest(), bounds.getNorthEast()].map((c) => map.latLngToContainerPoint(c));
        const within = name.left - origin.left >= sw.x - 1 && name.right - origin.left <= ne.x + 1
          && name.top - origin.top >= ne.y - 1 && name.bottom - origin.top <= sw.y + 1;
        return [span.textContent, name.left, name.top, name.right, name.bottom, within]; });
    }""")
    overlapping = any(a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
                      for i, a in enumerate(boxes) for b in boxes[i + 1:])
    return sorted(box[0] for box in boxes), overlapping, all(box[5] for box in boxes)


def test_town_names_are_written_on_the_county_map_and_a_click_on_one_drills(live_server, desktop, configure):  # noqa: F811
    app, _ = live_server
    configure()
    page = county_page(desktop, 0)
    towns = {f["properties"]["name"]: f["id"] for f in features(app, "town")}
    assert labels(page, "#drill-map") == (sorted(towns), False, True)
    name = sorted(towns)[0]
    box = page.locator("#drill-map .unit-label span", has_text=name).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # on the name: the town under it
    page.wait_for_selector("#drill-map[data-level=village]")
    assert page.inner_text("#breadcrumb [aria-current]") == name


def test_cell_names_show_only_where_they_fit_and_appear_when_zoomed_in(live_server, desktop, configure):  # noqa: F811
    app, _ = live_server
    configure()
    page = sign_in(desktop, "/views/town", secretary_of(app, TOWN))
    page.wait_for_function(SETTLED, arg=["#town-map", 0])
    cells = sorted(f["properties"]["name"] for f in features(app, "cell", TOWN))

    def zoom_by(delta):  # as the zoom buttons do; the names are placed on zoomend, before this listener's turn
        page.eval_on_selector("#town-map", """(e, d) => new Promise((done) => {
            e.wanggeMap.once("zoomend", done).setZoom(e.wanggeMap.getZoom() + d); })""", delta)
        return labels(page, "#town-map")

    shown, overlapping, within = zoom_by(-1)
    assert 0 < len(shown) < len(cells) and set(shown) < set(cells) and not overlapping and within
    shown, overlapping, within = zoom_by(2)
    assert shown == cells and not overlapping and within

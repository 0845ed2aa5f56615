"""The base map's settings as /app/config.json gives them to the desk and the phone, and the settings the app refuses
to start with (tests/browser/test_base_map_and_labels.py draws them)."""
from urllib.parse import parse_qs, urlsplit

import pytest

from server.config import Config, ConfigError
from tools.app import make_app

TILES = "https://tiles.example.cn/{z}/{x}/{y}.png"


@pytest.fixture
def app(tmp_path):
    return make_app(f"sqlite:///{tmp_path / 'none.sqlite'}")  # config.json reads no table


def config_json(app, **settings):
    app.config.update(settings)
    response = app.test_client().get("/app/config.json")
    assert response.status_code == 200
    return response.get_json()["tiles"]


def test_without_settings_there_is_no_base_map(app):
    assert config_json(app) == {"crs": "wgs84", "layers": []}


@pytest.mark.parametrize("crs", ["wgs84", "gcj02"])
def test_a_tile_url_is_one_layer_in_its_crs_with_its_attribution(app, crs):
    tiles = config_json(app, TILE_URL=TILES, TILE_CRS=crs, TILE_ATTRIBUTION="© 测试")
    assert tiles == {"crs": crs, "layers": [{"url": TILES, "subdomains": "abc", "attribution": "© 测试",
                                             "max_zoom": None}]}


def test_the_tianditu_key_gives_its_vector_tiles_and_their_annotation_over_them(app):
    tiles = config_json(app, TIANDITU_KEY="0123abcd")
    assert tiles["crs"] == "wgs84" and [layer["subdomains"] for layer in tiles["layers"]] == ["01234567"] * 2
    for layer, name in zip(tiles["layers"], ["vec", "cva"]):
        url = urlsplit(layer["url"])
        assert (url.scheme, url.netloc, url.path) == ("https", "t{s}.tianditu.gov.cn", f"/{name}_w/wmts")
        assert {key: value for key, [value] in parse_qs(url.query).items()} == {
            "SERVICE": "WMTS", "REQUEST": "GetTile", "VERSION": "1.0.0", "LAYER": name, "STYLE": "default",
            "TILEMATRIXSET": "w", "FORMAT": "tiles", "TILEMATRIX": "{z}", "TILEROW": "{y}", "TILECOL": "{x}",
            "tk": "0123abcd"}
        assert "天地图" in layer["attribution"] and layer["max_zoom"] == 18


@pytest.mark.parametrize("settings, named", [
    ({"TILE_CRS": "bd09"}, "TILE_CRS='bd09'"),
    ({"TILE_CRS": "WGS84"}, "TILE_CRS='WGS84'"),
    ({"TILE_URL": TILES, "TIANDITU_KEY": "k"}, "TILE_URL and TIANDITU_KEY"),
    ({"TIANDITU_KEY": "k", "TILE_CRS": "gcj02"}, "TILE_CRS='gcj02' with TIANDITU_KEY"),
    ({"TILE_URL": "https://tiles.example.cn/tile.png"}, "TILE_URL='https://tiles.example.cn/tile.png'"),
])
def test_a_bad_map_setting_stops_the_start_naming_it(tmp_path, settings, named):
    class Bad(Config):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'none.sqlite'}"
    for key, value in settings.items():
        setattr(Bad, key, value)
    from server import create_app
    with pytest.raises(ConfigError) as refused:
        create_app(Bad)
    assert str(refused.value).startswith(named)

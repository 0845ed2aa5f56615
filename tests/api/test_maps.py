"""Map layers: units with their figures as GeoJSON, and dispute heat tiles checked bin by bin."""
import collections
import datetime as dt
import json
import math
import time
import uuid

import mapbox_vector_tile
import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.maps.heat import BINS, BUFFER_BINS
from server.maps.tiles import EARTH_RADIUS, Tile, lonlat_to_tile
from server.models import GridUnit, Household, User, Visit
from tests.conftest import signed_in

TOWNS = ("610923100", "610923101")


@pytest.fixture(scope="module")
def county(db_server):
    """The small county, shared by the module (these tests only read)."""
    from tests.conftest import small_county_app
    return small_county_app(db_server)


def sql(app, query, **params):
    from server.extensions import db
    with app.app_context():
        return db.session.execute(sa.text(query), params).all()


def test_towns_as_geojson_with_coverage_of_the_last_30_days(county):
    body = signed_in(county, "county01").get("/api/map/units?level=town")
    assert body.status_code == 200 and body.mimetype == "application/geo+json"
    features = json.loads(body.data)["features"]
    assert [f["id"] for f in features] == list(TOWNS)
    since = dt.datetime.now(dt.timezone.utc).astimezone(dt.timezone(dt.timedelta(hours=8))).date() - dt.timedelta(days=29)
    since_utc = dt.datetime.combine(since, dt.time(), dt.timezone(dt.timedelta(hours=8))).astimezone(dt.timezone.utc)
    for feature in features:
        p = feature["properties"]
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        (households, visited), = sql(county, (
            "SELECT COUNT(DISTINCT h.id), COUNT(DISTINCT v.household_id) FROM household h JOIN grid_unit c ON c.id = h.cell_id "
            "LEFT JOIN visit v ON v.household_id = h.id AND v.visited_at >= :since WHERE c.code LIKE :town"),
            since=since_utc.replace(tzinfo=None) if county.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
            else since_utc, town=p["code"] + "%")
        assert (p["households"], p["visited_households"]) == (households, visited) and households > 0
        assert p["coverage"] == pytest.approx(visited / households)
        assert p["level"] == "town" and p["parent_code"] == "610923"
        open_count, = sql(county, "SELECT COUNT(*) FROM dispute d JOIN grid_unit c ON c.id = d.cell_id "
                                  "WHERE c.code LIKE :town AND d.state IN ('reported', 'accepted', 'assigned', "
                                  "'mediating')", town=p["code"] + "%")[0]
        assert p["open_disputes"] == open_count


def test_cells_of_a_town_name_their_workers_and_stay_in_scope(county):
    secretary = signed_in(county, "t101")
    cells = json.loads(secretary.get("/api/map/units?level=cell&under=610923101").data)["features"]
    expected = sql(county, "SELECT c.code, u.display_name FROM app_user u JOIN grid_unit c ON c.id = u.unit_id "
                           "WHERE u.role = 'grid_worker' AND c.code LIKE '610923101%'")
    assert len(cells) == len({code for code, _ in expected}) > 0
    by_code = {f["id"]: f["properties"] for f in cells}
    for code, name in expected:
        assert name in by_code[code]["workers"]
    # the other town's units are out of this secretary's scope: nothing, not an error
    assert json.loads(secretary.get("/api/map/units?level=cell&under=610923100").data)["features"] == []
    towns = json.loads(secretary.get("/api/map/units?level=town").data)["features"]
    assert [f["id"] for f in towns] == ["610923101"]


@pytest.mark.parametrize("level", ["town", "village", "cell"])
def test_every_unit_carries_a_label_point_inside_its_boundary_as_drawn(county, level):
    from shapely.geometry import Point, shape
    features = json.loads(signed_in(county, "county01").get(f"/api/map/units?level={level}").data)["features"]
    assert features
    for feature in features:
        lon, lat = feature["properties"]["label_point"]
        assert shape(feature["geometry"]).buffer(1e-5).contains(Point(lon, lat)), feature["id"]  # 5 decimals


@pytest.mark.parametrize("query, field", [("level=province", "level"), ("under=6109x", "under"),
                                          ("level=town&under=610923100201", "under"), ("days=0", "days")])
def test_bad_unit_layer_arguments_are_named(county, query, field):
    response = signed_in(county, "county01").get(f"/api/map/units?{query}")
    assert response.status_code == 422 and field in json.dumps(response.get_json()["errors"])


def expected_bins(app, tile: Tile, where: str = "1 = 1", **params) -> collections.Counter:
    """The bins computed here from the disputes' coordinates, independently of the server's SQL."""
    bins = collections.Counter()
    for lon, lat in sql(app, f"SELECT ST_X(d.location), ST_Y(d.location) FROM dispute d JOIN grid_unit c "
                             f"ON c.id = d.cell_id WHERE d.location IS NOT NULL AND {where}", **params):
        mx = EARTH_RADIUS * math.radians(lon)
        my = EARTH_RADIUS * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
        bx, by = math.floor((mx - tile.xmin) / (tile.size / BINS)), math.floor((my - tile.ymin) / (tile.size / BINS))
        if -BUFFER_BINS <= bx < BINS + BUFFER_BINS and -BUFFER_BINS <= by < BINS + BUFFER_BINS:
            bins[(bx * 64 + 32, 4096 - (by * 64 + 32))] += 1
    return bins


def decoded_bins(data: bytes) -> collections.Counter:
    if not data:
        return collections.Counter()
    layer = mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})["disputes"]
    assert layer["extent"] == 4096
    return collections.Counter({tuple(f["geometry"]["coordinates"]): f["properties"]["count"] for f in layer["features"]})


def county_tile(app, z: int) -> Tile:
    """The tile holding the first dispute of the town centre (the county's densest part)."""
    (lon, lat), = sql(app, "SELECT ST_X(d.location), ST_Y(d.location) FROM dispute d JOIN grid_unit c "
                           "ON c.id = d.cell_id WHERE d.location IS NOT NULL ORDER BY c.code, d.reported_at LIMIT 1")
    return lonlat_to_tile(lon, lat, z)


@pytest.mark.parametrize("z", [9, 11, 13])
def test_heat_tile_counts_every_dispute_in_its_bin(county, z):
    tile = county_tile(county, z)
    response = signed_in(county, "county01").get(f"/api/map/heat/{z}/{tile.x}/{tile.y}.mvt")
    assert response.status_code == 200 and response.mimetype == "application/vnd.mapbox-vector-tile"
    expected = expected_bins(county, tile)
    assert sum(expected.values()) > 0 and decoded_bins(response.data) == expected


def test_heat_tile_filters_by_period_category_colour_and_state(county):
    tile = county_tile(county, 9)
    staff = signed_in(county, "county01")
    (category,), = sql(county, "SELECT category FROM dispute GROUP BY category ORDER BY COUNT(*) DESC LIMIT 1")
    got = decoded_bins(staff.get(f"/api/map/heat/9/{tile.x}/{tile.y}.mvt?category={category}&open=true").data)
    want = expected_bins(county, tile, "d.category = :c AND d.state IN ('reported', 'accepted', 'assigned', "
                                       "'mediating')", c=category)
    assert got == want
    got = decoded_bins(staff.get(f"/api/map/heat/9/{tile.x}/{tile.y}.mvt?risk_colour=red&state=closed").data)
    assert got == expected_bins(county, tile, "d.risk_colour = 'red' AND d.state = 'closed'")
    future = staff.get(f"/api/map/heat/9/{tile.x}/{tile.y}.mvt?start=2030-01-01&end=2030-02-01")
    assert future.status_code == 200 and future.data == b""


def test_heat_tile_shows_only_the_callers_town(county):
    tile = county_tile(county, 9)
    got = decoded_bins(signed_in(county, "t101").get(f"/api/map/heat/9/{tile.x}/{tile.y}.mvt").data)
    assert got == expected_bins(county, tile, "c.code LIKE '610923101%'")
    assert sum(got.values()) < sum(expected_bins(county, tile).values())


@pytest.mark.parametrize("path, status", [("/api/map/heat/23/0/0.mvt", 404), ("/api/map/heat/2/4/0.mvt", 404),
                                          ("/api/map/heat/9/1/1.mvt?category=weather", 422),
                                          ("/api/map/heat/9/1/1.mvt?start=2026-02-01&end=2026-01-01", 422)])
def test_bad_tiles_and_filters_are_refused(county, path, status):
    response = signed_in(county, "county01").get(path)
    assert response.status_code == status and response.get_json()["message_zh"]


def test_figures_as_geojson_carry_every_figure(county):
    staff = signed_in(county, "county01")
    query = "/api/stats/figures?level=village&start=2026-10-01&end=2026-11-01"
    rows = staff.get(query).get_json()
    export = staff.get(query + "&format=geojson")
    disposition = export.headers["Content-Disposition"]
    assert 'filename="wangge-village-2026-10-01.geojson"' in disposition  # the ASCII name, then the Chinese one
    assert disposition.endswith(".geojson") and "filename*=UTF-8''" in disposition
    features = json.loads(export.data)["features"]
    assert [f["id"] for f in features] == [r["code"] for r in rows]
    for feature, row in zip(features, rows):
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        assert {k: feature["properties"][k] for k in row} == row


def test_monthly_trend_matches_the_figures_of_each_month(county):
    staff = signed_in(county, "county01")
    trend = staff.get("/api/stats/trend?under=610923100&months=3&end=2026-10-15").get_json()
    assert [t["month"] for t in trend] == ["2026-08", "2026-09", "2026-10"]
    for row, (start, end) in zip(trend, [("2026-08-01", "2026-09-01"), ("2026-09-01", "2026-10-01"),
                                         ("2026-10-01", "2026-11-01")]):
        town, = staff.get(f"/api/stats/figures?level=town&under=610923100&start={start}&end={end}").get_json()
        assert {k: row[k] for k in ("households", "visits", "coverage", "reported", "resolution_rate")} == \
               {k: town[k] for k in ("households", "visits", "coverage", "reported", "resolution_rate")}
    assert sum(t["visits"] for t in trend) > 0
    # the whole county by default for county staff; nothing for a unit out of a secretary's scope
    assert staff.get("/api/stats/trend?months=1").get_json()[0]["code"] == "610923"
    assert signed_in(county, "t101").get("/api/stats/trend?under=610923100&months=2").get_json() == []


def test_the_trend_counts_the_running_month_afresh_and_reuses_closed_months_briefly(small_app, monkeypatch):
    from server.stats import cache
    small_app.config["STATS_CACHE_SECONDS"] = 300
    town = "610923100"
    with small_app.app_context():
        worker, code = db.session.execute(
            sa.select(User.username, Household.code).join(Household, Household.cell_id == User.unit_id)
            .join(GridUnit, GridUnit.id == User.unit_id)
            .where(User.role == "grid_worker", GridUnit.code.startswith(town)).limit(1)).one()
    today = clock.china_today()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=15)
    staff = signed_in(small_app, "county01")

    def visits(client):
        return {row["month"]: row["visits"] for row in client.get(f"/api/stats/trend?under={town}&months=3").get_json()}

    before = visits(staff)
    assert list(before) == sorted(before) and f"{today:%Y-%m}" in before and len(before) == 3
    items = [{"type": "visit", "id": str(uuid.uuid4()), "data": {
        "household_code": code, "kind": "policy", "notes": "", "findings": "",
        "visited_at": (clock.now() - dt.timedelta(minutes=1)).isoformat()}}]
    assert signed_in(small_app, worker).post("/api/sync/push", json={"items": items}).get_json()["accepted"] == 1
    with small_app.app_context():  # a late visit in a closed month: written as it is, past the phone's time bounds
        db.session.add(Visit(id=uuid.uuid4(), household_id=db.session.scalar(sa.select(Household.id).where(
            Household.code == code)), author_id=db.session.scalar(sa.select(User.id).where(User.username == worker)),
            kind="policy", visited_at=dt.datetime(*last_month.timetuple()[:3], 2, tzinfo=dt.timezone.utc)))
        db.session.commit()

    after = visits(staff)
    assert after[f"{today:%Y-%m}"] == before[f"{today:%Y-%m}"] + 1  # the running month is counted afresh
    assert after[f"{last_month:%Y-%m}"] == before[f"{last_month:%Y-%m}"]  # a closed month, reused
    # county staff all see the whole county, so they share entries; another scope has its own: the town's
    # secretary sees the late visit, a neighbouring town's sees nothing
    assert visits(signed_in(small_app, "county02"))[f"{last_month:%Y-%m}"] == before[f"{last_month:%Y-%m}"]
    assert visits(signed_in(small_app, "t100"))[f"{last_month:%Y-%m}"] == before[f"{last_month:%Y-%m}"] + 1
    assert signed_in(small_app, "t101").get(f"/api/stats/trend?under={town}&months=3").get_json() == []
    later = time.monotonic() + 301
    monkeypatch.setattr(cache.time, "monotonic", lambda: later)
    assert visits(staff)[f"{last_month:%Y-%m}"] == before[f"{last_month:%Y-%m}"] + 1

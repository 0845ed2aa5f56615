"""GCJ-02 ⇄ WGS-84 and the equal-area projection."""
import numpy as np
import pytest
import shapely

from grids.crs import (
    LocalEqualArea,
    area_m2,
    gcj02_to_wgs84,
    geometry_gcj02_to_wgs84,
    geometry_wgs84_to_gcj02,
    wgs84_to_gcj02,
)

METRES_PER_DEGREE_LAT = 111_195


def test_gcj02_shift_near_ningshan_is_a_few_hundred_metres():
    lon, lat = 108.3, 33.3
    glon, glat = wgs84_to_gcj02(lon, lat)
    dx = (glon - lon) * METRES_PER_DEGREE_LAT * np.cos(np.radians(lat))
    dy = (glat - lat) * METRES_PER_DEGREE_LAT
    assert 200 < np.hypot(dx, dy) < 800


def test_inverse_recovers_wgs84_to_a_centimetre():
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(73, 135, 1000), rng.uniform(18, 53, 1000)
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert np.max(np.abs(back_lon - lon)) < 1e-7 and np.max(np.abs(back_lat - lat)) < 1e-7


def test_no_shift_outside_china():
    lon, lat = wgs84_to_gcj02(np.array([2.35, -74.0]), np.array([48.85, 40.7]))
    assert np.allclose(lon, [2.35, -74.0]) and np.allclose(lat, [48.85, 40.7])


def test_geometry_round_trip_keeps_shape():
    square = shapely.box(108.0, 33.0, 108.1, 33.1)
    back = geometry_gcj02_to_wgs84(geometry_wgs84_to_gcj02(square))
    assert shapely.hausdorff_distance(square, back) < 1e-7


def test_equal_area_projection_measures_a_known_square():
    # a 0.01° × 0.01° square at 33.3°N is about 1,112 m × 930 m
    area = area_m2(shapely.box(108.3, 33.3, 108.31, 33.31))
    expected = (0.01 * METRES_PER_DEGREE_LAT) ** 2 * np.cos(np.radians(33.305))
    assert area == pytest.approx(expected, rel=2e-3)


def test_projection_round_trip():
    proj = LocalEqualArea(108.3)
    lon, lat = proj.inverse(*proj.forward(np.array([108.0, 108.6]), np.array([33.0, 33.6])))
    assert np.allclose(lon, [108.0, 108.6]) and np.allclose(lat, [33.0, 33.6])

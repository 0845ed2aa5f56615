"""Point-in-polygon assignment agrees with a brute-force check."""
import numpy as np
import shapely

from grids.assign import OUTSIDE, assign_points


def grid_of_squares(n=6):
    return [shapely.box(i, j, i + 1, j + 1) for i in range(n) for j in range(n)]


def test_agrees_with_brute_force():
    cells = grid_of_squares()
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(-1, 7, 5000), rng.uniform(-1, 7, 5000)
    result = assign_points(cells, lon, lat)
    for k in range(len(lon)):
        inside = [i for i, c in enumerate(cells) if c.contains(shapely.Point(lon[k], lat[k]))]
        assert result.cell[k] == (inside[0] if inside else OUTSIDE)
    assert len(result.outside) == np.sum((lon < 0) | (lon > 6) | (lat < 0) | (lat > 6))


def test_points_on_shared_borders_are_reported_and_go_to_the_first_cell():
    cells = grid_of_squares(2)  # (0,0) (0,1) (1,0) (1,1)
    result = assign_points(cells, [1.0, 0.5, 1.0], [0.5, 0.5, 1.0])
    assert result.on_border.tolist() == [True, False, True]
    assert result.cell.tolist() == [0, 0, 0]


def test_missing_locations_are_outside():
    result = assign_points(grid_of_squares(1), [np.nan, 0.5], [np.nan, 0.5])
    assert result.cell.tolist() == [OUTSIDE, 0] and result.outside.tolist() == [0]

import numpy as np

from grids.numbering import reading_order


def test_rows_north_to_south_then_west_to_east():
    #   A(west, north)  B(east, north)
    #   C(west, south)  D(east, south)   — with a little vertical jitter inside each row
    lon = np.array([108.2, 108.0, 108.21, 108.01])   # D, A, B, C in input order
    lat = np.array([33.0, 33.1, 33.104, 33.003])
    order = reading_order(lon, lat, row_height=0.05)
    assert order.tolist() == [1, 2, 3, 0]  # A, B, C, D


def test_empty():
    assert reading_order([], [], 0.1).tolist() == []

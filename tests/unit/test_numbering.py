import numpy as np
import pytest

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


def test_chinese_numerals_read_back():
    from grids.numbering import chinese_numeral, parse_chinese_numeral
    assert all(parse_chinese_numeral(chinese_numeral(n)) == n for n in range(1, 100))
    assert [parse_chinese_numeral(s) for s in ("两", "十十", "零", "一百", "")] == [2, None, None, None, None]


@pytest.mark.parametrize("name, number", [
    ("三组", 3), ("3组", 3), ("３组", 3), ("第三村民小组", 3), ("第3网格", 3), ("十二组", 12), ("3", 3),
    ("柳林", None), ("", None)])
def test_a_village_groups_number(name, number):
    from grids.numbering import group_number
    assert group_number(name) == number

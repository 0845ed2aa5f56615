"""Numbering units in reading order: rows from north to south, west to east within a row."""
import numpy as np


def reading_order(lon: np.ndarray, lat: np.ndarray, row_height: float) -> np.ndarray:
    """Indices that sort points north→south by rows of `row_height` degrees, then west→east."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if len(lat) == 0:
        return np.array([], dtype=int)
    row = np.floor((lat.max() - lat) / row_height).astype(int)
    return np.lexsort((lon, row))


CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1..99 as Chinese numerals: 1→一, 10→十, 11→十一, 20→二十, 99→九十九."""
    if not isinstance(n, int) or not 1 <= n <= 99:
        raise ValueError(f"numeral out of range 1..99: {n!r}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CHINESE_DIGITS[tens] + "十")
    return head + (CHINESE_DIGITS[ones] if ones else "")


def is_community(village_name: str) -> bool:
    return village_name.endswith("社区")


def cell_name(village_name: str, seq: int) -> str:
    """A village's cell is its village group (柳林村三组); a community numbers its grids (西桥社区第3网格)."""
    if is_community(village_name) or seq > 99:
        return f"{village_name}第{seq}网格"
    return f"{village_name}{chinese_numeral(seq)}组"

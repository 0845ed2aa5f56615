"""Numbering units in reading order: rows from north to south, west to east within a row."""
import unicodedata

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


def parse_chinese_numeral(s: str) -> int | None:
    """The inverse of chinese_numeral, 一..九十九 (and 两, 〇 as a digit); None when `s` is not one."""
    digits = {c: i for i, c in enumerate(CHINESE_DIGITS)} | {"两": 2, "〇": 0}
    if not s or any(c not in digits and c != "十" for c in s):
        return None
    if "十" not in s:
        return digits[s] if len(s) == 1 and digits[s] else None
    tens, _, ones = s.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones or (tens and not digits[tens]):
        return None
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def group_number(name: str) -> int | None:
    """The number a village group or community grid is known by: 三组, 3组, 第三村民小组, 第3网格, 3 → 3; None when
    the name carries no number."""
    s = unicodedata.normalize("NFKC", name or "").strip().removeprefix("第")
    for suffix in ("村民小组", "小组", "组", "网格", "社"):
        s = s.removesuffix(suffix)
    s = s.removeprefix("第")
    if s.isascii() and s.isdigit():
        return int(s)
    return parse_chinese_numeral(s)

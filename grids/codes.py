"""Grid codes, their one home: a unit's code is its parent's code followed by its own digits (6-digit county,
+3 town, +3 village — the statistical code — and +3 cell), and a household's is its first cell's code and a
4-digit sequence. So the codes of a unit's subtree are one contiguous range."""

UNIT_LEVELS = ("county", "town", "village", "cell")
CODE_LENGTH = {"county": 6, "town": 9, "village": 12, "cell": 15}
PARENT_LEVEL = {"town": "county", "village": "town", "cell": "village"}
HOUSEHOLD_CODE_LENGTH = 19  # cell code + 4-digit sequence
# What users call each level: in full, and the short form that goes before 级 ("镇级事件", a town-level dispute)
LEVEL_ZH = {"county": "县", "town": "镇（街道）", "village": "村（社区）", "cell": "网格"}
LEVEL_SHORT_ZH = {"county": "县", "town": "镇", "village": "村", "cell": "网格"}


def level_of(code: str) -> str:
    """The level of a unit code, by its length."""
    return next(level for level, length in CODE_LENGTH.items() if length == len(code))


def subtree_range(code: str) -> tuple[str, str]:
    """The lowest and highest unit code at or under `code` (all digits: the range holds in any collation)."""
    return code, code.ljust(CODE_LENGTH["cell"], "9")

"""The figures' columns as the county's staff read them in the CSV and the monthly report 月报: each with its
Chinese heading and unit, the counts beside the rate they make, and the unit above as a column."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from grids.codes import CODE_LENGTH, LEVEL_ZH, PARENT_LEVEL

from .figures import RATES

PERCENT_UNIT = "%"
# key → (heading, unit), in report order: each rate follows the counts it is computed from
COLUMNS = {
    "code": ("编码", None), "name": ("名称", None), "cells": ("网格数", "个"),
    "households": ("户数", "户"), "visited_households": ("走访户数", "户"), "coverage": ("覆盖率", PERCENT_UNIT),
    "visits": ("走访人次", "人次"),
    "reported": ("矛盾纠纷数", "件"), "resolved": ("化解数", "件"), "resolution_rate": ("化解率", PERCENT_UNIT),
    "resolved_on_time": ("按期办结数", "件"), "on_time_rate": ("按期办结率", PERCENT_UNIT),
    "called_back": ("回访数", "件"), "satisfied": ("满意数", "件"), "satisfaction_rate": ("满意率", PERCENT_UNIT),
    "early": ("预警发现数", "件"), "early_warning_rate": ("预警率", PERCENT_UNIT),
    "resolved_in_village": ("村内化解数", "件"), "village_share": ("不出村率", PERCENT_UNIT),
    "resolved_in_town": ("镇内化解数", "件"), "town_share": ("不出镇率", PERCENT_UNIT),
    "daily_report_days": ("日报告天数", "天"), "reports_due": ("应报数", "份"), "reports_filed": ("实报数", "份"),
    "zero_report_completeness": ("零报告完成率", PERCENT_UNIT),
    "open_disputes": ("当前在办数", "件"), "overdue_disputes": ("当前超期数", "件"),
    "escalated_disputes": ("当前上交镇县数", "件"),
}
PERCENT = set(RATES)
assert PERCENT <= set(COLUMNS), "every rate has its column"


def heading(key: str, columns: dict = COLUMNS) -> str:
    """覆盖率（%）, 户数（户）: the heading with its unit (of the figures' columns, or those given)."""
    name, unit = columns[key]
    return f"{name}（{unit}）" if unit else name


def parent_levels(level: str) -> list[str]:
    """The levels above `level` whose unit is named beside each row, nearest first (a cell: village, town)."""
    out = []
    while PARENT_LEVEL.get(level, "county") != "county":
        level = PARENT_LEVEL[level]
        out.append(level)
    return out


def parent_heading(level: str) -> str:
    return f"所属{LEVEL_ZH[level]}"


def parent_code(code: str, level: str) -> str:
    return code[:CODE_LENGTH[level]]


def shown_rate(rate: float | None) -> float | None:
    """A rate as the views show it (format.js `percent`, toFixed(1)): a percentage rounded half up to one decimal
    from the exact value of rate × 100, 0.6667 → 66.7 and 0.1225 → 12.3 as there (Python's round would give 12.2)."""
    if rate is None:
        return None
    return float(Decimal(rate * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

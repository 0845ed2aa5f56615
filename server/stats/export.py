"""The figures as a CSV file: one row per unit, each rate as the views show it (a percentage to one decimal)
with the counts it is computed from beside it."""
from __future__ import annotations

import csv
import io

from .columns import COLUMNS, PERCENT, heading, shown_rate


def to_csv(rows: list[dict]) -> str:
    """UTF-8 with a BOM, so Excel in China opens it with the right encoding."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([heading(key) for key in COLUMNS])
    for row in rows:
        writer.writerow([_cell(key, row.get(key)) for key in COLUMNS])
    return out.getvalue()


def _cell(key: str, value):
    if value is None:
        return ""
    return shown_rate(value) if key in PERCENT else value

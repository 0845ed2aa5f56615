"""The figures as a CSV file: one row per unit, each rate as the views show it (a percentage to one decimal)
with the counts it is computed from beside it."""
from __future__ import annotations

import csv
import io

from .columns import COLUMNS, PERCENT, heading, shown_rate


def to_csv(rows: list[dict], columns: dict = COLUMNS, percent=PERCENT) -> str:
    """UTF-8 with a BOM, so Excel in China opens it with the right encoding. `columns` (key → heading and unit) are
    the figures' unless given; the rates among them are the keys in `percent`."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([heading(key, columns) for key in columns])
    for row in rows:
        writer.writerow([_cell(row.get(key), key in percent) for key in columns])
    return out.getvalue()


def _cell(value, rate: bool):
    if value is None:
        return ""
    return shown_rate(value) if rate else value

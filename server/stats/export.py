"""The figures as the county's staff use them: CSV, and the monthly report (月报) as xlsx, one sheet a level."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from grids.codes import LEVEL_ZH

# column → Chinese heading, in report order
COLUMNS = {
    "code": "编码", "name": "名称", "households": "户数", "visited_households": "走访户数", "coverage": "覆盖率",
    "visits": "走访人次", "reported": "矛盾纠纷数", "resolved": "化解数", "resolution_rate": "化解率",
    "on_time_rate": "按期办结率", "satisfaction_rate": "满意率", "early_warning_rate": "预警率",
    "village_share": "不出村率", "town_share": "不出镇率", "cells": "网格数", "daily_report_days": "日报告天数",
    "reports_due": "应报数", "reports_filed": "实报数", "zero_report_completeness": "零报告完成率",
    "open_disputes": "在办数", "overdue_disputes": "超期数", "escalated_disputes": "上交县镇数",
}
LEVEL_SHEETS = {level: LEVEL_ZH[level] for level in ("town", "village", "cell")}
PERCENT = {"coverage", "resolution_rate", "on_time_rate", "satisfaction_rate", "early_warning_rate", "village_share",
           "town_share", "zero_report_completeness"}


def to_csv(rows: list[dict]) -> str:
    """UTF-8 with a BOM, so Excel in China opens it with the right encoding."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS.values())
    for row in rows:
        writer.writerow(["" if row.get(k) is None else row[k] for k in COLUMNS])
    return out.getvalue()


def monthly_report(rows_by_level: dict[str, list[dict]], title: str) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for level, rows in rows_by_level.items():
        sheet = book.create_sheet(LEVEL_SHEETS[level])
        sheet.append([title])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append(list(COLUMNS.values()))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row.get(k) for k in COLUMNS])
        for column, key in enumerate(COLUMNS, start=1):
            if key in PERCENT:
                for cells in sheet.iter_rows(min_row=3, min_col=column, max_col=column):
                    cells[0].number_format = "0.0%"
        sheet.freeze_panes = "C3"
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()

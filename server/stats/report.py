"""The monthly report 月报 as an xlsx workbook an office can sign and print: a title naming the place and the
period, the compiling unit and date, one sheet per level with the units above each row named, a 合计 row,
units in the headings, rates as Excel percentages, columns wide enough for their text, frozen headings and a
landscape print fitted to the page width with the headings repeated on each page. table_sheet lays out any table the
office prints this way (the worker-activity report too)."""
from __future__ import annotations

import datetime as dt
import io
import unicodedata

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from grids.codes import LEVEL_ZH

from .columns import COLUMNS, PERCENT, heading, parent_code, parent_heading, parent_levels

REPORT_NAME = "网格化服务管理月报"
TOTAL = "合计"
PERCENT_FORMAT = "0.0%"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_WIDTH = 60


def period_zh(start: dt.date, end: dt.date) -> str:
    """2026年11月 for a calendar month [start, end), else 2026年11月3日至2026年11月20日 (the last day named)."""
    if start.day == 1 and end == (start + dt.timedelta(days=32)).replace(day=1):
        return f"{start.year}年{start.month}月"
    return f"{day_zh(start)}至{day_zh(end - dt.timedelta(days=1))}"


def day_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def report_title(place: str, start: dt.date, end: dt.date) -> str:
    """宁陕县网格化服务管理月报（2026年11月）: also the file's name."""
    return f"{place}{REPORT_NAME}（{period_zh(start, end)}）"


def compiling_line(unit_name: str, today: dt.date) -> str:
    return f"编制单位：{unit_name}综治中心 · 编制日期：{day_zh(today)}"


def monthly_report(rows_by_level: dict[str, list[dict]], total: dict | None, title: str, compiled: str) -> bytes:
    """One sheet per level of `rows_by_level` (figures rows); `total` is the figures row of the whole area (its
    counts are the sums of any sheet's, its rates computed from those sums), written as each sheet's 合计 row."""
    names = {row["code"]: row["name"] for rows in rows_by_level.values() for row in rows}
    book = Workbook()
    book.remove(book.active)
    for level, rows in rows_by_level.items():
        _sheet(book.create_sheet(LEVEL_ZH[level]), level, rows, total or {}, names, title, compiled)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _sheet(sheet, level, rows, total, names, title, compiled):
    parents = parent_levels(level)
    keys = ["code", "name"]
    figures = [key for key in COLUMNS if key not in keys]
    headings = [heading(k) for k in keys] + [parent_heading(p) for p in parents] + [heading(k) for k in figures]
    first_figure = len(keys) + len(parents)
    table_sheet(sheet, [title, compiled], headings,
                [[row["code"], row["name"], *(names.get(parent_code(row["code"], p), "") for p in parents),
                  *(row.get(k) for k in figures)] for row in rows],
                total=["", TOTAL, *("" for _ in parents), *(total.get(k) for k in figures)],
                percent_columns={first_figure + i for i, key in enumerate(figures) if key in PERCENT},
                frozen_columns=len(keys))


def table_sheet(sheet, lines: list[str], headings: list[str], rows: list[list], total: list | None = None,
                percent_columns=frozenset(), frozen_columns: int = 2) -> None:
    """A table as the office signs and prints it: `lines` above it (the title, bold, then the compiling line and any
    note), each merged across the table; bold centred headings; the rows, then the bold `total` row if given; the
    columns at the indexes `percent_columns` as Excel percentages, times as date and minute; columns as wide as their
    text; the headings and the first `frozen_columns` columns frozen; a landscape print fitted to the page width with
    everything down to the headings repeated on each page."""
    width, heading_row = len(headings), len(lines) + 1
    for row, text in enumerate(lines, start=1):
        sheet.cell(row, 1, text).font = Font(bold=True, size=16) if row == 1 else Font(size=11)
        sheet.cell(row, 1).alignment = Alignment(horizontal="center")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    sheet.append(headings)
    for cell in sheet[heading_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in rows:
        sheet.append(row)
    if total is not None:
        sheet.append(total)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=heading_row + 1):
        for cell in row:
            if cell.column - 1 in percent_columns:
                cell.number_format = PERCENT_FORMAT
            elif isinstance(cell.value, dt.datetime):
                cell.number_format = TIME_FORMAT
    _fit_columns(sheet, heading_row)
    sheet.freeze_panes = sheet.cell(heading_row + 1, frozen_columns + 1).coordinate
    _print_setup(sheet, heading_row)


def text_width(text: str) -> int:
    """The width of a text in Excel's character units: a Chinese (wide) character counts as two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def shown(cell) -> str:
    """A cell's value as Excel shows it, near enough to size its column."""
    value = cell.value
    if value is None:
        return ""
    if cell.number_format == PERCENT_FORMAT and isinstance(value, (int, float)):
        return f"{value * 100:.1f}%"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _fit_columns(sheet, heading_row: int):
    """Each column as wide as its longest text from the headings down (the merged lines above span the table), with a
    margin."""
    for column in sheet.iter_cols(min_row=heading_row):
        longest = max(text_width(shown(cell)) for cell in column)
        sheet.column_dimensions[get_column_letter(column[0].column)].width = min(longest + 2, MAX_WIDTH)


def _print_setup(sheet, heading_row: int):
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"1:{heading_row}"
    sheet.print_options.horizontalCentered = True

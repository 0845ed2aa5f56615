"""Reading the spreadsheets counties send (CSV in UTF-8 or GBK, or .xlsx) into rows keyed by our field names,
for every bulk import (cadre links, the household register).

Headings are matched loosely: spaces dropped, full-width brackets and letters folded (NFKC), English in any case,
so "村(社区)" and " 村（社区） " both name the village. The heading need not be the first row: a county's sheet
often opens with a title ("宁陕县人口底数登记表"), so the first of the opening rows that names enough known
columns is taken. Rows keep their spreadsheet numbers, and rows with nothing in them are counted, not returned."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field

HEADING_SEARCH_ROWS = 10  # how far down a heading may be found


class TableError(Exception):
    """The file as a whole cannot be read as a table: (English, Chinese)."""

    def __init__(self, message: str, message_zh: str):
        super().__init__(f"{message} / {message_zh}")
        self.message, self.message_zh = message, message_zh


@dataclass
class Table:
    rows: list[tuple[int, dict]]                    # (spreadsheet row number, {field: raw value})
    headings: dict = field(default_factory=dict)    # field → the heading it was read from
    heading_row: int = 1
    empty_rows: int = 0

    def has(self, key: str) -> bool:
        return key in self.headings


def normalise_heading(text) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).lower()


def read_cells(data: bytes, filename: str) -> list[list]:
    """Every row of the first sheet (.xlsx) or of the CSV, as lists of cell values."""
    try:
        if filename.lower().endswith(".xlsx"):
            return _xlsx_rows(data)
        content = decode(data)
        return list(csv.reader(io.StringIO(content), delimiter=_delimiter(content)))
    except TableError:
        raise
    except Exception as exc:  # a damaged workbook raises many kinds of error
        raise TableError(f"the file cannot be read: {exc}", "文件无法读取，请确认是 .xlsx 或 CSV 文件") from exc


def read_table(data: bytes, filename: str, columns: dict[str, tuple[str, ...]], required=(),
               min_known: int = 1) -> Table:
    """The file's rows keyed by the fields of `columns` (field → accepted headings, the Chinese one second).
    Raises TableError when the file cannot be read, is empty, or lacks a required field's column."""
    cells = read_cells(data, filename)
    if not any(_filled(r) for r in cells):
        raise TableError("the file is empty", "文件为空")
    accepted = {normalise_heading(name): key for key, names in columns.items() for name in names}
    at = _heading_index(cells, accepted, min_known)
    heading = [str(h or "").strip() for h in cells[at]]
    index, headings = {}, {}
    for i, h in enumerate(heading):
        key = accepted.get(normalise_heading(h))
        if key is not None and key not in index:
            index[key], headings[key] = i, h
    missing = [key for key in required if key not in index]
    if missing:
        found = ", ".join(h for h in heading if h)
        raise TableError(f"no column for {', '.join(missing)} (headings found: {found})",
                         f"缺少“{'”“'.join(columns[k][1] for k in missing)}”列（现有列：{found.replace(', ', '、')}）")
    table = Table([], headings, at + 1)
    for number, row in enumerate(cells[at + 1:], start=at + 2):
        if not _filled(row):
            table.empty_rows += 1
            continue
        table.rows.append((number, {key: (row[i] if i < len(row) else None) for key, i in index.items()}))
    return table


def _heading_index(cells, accepted, min_known) -> int:
    for i, row in enumerate(cells[:HEADING_SEARCH_ROWS]):
        if sum(normalise_heading(c) in accepted for c in row) >= min_known:
            return i
    return next(i for i, r in enumerate(cells) if _filled(r))  # report what the first row holds


def _filled(row) -> bool:
    return any(text(c) for c in row)


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK (GB 18030 reads GBK and more)
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError("the CSV is neither UTF-8 nor GBK", "CSV 文件既不是 UTF-8 也不是 GBK 编码")


def _delimiter(content: str) -> str:
    first = content.split("\n", 1)[0]
    return max((",", "\t", ";"), key=first.count)


def _xlsx_rows(data: bytes) -> list:
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def text(value) -> str:
    """A cell as text, stripped; whole numbers without their '.0' (Excel stores every number as a float)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(value) -> dt.date | None:
    """A cell as a date: a date or datetime cell, or text as 2024-03-05, 2024/3/5, 2024.3.5, 20240305 or
    2024年3月5日. None when blank; ValueError when it is none of these."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = text(value)
    if not s:
        return None
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", s) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", s)
    if not m:
        raise ValueError(s)
    return dt.date(int(m[1]), int(m[2]), int(m[3]))

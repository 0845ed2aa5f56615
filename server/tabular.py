"""Reading the spreadsheets counties send (CSV in UTF-8 or GBK, or .xlsx) into rows keyed by our field names,
for every bulk import (cadre links, the household register).

Headings are matched loosely: spaces dropped, full-width brackets and letters folded (NFKC), English in any case,
so "村(社区)" and " 村（社区） " both name the village. The heading need not be the first row: a county's sheet
often opens with a title ("宁陕县人口底数登记表"), so the first of the opening rows (from the first that holds
anything) that names enough known columns is taken. Rows keep their spreadsheet numbers, and rows with nothing in them
are counted, not returned.

A file sent over HTTP is read within limits (TableLimits, from server/limits.py), row by row: an .xlsx is a zip whose
parts openpyxl reads whole but for the sheet, and whose sheet may declare (and so pad every row to) 16,384 columns."""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from grids.archive import ArchiveLimits, ArchiveTooLarge, BoundedArchive, size_text

HEADING_SEARCH_ROWS = 10  # how far down a heading may be found, from the first row that holds anything
STREAMED_PART = re.compile(r"xl/worksheets/[^/]+\.xml")  # a sheet: openpyxl reads it row by row


@dataclass(frozen=True)
class TableLimits:
    archive: ArchiveLimits   # an .xlsx's parts and what they unpack to
    max_part_bytes: int      # each part but the sheets, which openpyxl reads whole (shared strings, styles…)
    max_rows: int            # rows that hold anything, below the heading
    max_columns: int


class TableError(Exception):
    """The file as a whole cannot be read as a table: (English, Chinese), answered with `status`."""
    status = 422

    def __init__(self, message: str, message_zh: str):
        super().__init__(f"{message} / {message_zh}")
        self.message, self.message_zh = message, message_zh


class OverLimit(TableError):
    """The file is beyond a limit, named in the message: 413 for what it unpacks to, 422 for its rows and columns."""

    def __init__(self, message: str, message_zh: str, status: int = 422):
        super().__init__(message, message_zh)
        self.status = status


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


def read_cells(data: bytes, filename: str, limits: TableLimits | None = None) -> Iterator:
    """Every row of the first sheet (.xlsx) or of the CSV, as sequences of cell values, one at a time."""
    try:
        if filename.lower().endswith(".xlsx"):
            rows = _xlsx_rows(data, limits)
        else:
            rows = _csv_rows(data)
        for row in rows:
            if limits is not None and len(row) > limits.max_columns and any(text(c) for c in row[limits.max_columns:]):
                raise OverLimit(f"the file has more than {limits.max_columns} columns, the limit (max_columns)",
                                f"文件超过 {limits.max_columns} 列的上限（max_columns）")
            yield row
    except TableError:
        raise
    except ArchiveTooLarge as exc:
        raise OverLimit(f"the workbook is too large: {exc.message}", f"工作簿过大：{exc.message_zh}", 413) from None
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise TableError("the workbook is damaged: its parts do not unpack to what it declares",
                         "工作簿已损坏（压缩包已损坏）") from None
    except Exception as exc:  # a damaged workbook raises many kinds of error
        raise TableError(f"the file cannot be read: {exc}", "文件无法读取，请确认是 .xlsx 或 CSV 文件") from exc


def read_table(data: bytes, filename: str, columns: dict[str, tuple[str, ...]], required=(),
               min_known: int = 1, limits: TableLimits | None = None) -> Table:
    """The file's rows keyed by the fields of `columns` (field → accepted headings, the Chinese one second).
    Raises TableError when the file cannot be read, is empty, or lacks a required field's column, and OverLimit
    when it is beyond one of the limits (the rows are counted as they are read)."""
    numbered = enumerate(read_cells(data, filename, limits), start=1)
    first = next(((n, r) for n, r in numbered if _filled(r)), None)
    if first is None:
        raise TableError("the file is empty", "文件为空")
    opening = [first, *itertools.islice(numbered, HEADING_SEARCH_ROWS - 1)]
    accepted = {normalise_heading(name): key for key, names in columns.items() for name in names}
    at = _heading_index([r for _, r in opening], accepted, min_known)
    heading_number, heading_row = opening[at]
    heading = [str(h or "").strip() for h in heading_row]
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
    table = Table([], headings, heading_number)
    max_rows = limits.max_rows if limits is not None else None
    for number, row in itertools.chain(opening[at + 1:], numbered):
        if not _filled(row):
            table.empty_rows += 1
            continue
        if max_rows is not None and len(table.rows) == max_rows:
            raise OverLimit(f"the file has more than {max_rows:,} rows, the limit (max_rows): split it",
                            f"文件超过 {max_rows:,} 行的上限（max_rows），请拆分")
        table.rows.append((number, {key: (row[i] if i < len(row) else None) for key, i in index.items()}))
    return table


def _heading_index(opening, accepted, min_known) -> int:
    """The first of the opening rows naming enough known columns; else the first (to report what it holds)."""
    return next((i for i, row in enumerate(opening) if sum(normalise_heading(c) in accepted for c in row) >= min_known),
                0)


def _filled(row) -> bool:
    return any(text(c) for c in row)


def _csv_rows(data: bytes):
    """The CSV's rows, decoded as they are read (a whole file's text costs four bytes a character in a StringIO)."""
    encoding = _encoding(data)
    first = data.split(b"\n", 1)[0].decode(encoding, "replace")
    delimiter = max((",", "\t", ";"), key=first.count)
    return csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""), delimiter=delimiter)


def _encoding(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK (GB 18030 reads GBK and more)
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    raise TableError("the CSV is neither UTF-8 nor GBK", "CSV 文件既不是 UTF-8 也不是 GBK 编码")


def _xlsx_rows(data: bytes, limits: TableLimits | None):
    from openpyxl import load_workbook
    if limits is not None:
        _check_workbook(data, limits)
    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    if limits is None:
        return sheet.iter_rows(values_only=True)
    sheet.reset_dimensions()  # the size the sheet declares: each row would be padded to it
    return sheet.iter_rows(values_only=True, max_col=limits.max_columns + 1)


def _check_workbook(data: bytes, limits: TableLimits) -> None:
    """The workbook within its limits before openpyxl opens it: its parts as declared, every part but the sheets
    within max_part_bytes, and each unpacked once to be sure they are what they declare."""
    archive = BoundedArchive(data, limits.archive)
    for info in archive.members:
        if info.file_size > limits.max_part_bytes and not STREAMED_PART.fullmatch(info.filename):
            size, limit = size_text(info.file_size), size_text(limits.max_part_bytes)
            raise OverLimit(f"the workbook's part {info.filename} unpacks to {size}, more than the limit of {limit} "
                            "(max_part_bytes)",
                            f"工作簿的组成部分 {info.filename} 解压后为 {size}，超过 {limit} 的上限（max_part_bytes）", 413)
    archive.verify()


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

"""Cadre ↔ household links (包联): one at a time, or a whole spreadsheet with a row-by-row report."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..extensions import db
from ..models import CadreLink, Household, User
from ..tabular import OverLimit, TableError, TableLimits, parse_date, read_table, text

# Accepted column headings, English or Chinese
COLUMNS = {"cadre_username": ("cadre_username", "干部账号", "包联干部账号"),
           "household_code": ("household_code", "户编号", "住户编号"),
           "valid_from": ("valid_from", "开始日期", "包联日期")}


def link_household(cadre: User, household: Household, valid_from: dt.date) -> CadreLink:
    """Make `cadre` the household's cadre from valid_from; the current link, if any, ends the day before."""
    current = db.session.scalar(sa.select(CadreLink).where(CadreLink.household_id == household.id,
                                                           CadreLink.valid_to.is_(None)))
    if current is not None:
        if current.cadre_id == cadre.id:
            return current
        current.valid_to = max(current.valid_from, valid_from - dt.timedelta(days=1))
        db.session.flush()
    link = CadreLink(cadre=cadre, household=household, valid_from=valid_from)
    db.session.add(link)
    db.session.flush()
    return link


@dataclass
class RowResult:
    row: int                        # spreadsheet row number
    cadre_username: str | None
    household_code: str | None
    errors: list = field(default_factory=list)   # [(en, zh)]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {"row": self.row, "cadre_username": self.cadre_username, "household_code": self.household_code,
                "ok": self.ok, "errors": [{"message": en, "message_zh": zh} for en, zh in self.errors]}


@dataclass
class BulkResult:
    rows: list
    file_errors: list = field(default_factory=list)
    applied: int = 0

    @property
    def bad_rows(self) -> list:
        return [r for r in self.rows if not r.ok]

    def to_dict(self) -> dict:
        return {"rows": len(self.rows), "good": len(self.rows) - len(self.bad_rows), "bad": len(self.bad_rows),
                "applied": self.applied, "file_errors": [{"message": en, "message_zh": zh} for en, zh in self.file_errors],
                "report": [r.to_dict() for r in self.rows]}


def bulk_link(data: bytes, filename: str, partial: bool, dry_run: bool, today: dt.date,
              limits: TableLimits | None = None) -> BulkResult:
    """Validate every row; write the good ones only if all rows are good, or in partial mode. A file beyond the
    limits raises OverLimit."""
    try:
        table = read_table(data, filename, COLUMNS, required=("cadre_username", "household_code"), limits=limits)
    except OverLimit:
        raise
    except TableError as exc:
        return BulkResult([], [(exc.message, exc.message_zh)])
    rows = table.rows
    usernames = {text(r.get("cadre_username")) for _, r in rows}
    codes = {text(r.get("household_code")) for _, r in rows}
    cadres = {u.username: u for u in db.session.scalars(sa.select(User).where(User.username.in_(usernames)))}
    households = {h.code: h for h in db.session.scalars(sa.select(Household).where(Household.code.in_(codes)))}
    results, planned, seen = [], [], {}
    for number, row in rows:
        username = text(row.get("cadre_username"))
        code = text(row.get("household_code"))
        result = RowResult(number, username or None, code or None)
        cadre, household = cadres.get(username), households.get(code)
        if cadre is None or cadre.role != "cadre" or not cadre.active:
            result.errors.append((f"{username or '(blank)'} is not an active cadre account",
                                  f"{username or '（空）'} 不是有效的包联干部账号"))
        if household is None:
            result.errors.append((f"no household {code or '(blank)'}", f"未找到住户 {code or '（空）'}"))
        elif code in seen:
            result.errors.append((f"household {code} is already linked on row {seen[code]}",
                                  f"住户 {code} 已在第 {seen[code]} 行包联"))
        valid_from = _date(row.get("valid_from"), today, result)
        if result.ok:
            seen[code] = number
            planned.append((cadre, household, valid_from))
        results.append(result)
    outcome = BulkResult(results)
    if not dry_run and (partial or not outcome.bad_rows):
        for cadre, household, valid_from in planned:
            link_household(cadre, household, valid_from)
        outcome.applied = len(planned)
    return outcome


def _date(value, today, result) -> dt.date:
    try:
        return parse_date(value) or today
    except ValueError:
        result.errors.append((f"'{value}' is not a date (YYYY-MM-DD)", f"“{value}”不是日期（年-月-日）"))
        return today

"""Bringing a county's household register (人口底数) in from its spreadsheet (.xlsx, or CSV in UTF-8 or GBK).

A dry run checks every row and reports it: accepted, accepted with a warning, refused (the column named, in English
and Chinese), or a duplicate of a person already registered or listed earlier in the file. With apply and no row
refused or duplicated, every household is written in one transaction, in bulk (Core executemany, not the ORM: a
county's 22,013 households take seconds), under the next free household codes of its cell, and the import is
audited as one action with its counts. The caller commits or rolls back.

A file holds one row per person (members: grouped into households by 户编号, else by the head's ID number 户主身份证号,
else each head 户主 starts a household and the rows after it are its members) or one row per household; the headings
tell (a 与户主关系 column means members), or the caller says. A household's cell is its cell code 所属网格编码, or its
village 村（社区） (with its town when two villages share a name) and village group 村民小组 — the cells of a village are
its groups, named 柳林村三组, or in a community 西桥社区第3网格 — or else the cell holding its point (经度/纬度, WGS-84)."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import shapely
import sqlalchemy as sa

from grids.assign import OUTSIDE, assign_points
from grids.codes import CODE_LENGTH

from .. import audit, clock
from ..extensions import db
from ..grid_admin.cell_names import Cell, CellFinder, load_cells
from ..grid_admin.store import unit_geometries
from ..identity import id_number_problem, is_valid_mobile
from ..models import GridUnit, Household, HouseholdMember, HouseholdTag
from ..privacy import mask_id_number
from ..tabular import Table, TableError, TableLimits, normalise_heading, parse_date, read_table, text
from .codes import free_household_codes

ROW_MODES = ("member", "household")
STATUSES = ACCEPTED, WARNING, REFUSED, DUPLICATE = "accepted", "warning", "refused", "duplicate"
CELL_CODE_LENGTH = CODE_LENGTH["cell"]
WRITE_CHUNK = 2_000  # households per executemany (and per step of a progress bar)

# field → accepted headings: our English name first, the Chinese one the messages use second, then other spellings
COLUMNS = {
    "household_key": ("household_key", "户编号", "户号", "家庭编号", "户籍编号"),
    "head_name": ("head_name", "户主姓名"),
    "head_id_number": ("head_id_number", "户主身份证号", "户主身份证号码", "户主公民身份号码"),
    "name": ("name", "姓名"),
    "id_number": ("id_number", "身份证号", "身份证号码", "公民身份号码", "身份证"),
    "sex": ("sex", "性别"),
    "birth_date": ("birth_date", "出生日期", "出生年月日"),
    "relation": ("relation", "与户主关系", "关系"),
    "phone": ("phone", "联系电话", "电话", "手机", "手机号", "手机号码", "mobile"),
    "address": ("address", "住址", "家庭住址", "现住址", "地址"),
    "cell_code": ("cell_code", "所属网格编码", "网格编码"),
    "town": ("town", "乡镇（街道）", "乡镇", "镇（街道）", "镇", "街道"),
    "village": ("village", "村（社区）", "村", "社区", "行政村"),
    "village_group": ("village_group", "村民小组", "组", "小组"),
    "lon": ("lon", "经度", "longitude", "lng"),
    "lat": ("lat", "纬度", "latitude"),
    "tags": ("tags", "标签", "人员类别", "户类别"),
    "member_count": ("member_count", "家庭人口数", "户人口数", "人口数"),
}
HOUSEHOLD_FIELDS = ("address", "cell_code", "town", "village", "village_group", "lon", "lat")

# 与户主关系 as registers write it → MEMBER_RELATIONS ("head" for the head); GB/T 4761 codes by their first digit
_RELATION_WORDS = {
    "head": "户主 本人 head self", "spouse": "配偶 妻 妻子 夫 丈夫 spouse wife husband",
    "child": "子 女 儿子 女儿 长子 次子 三子 长女 次女 三女 独生子 独生女 养子 养女 继子 继女 子女 child son daughter",
    "parent": "父亲 母亲 父 母 父母 parent father mother",
    "grandchild": "孙子 孙女 外孙 外孙子 外孙女 孙子女 grandchild grandson granddaughter",
    "sibling": "兄 弟 姐 妹 哥哥 弟弟 姐姐 妹妹 兄弟姐妹 sibling brother sister",
    "other": "儿媳 女婿 祖父 祖母 公公 婆婆 岳父 岳母 侄子 侄女 其他 其他亲属 非亲属 other"}
RELATIONS = {w: code for code, words in _RELATION_WORDS.items() for w in words.split()}
GB_RELATION_DIGIT = {"0": "head", "1": "spouse", "2": "child", "3": "child", "4": "grandchild", "5": "parent",
                     "6": "other", "7": "sibling", "8": "other", "9": "other"}
_TAG_WORDS = {"subsistence": "低保户 低保", "elderly_alone": "独居老人 独居", "left_behind_child": "留守儿童",
              "disabled": "残疾 残疾人 残疾户", "poverty_watch": "脱贫监测户 监测户 防返贫监测户 监测对象",
              "key_person": "重点人员 重点人群"}
TAGS = {w: tag for tag, words in _TAG_WORDS.items() for w in [tag, *words.split()]}
SEXES = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F", "1": "M", "2": "F"}  # GB/T 2261.1
_TAG_SPLIT = re.compile(r"[、,，;；/\s]+")


@dataclass
class Problem:
    severity: str          # "error" or "warning"
    kind: str
    field: str | None      # our field name; the message names the file's heading
    message: str
    message_zh: str

    def to_dict(self) -> dict:
        return {"severity": self.severity, "kind": self.kind, "field": self.field, "message": self.message,
                "message_zh": self.message_zh}


@dataclass
class Row:
    number: int                     # the spreadsheet's row number
    values: dict
    name: str = ""
    id_number: str | None = None    # valid and normalised, or None
    sex: str | None = None
    birth_date: dt.date | None = None
    relation: str = "head"
    id_key: str = "id_number"       # the column its ID number is read from
    phone: str | None = None
    tags: set = field(default_factory=set)
    household: "Planned | None" = None
    problems: list = field(default_factory=list)

    @property
    def status(self) -> str:
        kinds = {p.kind for p in self.problems if p.severity == "error"}
        if kinds - {"duplicate"}:
            return REFUSED
        if kinds:
            return DUPLICATE
        return WARNING if self.problems else ACCEPTED

    def to_dict(self) -> dict:
        return {"row": self.number, "status": self.status, "name": self.name or None,
                "id_number": mask_id_number(self.id_number or text(self.values.get(self.id_key))) or None,
                "relation": self.relation, "household_code": self.household.code if self.household else None,
                "problems": [p.to_dict() for p in self.problems]}


@dataclass
class Planned:
    """A household as it will be written: its rows, head first."""
    rows: list
    cell: Cell | None = None
    point: tuple | None = None
    address: str = ""
    member_count: int = 1
    code: str | None = None
    by_point: bool = False          # no cell code or village given: the cell is the one holding the point
    located_by_point: bool = False
    picked: dict = field(default_factory=dict)  # household field → the row its value is taken from

    @property
    def head(self) -> Row:
        return self.rows[0]


@dataclass
class RegisterFile:
    """A file read and its rows' meaning decided: one row per member or per household."""
    filename: str
    table: Table
    mode: str
    mode_from: str      # "headers" or "option"

    def heading(self, key: str) -> str:
        return self.table.headings.get(key) or COLUMNS[key][1]


@dataclass
class RegisterImport:
    file: RegisterFile | None
    rows: list = field(default_factory=list)
    households: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)     # [(English, Chinese)]
    applied: bool = False
    written: dict = field(default_factory=dict)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.rows)

    @property
    def ok(self) -> bool:
        return not self.file_errors and bool(self.households) and not any(
            r.status in (REFUSED, DUPLICATE) for r in self.rows)

    def summary(self) -> dict:
        f = self.file
        return {"file": f.filename if f else None, "rows_mode": f.mode if f else None,
                "rows_mode_from": f.mode_from if f else None, "heading_row": f.table.heading_row if f else None,
                "columns": dict(f.table.headings) if f else {}, "rows": len(self.rows),
                "empty_rows_skipped": f.table.empty_rows if f else 0, "households": len(self.households),
                "people": len(self.rows), "cells": len({h.cell.code for h in self.households if h.cell}),
                "located_by_point": sum(h.located_by_point for h in self.households),
                **{status: self.count(status) for status in STATUSES},
                "ok": self.ok, "applied": self.applied, "written": self.written,
                "file_errors": [{"message": en, "message_zh": zh} for en, zh in self.file_errors]}

    def to_dict(self, every_row: bool = True) -> dict:
        shown = self.rows if every_row else [r for r in self.rows if r.problems]
        return {**self.summary(), "report": [r.to_dict() for r in shown]}

    def to_text(self) -> str:
        s = self.summary()
        if self.file_errors:
            return "\n".join(f"[file] {zh} | {en}" for en, zh in self.file_errors)
        mode_zh = {"member": "每行一人", "household": "每行一户"}[s["rows_mode"]]
        lines = [f"{s['file']}: {mode_zh} one row per {s['rows_mode']} "
                 f"({'按表头判断 from the headings' if s['rows_mode_from'] == 'headers' else '按 --rows 指定 as --rows says'})"]
        for r in self.rows:
            for p in r.problems:
                tag = {"error": r.status, "warning": WARNING}[p.severity]
                lines.append(f"第 {r.number} 行 row {r.number} [{tag}] {r.name}: {p.message_zh} | {p.message}")
        lines.append(f"{s['rows']} 行 rows, {s['households']} 户 households: {s['accepted']} 通过 accepted, "
                     f"{s['warning']} 警告 with warnings, {s['refused']} 拒绝 refused, {s['duplicate']} 重复 duplicates; "
                     f"{s['empty_rows_skipped']} 空行已跳过 empty rows skipped")
        return "\n".join(lines)


def _problem(register: RegisterFile, row: Row, severity: str, key: str | None, kind: str, en: str, zh: str):
    column = register.heading(key) if key else None
    row.problems.append(Problem(severity, kind, key, f"{column}: {en}" if column else en,
                                f"{column}：{zh}" if column else zh))


def refuse(register, row, key, kind, en, zh):
    _problem(register, row, "error", key, kind, en, zh)


def warn(register, row, key, kind, en, zh):
    _problem(register, row, "warning", key, kind, en, zh)


def read_register(data: bytes, filename: str, rows: str | None = None,
                  limits: TableLimits | None = None) -> RegisterFile:
    """The file read, and whether a row is a person or a household: as `rows` says, else from the headings (a
    relation column 与户主关系 means one row per person). Raises TableError when that cannot be told or a column
    the rows need is missing."""
    table = read_table(data, filename, COLUMNS, min_known=2, limits=limits)
    mode, mode_from = rows, "option"
    if mode is None:
        mode_from = "headers"
        if table.has("relation"):
            mode = "member"
        elif table.has("head_name") or table.has("name"):
            mode = "household"
        else:
            raise TableError("cannot tell whether a row is a person or a household: give --rows member|household",
                             "无法从表头判断每行是一人还是一户，请指定 --rows member 或 household")
    if mode == "household":
        for person, head in (("name", "head_name"), ("id_number", "head_id_number")):
            if not table.has(head) and table.has(person):  # a household's row names its head
                table.headings[head] = table.headings.pop(person)
                for _, values in table.rows:
                    values[head] = values.pop(person)
    needed = ("name", "relation") if mode == "member" else ("head_name",)
    missing = [k for k in needed if not table.has(k)]
    if missing:
        raise TableError(f"one row per {mode} needs the column {', '.join(missing)}",
                         f"{'每行一人' if mode == 'member' else '每行一户'}的文件须有“{'”“'.join(COLUMNS[k][1] for k in missing)}”列")
    return RegisterFile(filename, table, mode, mode_from)


def import_register(data: bytes, filename: str, rows: str | None = None, apply: bool = False) -> RegisterImport:
    """Read, check and, with apply and nothing refused, write (the caller commits or rolls back)."""
    try:
        register = read_register(data, filename, rows)
    except TableError as exc:
        return RegisterImport(None, file_errors=[(exc.message, exc.message_zh)])
    result = check_register(register)
    if apply and result.ok:
        write_register(result)
    return result


def check_register(register: RegisterFile, progress=None) -> RegisterImport:
    """Every row checked, grouped into households, placed in a cell and given its planned code."""
    today = clock.china_today()
    rows = []
    for number, values in register.table.rows:
        row = Row(number, values)
        _check_person(register, row, today)
        rows.append(row)
        if progress:
            progress(1)
    households = _households(register, rows)
    _place(register, households)
    _mark_duplicates(register, rows)
    _allocate_codes(register, households)
    return RegisterImport(register, rows, households)


def _check_person(register: RegisterFile, row: Row, today: dt.date) -> None:
    v, member = row.values, register.mode == "member"
    name_key, row.id_key = ("name", "id_number") if member else ("head_name", "head_id_number")
    row.name = text(v.get(name_key))
    if not row.name:
        refuse(register, row, name_key, "blank", "the name is blank", "姓名为空")
    elif len(row.name) > 50:
        refuse(register, row, name_key, "too_long", "longer than 50 characters", "超过 50 个字")
    from_id = _check_id_number(register, row, row.id_key, today)
    if member:
        _check_relation(register, row)
    _check_sex_and_birth(register, row, from_id, today)
    _check_phone(register, row)
    for word in _TAG_SPLIT.split(text(v.get("tags"))):
        if word:
            tag = TAGS.get(normalise_heading(word))
            if tag:
                row.tags.add(tag)
            else:
                warn(register, row, "tags", "unknown_tag", f"'{word}' is not a tag we keep: left out",
                     f"“{word}”不是系统标签，未导入")


def _check_id_number(register, row, key, today):
    value = row.values.get(key)
    if isinstance(value, (int, float)):
        refuse(register, row, key, "id_stored_as_number",
               "stored as a number, which loses the last digits: format the column as text",
               "以数字格式保存，后几位已丢失，请将该列设为文本格式")
        return None
    s = unicodedata.normalize("NFKC", text(value)).upper()
    if not s:
        return None
    problem = id_number_problem(s, today)
    if problem:
        en, zh = {"format": ("not 17 digits and a check digit or X", "不是 17 位数字加校验位（数字或 X）"),
                  "birth_date": ("the birth date in it is not a real day", "其中的出生日期无效"),
                  "check_digit": ("the check digit is wrong (GB 11643)", "校验位错误（GB 11643）")}[problem]
        refuse(register, row, key, f"id_{problem}", f"{mask_id_number(s)}: {en}", f"{mask_id_number(s)}：{zh}")
        return None
    row.id_number = s
    return dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14])), ("M" if int(s[16]) % 2 else "F")


def _check_relation(register, row):
    word = normalise_heading(text(row.values.get("relation")))
    relation = RELATIONS.get(word) or (GB_RELATION_DIGIT[word[0]] if re.fullmatch(r"\d{1,2}", word) else None)
    if not word:
        refuse(register, row, "relation", "blank", "blank: write 户主 for the head", "为空，户主请填“户主”")
    elif relation is None:
        warn(register, row, "relation", "unknown_relation", f"'{word}' not known: recorded as other",
             f"“{word}”无法识别，记为其他")
    row.relation = relation or "other"


def _check_sex_and_birth(register, row, from_id, today):
    born_by_id, sex_by_id = from_id or (None, None)
    raw = text(row.values.get("sex"))
    row.sex = SEXES.get(raw.lower()) if raw else sex_by_id
    if raw and row.sex is None:
        refuse(register, row, "sex", "bad_sex", f"'{raw}' is not 男 or 女", f"“{raw}”不是“男”或“女”")
    elif row.sex is None and row.relation != "head":
        refuse(register, row, "sex", "blank", "blank, and no ID number to read it from", "为空，且无身份证号可推断")
    elif sex_by_id and row.sex != sex_by_id:
        warn(register, row, "sex", "sex_differs_from_id", "differs from the ID number's", "与身份证号不符")
    try:
        given = parse_date(row.values.get("birth_date"))
    except ValueError:
        refuse(register, row, "birth_date", "bad_date", f"'{text(row.values.get('birth_date'))}' is not a date",
               f"“{text(row.values.get('birth_date'))}”不是日期")
        return
    if given and given > today:
        refuse(register, row, "birth_date", "future_date", f"{given} is in the future", f"{given} 晚于今天")
        return
    row.birth_date = given or born_by_id
    if given and born_by_id and given != born_by_id:
        warn(register, row, "birth_date", "birth_differs_from_id", f"{given} differs from the ID number's",
             f"{given} 与身份证号中的出生日期不符")


def _check_phone(register, row):
    value = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", text(row.values.get("phone"))))
    value = re.sub(r"^(\+?86)(?=1\d{10}$)", "", value)
    if value and not is_valid_mobile(value):
        refuse(register, row, "phone", "bad_mobile", f"'{value}' is not an 11-digit mobile number (leave a landline out)",
               f"“{value}”不是 11 位手机号码（固定电话请留空）")
        value = ""
    row.phone = value or None


def _households(register: RegisterFile, rows: list) -> list:
    """Rows grouped into households, each with exactly one head, head first, in the order of the file."""
    if register.mode == "household":
        households = [Planned([r]) for r in rows]
    else:
        groups, current = {}, None
        for r in rows:
            if register.table.has("household_key"):
                key = text(r.values.get("household_key"))
                if not key:
                    refuse(register, r, "household_key", "blank", "blank: which household is this person in?",
                           "为空，无法确定此人属于哪一户")
                    continue
            elif register.table.has("head_id_number"):
                key = unicodedata.normalize("NFKC", text(r.values.get("head_id_number"))).upper()
                if not key:
                    refuse(register, r, "head_id_number", "blank", "blank: which household is this person in?",
                           "为空，无法确定此人属于哪一户")
                    continue
            else:
                key = current = r.number if r.relation == "head" else current
            if key is None:
                refuse(register, r, "relation", "no_head_before", "no head of household 户主 on a row before it",
                       "之前没有户主行，无法归户")
                continue
            groups.setdefault(key, []).append(r)
        households = [_one_head(register, group) for group in groups.values()]
    for h in households:
        for r in h.rows:
            r.household = h
        h.member_count = len(h.rows)
        _household_values(register, h)
    return households


def _one_head(register, group) -> Planned:
    heads = [r for r in group if r.relation == "head"]
    for extra in heads[1:]:
        refuse(register, extra, "relation", "second_head", f"a second head: row {heads[0].number} is the head",
               f"一户只能有一个户主，第 {heads[0].number} 行已是户主")
    if not heads:
        for r in group:
            refuse(register, r, "relation", "no_head", "the household has no head 户主", "该户没有户主")
        return Planned(group)
    return Planned([heads[0]] + [r for r in group if r is not heads[0]])


def _household_values(register: RegisterFile, h: Planned) -> None:
    """The household's own fields from its head's row, or where that leaves one blank, the first row that has it;
    a member's row saying otherwise is warned about."""
    picked = {}
    for key in HOUSEHOLD_FIELDS:
        source = next((r for r in h.rows if text(r.values.get(key))), None)
        picked[key] = source
        for r in h.rows:
            other = text(r.values.get(key))
            if source is not None and r is not source and other and other != text(source.values.get(key)):
                warn(register, r, key, "differs_from_head", f"'{other}' differs from row {source.number}: "
                     "that row's is used", f"“{other}”与第 {source.number} 行不同，以该行为准")
    h.address = text(picked["address"].values.get("address")) if picked["address"] else ""
    if len(h.address) > 200:
        refuse(register, picked["address"], "address", "too_long", "longer than 200 characters", "超过 200 个字")
    h.point = _point(register, picked["lon"] or picked["lat"], h.head)
    h.rows[0].tags = set().union(*(r.tags for r in h.rows))
    if register.mode == "household" and text(h.head.values.get("member_count")):
        count = text(h.head.values.get("member_count"))
        if not (count.isdigit() and 1 <= int(count) <= 99):
            refuse(register, h.head, "member_count", "bad_count", f"'{count}' is not a number of people 1–99",
                   f"“{count}”不是 1 至 99 的人数")
        else:
            h.member_count = int(count)
    h.picked = picked


def _point(register, row, head):
    if row is None:
        return None
    lon, lat = text(row.values.get("lon")), text(row.values.get("lat"))
    try:
        point = float(lon), float(lat)
    except ValueError:
        refuse(register, row, "lon" if not _is_number(lon) else "lat", "bad_coordinate",
               f"longitude '{lon}', latitude '{lat}': both must be decimal degrees (WGS-84)",
               f"经度“{lon}”、纬度“{lat}”：须同时填写十进制度数（WGS-84）")
        return None
    if not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90):
        refuse(register, row, "lon", "bad_coordinate", f"{lon}, {lat} is not a longitude and latitude",
               f"{lon}, {lat} 不是经纬度")
        return None
    return point


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _place(register: RegisterFile, households: list) -> None:
    finder = CellFinder(load_cells())
    for h in households:
        _find_cell(register, finder, h)
    located = [h for h in households if h.point is not None]
    if not located:
        return
    geometries = unit_geometries(GridUnit.level == "cell")
    codes = [code for _, code, _, _ in geometries]
    shape_of = dict(zip(codes, (g for *_, g in geometries)))
    lon, lat = np.array([h.point for h in located]).T
    found = assign_points([g for *_, g in geometries], lon, lat)
    for h, index, border in zip(located, found.cell, found.on_border):
        inside = finder.by_code[codes[index]] if index != OUTSIDE else None
        source = h.picked["lon"] or h.picked["lat"]
        if h.by_point:
            if inside is None:
                refuse(register, source, "lon", "point_in_no_cell", f"{h.point[0]}, {h.point[1]} lies in no cell",
                       f"{h.point[0]}, {h.point[1]} 不在任何网格内")
            else:
                h.cell, h.located_by_point = inside, True
        elif h.cell is not None and inside is not h.cell and not (
                border and shapely.intersects_xy(shape_of[h.cell.code], *h.point)):
            where = (f"in {inside.code} {inside.name}", f"位于 {inside.code} {inside.name}") if inside else (
                "in no cell", "不在任何网格内")
            warn(register, source, "lon", "outside_cell",
                 f"{h.point[0]}, {h.point[1]} lies outside {h.cell.code} {h.cell.name} ({where[0]}): kept in "
                 "that cell (flask grids assign would move it)",
                 f"{h.point[0]}, {h.point[1]} 不在网格 {h.cell.code} {h.cell.name} 内（{where[1]}），仍归入该网格")


def _find_cell(register: RegisterFile, finder: CellFinder, h: Planned) -> None:
    p = h.picked
    value = lambda key: text(p[key].values.get(key)) if p[key] else ""  # noqa: E731
    code, village, group = value("cell_code"), value("village"), value("village_group")
    by_name = None
    if village:
        found, why = finder.village(village, value("town"))
        source = p["village"]
        if why:
            en = {"unknown": "no such village or community", "ambiguous": "more than one village has this name: "
                  "add the town (乡镇) or the cell code"}[why]
            zh = {"unknown": "未找到该村（社区）", "ambiguous": "有多个同名村（社区），请填写乡镇或网格编码"}[why]
            if not code:
                refuse(register, source, "village", f"{why}_village", f"'{village}': {en}", f"“{village}”：{zh}")
        elif group:
            by_name = finder.group(found[0], group)
            if by_name is None and not code:
                known = "、".join(c.group_name for c in finder.cells_of[found[0]])
                refuse(register, p["village_group"], "village_group", "unknown_village_group",
                       f"'{group}' is not a group of {found[1].village_name} (its groups: {known})",
                       f"“{group}”不是{found[1].village_name}的村民小组（现有：{known}）")
        elif not code and len(finder.cells_of[found[0]]) == 1:
            by_name = found[1]  # a village of one cell needs no group
        elif not code:
            refuse(register, source, "village_group", "blank", f"blank: {found[1].village_name} has several groups",
                   f"为空：{found[1].village_name}有多个村民小组")
    if code:
        h.cell = finder.by_code.get(code)
        if h.cell is None:
            refuse(register, p["cell_code"], "cell_code", "unknown_cell", f"no cell with the code '{code}'",
                   f"未找到编码为“{code}”的网格")
        elif by_name is not None and by_name is not h.cell:
            warn(register, p["village"], "village_group", "cell_differs",
                 f"{village} {group} is {by_name.code}, not the cell code's {code}: the code is used",
                 f"{village}{group}是网格 {by_name.code}，与网格编码 {code} 不符，以编码为准")
    else:
        h.cell = by_name
    h.by_point = not (code or village)
    if h.by_point and h.point is None:
        refuse(register, h.head, "cell_code", "no_cell", "no cell: give the cell code, the village and group, "
               "or the longitude and latitude", "无法确定网格：请填写所属网格编码，或村（社区）和村民小组，或经纬度")


def registered_id_numbers() -> dict[str, str]:
    """Every ID number of a living person on the register (heads of households not retired, members who have not
    left one; as server/register/checks.py counts them), with its household's code: one query."""
    household, member = Household.__table__, HouseholdMember.__table__
    heads = sa.select(household.c.head_id_number, household.c.code).where(
        household.c.head_id_number.is_not(None), household.c.retired_at.is_(None))
    members = (sa.select(member.c.id_number, household.c.code).join(household, household.c.id == member.c.household_id)
               .where(member.c.id_number.is_not(None), member.c.left_on.is_(None), household.c.retired_at.is_(None)))
    return dict(db.session.execute(sa.union_all(heads, members)).all())


def _mark_duplicates(register: RegisterFile, rows: list) -> None:
    registered, seen = registered_id_numbers(), {}
    for r in rows:
        if r.id_number is None:
            continue
        key, masked = r.id_key, mask_id_number(r.id_number)
        if r.id_number in registered:
            code = registered[r.id_number]
            _problem(register, r, "error", key, "duplicate", f"{masked} is already registered, in household {code}",
                     f"{masked} 已在住户 {code} 登记")
        elif r.id_number in seen:
            _problem(register, r, "error", key, "duplicate", f"{masked} is also on row {seen[r.id_number]}",
                     f"{masked} 与第 {seen[r.id_number]} 行重复")
        else:
            seen[r.id_number] = r.number


def _allocate_codes(register: RegisterFile, households: list) -> None:
    placed = [h for h in households if h.cell is not None]
    free = free_household_codes(Counter(h.cell.code for h in placed))
    for h in placed:
        if free[h.cell.code]:
            h.code = free[h.cell.code].pop(0)
        else:
            refuse(register, h.head, "cell_code", "no_free_code", f"cell {h.cell.code} has no household codes left",
                   f"网格 {h.cell.code} 的住户编号已用完")


# a unique code or person written by someone else between this import's checks and its write
WRITTEN_MEANWHILE = ("Households were written into these cells meanwhile (another import or a registration): nothing "
                     "was written; run the import again", "导入期间这些网格有其他住户写入（另一次导入或新登记），本次未写入，请重新导入")


def write_register(result: RegisterImport, progress=None) -> None:
    """Every household, its members and tags, in bulk, and one audit row with the counts (Core writes pass the ORM's
    audit hook by). Only for a result that is ok; the caller commits."""
    if not result.ok:
        raise ValueError("a register with refused or duplicate rows cannot be written")
    household, member, tag = Household.__table__, HouseholdMember.__table__, HouseholdTag.__table__
    written = Counter()
    for start in range(0, len(result.households), WRITE_CHUNK):
        chunk = result.households[start:start + WRITE_CHUNK]
        ids = dict(db.session.execute(sa.insert(household).returning(household.c.code, household.c.id), [{
            "code": h.code, "cell_id": h.cell.id, "address": h.address or h.cell.name, "head_name": h.head.name,
            "head_id_number": h.head.id_number, "phone": h.head.phone or next(
                (r.phone for r in h.rows if r.phone), None), "member_count": h.member_count,
            "location": f"SRID=4326;POINT({h.point[0]} {h.point[1]})" if h.point else None} for h in chunk]).all())
        members = [{"household_id": ids[h.code], "name": r.name, "relation": r.relation, "sex": r.sex,
                    "birth_date": r.birth_date, "id_number": r.id_number} for h in chunk for r in h.rows[1:]]
        tags = [{"household_id": ids[h.code], "tag": t} for h in chunk for t in sorted(h.head.tags)]
        for table, rows in ((member, members), (tag, tags)):
            if rows:
                db.session.execute(sa.insert(table), rows)
        written.update(households=len(chunk), members=len(members), tags=len(tags))
        if progress:
            progress(len(chunk))
    cells = Counter(h.cell.code for h in result.households)
    audit.record("import", "household", None, after={
        "file": result.file.filename, "rows_mode": result.file.mode, "rows": len(result.rows), **written,
        "households_by_cell": dict(sorted(cells.items()))})
    result.written, result.applied = dict(written), True

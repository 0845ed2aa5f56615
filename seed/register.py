"""A county's household register (人口底数) as its office would send it: generated households written as a
spreadsheet of one row per person with Chinese headings, for the benchmark and the tests of `flask register import`."""
from __future__ import annotations

import csv
import io

from .people import id_check_digit

MEMBER_HEADINGS = ("户编号", "户主姓名", "姓名", "与户主关系", "身份证号", "性别", "出生日期", "联系电话", "住址",
                   "乡镇（街道）", "村（社区）", "村民小组", "所属网格编码", "经度", "纬度", "标签")
TAG_ZH = {"subsistence": "低保户", "elderly_alone": "独居老人", "left_behind_child": "留守儿童", "disabled": "残疾",
          "poverty_watch": "脱贫监测户", "key_person": "重点人员"}
RELATION_ZH = {("spouse", "M"): "丈夫", ("spouse", "F"): "妻子", ("child", "M"): "儿子", ("child", "F"): "女儿",
               ("parent", "M"): "父亲", ("parent", "F"): "母亲", ("grandchild", "M"): "孙子", ("grandchild", "F"): "孙女",
               ("sibling", "M"): "弟弟", ("sibling", "F"): "妹妹", ("other", "M"): "其他", ("other", "F"): "儿媳"}
SEX_ZH = {"M": "男", "F": "女"}


def _id_birth(id_number: str) -> str:
    return f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"


def _unique(id_number: str, seen: set) -> str:
    """The ID number, or, when an earlier person has it (the generator draws sequence numbers at random, so two
    people born the same day in the same county can share one), the next free sequence of the same sex."""
    while id_number in seen:
        first17 = f"{id_number[:14]}{(int(id_number[14:17]) + 2) % 1000 or 2:03d}"
        id_number = first17 + id_check_digit(first17)
    seen.add(id_number)
    return id_number


def member_rows(households, cells, by_code: bool = False) -> list[list]:
    """One row per person of generated `households` (seed.population.Households) in `cells` (seed.grid.Unit):
    the head first, then the members; each household under the seed's code as its 户编号, its cell named by
    village and group (or by its code). Every ID number in it is different, as a county's register holds them."""
    cell_of, seen = {c.id: c for c in cells}, set()
    members_of, tags_of = {}, {}
    for m in households.members:
        members_of.setdefault(m["household_id"], []).append(m)
    for t in households.tags:
        tags_of.setdefault(t["household_id"], []).append(TAG_ZH[t["tag"]])
    out = []
    for h in households.rows:
        cell = cell_of[h["cell_id"]]
        lon, lat = households.points.get(h["id"], ("", ""))
        village = cell.parent
        place = [village.parent.name, village.name, cell.name.removeprefix(village.name), ""]
        if by_code:
            place = ["", "", "", cell.code]
        head_sex = "M" if int(h["head_id_number"][16]) % 2 else "F"
        out.append([h["code"], h["head_name"], h["head_name"], "户主", _unique(h["head_id_number"], seen), SEX_ZH[head_sex],
                    _id_birth(h["head_id_number"]), h["phone"] or "", h["address"], *place,
                    lon, lat, "、".join(tags_of.get(h["id"], []))])
        for m in members_of.get(h["id"], []):
            out.append([h["code"], h["head_name"], m["name"], RELATION_ZH[(m["relation"], m["sex"])],
                        _unique(m["id_number"], seen),
                        SEX_ZH[m["sex"]], m["birth_date"].isoformat(), "", "", *place, "", "", ""])
    return out


def as_csv(rows, headings=MEMBER_HEADINGS, encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headings)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def as_xlsx(rows, headings=MEMBER_HEADINGS, title: str | None = None) -> bytes:
    """An .xlsx of the rows, ID numbers as text (as an office must store them), under an optional title row."""
    from openpyxl import Workbook
    book = Workbook(write_only=True)
    sheet = book.create_sheet("人口底数")
    if title:
        sheet.append([title])
    sheet.append(list(headings))
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()

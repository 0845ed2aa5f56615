"""Bringing a county's register in (`flask register import`): the row report for hand-made bad rows, the encodings
and formats a county office sends, grouping members into households, and apply writing everything or nothing."""
import datetime as dt
import io
import json
import random

import pytest
import shapely
import sqlalchemy as sa

from seed.people import id_number
from seed.register import MEMBER_HEADINGS, as_csv, as_xlsx
from server.extensions import db
from server.models import AuditLog, GridUnit, Household, HouseholdMember, HouseholdTag
from server.register.codes import free_household_codes
from server.register.importer import import_register
from tests.conftest import signed_in

VILLAGE, TOWN = "铜川村", "城关镇"  # the small county's first village: groups 一组, 二组, 三组 (cells 610923100201001…)


@pytest.fixture(scope="module")
def county(db_server):
    """A small county of this module's own; each test makes people of its own (IDs from its own seed)."""
    from tests.conftest import small_county_app
    return small_county_app(db_server)


class People:
    """Valid, distinct ID numbers of people born in the county."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def __call__(self, sex="M", born=dt.date(1970, 5, 1)):
        return id_number(self.rng, "610923", born, sex)


def row(key, name, relation, ident, sex="男", group="一组", village=VILLAGE, town="", cell="", lon="", lat="",
        phone="", tags="", born="", address="铜川村一组1号"):
    """A row in MEMBER_HEADINGS' order."""
    return [key, "", name, relation, ident, sex, born, phone, address, town, village, group, cell, lon, lat, tags]


def cell_point(app, code):
    """A point inside the cell."""
    with app.app_context():
        wkb = db.session.scalar(sa.select(sa.func.ST_AsBinary(GridUnit.boundary)).where(GridUnit.code == code))
        p = shapely.point_on_surface(shapely.from_wkb(bytes(wkb)))
        return round(p.x, 7), round(p.y, 7)


def registered_head_id(app):
    with app.app_context():
        return db.session.scalar(sa.select(Household.head_id_number).where(Household.head_id_number.is_not(None))
                                 .order_by(Household.id))


def counts(app):
    with app.app_context():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                     for m in (Household, HouseholdMember, HouseholdTag, AuditLog))


def run(app, data, filename="register.csv", **kw):
    with app.app_context():
        result = import_register(data, filename, **kw)
        body = result.to_dict()
        if result.applied:
            db.session.commit()
        else:
            db.session.rollback()
        return body


def by_row(body):
    return {r["row"]: r for r in body["report"]}


def test_the_report_names_every_bad_row_and_a_dry_run_writes_nothing(county):
    person = People(1)
    good_head, good_wife, twice = person(), person("F"), person()
    base = person()
    bad_check = base[:-1] + ("0" if base[-1] != "0" else "1")
    lon, lat = cell_point(county, "610923100201002")  # inside 二组, given as 一组
    rows = [
        row("A", "张大山", "户主", good_head, phone="13812345678", tags="低保户、残疾"),         # 2 accepted
        row("A", "李秀兰", "妻子", good_wife, sex="女"),                                       # 3 accepted
        row("A", "张小明", "儿子", bad_check),                                                 # 4 check digit
        ["", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],                   # empty: skipped
        row("B", "王五", "户主", person(), cell="610923100299001", village="", group=""),     # 6 unknown cell
        row("C", "赵六", "户主", person(), group="九十九组"),                                  # 7 unknown group
        row("D", "钱七", "户主", registered_head_id(county), sex=""),                              # 8 in the database
        row("E", "孙八", "户主", twice),                                                      # 9
        row("E", "孙九", "儿子", twice),                                                      # 10 earlier in the file
        row("F", "周十", "户主", person(), phone="1381234567"),                               # 11 bad mobile
        row("G", "吴一", "户主", person(), lon=lon, lat=lat),                                 # 12 outside its cell
        row("H", "郑二", "户主", person(), group="3组", village="铜川", town=TOWN),             # 13 accepted
    ]
    before = counts(county)
    body = run(county, as_csv(rows))
    assert counts(county) == before
    report = by_row(body)
    assert body["rows_mode"] == "member" and body["rows_mode_from"] == "headers"
    assert body["empty_rows_skipped"] == 1 and 5 not in report and body["rows"] == 11
    statuses = {n: r["status"] for n, r in report.items()}
    assert statuses == {2: "accepted", 3: "accepted", 4: "refused", 6: "refused", 7: "refused", 8: "duplicate",
                        9: "accepted", 10: "duplicate", 11: "refused", 12: "warning", 13: "accepted"}
    kinds = {n: [(p["field"], p["kind"]) for p in r["problems"]] for n, r in report.items() if r["problems"]}
    assert kinds == {4: [("id_number", "id_check_digit")], 6: [("cell_code", "unknown_cell")],
                     7: [("village_group", "unknown_village_group")], 8: [("id_number", "duplicate")],
                     10: [("id_number", "duplicate")], 11: [("phone", "bad_mobile")], 12: [("lon", "outside_cell")]}
    check = report[4]["problems"][0]
    assert check["message"].startswith("身份证号: ") and check["message_zh"].startswith("身份证号：")
    assert "row 9" in report[10]["problems"][0]["message"] and "第 9 行" in report[10]["problems"][0]["message_zh"]
    assert "一组、二组、三组" in report[7]["problems"][0]["message_zh"]
    assert "610923100201002" in report[12]["problems"][0]["message"]  # where the point is
    assert report[2]["household_code"] == report[3]["household_code"] and report[13]["household_code"][:15] == \
        "610923100201003"
    assert body["ok"] is False and body["applied"] is False and body["households"] == 8
    dumped = json.dumps(body, ensure_ascii=False)
    for ident in (good_head, good_wife, twice, bad_check, registered_head_id(county)):
        assert ident not in dumped and ident[:4] + "*" * 10 + ident[-4:] in dumped


def test_a_gbk_csv_and_an_xlsx_under_a_title_row(county):
    person = People(2)
    rows = [row("1", "欧阳娜", "户主", person("F"), sex="女"),
            row("1", "欧阳晓", "女儿", person("F", dt.date(2001, 1, 2)), sex="女")]
    gbk = run(county, as_csv(rows, encoding="gbk"))
    xlsx = run(county, as_xlsx(rows, title="宁陕县人口底数登记表"), "register.xlsx")
    for body in (gbk, xlsx):
        assert body["ok"] and [r["name"] for r in body["report"]] == ["欧阳娜", "欧阳晓"]
    assert gbk["heading_row"] == 1 and xlsx["heading_row"] == 2 and xlsx["columns"]["village"] == "村（社区）"


def test_members_are_grouped_into_households_head_first_and_applied_in_one_go(county):
    person = People(3)
    lon, lat = cell_point(county, "610923100201001")
    head_id = person()
    rows = [row("77", "陈小妹", "女儿", person("F", dt.date(2010, 3, 4)), sex="女", born="2010-03-04"),
            row("77", "陈建国", "户主", head_id, phone="13900001111", lon=lon, lat=lat, tags="留守儿童"),
            row("78", "刘芳", "户主", person("F"), sex="女", cell="610923100201002", village="", group=""),
            row("78", "刘强", "兄弟姐妹", person(), tags="重点人员")]
    with county.app_context():
        highest = db.session.scalar(sa.select(sa.func.max(Household.code)).where(
            Household.code.startswith("610923100201001")))
    before = counts(county)
    body = run(county, as_csv(rows), apply=True)
    assert body["applied"] and body["written"] == {"households": 2, "members": 2, "tags": 2}
    assert counts(county)[:3] == (before[0] + 2, before[1] + 2, before[2] + 2)
    code = by_row(body)[3]["household_code"]
    assert code == f"{highest[:15]}{int(highest[15:]) + 1:04d}"  # the next free code of the cell
    with county.app_context():
        audit = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "import")).all()[-1]
        assert audit.entity_type == "household" and audit.after["households"] == 2
        assert audit.after["households_by_cell"] == {"610923100201001": 1, "610923100201002": 1}
    detail = signed_in(county, "county01").get(f"/api/households/{code}").get_json()
    assert detail["head_name"] == "陈建国" and detail["member_count"] == 2 and detail["tags"] == ["left_behind_child"]
    assert [(m["name"], m["relation"], m["birth_date"]) for m in detail["members"]] == [
        ("陈小妹", "child", "2010-03-04")]
    assert detail["head_id_number"] == head_id[:4] + "*" * 10 + head_id[-4:]
    assert detail["location"]["coordinates"] == pytest.approx([lon, lat])


def test_without_household_numbers_each_head_starts_a_household(county):
    person = People(4)
    headings = ("姓名", "与户主关系", "身份证号", "性别", "所属网格编码")
    rows = [["杨一", "户主", person(), "男", "610923100201001"], ["杨二", "子", person(), "男", ""],
            ["韩三", "户主", person(), "男", "610923100201001"], ["韩四", "妻", person("F"), "女", ""]]
    body = run(county, as_csv(rows, headings))
    assert body["ok"] and body["households"] == 2
    assert [r["household_code"] for r in body["report"]][::2] == [r["household_code"] for r in body["report"]][1::2]
    orphan = run(county, as_csv([["杨二", "子", person(), "男", "610923100201001"]], headings))
    assert orphan["report"][0]["problems"][0]["kind"] == "no_head_before"


def test_a_household_with_only_a_point_goes_to_the_cell_holding_it(county):
    lon, lat = cell_point(county, "610923100201003")
    headings = ("户主姓名", "户主身份证号", "经度", "纬度")
    body = run(county, as_csv([["卫一", People(8)(), lon, lat], ["卫二", People(9)(), 100.0, 20.0]], headings))
    placed, nowhere = body["report"]
    assert placed["status"] == "accepted" and placed["household_code"].startswith("610923100201003")
    assert body["located_by_point"] == 1 and nowhere["problems"][0]["kind"] == "point_in_no_cell"


def test_one_row_per_household_is_told_from_the_headings(county):
    person = People(5)
    headings = ("户主姓名", "户主身份证号", "家庭人口数", "村（社区）", "村民小组", "标签", "住址")
    data = as_csv([["冯一", person(), "4", VILLAGE, "二组", "独居老人", "铜川村二组5号"],
                   ["冯二", person(), "x", VILLAGE, "二组", "五保户", ""]], headings)
    body = run(county, data)
    assert body["rows_mode"] == "household" and body["rows_mode_from"] == "headers"
    first, second = body["report"]
    assert first["status"] == "accepted" and [p["kind"] for p in second["problems"]] == ["unknown_tag", "bad_count"]
    assert run(county, data, rows="member")["file_errors"][0]["message_zh"].startswith("每行一人的文件须有")


@pytest.mark.parametrize("data, zh", [
    (as_csv([["x"]], ("备注",)), "无法从表头判断"),
    (b"", "文件为空"),
    (b"\xff\xfe\x00garbage\x81", "既不是 UTF-8 也不是 GBK"),
])
def test_a_file_that_cannot_be_read_says_why(county, data, zh):
    body = run(county, data, apply=True)
    assert zh in body["file_errors"][0]["message_zh"] and body["applied"] is False


def test_an_apply_with_a_refused_row_writes_nothing(county):
    person = People(6)
    rows = [row("1", "许一", "户主", person()), row("2", "许二", "户主", person(), group="")]
    before = counts(county)
    body = run(county, as_csv(rows), apply=True)
    assert body["refused"] == 1 and body["applied"] is False and counts(county) == before


def test_an_id_number_excel_turned_into_a_number_is_refused(county):
    from openpyxl import Workbook
    book = Workbook()
    book.active.append(list(MEMBER_HEADINGS))
    book.active.append(row("1", "何一", "户主", 6.10923197005011e17))
    buf = io.BytesIO()
    book.save(buf)
    problem, = run(county, buf.getvalue(), "r.xlsx")["report"][0]["problems"]
    assert problem["kind"] == "id_stored_as_number" and "文本格式" in problem["message_zh"]


def test_next_household_codes_follow_the_highest_of_each_cell(county):
    with county.app_context():
        highest = db.session.scalar(sa.select(sa.func.max(Household.code)).where(
            Household.code.startswith("610923100201003")))
        codes = free_household_codes({"610923100201003": 2, "610923100201099": 1})
    n = int(highest[15:])
    assert codes == {"610923100201003": [f"610923100201003{n + 1:04d}", f"610923100201003{n + 2:04d}"],
                     "610923100201099": ["6109231002010990001"]}


def test_the_cli_dry_run_and_apply(county, tmp_path):
    person = People(7)
    path = tmp_path / "人口底数.csv"
    path.write_bytes(as_csv([row("1", "朱一", "户主", person()), row("2", "朱二", "户主", person(), phone="123")],
                            encoding="gbk"))
    runner = county.test_cli_runner()
    dry = runner.invoke(args=["register", "import", str(path)])
    assert dry.exit_code == 0, dry.output
    assert "one row per member" in dry.output and "bad_mobile" not in dry.output and "手机号码" in dry.output
    assert "Dry run" in dry.output and "1 拒绝 refused" in dry.output
    refused = runner.invoke(args=["register", "import", str(path), "--apply"])
    assert refused.exit_code == 1 and "nothing written" in refused.output
    path.write_bytes(as_csv([row("1", "朱一", "户主", person())]))
    applied = runner.invoke(args=["register", "import", str(path), "--apply", "--rows", "member"])
    assert applied.exit_code == 0, applied.output
    assert "wrote 1 households" in applied.output and "Written" in applied.output

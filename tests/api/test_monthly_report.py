"""The monthly report 月报 as the county office hands it on (opened with openpyxl), and the CSV beside it."""
import csv
import io
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from server.extensions import db
from server.models import GridUnit
from server.stats.columns import COLUMNS, PERCENT, heading
from server.stats.figures import RATES
from server.stats.report import text_width
from tests.conftest import signed_in

MONTH = "start=2026-10-01&end=2026-11-01"
LONG_NAME = "宁陕县城关镇一个名字很长很长的易地扶贫搬迁安置社区"
TITLE = "宁陕县网格化服务管理月报（2026年10月）"
COUNTS = [k for k in COLUMNS if k not in PERCENT and k not in ("code", "name", "daily_report_days")]


@pytest.fixture
def report(small_app):
    """The county's 月报 for October 2026 after one village was given a long name: (response, workbook)."""
    with small_app.app_context():
        village = db.session.scalars(sa.select(GridUnit).where(GridUnit.level == "village")
                                     .order_by(GridUnit.code)).first()
        village.name = LONG_NAME
        db.session.commit()
    response = signed_in(small_app, "county01").get(f"/api/stats/figures?{MONTH}&format=xlsx")
    assert response.status_code == 200
    return response, load_workbook(io.BytesIO(response.data))


def table(sheet):
    """The sheet's rows under the headings as dicts by heading, and the 合计 row apart."""
    headings = [c.value for c in sheet[3]]
    rows = [dict(zip(headings, r)) for r in sheet.iter_rows(min_row=4, values_only=True)]
    return rows[:-1], rows[-1]


def test_the_report_names_the_county_the_period_and_who_compiled_it(report):
    response, book = report
    assert book.sheetnames == ["镇（街道）", "村（社区）", "网格"]
    for sheet in book:
        assert sheet["A1"].value == TITLE
        assert sheet["A2"].value.startswith("编制单位：宁陕县综治中心 · 编制日期：20")
        last = get_column_letter(sheet.max_column)
        assert {str(r) for r in sheet.merged_cells.ranges} == {f"A1:{last}1", f"A2:{last}2"}
    disposition = response.headers["Content-Disposition"]
    assert disposition == (f'attachment; filename="wangge-monthly-report-2026-10-01.xlsx"; '
                           f"filename*=UTF-8''{quote(TITLE + '.xlsx', safe='')}")


def test_each_sheet_names_the_units_above_its_rows(report):
    _, book = report
    towns = {r["编码"]: r["名称"] for r in table(book["镇（街道）"])[0]}
    villages, _ = table(book["村（社区）"])
    assert villages and all(v["所属镇（街道）"] == towns[v["编码"][:9]] for v in villages)
    names = {v["编码"]: v["名称"] for v in villages}
    cells, _ = table(book["网格"])
    assert len(cells) == 24 and all(c["所属村（社区）"] == names[c["编码"][:12]] and
                                    c["所属镇（街道）"] == towns[c["编码"][:9]] for c in cells)
    assert "所属镇（街道）" not in [c.value for c in book["镇（街道）"][3]]


def test_the_total_row_sums_the_counts_and_computes_each_rate_from_the_sums(report):
    _, book = report
    for sheet in book:
        rows, total = table(sheet)
        assert total["名称"] == "合计"
        for key in COUNTS:
            assert total[heading(key)] == sum(r[heading(key)] for r in rows), (sheet.title, key)
        assert total[heading("households")] > 0 and total[heading("reported")] > 0
        for rate, (numerator, denominator) in RATES.items():
            n, d = total[heading(numerator)], total[heading(denominator)]
            assert total[heading(rate)] == (pytest.approx(n / d) if d else None), (sheet.title, rate)
        coverages = [r[heading("coverage")] for r in rows]
        assert total[heading("coverage")] != pytest.approx(sum(coverages) / len(coverages))  # not an average


def test_headings_carry_units_and_rates_are_excel_percentages(report):
    _, book = report
    sheet = book["村（社区）"]
    headings = [c.value for c in sheet[3]]
    assert {"户数（户）", "走访人次（人次）", "矛盾纠纷数（件）", "覆盖率（%）"} <= set(headings)
    for rate in RATES:
        column = headings.index(heading(rate)) + 1
        assert {sheet.cell(r, column).number_format for r in range(4, sheet.max_row + 1)} == {"0.0%"}
    households = headings.index("户数（户）") + 1
    assert sheet.cell(4, households).number_format == "General"


def test_columns_are_wide_enough_for_their_longest_text(report):
    _, book = report
    for sheet in book:
        for column in sheet.iter_cols(min_row=3):
            texts = [str(c.value) for c in column if c.value is not None and c.number_format != "0.0%"]
            width = sheet.column_dimensions[column[0].column_letter].width
            assert width >= max(map(text_width, texts)), (sheet.title, column[0].value)
    village = book["村（社区）"]
    assert village.column_dimensions["B"].width >= 2 * len(LONG_NAME)  # the long name, in wide characters
    assert book["网格"].column_dimensions["C"].width >= 2 * len(LONG_NAME)  # and as the cells' village


def test_headings_are_frozen_and_the_print_fits_the_width_in_landscape(report):
    _, book = report
    for sheet in book:
        assert sheet.freeze_panes == "C4"  # code and name columns, title, compiling line and headings
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.print_title_rows == "$1:$3"


def test_a_town_secretarys_report_names_the_county_and_their_town(small_app):
    secretary = signed_in(small_app, "t101")
    book = load_workbook(io.BytesIO(secretary.get(f"/api/stats/figures?{MONTH}&format=xlsx").data))
    with small_app.app_context():
        town = db.session.scalar(sa.select(GridUnit.name).where(GridUnit.code == "610923101"))
    assert book["镇（街道）"]["A1"].value == f"宁陕县{town}网格化服务管理月报（2026年10月）"
    rows, total = table(book["网格"])
    assert {r["编码"][:9] for r in rows} == {"610923101"}
    assert total[heading("households")] == sum(r[heading("households")] for r in rows)


@pytest.mark.parametrize("under", ["610923102", "6109231", "610923999"])
def test_a_report_outside_your_area_is_not_found(small_app, under):
    response = signed_in(small_app, "t101").get(f"/api/stats/figures?{MONTH}&under={under}&format=xlsx")
    assert response.status_code == 404
    body = response.get_json()
    assert "610923" in body["message"] and "范围" in body["message_zh"]


def test_the_csv_carries_rates_as_the_table_shows_them_and_the_counts_beside(small_app):
    staff = signed_in(small_app, "county01")
    response = staff.get(f"/api/stats/figures?level=village&{MONTH}&format=csv")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    by_code = {r["code"]: r for r in staff.get(f"/api/stats/figures?level=village&{MONTH}").get_json()}
    assert len(rows) == len(by_code) == 6
    for row in rows:
        figures = by_code[row["编码"]]
        assert row["户数（户）"] == str(figures["households"]) and row["走访户数（户）"] == str(figures["visited_households"])
        assert row["覆盖率（%）"] == f"{figures['coverage'] * 100:.1f}"  # as format.js percent shows it, without %
        assert row["按期办结数（件）"] == str(figures["resolved_on_time"])
        assert row["按期办结率（%）"] == ("" if figures["on_time_rate"] is None else f"{figures['on_time_rate'] * 100:.1f}")

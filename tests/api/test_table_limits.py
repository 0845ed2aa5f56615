"""Spreadsheets within limits (issue 22 point 5), the register's and the cadre links': an .xlsx is a zip, and openpyxl
reads every part but the sheet whole (a part of tiny shared strings costs five times its size and half a minute for
34 MB), pads each row to the width the sheet declares and was handed every row at once; a CSV of blank lines kept a
list for each. Each is refused naming its limit, or read within it, writing nothing."""
import io
import re
import zipfile

import pytest
import sqlalchemy as sa

from seed.register import as_csv, as_xlsx
from server import limits
from server.extensions import db
from server.models import CadreLink, Household
from tests.conftest import signed_in
from tests.test_register_import import People, row
from tests.zip_bombs import MB, declaring, peak_megabytes, zip_of

ENDPOINTS = {"register": "/api/admin/register/import", "links": "/api/admin/cadre-links/import"}
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


@pytest.fixture(scope="module")
def app(db_server):
    from tests.conftest import small_county_app
    return small_county_app(db_server)


@pytest.fixture(scope="module")
def admin(app):
    return signed_in(app, "admin")  # once: signing in (scrypt) takes more memory than a refusal may


def upload(client, what, data, filename):
    return client.post(ENDPOINTS[what], content_type="multipart/form-data", data={"file": (io.BytesIO(data), filename)})




def stored(app) -> tuple[int, int]:
    with app.app_context():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Household, CadreLink))


def refused(response, status, limit):
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert limit in body["message"] and limit in body["message_zh"] and "上限" in body["message_zh"]
    assert body["limits"] == limits.table_limits()
    return body


def workbook(rows=(("户编号", "姓名", "与户主关系"), ("1", "马一", "户主"))) -> bytes:
    return as_xlsx(list(rows[1:]), headings=list(rows[0]))


def rebuilt(data: bytes, change=lambda name, content: content, extra=None, zeros=None) -> bytes:
    """The workbook's parts, some changed, and more parts (of so many zeros) beside them."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: change(name, source.read(name)) for name in source.namelist()}
    return zip_of({**parts, **(extra or {})}, zeros=zeros)


def with_shared_strings(data: bytes, count: int) -> bytes:
    """The workbook with a table of `count` one-letter shared strings, the cheapest to send and dearest to read."""
    def change(name, content):
        if name == "[Content_Types].xml":
            return content.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                                   + SHARED_STRINGS_TYPE.encode() + b'"/></Types>')
        return content
    table = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             + b"<si><t>a</t></si>" * count + b"</sst>")
    return rebuilt(data, change, {"xl/sharedStrings.xml": table})


@pytest.mark.parametrize("what", ENDPOINTS)
def test_a_workbook_part_declared_larger_than_the_limit_is_refused_without_unpacking_it(app, admin, what):
    bomb = rebuilt(workbook(), zeros={"xl/sharedStrings.xml": limits.MAX_WORKBOOK_PART_BYTES + MB})
    before = stored(app)
    response, peak = peak_megabytes(lambda: upload(admin, what, bomb, "register.xlsx"))
    assert peak < 10, f"the answer took {peak:.0f} MB"
    refused(response, 413, "max_part_bytes")
    assert stored(app) == before


@pytest.mark.parametrize("what", ENDPOINTS)
def test_a_table_of_shared_strings_over_the_limit_is_refused_before_openpyxl_reads_it(app, admin, monkeypatch, what):
    monkeypatch.setattr(limits, "MAX_WORKBOOK_PART_BYTES", MB)
    body = refused(upload(admin, what, with_shared_strings(workbook(), 200_000), "register.xlsx"), 413, "max_part_bytes")
    assert "xl/sharedStrings.xml" in body["message"] and "1 MB" in body["message_zh"]


def test_a_workbook_unpacking_to_more_than_the_limit_is_refused_from_its_declared_size(app, admin):
    bomb = rebuilt(workbook(), zeros={"xl/media/a.bin": limits.MAX_WORKBOOK_UNPACKED_BYTES // 2 + MB,
                                      "xl/media/b.bin": limits.MAX_WORKBOOK_UNPACKED_BYTES // 2 + MB})
    response, peak = peak_megabytes(lambda: upload(admin, "register", bomb, "register.xlsx"))
    assert peak < 10, f"the answer took {peak:.0f} MB"
    refused(response, 413, "max_unpacked_bytes")


def test_a_workbook_whose_parts_lie_about_their_size_is_refused_without_unpacking_them(app, admin):
    data = with_shared_strings(workbook(), 1)
    bomb = declaring(rebuilt(data, zeros={"xl/styles2.xml": 200 * MB}), "xl/styles2.xml", 100)
    response, peak = peak_megabytes(lambda: upload(admin, "register", bomb, "register.xlsx"))
    assert peak < 10, f"the answer took {peak:.0f} MB"
    assert response.status_code == 422 and "压缩包已损坏" in response.get_json()["message_zh"]


def test_a_sheet_declaring_every_column_is_read_no_wider_than_the_limit(app, admin):
    """A sheet may declare its size (A1:XFD300): openpyxl gave each row all 16,384 of its columns."""
    rows = [("户编号", "姓名", "与户主关系")] + [(str(i), f"马{i}", "户主") for i in range(300)]
    def change(name, content):
        return re.sub(rb"<sheetViews>", b'<dimension ref="A1:XFD301"/><sheetViews>', content, count=1) \
            if name == "xl/worksheets/sheet1.xml" else content
    wide = rebuilt(workbook(rows), change)
    response, peak = peak_megabytes(lambda: upload(admin, "register", wide, "register.xlsx"))
    assert peak < 10, f"the answer took {peak:.0f} MB"
    assert response.status_code == 200 and response.get_json()["rows"] == 300


def test_a_sheet_with_more_columns_than_the_limit_is_refused_naming_it(app, admin):
    heading = ["户编号", "姓名", "与户主关系"] + [f"备注{i}" for i in range(limits.MAX_TABLE_COLUMNS)]
    data = as_xlsx([["1", "马一", "户主"] + ["x"] * limits.MAX_TABLE_COLUMNS], headings=heading)
    refused(upload(admin, "register", data, "register.xlsx"), 422, "max_columns")


def rows_of(what: str, count: int) -> bytes:
    if what == "links":
        return "\n".join(["干部账号,户编号,开始日期"] + [f"c00001,61092310020100{i:05d},2026-11-02"
                                                  for i in range(count)]).encode()
    person = People(31)
    return as_csv([row(str(i), f"牛{i}", "户主", person()) for i in range(count)])


@pytest.mark.parametrize("what", ENDPOINTS)
def test_more_rows_than_the_limit_are_refused_while_reading(app, admin, monkeypatch, what):
    monkeypatch.setattr(limits, "MAX_TABLE_ROWS", 1000)
    lines = rows_of(what, 1001)
    before = stored(app)
    body = refused(upload(admin, what, lines, "rows.csv"), 422, "max_rows")
    assert "1,000" in body["message"] and stored(app) == before


def test_a_file_of_blank_lines_costs_no_more_than_its_size(app, admin):
    blank = b"\n" * MB
    response, peak = peak_megabytes(lambda: upload(admin, "register", blank, "blank.csv"))
    assert peak < 10, f"the answer took {peak:.0f} MB"
    assert response.status_code == 422 and response.get_json()["message_zh"] == "文件为空"


def test_a_register_after_blank_lines_and_a_title_is_read(app, admin):
    person = People(32)
    data = b"\n" * 20 + "宁陕县人口底数\n".encode() + as_csv([row("1", "羊一", "户主", person())])
    body = upload(admin, "register", data, "register.csv").get_json()
    assert body["rows"] == 1 and body["empty_rows_skipped"] == 0

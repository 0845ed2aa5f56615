"""The register import over HTTP (admin): a dry run unless apply, everything or nothing, limits named in the answer."""
import io

import pytest

from seed.register import as_csv, as_xlsx
from server import limits
from tests.conftest import signed_in
from tests.test_register_import import People, counts, row


@pytest.fixture(scope="module")
def county(db_server):
    from tests.conftest import small_county_app
    return small_county_app(db_server)


def upload(client, data, filename="register.csv", **form):
    return client.post("/api/admin/register/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), filename), **form})


def coverage_denominator(client, cell):
    figures = client.get(f"/api/stats/figures?level=cell&under={cell}&start=2026-10-01&end=2026-11-01").get_json()
    return figures[0]["households"]


def test_a_dry_run_reports_every_row_and_writes_nothing(county):
    person, admin = People(11), signed_in(county, "admin")
    before = counts(county)  # after signing in, which is audited
    response = upload(admin, as_xlsx([row("1", "马一", "户主", person()),
                                                          row("1", "马二", "儿子", person()[:17] + "Y")]),
                      "register.xlsx")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["applied"] is False and body["ok"] is False and body["limits"] == limits.table_limits()
    assert [r["status"] for r in body["report"]] == ["accepted", "refused"]
    assert body["report"][1]["problems"][0]["field"] == "id_number"
    assert counts(county) == before
    only = upload(admin, as_csv([row("1", "马一", "户主", person())]), report="problems")
    assert only.get_json()["report"] == [] and only.get_json()["accepted"] == 1


def test_apply_writes_every_household_into_the_figures(county):
    admin, staff = signed_in(county, "admin"), signed_in(county, "county01")
    person = People(12)
    cell = "610923100201002"
    denominator = coverage_denominator(staff, cell)
    rows = [row(str(i), f"牛{i}", "户主", person(), group="二组") for i in range(3)]
    response = upload(admin, as_csv(rows, encoding="gbk"), apply="true")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["applied"] and body["written"]["households"] == 3
    assert coverage_denominator(staff, cell) == denominator + 3
    for r in body["report"]:
        assert staff.get(f"/api/households/{r['household_code']}").get_json()["cell_code"] == cell
    again = upload(admin, as_csv(rows), apply="true")  # the same people a second time
    assert again.status_code == 422 and again.get_json()["report"]["duplicate"] == 3
    assert coverage_denominator(staff, cell) == denominator + 3


def test_an_apply_with_a_refused_row_is_422_and_writes_nothing(county):
    person, admin = People(13), signed_in(county, "admin")
    before = counts(county)
    response = upload(admin, as_csv([row("1", "羊一", "户主", person()),
                                                         row("2", "羊二", "户主", person(), cell="610923999999999",
                                                             village="", group="")]), apply="true")
    assert response.status_code == 422
    body = response.get_json()
    assert body["message_zh"] == "有被拒绝或重复的行，未写入" and body["report"]["refused"] == 1
    assert counts(county) == before


@pytest.mark.parametrize("allowance", [0, 10 ** 6])  # refused from the declared length, or after reading the file
def test_a_file_over_the_size_limit_is_413_naming_it(county, monkeypatch, allowance):
    monkeypatch.setattr(limits, "MAX_TABLE_FILE_BYTES", 1000)
    monkeypatch.setattr(limits, "FORM_ALLOWANCE", allowance)
    response = upload(signed_in(county, "admin"), b"x" * 2000)
    assert response.status_code == 413
    body = response.get_json()
    assert "max_file_bytes" in body["message"] and "max_file_bytes" in body["message_zh"] and body["limits"]


def test_too_many_rows_is_422_naming_the_limit(county, monkeypatch):
    monkeypatch.setattr(limits, "MAX_TABLE_ROWS", 1)
    person = People(14)
    response = upload(signed_in(county, "admin"), as_csv([row("1", "鹿一", "户主", person()),
                                                         row("2", "鹿二", "户主", person())]))
    assert response.status_code == 422
    body = response.get_json()
    assert "max_rows" in body["message"] and "上限" in body["message_zh"] and body["limits"]["max_rows"] == 1


def test_an_unreadable_file_is_422_in_both_languages(county):
    response = upload(signed_in(county, "admin"), b"")
    assert response.status_code == 422 and response.get_json()["message_zh"] == "文件为空"


def test_codes_taken_by_a_concurrent_import_answer_409_and_write_nothing(county, monkeypatch):
    """Another import (or a registration) took the cell's next codes between this one reading them and writing:
    the unique code refuses the write, and the answer says to run it again, not a 500."""
    from server.register import importer
    admin, staff = signed_in(county, "admin"), signed_in(county, "county01")
    cell = "610923100201002"
    taken = staff.get(f"/api/grid/units/{cell}/households", query_string={"page_size": 1}).get_json()["items"][0]["code"]
    monkeypatch.setattr(importer, "free_household_codes", lambda wanted, session=None: {c: [taken] * n for c, n in wanted.items()})
    denominator = coverage_denominator(staff, cell)
    person = People(13)
    response = upload(admin, as_csv([row("1", "柴一", "户主", person(), group="二组")]), apply="true")
    assert response.status_code == 409, response.get_json()
    body = response.get_json()
    assert "run the import again" in body["message"] and "请重新导入" in body["message_zh"]
    assert coverage_denominator(staff, cell) == denominator

"""Worker activity 工作人员活跃度 as county staff ask for it: per grid worker and cadre, a China month's visits, the
households still due, visits flagged far from the household or with a poor GPS fix, the last visit and the phones'
last sync; sorted, scoped, validated, and exported to xlsx and CSV with the same figures.

The planted set lies after everything the generated county holds (its visits end in November 2026), in March 2027
with the server's clock on its 15th: a grid worker with visits in and out of the month (two at its China edges), some
far, some with a poor fix; the cadre of some of the worker's households, one of them visited by the worker (still due
for the cadre) and one by the cadre."""
import csv
import datetime as dt
import io
import uuid
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from server import clock as server_clock
from server.extensions import db
from server.models import CadreLink, GridUnit, Household, User, Visit
from tests.conftest import signed_in

CHINA = server_clock.CHINA
NOW = dt.datetime(2027, 3, 15, 10, 0, tzinfo=CHINA)
TOWN, OTHER_TOWN = "610923100", "610923101"


def at(day, hour, minute=0, month=3):
    return dt.datetime(2027, month, day, hour, minute, tzinfo=CHINA)


@pytest.fixture(scope="module")
def county(db_server):
    from tests.conftest import small_county_app
    return small_county_app(db_server)


@pytest.fixture(scope="module")
def planted(county):
    """The worker, the cadre and their households, with the visits above (distance and accuracy in metres)."""
    with county.app_context():
        worker = db.session.scalars(sa.select(User).join(GridUnit, GridUnit.id == User.unit_id).where(
            User.role == "grid_worker", GridUnit.code.startswith(TOWN)).order_by(User.id)).first()
        cadre_id = db.session.scalar(sa.select(CadreLink.cadre_id).join(Household, Household.id == CadreLink.household_id)
                                     .where(Household.cell_id == worker.unit_id, CadreLink.valid_to.is_(None))
                                     .group_by(CadreLink.cadre_id).order_by(sa.func.count().desc(), CadreLink.cadre_id))
        cadre = db.session.get(User, cadre_id)
        cell = db.session.scalars(sa.select(Household.id).where(Household.cell_id == worker.unit_id,
                                                                 Household.retired_at.is_(None))).all()
        linked = db.session.scalars(sa.select(CadreLink.household_id).where(
            CadreLink.cadre_id == cadre.id, CadreLink.valid_to.is_(None)).order_by(CadreLink.household_id)).all()
        in_cell = [h for h in linked if h in cell]
        l1, l2 = in_cell[:2]
        h = [h for h in sorted(cell) if h not in linked][:5]
        plan = [  # (author, household, when, distance, accuracy)
            (worker, h[0], at(1, 0, 30), 20, 10),       # China's 1 March, still 28 February in UTC: March
            (worker, h[1], at(5, 10), 850, 8),          # far
            (worker, h[2], at(6, 10), 40, 250),         # poor fix
            (worker, h[2], at(7, 10), 500, 150),        # both
            (worker, l1, at(8, 10), 15, 9),             # the cadre's household, visited by the worker: due for the cadre
            (worker, h[3], at(9, 10), None, None),      # no fix: not flagged
            (cadre, l2, at(10, 10), 30, 12),            # the cadre's own visit
            (worker, h[4], at(28, 23, 30, month=2), 900, 10),  # 28 February China time (UTC too): February, far
            (worker, h[0], at(10, 9, month=2), 10, 300),        # February, poor fix
        ]
        db.session.execute(sa.insert(Visit), [
            {"id": uuid.uuid4(), "household_id": household, "author_id": author.id, "kind": "policy", "notes": "",
             "findings": "", "visited_at": when, "received_at": when, "distance_m": distance, "gps_accuracy_m": accuracy}
            for author, household, when, distance, accuracy in plan])
        db.session.commit()
        own_before_march = db.session.scalar(sa.select(sa.func.max(Visit.visited_at)).where(
            Visit.author_id == cadre.id, Visit.visited_at < at(1, 0)))
        village_head = db.session.scalar(sa.select(User.username).where(
            User.role == "village_head", User.unit_id == worker.unit.parent_id))
        return {"worker": worker.username, "cadre": cadre.username, "cell": worker.unit.code,
                "village": worker.unit.code[:12], "village_head": village_head, "cell_households": len(cell),
                "linked": len(linked), "cadre_before_march": own_before_march}


@pytest.fixture
def march(clock):
    clock.at = NOW
    return clock


def activity(app, user="county01", **query):
    response = signed_in(app, user).get("/api/stats/worker-activity", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def row_of(answer, username):
    return next(row for row in answer["rows"] if row["username"] == username)


def test_the_running_month_counts_each_workers_visits_flags_and_households_due(county, planted, march):
    answer = activity(county)
    assert (answer["month"], answer["running"], answer["max_distance_m"], answer["max_accuracy_m"]) == (
        "2027-03", True, 300, 100)
    worker = row_of(answer, planted["worker"])
    n = planted["cell_households"]
    assert (worker["role"], worker["unit_code"], worker["cell_name"] is not None) == ("grid_worker", planted["cell"], True)
    assert (worker["visits"], worker["visits_far"], worker["visits_poor_gps"]) == (6, 2, 2)
    # the worker covers the cell: a household visited by anyone this month is no longer due (six were: five by the
    # worker, one by the cadre)
    assert (worker["households"], worker["households_due"]) == (n, n - 6)
    assert worker["completion_rate"] == pytest.approx(6 / n)
    assert dt.datetime.fromisoformat(worker["last_visit_at"]) == at(9, 10)
    assert worker["last_sync_at"] is None and worker["phones"] == []

    cadre = row_of(answer, planted["cadre"])
    k = planted["linked"]
    # the worker's visit to one of the cadre's households does not clear the cadre's duty; the cadre's own does
    assert (cadre["role"], cadre["visits"], cadre["households"], cadre["households_due"]) == ("cadre", 1, k, k - 1)
    assert dt.datetime.fromisoformat(cadre["last_visit_at"]) == at(10, 10)
    assert cadre["cell_name"] is None and cadre["village_name"] and cadre["town_name"]


def test_a_closed_month_counts_its_own_visits_by_china_days(county, planted, march):
    answer = activity(county, month="2027-02")
    assert (answer["month"], answer["running"]) == ("2027-02", False)
    worker = row_of(answer, planted["worker"])
    n = planted["cell_households"]
    assert (worker["visits"], worker["visits_far"], worker["visits_poor_gps"]) == (2, 1, 1)
    assert (worker["households"], worker["households_due"]) == (n, n - 2)
    assert dt.datetime.fromisoformat(worker["last_visit_at"]) == at(28, 23, 30, month=2)  # up to the month's end
    cadre = row_of(answer, planted["cadre"])
    assert (cadre["visits"], cadre["households_due"]) == (0, planted["linked"])
    before = planted["cadre_before_march"]
    assert (cadre["last_visit_at"] and dt.datetime.fromisoformat(cadre["last_visit_at"])) == before


def test_the_flags_follow_the_countys_thresholds(county, planted, march):
    staff = signed_in(county, "county01")
    assert staff.patch("/api/settings", json={"visit_max_distance_m": 600, "visit_max_accuracy_m": 200}).status_code == 200
    try:
        answer = activity(county)
        worker = row_of(answer, planted["worker"])
        assert (answer["max_distance_m"], answer["max_accuracy_m"]) == (600, 200)
        assert (worker["visits_far"], worker["visits_poor_gps"]) == (1, 1)  # 850 m; 250 m
    finally:
        staff.patch("/api/settings", json={"visit_max_distance_m": 300, "visit_max_accuracy_m": 100})


def test_only_workers_and_cadres_are_listed_and_a_role_filters(county, planted, march):
    everyone = activity(county)["rows"]
    with county.app_context():
        expected = set(db.session.scalars(sa.select(User.username).where(
            User.role.in_(("grid_worker", "cadre")), User.active.is_(True))))
    assert {row["username"] for row in everyone} == expected
    workers = activity(county, role="grid_worker")["rows"]
    assert workers and {row["role"] for row in workers} == {"grid_worker"}
    assert {row["username"] for row in workers} == {row["username"] for row in everyone if row["role"] == "grid_worker"}
    under = activity(county, under=planted["village"])["rows"]
    assert under and all(row["unit_code"].startswith(planted["village"]) for row in under)
    assert {planted["worker"], planted["cadre"]} <= {row["username"] for row in under}


@pytest.mark.parametrize("sort", ["visits", "households_due", "completion_rate", "last_visit_at", "unit", "phones",
                                  "last_sync_at"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_rows_come_sorted_by_the_column_asked_for_empty_values_last(county, planted, march, sort, order):
    with_a_phone(county, planted, march)
    with_a_phone(county, {"worker": planted["cadre"]}, march.advance(minutes=1) and march)
    rows = activity(county, sort=sort, order=order)["rows"]
    key = {"unit": "unit_code", "phones": "phone_count"}.get(sort, sort)
    values = [row[key] for row in rows]
    filled = [v for v in values if v is not None]
    assert values == filled + [None] * (len(values) - len(filled))  # empty last either way
    assert filled == sorted(filled, reverse=order == "desc") and len(set(filled)) > 1
    for a, b in zip(rows, rows[1:]):  # ties by username
        if a[key] == b[key]:
            assert a["username"] < b["username"]


def test_a_town_secretary_sees_their_town_and_a_village_head_their_village(county, planted, march):
    with county.app_context():
        secretaries = dict(db.session.execute(sa.select(GridUnit.code, User.username).join(
            User, User.unit_id == GridUnit.id).where(User.role == "town_secretary")).all())
    mine = activity(county, secretaries[TOWN])["rows"]
    assert mine and all(row["unit_code"].startswith(TOWN) for row in mine)
    assert planted["worker"] in {row["username"] for row in mine}
    assert row_of({"rows": mine}, planted["worker"]) == row_of(activity(county), planted["worker"])
    theirs = activity(county, secretaries[OTHER_TOWN])["rows"]
    assert theirs and all(row["unit_code"].startswith(OTHER_TOWN) for row in theirs)
    outside = signed_in(county, secretaries[OTHER_TOWN]).get(f"/api/stats/worker-activity?under={TOWN}")
    assert outside.status_code == 404
    village = activity(county, planted["village_head"])["rows"]
    assert village and all(row["unit_code"].startswith(planted["village"]) for row in village)


@pytest.mark.parametrize("role", ["grid_worker", "cadre"])
def test_workers_and_cadres_are_refused(county, planted, role):
    user = planted["worker" if role == "grid_worker" else "cadre"]
    response = signed_in(county, user).get("/api/stats/worker-activity")
    assert response.status_code == 403
    assert response.get_json()["message_zh"]


@pytest.mark.parametrize("field, value", [
    ("month", "2027-13"), ("month", "2027-3"), ("month", "March"), ("month", "1999-12"), ("month", "2027-04"),
    ("role", "village_head"), ("sort", "salary"), ("order", "up"), ("under", "61092310x"), ("under", "6109"),
    ("format", "pdf")])
def test_bad_arguments_answer_422_naming_the_field_in_both_languages(county, march, field, value):
    response = signed_in(county, "county01").get("/api/stats/worker-activity", query_string={field: value})
    assert response.status_code == 422
    body = response.get_json()
    assert list(body["errors"]["query"]) == [field]
    message = " ".join(body["errors"]["query"][field])
    assert " / " in message and any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_a_month_ahead_is_refused_as_not_begun(county, march):
    body = signed_in(county, "county01").get("/api/stats/worker-activity?month=2027-04").get_json()
    assert body["errors"]["query"]["month"] == ["the month has not begun / 该月份尚未开始"]


# --- the files -------------------------------------------------------------------------------------------------

def china(value: str | None):
    return None if value is None else dt.datetime.fromisoformat(value).astimezone(CHINA).replace(tzinfo=None)


def with_a_phone(county, planted, clock):
    """The worker's phone pulls: the files show its last sync."""
    phone = signed_in(county, planted["worker"])
    headers = {"X-Device-Id": "0c6a1f7e-5d0b-4c6e-9a51-2f3b9c1d7e10", "User-Agent": "HUAWEI Mate 40 Chrome/120"}
    assert phone.get("/api/sync/pull", headers=headers).status_code == 200
    return clock.at


def test_the_xlsx_has_the_rows_and_figures_of_the_json_in_the_same_order(county, planted, march):
    synced = with_a_phone(county, planted, march)
    query = {"under": TOWN, "sort": "visits", "order": "desc"}
    rows = activity(county, **query)["rows"]
    response = signed_in(county, "county01").get("/api/stats/worker-activity", query_string={**query, "format": "xlsx"})
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    title = "宁陕县城关镇工作人员活跃度（2027年3月）"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="wangge-worker-activity-2027-03.xlsx"; filename*=UTF-8\'\'{quote(title + ".xlsx", safe="")}')
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["工作人员活跃度", "同步手机"]
    sheet = book["工作人员活跃度"]
    assert sheet["A1"].value == title and sheet["A2"].value.startswith("编制单位：宁陕县综治中心 · 编制日期：2027年3月15日")
    assert "300 米" in sheet["A3"].value and "100 米" in sheet["A3"].value
    headings = [c.value for c in sheet[4]]
    assert headings == ["账号", "姓名", "角色", "所属镇（街道）", "所属村（社区）", "所属网格", "负责户数（户）",
                        "本月应访未访（户）", "走访完成率（%）", "走访人次（人次）", "距住户过远（人次）",
                        "定位精度差（人次）", "最近走访", "最近同步", "同步手机（部）"]
    table = [dict(zip(headings, r)) for r in sheet.iter_rows(min_row=5, values_only=True)]
    assert [r["账号"] for r in table] == [r["username"] for r in rows]
    for got, row in zip(table, rows):
        assert (got["负责户数（户）"], got["本月应访未访（户）"], got["走访人次（人次）"], got["距住户过远（人次）"],
                got["定位精度差（人次）"], got["同步手机（部）"]) == (
            row["households"], row["households_due"], row["visits"], row["visits_far"], row["visits_poor_gps"],
            row["phone_count"])
        assert got["走访完成率（%）"] == pytest.approx(row["completion_rate"])
        assert got["角色"] == {"grid_worker": "网格员", "cadre": "包联干部"}[row["role"]]
        assert got["最近走访"] == (china(row["last_visit_at"]) and china(row["last_visit_at"]).replace(second=0, microsecond=0))
        assert got["最近同步"] == (china(row["last_sync_at"]).replace(second=0, microsecond=0)
                                   if row["last_sync_at"] else "从未同步")
    worker = next(r for r in table if r["账号"] == planted["worker"])
    assert (worker["走访人次（人次）"], worker["距住户过远（人次）"], worker["定位精度差（人次）"]) == (6, 2, 2)
    assert worker["最近同步"] == synced.astimezone(CHINA).replace(tzinfo=None, second=0, microsecond=0)
    rate = headings.index("走访完成率（%）") + 1
    assert {sheet.cell(r, rate).number_format for r in range(5, sheet.max_row + 1)} == {"0.0%"}
    assert sheet.freeze_panes == "C5" and sheet.print_title_rows == "$1:$4"
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage is True
    phones = [dict(zip([c.value for c in book["同步手机"][3]], r))
              for r in book["同步手机"].iter_rows(min_row=4, values_only=True)]
    assert [(p["账号"], p["手机标识"], p["浏览器"], p["最近拉取"]) for p in phones] == [
        (row["username"], phone["device_id"], phone["user_agent"], china(phone["last_pull_at"]).replace(second=0, microsecond=0))
        for row in rows for phone in row["phones"]]
    assert (planted["worker"], "0c6a1f7e-5d0b-4c6e-9a51-2f3b9c1d7e10", "HUAWEI Mate 40 Chrome/120") in [
        (p["账号"], p["手机标识"], p["浏览器"]) for p in phones]


def test_the_csv_has_the_rows_and_figures_of_the_json_in_the_same_order(county, planted, march):
    query = {"role": "cadre", "under": planted["village"], "sort": "households_due", "order": "asc"}
    rows = activity(county, **query)["rows"]
    response = signed_in(county, "county01").get("/api/stats/worker-activity", query_string={**query, "format": "csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    table = list(csv.DictReader(io.StringIO(text[1:])))
    assert [r["账号"] for r in table] == [r["username"] for r in rows] and planted["cadre"] in [r["账号"] for r in table]
    for got, row in zip(table, rows):
        assert (int(got["负责户数（户）"]), int(got["本月应访未访（户）"]), int(got["走访人次（人次）"])) == (
            row["households"], row["households_due"], row["visits"])
        shown = "" if row["completion_rate"] is None else f"{row['completion_rate'] * 100:.1f}"
        assert got["走访完成率（%）"] == shown
        assert got["角色"] == "包联干部"
        assert got["最近同步"] == ("从未同步" if row["last_sync_at"] is None else
                                   china(row["last_sync_at"]).strftime("%Y-%m-%d %H:%M"))
    cadre = next(r for r in table if r["账号"] == planted["cadre"])
    assert cadre["最近走访"] == "2027-03-10 10:00" and int(cadre["本月应访未访（户）"]) == planted["linked"] - 1

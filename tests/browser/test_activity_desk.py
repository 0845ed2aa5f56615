"""Worker activity 工作人员活跃度 followed from the field to the office: a grid worker signs in on a phone and logs a
visit, the next worker signs in on the same phone after them; county staff open the activity page, find the worker's
visit count and last sync in the worker's row, sort by a column and see the order change, keep the filters through a
reload and download the xlsx of the table as shown."""
import datetime as dt
import io
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from server import clock
from server.extensions import db
from server.models import DeviceSync, GridUnit, Visit
from tests.browser.conftest import redrawn, screenshot
from tests.browser.phone import households_of_cell, on_server_time, phone_of, sign_in, worker
from tests.browser.test_phone_copy import log_visit
from tests.browser.test_views import DESKTOP
from tests.browser.test_views import sign_in as sign_in_desk

pytestmark = pytest.mark.usefixtures("server_clock_ahead")
NOTES = "活跃度：本月走访"


def phones_of(app, user_id) -> dict:
    with app.app_context():
        rows = db.session.scalars(sa.select(DeviceSync).where(DeviceSync.user_id == user_id)).all()
        return {str(row.device_id): row for row in rows}


def visits_this_month(app, user_id) -> int:
    first = clock.china_today().replace(day=1)
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(
            Visit.author_id == user_id, Visit.visited_at >= clock.china_midnight(first)))


def china_minute(moment: dt.datetime) -> str:
    return moment.astimezone(clock.CHINA).strftime("%Y-%m-%d %H:%M")


def town_of(app, cell_id) -> tuple[str, str]:
    with app.app_context():
        code = db.session.scalar(sa.select(GridUnit.code).where(GridUnit.id == cell_id))[:9]
        return code, db.session.scalar(sa.select(GridUnit.name).where(GridUnit.code == code))


def cell_text(page, username, key) -> str:
    return page.inner_text(f"#activity-rows tbody tr[data-key='{username}'] td[data-key='{key}']")


def shown_rows(page) -> list[tuple[str, int]]:
    """(username, visits) of each row, top to bottom."""
    return [tuple(row) for row in page.eval_on_selector_all("#activity-rows tbody tr", """trs => trs.map(tr =>
        [tr.dataset.key, Number(tr.querySelector("td[data-key=visits]").textContent.replaceAll(",", ""))])""")]


@contextmanager
def new_table(page, fragment: str):
    """The table drawn anew after the block's action, for an address that holds `fragment`."""
    with redrawn(page, "#activity"):
        yield
    assert fragment in page.evaluate("location.hash")


def test_a_workers_sync_shows_on_the_activity_page_sorted_and_downloaded(live_server, browser):
    app, base = live_server
    me, next_user, idle = worker(app, 0), worker(app, 1), worker(app, 2)
    phone, page = phone_of(browser, base, me.username)  # signing in pulls the cell
    on_server_time(page)
    household = households_of_cell(app, me.unit_id)[0]
    assert log_visit(page, household.code, NOTES) == "已同步到服务器"  # a push
    device_id = page.evaluate("import('/app/js/storage.js').then((s) => s.device.get('kv', 'device_id'))")
    mine = phones_of(app, me.id)
    assert list(mine) == [device_id]
    assert mine[device_id].last_pull_at and mine[device_id].last_push_at
    page.goto("/app/#/me")  # the next worker on the same phone: the phone stays the same phone
    page.click("#logout")
    sign_in(page, next_user.username)
    assert list(phones_of(app, next_user.id)) == [device_id]
    phone.close()
    last_sync = max(mine[device_id].last_pull_at, mine[device_id].last_push_at)

    desk = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=base, accept_downloads=True)
    office = sign_in_desk(desk, "/views/desk", "county01")
    office.click("#views-nav a[data-page='/views/activity']")
    office.wait_for_selector("#activity[data-loaded]")
    town_code, town_name = town_of(app, me.unit_id)
    with new_table(office, f"unit={town_code}"):
        office.select_option("#unit-picker select[data-parent='610923']", town_code)
    with new_table(office, "role=grid_worker"):
        office.select_option("#activity-filters select[name=role]", "grid_worker")
    screenshot(office, "desk-activity")
    assert cell_text(office, me.username, "visits") == str(visits_this_month(app, me.id))
    assert visits_this_month(app, me.id) >= 1
    assert cell_text(office, me.username, "last_sync_at") == china_minute(last_sync)
    assert device_id[:8] in cell_text(office, me.username, "phone_count")
    assert cell_text(office, idle.username, "last_sync_at") == "从未同步"
    assert "flagged" in office.get_attribute(
        f"#activity-rows tbody tr[data-key='{idle.username}'] td[data-key='last_sync_at']", "class")
    by_unit = shown_rows(office)  # the town's cells in order of their codes: the worker's village is not the first
    assert by_unit[0][0] != me.username

    with new_table(office, "sort=visits&order=desc"):  # the most visits first
        office.click("#activity-rows th[data-key=visits]")
    by_visits = shown_rows(office)
    assert by_visits[0][0] == me.username  # the only one with a visit this month
    assert [v for _, v in by_visits] == sorted((v for _, v in by_unit), reverse=True)
    assert by_visits != by_unit and sorted(by_visits) == sorted(by_unit)
    assert office.get_attribute("#activity-rows th[data-key=visits]", "aria-sort") == "descending"
    with new_table(office, "sort=visits&order=asc"):  # and round again
        office.click("#activity-rows th[data-key=visits]")
    assert [v for _, v in shown_rows(office)] == sorted(v for _, v in by_unit)
    with new_table(office, "sort=visits&order=desc"):
        office.click("#activity-rows th[data-key=visits]")

    office.reload()  # the filters and the order are in the address
    office.wait_for_selector("#activity[data-loaded]")
    assert "sort=visits&order=desc" in office.evaluate("location.hash")
    assert shown_rows(office) == by_visits
    assert office.input_value("#activity-filters select[name=role]") == "grid_worker"

    with office.expect_download() as download:
        office.click("#export-xlsx")
    month = clock.china_today()
    assert download.value.suggested_filename == f"宁陕县{town_name}工作人员活跃度（{month.year}年{month.month}月）.xlsx"
    with open(download.value.path(), "rb") as f:
        sheet = load_workbook(io.BytesIO(f.read()))["工作人员活跃度"]
    headings = [c.value for c in sheet[4]]
    table = [dict(zip(headings, r)) for r in sheet.iter_rows(min_row=5, values_only=True)]
    assert [(r["账号"], r["走访人次（人次）"]) for r in table] == by_visits  # the rows shown, in their order
    mine_in_file = next(r for r in table if r["账号"] == me.username)
    assert mine_in_file["最近同步"].strftime("%Y-%m-%d %H:%M") == china_minute(last_sync)
    assert next(r for r in table if r["账号"] == idle.username)["最近同步"] == "从未同步"
    assert office.request.get(office.get_attribute("#export-csv", "href")).status == 200
    desk.close()

"""A county set up from an empty database with nothing but the one start-up command and the admin console, as the
README's "Setting a county up" walks it: `flask grids start-county` makes the county and its administrator; the
administrator changes the first password, uploads the towns, the villages and a provisional cell per village, brings
the register in (a dry run that names a bad row, then the corrected file), partitions a village into cells over its
households, creates a grid worker and a cadre, and links households to the cadre by a file. Then the worker's phone
shows their cell's households and the cadre's phone their linked ones — checked on the screens and in the database."""
import csv
import io
import json
import random

import pytest
import shapely
import sqlalchemy as sa
from geoalchemy2.shape import to_shape
from shapely.geometry import box, mapping

from seed.spec import NINGSHAN_OUTLINE
from server.extensions import db
from server.identity import id_check_digit
from server.models import CadreLink, GridUnit, Household, User
from tests.browser.conftest import screenshot
from tests.browser.phone import new_phone, open_app
from tests.browser.test_admin_console import create_user, said
from tests.browser.test_views import DESKTOP
from tests.conftest import serving

FIRST = "qidong-2026-mima"      # typed at the command line
OWN = "wo-de-mima-2026"         # the administrator's own, chosen at the first sign-in
TOWN_A, TOWN_B = "610923100", "610923101"
VILLAGE_A, VILLAGE_B = TOWN_A + "201", TOWN_A + "202"
VILLAGE_C = TOWN_B + "201"
HOUSEHOLDS = 110  # in village A: about two cells of 50


@pytest.fixture(scope="module")
def empty_county(db_server, tmp_path_factory):
    """An empty, migrated database served on loopback, and the county started by the command."""
    from tests.conftest import migrated_app
    app = migrated_app(db_server)
    answer = app.test_cli_runner().invoke(args=["grids", "start-county", str(NINGSHAN_OUTLINE), "--crs", "gcj02",
                                                "--password", FIRST])
    assert answer.exit_code == 0, answer.output
    assert "已创建 宁陕县（610923）和管理员 admin" in answer.output
    again = app.test_cli_runner().invoke(args=["grids", "start-county", str(NINGSHAN_OUTLINE), "--password", FIRST])
    assert again.exit_code != 0 and "只能在空数据库中创建县" in again.output  # once only
    with serving(app) as base:
        yield app, base, tmp_path_factory.mktemp("county-files")


def county_outline(app):
    with app.app_context():
        county = db.session.scalar(sa.select(GridUnit).where(GridUnit.level == "county"))
        return to_shape(county.boundary)


def pieces(outline):
    """Two towns side by side; the first cut into two villages north and south, the second one village."""
    x0, y0, x1, y1 = outline.bounds
    mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
    west = shapely.intersection(outline, box(x0 - 1, y0 - 1, mid_x, y1 + 1))
    east = shapely.intersection(outline, box(mid_x, y0 - 1, x1 + 1, y1 + 1))
    north = shapely.intersection(west, box(x0 - 1, mid_y, x1 + 1, y1 + 1))
    south = shapely.intersection(west, box(x0 - 1, y0 - 1, x1 + 1, mid_y))
    return {"towns": {TOWN_A: ("城关镇", west), TOWN_B: ("江口镇", east)},
            "villages": {VILLAGE_A: ("柳林村", north), VILLAGE_B: ("渔湾村", south), VILLAGE_C: ("江口村", east)}}


def geojson(tmp, name, units) -> str:
    path = tmp / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code, "name": label}, "geometry": mapping(shape)}
        for code, (label, shape) in units.items()]}, ensure_ascii=False), encoding="utf-8")
    return str(path)


def points_in(shape, n, rng):
    """n points inside the shape, in a patch of it (households cluster in a village's valley)."""
    core = shapely.intersection(shape, shape.centroid.buffer(0.03)) or shape
    x0, y0, x1, y1 = core.bounds
    out = []
    while len(out) < n:
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if core.contains(shapely.Point(x, y)):
            out.append((round(x, 6), round(y, 6)))
    return out


def id_number(n: int) -> str:
    first17 = f"610923{1950 + n % 40}0{1 + n % 9}1{n % 10}{n % 1000:03d}"
    return first17 + id_check_digit(first17)


def register_csv(tmp, name, points, bad_row=None) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["户主姓名", "户主身份证号", "住址", "家庭人口数", "经度", "纬度"])
    for n, (lon, lat) in enumerate(points):
        number = id_number(n)
        if n == bad_row:
            number = number[:-1] + ("0" if number[-1] != "0" else "1")  # a typing mistake in the check digit
        writer.writerow([f"住户{n:03d}", number, f"柳林村{n % 7 + 1}组{n}号", 1 + n % 5, lon, lat])
    path = tmp / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


def upload_units(page, path, level):
    page.select_option("#grid-upload select[name=level]", level)
    page.set_input_files("#grid-upload input[name=file]", path)
    answered = int(page.get_attribute("#upload", "data-answered") or 0)
    page.click("#grid-upload button[type=submit]")
    page.wait_for_selector(f"#upload[data-answered='{answered + 1}']")
    assert "ok" in page.get_attribute("#report-verdict", "class"), page.inner_text("#problems")
    page.click("#grid-apply")
    page.wait_for_selector(f"#upload[data-answered='{answered + 2}']")
    return page.inner_text("#upload-said.ok")


def import_register(page, path, apply):
    page.set_input_files("#register-form input[name=file]", path)
    page.eval_on_selector("#said", "m => { m.textContent = ''; }")
    page.click("#register-apply" if apply else "#register-dry")
    page.wait_for_function("() => document.querySelector('#said').textContent")
    return page.inner_text("#said")


def test_a_county_is_set_up_from_an_empty_database_with_the_console_alone(empty_county, browser):
    app, base, tmp = empty_county
    parts = pieces(county_outline(app))

    # the first sign-in: the password typed at the command line is changed before anything else
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=base)
    page = context.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"script error on the desk: {error}"))
    page.goto("/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", FIRST)
    page.click("button[type=submit]")
    page.wait_for_selector("#password-change")
    page.fill("#password-change input[name=current_password]", FIRST)
    page.fill("#password-change input[name=new_password]", OWN)
    page.fill("#password-change input[name=again]", OWN)
    page.click("#password-change button[type=submit]")
    page.wait_for_selector("#users[data-loaded]")
    assert page.url.endswith("/views/admin")

    # the grid: towns, villages, then one provisional cell per village (its whole area) to hold the register
    page.click("#section-grid")
    page.wait_for_selector("#grid-tree[data-loaded]")
    assert "已写入：新建 2 个，更新 0 个" in upload_units(page, geojson(tmp, "towns.geojson", parts["towns"]), "town")
    assert "新建 3 个" in upload_units(page, geojson(tmp, "villages.geojson", parts["villages"]), "village")
    provisional = {code + "001": (label + "一组", shape) for code, (label, shape) in parts["villages"].items()}
    assert "新建 3 个" in upload_units(page, geojson(tmp, "cells.geojson", provisional), "cell")
    page.reload()
    page.wait_for_selector("#grid-tree[data-loaded]")
    tree = page.inner_text("#grid-tree")
    assert all(name in tree for name in ("城关镇", "江口镇", "柳林村", "渔湾村", "江口村"))

    # the register: a dry run names the bad row and writes nothing; the corrected file is written
    points = points_in(parts["villages"][VILLAGE_A][1], HOUSEHOLDS, random.Random(7))
    page.goto("/views/admin#register")
    page.wait_for_selector("#register-form")
    not_a_table = tmp / "register.pdf"
    not_a_table.write_bytes(b"%PDF-1.4 not a register")
    told = import_register(page, str(not_a_table), apply=False)
    assert told.startswith("操作失败") and page.locator("#register-error").inner_text() == told.split("：", 1)[1].strip()
    told = import_register(page, register_csv(tmp, "register-bad.csv", points, bad_row=5), apply=True)
    assert "有被拒绝或重复的行，未写入" in told
    row = page.locator("#register-table tbody tr")
    assert row.count() == 1 and "拒绝" in row.inner_text() and "住户005" in row.inner_text()
    assert "户主身份证号" in row.inner_text() and "校验位错误（GB 11643）" in row.inner_text()
    assert "拒绝 1 行" in page.inner_text("#register-summary")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) == 0
    good = register_csv(tmp, "register.csv", points)
    assert "试运行完成，未写入" in import_register(page, good, apply=False)
    assert import_register(page, good, apply=True) == f"已写入 {HOUSEHOLDS} 户 {HOUSEHOLDS} 人（1 个网格）"
    assert page.locator("#register-clean").count() == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)
                                 .join(GridUnit, GridUnit.id == Household.cell_id)
                                 .where(GridUnit.code == VILLAGE_A + "001")) == HOUSEHOLDS
    screenshot(page, "county-from-empty-register")

    # the village cut into cells of about 50 over its households
    page.goto("/views/admin-grid")
    page.wait_for_selector("#grid-tree[data-loaded]")
    page.click(f"#grid-tree a[data-village='{VILLAGE_A}']")
    page.wait_for_selector(f"#village-cells[data-code='{VILLAGE_A}']")
    page.click("#partition-form button[type=submit]")
    page.wait_for_selector("#partition[data-answered='1']")
    page.click("#partition-apply")
    page.wait_for_selector("#partition[data-answered='2']")
    with app.app_context():
        cells = dict(db.session.execute(
            sa.select(GridUnit.code, sa.func.count(Household.id)).join(Household, Household.cell_id == GridUnit.id)
            .where(GridUnit.level == "cell", GridUnit.code.startswith(VILLAGE_A)).group_by(GridUnit.code)).all())
    assert len(cells) >= 2 and sum(cells.values()) == HOUSEHOLDS
    first_cell = sorted(cells)[0]

    # the people: a grid worker for the first new cell and a cadre for the village
    page.goto("/views/admin#users")
    page.wait_for_selector("#users[data-loaded]")
    create_user(page, "wg0001", "王网格", "grid_worker", first_cell)
    create_user(page, "bl0001", "李包联", "cadre", VILLAGE_A)

    # the cadre's households, linked by a file
    with app.app_context():
        linked = db.session.scalars(sa.select(Household.code).join(GridUnit, GridUnit.id == Household.cell_id)
                                    .where(GridUnit.code == first_cell).order_by(Household.code).limit(3)).all()
    links = tmp / "links.csv"
    links.write_text("干部账号,户编号,开始日期\n" + "".join(f"bl0001,{code},2026-11-01\n" for code in linked),
                     encoding="utf-8")
    page.goto(f"/views/admin#links?village={VILLAGE_A}")
    page.wait_for_selector("#links[data-loaded]")
    page.set_input_files("#import-form input[name=file]", str(links))
    page.click("#import-apply")
    said(page, "已写入 3 行")
    page.reload()
    page.wait_for_selector("#links[data-loaded]")
    assert all(page.locator("#links-table tbody tr", has_text=code).count() == 1 for code in linked)
    context.close()

    # each of them signs in on a phone and finds their households there
    for username, expected in (("wg0001", cells[first_cell]), ("bl0001", len(linked))):
        phone = new_phone(browser, base)
        screen = open_app(phone)
        screen.fill("input[name=username]", username)
        screen.fill("input[name=password]", "temp-pass-2026")
        screen.click("form#login button[type=submit]")
        screen.wait_for_selector("#password-change")
        screen.fill("#password-change input[name=current_password]", "temp-pass-2026")
        screen.fill("#password-change input[name=new_password]", f"{username}-own-9")
        screen.fill("#password-change input[name=again]", f"{username}-own-9")
        screen.click("#password-change button[type=submit]")
        screen.wait_for_selector("#households li")
        try:  # the list is drawn from the phone's copy, then again when the first pull has come
            screen.wait_for_function("n => document.querySelectorAll('#households li a').length === n", arg=expected,
                                     timeout=10000)
        except Exception:
            pytest.fail(f"{username}'s phone shows: {screen.inner_text('#view')[:800]}")
        phone.close()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CadreLink)
                                 .join(User, User.id == CadreLink.cadre_id).where(User.username == "bl0001")) == 3
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 3

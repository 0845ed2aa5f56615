"""The console's grid page (/views/admin-grid), followed as the county's administrator uses it: a broken boundary file
is checked and its problems are listed and located on the map, and writing it is refused; a good file is written and
its new unit is in the tree after a reload and in the database; a village is partitioned, the proposal is reviewed
over its households and applied, and the database holds the new cells with every household inside one. Others are
refused the page."""
import json
import re

import numpy as np
import shapely
import sqlalchemy as sa
from shapely.geometry import box, mapping

from server.extensions import db
from server.grid_admin.store import household_points, unit_geometries
from server.models import GridUnit, Household
from tests.browser.conftest import screenshot
from tests.browser.test_desk import sign_in_at_home
from tests.browser.test_views import DESKTOP
from tests.test_grid_admin import fingerprint


def open_console(browser, base, username="admin"):
    context, page = sign_in_at_home(browser, base, username, viewport=DESKTOP)
    page.goto("/views/admin-grid")
    return context, page


def feature(code, name, geometry):
    return {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geometry}


def write(tmp_path, name, features) -> str:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return str(path)


def broken_villages(app) -> tuple[list, dict]:
    """The county's villages with three mistakes: one swallows a strip of its neighbour, another has a code with a
    letter in it, a third is a bow tie."""
    with app.app_context():
        rows = unit_geometries(GridUnit.level == "village")
    shapes = {code: geom for _, code, _, geom in rows}
    codes = sorted(shapes)
    first, second = next((a, b) for a in codes for b in codes
                         if a < b and a[:9] == b[:9] and shapely.intersects(shapes[a], shapes[b]))
    third, fourth = [c for c in codes if c not in (first, second)][:2]
    features = []
    for code in codes:
        geom = mapping(shapes[code])
        if code == first:
            geom = mapping(shapely.union(shapes[first], shapely.intersection(shapes[second], shapes[first].buffer(0.004))))
        if code == fourth:
            x0, y0, x1, y1 = shapes[code].bounds
            geom = {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]]}
        features.append(feature(code[:9] + "X" + code[10:] if code == third else code, f"村{code[-3:]}", geom))
    return features, {"overlap": first, "bad_code": third, "bow_tie": fourth}


def test_a_broken_boundary_file_is_located_problem_by_problem_and_refused(live_server, browser, tmp_path):
    app, base = live_server
    features, names = broken_villages(app)
    with app.app_context():
        before = fingerprint()
    context, page = open_console(browser, base)
    page.wait_for_selector("#grid-tree[data-loaded]")
    page.set_input_files("#grid-upload input[name=file]", write(tmp_path, "broken.geojson", features))
    page.click("#grid-upload button[type=submit]")
    page.wait_for_selector("#upload[data-answered='1']")
    kinds = page.eval_on_selector_all("#problems tbody tr", "rows => rows.map(r => r.innerText)")
    text = "\n".join(kinds)
    assert "相互重叠 · overlap" in text and "编码错误 · bad code" in text and "几何无效 · invalid geometry" in text
    assert "自相交" in text and names["overlap"] in text and names["bow_tie"] in text
    assert "error" in page.get_attribute("#report-verdict", "class") and "修正文件后才能写入" in page.inner_text("#report-verdict")
    # every problem is on the map: a marker each, and the offending geometry highlighted
    rows = len(kinds)
    assert page.locator("#grid-report-map path.problem-marker").count() == rows
    assert page.locator("#grid-report-map path.problem-area").count() == rows
    assert page.locator("#grid-report-map path.problem-sibling_overlap").count() >= 1
    assert page.locator("#grid-report-map path.problem-invalid_geometry").count() == 1
    # a row zooms the map to its problem
    zoom = page.evaluate("() => document.querySelector('#grid-report-map').wanggeMap.getZoom()")
    overlap_row = page.locator("#problems tbody tr", has_text="相互重叠").first
    overlap_row.click()
    page.wait_for_function("() => document.querySelector('#grid-report-map').dataset.focused")
    page.wait_for_timeout(400)
    assert page.evaluate("() => document.querySelector('#grid-report-map').wanggeMap.getZoom()") > zoom
    assert "selected" in overlap_row.get_attribute("class")
    screenshot(page, "admin-grid-broken-report")
    # writing is refused: the button is off, and forced on the server refuses it and says so
    assert page.is_disabled("#grid-apply")
    page.eval_on_selector("#grid-apply", "b => { b.disabled = false; }")
    page.click("#grid-apply")
    page.wait_for_selector("#upload[data-answered='2']")
    assert "未写入" in page.inner_text("#upload-said.error") and "文件有错误" in page.inner_text("#upload-said")
    with app.app_context():
        assert fingerprint() == before
    context.close()


def split_cell(app) -> tuple[list, dict]:
    """A cell cut in two at its households' middle longitude: the west half keeps the code, the east half is a new
    cell that its households move into."""
    with app.app_context():
        (cell_id, code, _, geom), = unit_geometries(GridUnit.code == db.session.scalar(
            sa.select(GridUnit.code).where(GridUnit.level == "cell").order_by(GridUnit.code)))
        name = db.session.scalar(sa.select(GridUnit.name).where(GridUnit.code == code))
        _, _, lon, _ = household_points(Household.cell_id == cell_id)
    x0, y0, x1, y1 = geom.bounds
    middle = float(np.median(lon))
    west = shapely.intersection(geom, box(x0 - 1, y0 - 1, middle, y1 + 1))
    east = shapely.intersection(geom, box(middle, y0 - 1, x1 + 1, y1 + 1))
    new_code = code[:12] + "099"
    return ([feature(code, name, mapping(west)), feature(new_code, "新设试点网格", mapping(east))],
            {"code": code, "new_code": new_code, "east": east})


def test_a_good_file_is_written_and_its_new_unit_is_in_the_tree_after_a_reload(live_server, browser, tmp_path):
    app, base = live_server
    features, cut = split_cell(app)
    context, page = open_console(browser, base)
    page.wait_for_selector("#grid-tree[data-loaded]")
    assert cut["new_code"] not in page.inner_text("#grid-tree")
    page.select_option("#grid-upload select[name=level]", "cell")
    page.set_input_files("#grid-upload input[name=file]", write(tmp_path, "cells.geojson", features))
    page.click("#grid-upload button[type=submit]")
    page.wait_for_selector("#upload[data-answered='1']")
    assert "ok" in page.get_attribute("#report-verdict", "class")
    page.click("#grid-apply")
    page.wait_for_selector("#upload[data-answered='2']")
    assert "已写入：新建 1 个，更新 1 个" in page.inner_text("#upload-said.ok")
    page.wait_for_selector("#grid-report-map[data-applied='2']")
    assert page.locator("#grid-report-map path.applied-unit").count() == 2
    page.reload()
    page.wait_for_selector("#grid-tree[data-loaded]")
    page.click(f"#grid-tree li[data-code='{cut['code'][:12]}'] summary")  # the village's cells, opened
    new_unit = page.locator(f"#grid-tree li[data-code='{cut['new_code']}']")
    assert new_unit.count() == 1 and "新设试点网格" in new_unit.inner_text()
    with app.app_context():
        unit = db.session.scalar(sa.select(GridUnit).where(GridUnit.code == cut["new_code"]))
        assert unit.level == "cell" and unit.parent.code == cut["code"][:12]
        ids, cells, lon, lat = household_points(Household.cell_id == unit.id)
        assert len(ids) and shapely.contains_xy(cut["east"].buffer(1e-9), lon, lat).all()
    context.close()


def village_households(app, code) -> tuple[int, int]:
    """Households of the village, and how many of them have a location."""
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count(), sa.func.count(Household.location)).select_from(Household)
                                  .join(GridUnit, GridUnit.id == Household.cell_id)
                                  .where(GridUnit.code.startswith(code), GridUnit.level == "cell")).one()


def test_a_village_is_partitioned_reviewed_over_its_households_and_applied(live_server, browser):
    app, base = live_server
    with app.app_context():
        village = db.session.scalars(sa.select(GridUnit).where(GridUnit.level == "village")
                                     .order_by(GridUnit.code)).all()[-1]
        code, name = village.code, village.name
    households, located = village_households(app, code)
    context, page = open_console(browser, base)
    page.wait_for_selector("#grid-tree[data-loaded]")
    page.click(f"#grid-tree a[data-village='{code}']")
    page.wait_for_selector(f"#village-cells[data-code='{code}']")
    assert page.input_value("#partition-form select[name=village]") == code
    page.click("#partition-form button[type=submit]")
    page.wait_for_selector("#partition[data-answered='1']")
    title = page.inner_text("#proposal-title")
    assert name in title and ("目标 50 户" in title or "目标 80 户" in title)
    counts = [int(c.replace(",", "")) for c in page.eval_on_selector_all(
        "#proposal-cells tbody td[data-key=household_count]", "cells => cells.map(c => c.innerText)")]
    proposed = page.eval_on_selector_all("#proposal-cells tbody tr", "rows => rows.map(r => r.dataset.key)")
    total = int(page.inner_text("#proposal-cells tfoot td[data-key=household_count]").replace(",", ""))
    notes = page.inner_text("#proposal-notes")
    assert sum(counts) == total and len(counts) >= 2
    assert total + sum(int(n) for n in re.findall(r"(\d+) 户", notes)) == households
    # on the map: a cell each, labelled with its count, outliers marked, over every located household
    assert page.locator("#partition-map path.proposed-cell").count() == len(counts)
    labels = page.eval_on_selector_all("#partition-map .cell-label", "ls => ls.map(l => l.innerText)")
    assert sorted(int(label.rsplit(": ", 1)[1]) for label in labels) == sorted(counts)
    outliers = page.locator("#proposal-cells tbody tr.outlier").count()
    statuses = page.eval_on_selector_all("#proposal-cells tbody tr", "rows => rows.map(r => [r.classList.contains("
                                         "'outlier'), r.querySelector('td[data-key=status]').innerText])")
    assert all(status in (("偏多", "偏少") if outlier else ("正常",)) for outlier, status in statuses)
    assert page.inner_text("#proposal-cells tfoot td[data-key=status]") == ""
    assert page.locator("#partition-map path.cell-outlier").count() == outliers
    assert page.locator("#partition-map path.household-point").count() == located
    screenshot(page, "admin-grid-partition-proposal")
    page.click("#partition-apply")
    page.wait_for_selector("#partition[data-answered='2']")
    assert f"已应用：{len(counts)} 个网格" in page.inner_text("#partition-said.ok")
    page.wait_for_function("n => document.querySelectorAll('#current-cells tbody tr').length === n", arg=len(counts))
    shown = page.eval_on_selector_all("#current-cells tbody tr", "rows => rows.map(r => r.dataset.key)")
    assert sorted(shown) == sorted(proposed)
    with app.app_context():
        cells = {c: g for _, c, _, g in unit_geometries(sa.and_(GridUnit.level == "cell", GridUnit.code.startswith(code)))}
        assert sorted(cells) == sorted(proposed)
        ids, cell_ids, lon, lat = household_points(Household.cell_id.in_(
            sa.select(GridUnit.id).where(GridUnit.code.in_(list(cells)))))
        assert len(ids) == households
        has_place = ~np.isnan(lon)
        inside = sum(shapely.contains_xy(g.buffer(1e-9), lon[has_place], lat[has_place]).astype(int)
                     for g in cells.values())
        assert len(inside) == located and (inside == 1).all()  # every located household inside one new cell
    page.reload()
    page.wait_for_selector("#grid-tree[data-loaded]")
    assert f"{len(counts)} 个网格" in page.inner_text(f"#grid-tree li[data-code='{code}'] summary")
    context.close()


def test_others_are_refused_the_page_in_both_languages(live_server, browser):
    _, base = live_server
    context, page = open_console(browser, base, "county01")
    page.wait_for_selector("#refused")
    text = page.inner_text("#refused")
    assert "仅限系统管理员" in text and "system administrator only" in text
    assert page.locator("#grid-upload").count() == 0
    context.close()


def test_a_shapefile_without_its_dbf_is_named_for_the_whole_file_and_not_written(live_server, browser, tmp_path):
    from tests.unit.test_validate import WEST, shapefile_zip
    app, base = live_server
    path = tmp_path / "villages.zip"
    path.write_bytes(shapefile_zip([("610923100201", "柳林村", WEST)], skip={".dbf"}))
    context, page = open_console(browser, base)
    page.wait_for_selector("#grid-tree[data-loaded]")
    page.set_input_files("#grid-upload input[name=file]", str(path))
    page.click("#grid-upload button[type=submit]")
    page.wait_for_selector("#upload[data-answered='1']")
    row = page.inner_text("#problems tbody tr")
    assert "Shapefile 不完整 · incomplete Shapefile" in row and ".dbf" in row and "整个文件" in row
    assert page.locator("#grid-report-map path.problem-marker").count() == 0 and page.is_disabled("#grid-apply")
    context.close()

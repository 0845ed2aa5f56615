"""Users and cadre links, one at a time and from spreadsheets."""
import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from server.extensions import db
from server.models import CadreLink, Household, User
from tests.conftest import signed_in

NEW_USER = {"username": "wangwei", "password": "long-enough-1", "display_name": "王伟", "role": "grid_worker",
            "unit_code": "610923100001001"}


def test_create_and_list_users(small_app):
    admin = signed_in(small_app, "admin")
    with small_app.app_context():
        cell = db.session.scalar(sa.text("SELECT code FROM grid_unit WHERE level = 'cell' ORDER BY code"))
    created = admin.post("/api/admin/users", json={**NEW_USER, "unit_code": cell})
    assert created.status_code == 201, created.get_json()
    listed = admin.get("/api/admin/users?q=wangwei").get_json()
    assert listed["total"] == 1 and listed["items"][0]["unit_code"] == cell
    workers = admin.get("/api/admin/users?role=grid_worker&unit_code=610923101").get_json()
    assert workers["total"] > 0 and all(u["unit_code"].startswith("610923101") for u in workers["items"])


@pytest.mark.parametrize("change, field", [
    ({"unit_code": "610923100"}, "unit_code"),          # a grid worker belongs to a cell, not a town
    ({"unit_code": "610923999999999"}, "unit_code"),
    ({"username": "admin"}, "username"),                # taken
    ({"username": "a b"}, "username"),
    ({"phone": "12345"}, "phone"),
    ({"password": "short"}, "password"),
    ({"role": "emperor"}, "role"),
])
def test_bad_users_are_422_naming_the_field(small_app, change, field):
    response = signed_in(small_app, "admin").post("/api/admin/users", json={**NEW_USER, **change})
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]


def test_unknown_user_is_404(small_app):
    assert signed_in(small_app, "admin").get("/api/admin/users/99999").status_code == 404


def household_codes(app, n, town="610923100"):
    with app.app_context():
        return db.session.scalars(sa.select(Household.code).where(Household.code.startswith(town))
                                  .order_by(Household.code).limit(n)).all()


def current_cadre(app, code):
    with app.app_context():
        return db.session.scalar(sa.select(User.username).join(CadreLink, CadreLink.cadre_id == User.id)
                                 .join(Household, Household.id == CadreLink.household_id)
                                 .where(Household.code == code, CadreLink.valid_to.is_(None)))


def test_linking_a_household_ends_its_previous_link(small_app):
    admin = signed_in(small_app, "admin")
    code, = household_codes(small_app, 1)
    response = admin.post("/api/admin/cadre-links", json={"cadre_username": "c00002", "household_code": code,
                                                          "valid_from": "2026-11-01"})
    assert response.status_code == 201
    assert current_cadre(small_app, code) == "c00002"
    history = admin.get(f"/api/admin/cadre-links?household_code={code}&current=false").get_json()["items"]
    assert sorted((h["valid_to"] or "") for h in history)[-1] == "2026-10-31"


def csv_file(rows, encoding="utf-8"):
    text = "干部账号,户编号,开始日期\n" + "\n".join(",".join(r) for r in rows)
    return io.BytesIO(text.encode(encoding))


def upload(client, file, name, **form):
    return client.post("/api/admin/cadre-links/import", content_type="multipart/form-data",
                       data={"file": (file, name), **form})


def test_a_file_with_a_bad_row_writes_nothing_and_names_the_row(small_app):
    admin = signed_in(small_app, "admin")
    a, b = household_codes(small_app, 2)
    response = upload(admin, csv_file([("c00003", a, "2026-11-02"), ("nobody", b, "2026-11-02"),
                                       ("c00003", "6109230000000000000", "bad")]), "links.csv")
    assert response.status_code == 422
    report = response.get_json()["report"]
    assert (report["good"], report["bad"], report["applied"]) == (1, 2, 0)
    bad = {r["row"]: r for r in report["report"] if not r["ok"]}
    assert set(bad) == {3, 4}
    assert "nobody" in bad[3]["errors"][0]["message"] and "包联干部" in bad[3]["errors"][0]["message_zh"]
    assert len(bad[4]["errors"]) == 2  # unknown household and a bad date
    assert current_cadre(small_app, a) != "c00003"


def test_partial_mode_keeps_the_good_rows(small_app):
    admin = signed_in(small_app, "admin")
    a, b = household_codes(small_app, 2)
    response = upload(admin, csv_file([("c00003", a, "2026/11/2"), ("nobody", b, "")], "gbk"), "links.csv",
                      mode="partial")
    assert response.status_code == 200
    assert response.get_json()["applied"] == 1
    assert current_cadre(small_app, a) == "c00003" and current_cadre(small_app, b) != "nobody"


def test_an_xlsx_file_and_a_dry_run(small_app):
    admin = signed_in(small_app, "admin")
    a, = household_codes(small_app, 1)
    book = Workbook()
    book.active.append(["cadre_username", "household_code", "valid_from"])
    book.active.append(["c00004", a, None])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    response = upload(admin, data, "links.xlsx", dry_run="true")
    assert response.status_code == 200 and response.get_json()["applied"] == 0
    assert current_cadre(small_app, a) != "c00004"


def test_a_file_without_the_columns_is_explained(small_app):
    response = upload(signed_in(small_app, "admin"), io.BytesIO(b"name,phone\n"), "links.csv")
    assert response.status_code == 422
    assert "干部账号" in response.get_json()["report"]["file_errors"][0]["message_zh"]


def test_roles_name_the_levels_each_is_bound_to(small_app):
    roles = {r["code"]: r for r in signed_in(small_app, "admin").get("/api/admin/roles").get_json()}
    assert roles["grid_worker"] == {"code": "grid_worker", "zh": "网格员", "bound_to": ["cell"]}
    assert roles["cadre"]["bound_to"] == ["village", "town"] and set(roles) >= {"admin", "county_staff"}


def test_links_of_a_village_and_the_households_named(small_app):
    admin = signed_in(small_app, "admin")
    village = household_codes(small_app, 1)[0][:12]
    page = admin.get(f"/api/admin/cadre-links?unit_code={village}&page_size=500").get_json()
    assert page["total"] > 0 and all(link["household_code"].startswith(village) for link in page["items"])
    assert all(link["household_head"] and link["household_address"] for link in page["items"])
    codes = [link["household_code"] for link in page["items"]]
    assert codes == sorted(codes)  # by household
    one = admin.get(f"/api/admin/cadre-links?household_code={codes[0]}&unit_code={village}")  # both filters at once
    assert one.status_code == 200 and [link["household_code"] for link in one.get_json()["items"]] == codes[:1]
    assert admin.get("/api/admin/cadre-links?unit_code=61x").status_code == 422


def test_a_reset_shows_on_the_account(small_app):
    admin = signed_in(small_app, "admin")
    user = admin.get("/api/admin/users?q=t100").get_json()["items"][0]
    assert user["must_change_password"] is False
    reset = admin.patch(f"/api/admin/users/{user['id']}", json={"password": "temp-pass-2026"}).get_json()
    assert reset["must_change_password"] is True


def test_the_last_active_administrator_cannot_be_demoted_or_deactivated(small_app):
    """Issue 22 point 8: the only administrator demoting or disabling themselves locked everyone out of the console."""
    admin = signed_in(small_app, "admin")
    me = admin.get("/api/auth/me").get_json()["user"]["id"]
    for change, field in (({"role": "county_staff", "unit_code": "610923"}, "role"), ({"active": False}, "active")):
        response = admin.patch(f"/api/admin/users/{me}", json=change)
        assert response.status_code == 422, response.get_json()
        assert field in response.get_json()["errors"]["json"] and "管理员" in response.get_json()["message_zh"]
    assert admin.get("/api/admin/users?q=admin").get_json()["items"][0]["role"] == "admin"

    second = admin.post("/api/admin/users", json={**NEW_USER, "username": "admin2", "role": "admin",
                                                  "unit_code": "610923"}).get_json()
    assert admin.patch(f"/api/admin/users/{me}", json={"active": False}).status_code == 200  # another one is left
    with small_app.app_context():
        assert db.session.scalar(sa.select(User.active).where(User.id == me)) is False
    assert admin.get(f"/api/admin/users/{second['id']}").status_code == 401  # signed out with their account

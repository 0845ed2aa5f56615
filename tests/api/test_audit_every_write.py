"""Every write endpoint leaves audit rows when it writes: checked for all of them, from the URL map."""
import datetime as dt
import io
import json

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.grid_admin import partitioning
from server.models import AuditLog, Dispute, GridUnit, Household
from tests.api.test_authorization import api_routes
from tests.conftest import DEMO_PASSWORD, lately, signed_in
from tools.sample_files import photo


def first(app, model, *where, order=None):
    with app.app_context():
        return db.session.scalars(sa.select(model).where(*where).order_by(order or model.id)).first()


def cells_file(app):
    with app.app_context():
        village = db.session.scalar(sa.select(GridUnit).where(GridUnit.level == "village").order_by(GridUnit.code))
        return json.dumps(partitioning.to_geojson(village, partitioning.propose(village, 30))).encode()


def scramble_one(app):
    with app.app_context():
        a, b = db.session.scalars(sa.select(GridUnit.id).where(GridUnit.level == "cell").order_by(GridUnit.code)
                                  .limit(2)).all()
        h = db.session.scalar(sa.select(Household.id).where(Household.cell_id == a, Household.location.is_not(None)))
        db.session.execute(sa.update(Household).where(Household.id == h).values(cell_id=b))
        db.session.commit()


def message_to(app, username):
    """A new unread message to the user: its id."""
    import uuid

    from server.models import Notification, User
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.username == username))
        message_id = uuid.uuid4()  # a plain insert, as the rules write them: no audit row of its own
        db.session.execute(sa.insert(Notification).values(
            id=message_id, user_id=user_id, kind="report_due", event_key=f"test:{uuid.uuid4()}", subject_type="cell",
            subject_id="610923100201001", api_url="/api/grid/units/610923100201001", text="test", text_zh="测试",
            urgent=False, created_at=dt.datetime.now(dt.timezone.utc)))
        db.session.commit()
        return message_id


def assign_after_scrambling(app):
    scramble_one(app)  # so the assignment has a household to move
    return "/api/admin/grid/assign", {"json": {"apply": True}}


def an_alert(app):
    """An open alert about a cell of town 610923100, raised as the scan raises them (a Core insert)."""
    import uuid

    from server.models import Alert
    cell = first(app, GridUnit, GridUnit.code.startswith("610923100"), GridUnit.level == "cell")
    alert_id = uuid.uuid4()
    with app.app_context():
        db.session.execute(sa.insert(Alert).values(
            id=alert_id, key=f"test:{alert_id}", rule="cluster", severity="medium", level="town", unit_id=cell.id,
            reason="test", reason_zh="测试", evidence=[], state="open", close_note=""))
        db.session.commit()
    return alert_id


def note_on_a_dispute(app):
    dispute = first(app, Dispute, Dispute.cell_id.in_(sa.select(GridUnit.id).where(
        GridUnit.code.startswith("610923100"))))
    return f"/api/disputes/{dispute.id}/steps", {"json": {"kind": "note", "note": "补充情况", "version": dispute.version}}


def a_household(app) -> Household:
    return first(app, Household, Household.code.startswith("610923100"), Household.retired_at.is_(None))


def yesterday() -> str:
    import datetime as dt
    return (dt.date.today() - dt.timedelta(days=1)).isoformat()


def a_registration(app):
    from tests.api.test_register import new_id_number
    household = a_household(app)
    return "/api/households", {"json": {"cell_code": household.code[:15], "head_name": "刘建国", "address": "一组 12 号",
                                        "head_id_number": new_id_number(), "location": None,
                                        "confirm_location_outside": True}}


def a_member_leaving(app):
    from server.models import HouseholdMember
    member = first(app, HouseholdMember, HouseholdMember.household_id == a_household_with_members(app))
    household = first(app, Household, Household.id == member.household_id)
    return (f"/api/households/{household.code}/members/{member.id}/leave",
            {"json": {"version": household.version, "reason": "move_out", "on": yesterday()}})


def a_household_with_members(app) -> int:
    from server.models import HouseholdMember
    with app.app_context():
        return db.session.scalar(sa.select(HouseholdMember.household_id).join(Household).where(
            Household.code.startswith("610923100")).order_by(HouseholdMember.id))


def a_pending_move(app):
    import datetime as dt
    import uuid

    from server.models import HouseholdMove, User
    household = a_household(app)
    to_cell = first(app, GridUnit, GridUnit.level == "cell", GridUnit.code.startswith("610923100"),
                    GridUnit.id != household.cell_id)
    move_id = uuid.uuid4()
    with app.app_context():  # asked for already (a Core insert: the audit row to look for is the acceptance's)
        db.session.execute(sa.insert(HouseholdMove).values(
            id=move_id, household_id=household.id, from_cell_id=household.cell_id, to_cell_id=to_cell.id,
            state="pending", reason="", note="", requested_at=dt.datetime.now(dt.timezone.utc),
            requested_by_id=db.session.scalar(sa.select(User.id).where(User.username == "t100"))))
        db.session.commit()
    return f"/api/households/moves/{move_id}", {"json": {"action": "accept"}}


def on_a_household(path: str, body):
    """A request about the first household of town 610923100 carrying its version: app → (url, kwargs)."""
    def build(app):
        household = a_household(app)
        return f"/api/households/{household.code}{path}", {"json": {"version": household.version, **body(app)}}
    return build


def another_cell(app) -> dict:
    household = a_household(app)
    return {"to_cell_code": first(app, GridUnit, GridUnit.level == "cell", GridUnit.code.startswith("610923100"),
                                  GridUnit.id != household.cell_id).code}


# (endpoint, method) → (who, a request that writes: app → (url, kwargs))
WRITES = {
    ("auth.Login", "POST"): ("anonymous", lambda app: ("/api/auth/login", {
        "json": {"username": "t100", "password": DEMO_PASSWORD}})),
    ("auth.Logout", "POST"): ("t100", lambda app: ("/api/auth/logout", {})),
    ("auth.Password", "POST"): ("t100", lambda app: ("/api/auth/password", {
        "json": {"current_password": DEMO_PASSWORD, "new_password": "a-brand-new-password"}})),
    ("households.Reveal", "POST"): ("t100", lambda app: (
        f"/api/households/{first(app, Household, Household.code.startswith('610923100')).code}/reveal",
        {"json": {"field": "phone", "reason": "回访"}})),
    ("sync.Push", "POST"): ("t100", lambda app: ("/api/sync/push", {"json": {"items": [{
        "type": "visit", "id": "2b9f7c1e-1d2a-4c3b-9e8f-0a1b2c3d4e5f", "data": {
            "household_code": first(app, Household, Household.code.startswith("610923100")).code, "kind": "policy",
            "visited_at": lately()}}]}})),
    ("households.Households", "POST"): ("t100", a_registration),
    ("households.HouseholdDetail", "PATCH"): ("t100", on_a_household("", lambda app: {"address": "二组 3 号"})),
    ("households.Members", "POST"): ("t100", on_a_household("/members", lambda app: {
        "name": "刘小花", "relation": "grandchild", "sex": "F", "reason": "birth", "on": yesterday()})),
    ("households.MemberLeave", "POST"): ("t100", a_member_leaving),
    ("households.Move", "POST"): ("t100", on_a_household("/move", another_cell)),
    ("households.Retire", "POST"): ("t100", on_a_household("/retire", lambda app: {
        "on": yesterday(), "reason": "merged"})),
    ("households.MoveDecision", "POST"): ("t100", a_pending_move),
    ("alerts.Acknowledge", "POST"): ("t100", lambda app: (f"/api/alerts/{an_alert(app)}/acknowledge", {})),
    ("alerts.Close", "POST"): ("t100", lambda app: (f"/api/alerts/{an_alert(app)}/close", {"json": {"note": "已约谈"}})),
    ("visits.Visits", "POST"): ("t100", lambda app: ("/api/visits", {"json": {
        "id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "kind": "counselling", "visited_at": lately(),
        "household_code": first(app, Household, Household.code.startswith("610923100")).code}})),
    ("disputes.Steps", "POST"): ("t100", lambda app: note_on_a_dispute(app)),
    ("attachments.Attachments", "POST"): ("t100", lambda app: ("/api/attachments?id=5f0c3a4e-8b1d-4c2a-9e7f-1a2b3c4d5e6f", {
        "data": photo(320, 240), "content_type": "image/jpeg"})),
    ("petitions.Petitions", "POST"): ("t100", lambda app: ("/api/petitions", {"json": {
        "channel": "letter", "petitioner_name": "李四", "category": "land_rights", "risk_colour": "orange",
        "title": "来信反映土地权属", "household_code": first(app, Household, Household.code.startswith("610923100")).code}})),
    ("petitions.EarlierCases", "POST"): ("t100", lambda app: ("/api/petitions/earlier", {"json": {
        "household_code": first(app, Household, Household.code.startswith("610923100")).code}})),
    ("petitions.Reveal", "POST"): ("county01", lambda app: (f"/api/petitions/{first(app, Dispute).id}/reveal", {
        "json": {"field": "petitioner_id_number", "reason": "核实身份"}})),
    ("settings.Settings", "PATCH"): ("county01", lambda app: ("/api/settings", {"json": {"daily_reporting": True}})),
    ("admin_grid.Import", "POST"): ("admin", lambda app: ("/api/admin/grid/import", {
        "content_type": "multipart/form-data",
        "data": {"level": "cell", "apply": "true", "file": (io.BytesIO(cells_file(app)), "cells.geojson")}})),
    ("admin_grid.Partition", "POST"): ("admin", lambda app: (
        f"/api/admin/grid/units/{first(app, GridUnit, GridUnit.level == 'village', order=GridUnit.code).code}"
        "/partition", {"json": {"target": 30, "apply": True}})),
    ("admin_grid.Assign", "POST"): ("admin", lambda app: assign_after_scrambling(app)),
    ("admin_register.RegisterImport", "POST"): ("admin", lambda app: ("/api/admin/register/import", {
        "content_type": "multipart/form-data", "data": {"apply": "true", "file": (io.BytesIO(
            "户主姓名,户主身份证号,所属网格编码\n李四,,610923100201001\n".encode()), "r.csv")}})),
    ("admin_users.Users", "POST"): ("admin", lambda app: ("/api/admin/users", {"json": {
        "username": "zhangli", "password": "long-enough-1", "display_name": "张丽", "role": "town_secretary",
        "unit_code": "610923101"}})),
    ("admin_users.UserById", "PATCH"): ("admin", lambda app: ("/api/admin/users/2", {"json": {"display_name": "新名"}})),
    ("admin_users.CadreLinks", "POST"): ("admin", lambda app: ("/api/admin/cadre-links", {"json": {
        "cadre_username": "c00002", "household_code": first(app, Household).code}})),
    ("admin_users.CadreLinkById", "PATCH"): ("admin", lambda app: ("/api/admin/cadre-links/1", {
        "json": {"valid_to": "2030-01-01"}})),
    ("notifications.Read", "POST"): ("t100", lambda app: (f"/api/notifications/{message_to(app, 't100')}/read", {})),
    ("notifications.ReadAll", "POST"): ("t100", lambda app: message_to(app, "t100") and (
        "/api/notifications/read-all", {})),
    ("notifications.Preferences", "PUT"): ("t100", lambda app: ("/api/notifications/preferences", {"json": {
        "notify_channels": None, "notify_digest": True}})),
    ("admin_users.CadreLinkImport", "POST"): ("admin", lambda app: ("/api/admin/cadre-links/import", {
        "content_type": "multipart/form-data", "data": {"file": (io.BytesIO(
            f"cadre_username,household_code\nc00003,{first(app, Household).code}\n".encode()), "l.csv")}})),
}


def test_every_write_endpoint_is_covered(demo_app):
    writes = {(e, m) for e, m in api_routes(demo_app) if m not in ("GET",)}
    assert writes - set(WRITES) == set(), "add a writing request for these endpoints"


@pytest.mark.parametrize("endpoint, method", sorted(WRITES), ids=[f"{e}-{m}" for e, m in sorted(WRITES)])
def test_a_write_leaves_audit_rows(small_app, endpoint, method):
    who, build = WRITES[(endpoint, method)]
    client = small_app.test_client() if who == "anonymous" else signed_in(small_app, who)
    with small_app.app_context():
        before = db.session.scalar(sa.select(sa.func.max(AuditLog.id))) or 0
    url, kwargs = build(small_app)
    response = client.open(url, method=method, **kwargs)
    assert response.status_code < 300, response.get_json()
    with small_app.app_context():
        rows = db.session.scalars(sa.select(AuditLog).where(AuditLog.id > before)).all()
    assert rows, f"{endpoint} {method} wrote without an audit row"
    assert all(r.username == (who if who != "anonymous" else "t100") for r in rows)

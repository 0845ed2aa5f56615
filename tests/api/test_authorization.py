"""The authorization matrix: every endpoint of the URL map × every role × in scope / out of scope.

An endpoint added to the app without a line here fails test_every_endpoint_is_in_the_matrix, so no
endpoint reaches production without a decision about who may call it and what they may see."""
import datetime as dt
import io
import uuid

import pytest
import sqlalchemy as sa

from server.auth.policy import ADMIN, EVERYONE, FIELD, HANDLERS, PUBLIC, REGISTRARS, SUPERVISORS
from server.extensions import db
from server.models import (
    Alert,
    CadreLink,
    Dispute,
    FollowUpDone,
    GridUnit,
    Household,
    HouseholdMove,
    Notification,
    User,
    Visit,
)
from server.models.vocab import HANDLING_LEVELS
from server.reveals import PER_MINUTE
from server.roles import HANDLER, REGISTER_EDITORS, REGISTER_KEEPERS, inbox_level
from tests.conftest import DEMO_PASSWORD, signed_in

ANONYMOUS = "anonymous"
ROLES = sorted(EVERYONE) + [ANONYMOUS]
COUNTY_WIDE = {"county_staff", "admin"}
OTHER_TOWN = "610923101"


def geojson_upload():
    return {"content_type": "multipart/form-data",
            "data": {"level": "village", "file": (io.BytesIO(b'{"type": "FeatureCollection", "features": []}'),
                                                  "v.geojson")}}


# (endpoint, method) → (roles, scoped, request builder taking the targets of the user and "in"/"out")
MATRIX = {
    ("api-docs.openapi_json", "GET"): (PUBLIC, False, lambda t, s: ("/api/openapi.json", {})),
    ("api_docs", "GET"): (PUBLIC, False, lambda t, s: ("/api/docs", {})),
    ("pwa.home", "GET"): (PUBLIC, False, lambda t, s: ("/", {})),
    ("pwa.app_file", "GET"): (PUBLIC, False, lambda t, s: ("/app/", {})),
    ("pwa.app_config", "GET"): (PUBLIC, False, lambda t, s: ("/app/config.json", {})),
    ("pwa.vendor_file", "GET"): (PUBLIC, False, lambda t, s: ("/app/vendor/leaflet/leaflet.js", {})),
    ("pwa.view_file", "GET"): (PUBLIC, False, lambda t, s: ("/views/town", {})),
    ("auth.Login", "POST"): (PUBLIC, False, lambda t, s: ("/api/auth/login", {
        "json": {"username": t["username"], "password": DEMO_PASSWORD}})),
    ("auth.Logout", "POST"): (EVERYONE, False, lambda t, s: ("/api/auth/logout", {})),
    ("auth.Me", "GET"): (EVERYONE, False, lambda t, s: ("/api/auth/me", {})),
    ("auth.Password", "POST"): (EVERYONE, False, lambda t, s: ("/api/auth/password", {
        "json": {"current_password": DEMO_PASSWORD, "new_password": DEMO_PASSWORD}})),  # 422: same as old
    ("grid.Tree", "GET"): (EVERYONE, False, lambda t, s: ("/api/grid/tree", {})),
    ("grid.Unit", "GET"): (EVERYONE, True, lambda t, s: (f"/api/grid/units/{t['unit_' + s]}", {})),
    ("grid.Children", "GET"): (EVERYONE, True, lambda t, s: (f"/api/grid/units/{t['unit_' + s]}/children", {})),
    ("grid.Households", "GET"): (FIELD, True, lambda t, s: (f"/api/grid/units/{t['cell_' + s]}/households", {})),
    ("households.HouseholdDetail", "GET"): (FIELD, True, lambda t, s: (
        f"/api/households/{t['household_' + s]}", {})),
    ("households.HouseholdVisits", "GET"): (FIELD, True, lambda t, s: (
        f"/api/households/{t['household_' + s]}/visits", {})),
    ("households.Reveal", "POST"): (FIELD, True, lambda t, s: (
        f"/api/households/{t['household_' + s]}/reveal", {"json": {"field": "phone", "reason": "回访"}})),
    # the register's writes: the role is tried here with a body the schema refuses (422), so the county stays as it
    # is for the other cases; their scope (a cell or household out of the area) is tried in test_register
    ("households.Households", "POST"): (REGISTER_KEEPERS, False, lambda t, s: ("/api/households", {"json": {}})),
    ("households.Households", "GET"): (REGISTER_KEEPERS, True, lambda t, s: (
        f"/api/households?unit_code={t['cell_' + s]}", {})),
    ("households.HouseholdDetail", "PATCH"): (REGISTER_EDITORS, False, lambda t, s: (
        f"/api/households/{t['household_' + s]}", {"json": {}})),
    ("households.Members", "POST"): (REGISTER_EDITORS, False, lambda t, s: (
        f"/api/households/{t['household_' + s]}/members", {"json": {}})),
    ("households.MemberLeave", "POST"): (REGISTER_EDITORS, False, lambda t, s: (
        f"/api/households/{t['household_' + s]}/members/1/leave", {"json": {}})),
    ("households.Move", "POST"): (REGISTER_KEEPERS, False, lambda t, s: (
        f"/api/households/{t['household_' + s]}/move", {"json": {}})),
    ("households.Retire", "POST"): (REGISTER_KEEPERS, False, lambda t, s: (
        f"/api/households/{t['household_' + s]}/retire", {"json": {}})),
    ("households.Moves", "GET"): (REGISTER_KEEPERS, False, lambda t, s: ("/api/households/moves", {})),
    ("households.MoveDecision", "POST"): (REGISTER_KEEPERS, False, lambda t, s: (
        f"/api/households/moves/{uuid.uuid4()}", {"json": {}})),
    ("sync.Push", "POST"): (FIELD, False, lambda t, s: ("/api/sync/push", {"json": {"items": []}})),
    # creating: a household out of scope is answered like one that does not exist (422, tested in test_sync)
    ("visits.Visits", "POST"): (FIELD, False, lambda t, s: ("/api/visits", {"json": {
        "id": str(uuid.uuid4()), "household_code": t["household_" + s], "kind": "policy",
        "visited_at": "2026-11-19T09:00:00+08:00"}})),
    ("sync.Pull", "GET"): (FIELD, False, lambda t, s: ("/api/sync/pull", {})),
    ("disputes.Disputes", "GET"): (FIELD, False, lambda t, s: ("/api/disputes", {})),
    ("disputes.Inbox", "GET"): (FIELD, False, lambda t, s: ("/api/disputes/inbox", {})),
    ("disputes.CaseLeaders", "GET"): (FIELD, True, lambda t, s: (f"/api/disputes/{t['dispute_' + s]}/leaders", {})),
    ("disputes.DisputeDetail", "GET"): (FIELD, True, lambda t, s: (f"/api/disputes/{t['dispute_' + s]}", {})),
    ("disputes.Steps", "POST"): (FIELD, True, lambda t, s: (f"/api/disputes/{t['dispute_' + s]}/steps", {
        "json": {"kind": "note", "note": "核实情况", "version": t["version_" + s]}})),
    # registering: a household out of scope is answered like one that does not exist (422, tested in test_petitions)
    ("petitions.Petitions", "POST"): (REGISTRARS, False, lambda t, s: ("/api/petitions", {"json": {
        "channel": "walk_in", "petitioner_name": "张三", "household_code": t["household_" + s], "category": "neighbour",
        "risk_colour": "blue", "title": "来访反映邻里纠纷"}})),
    ("petitions.EarlierCases", "POST"): (REGISTRARS, False, lambda t, s: ("/api/petitions/earlier", {
        "json": {"household_code": t["household_" + s]}})),
    ("petitions.Reveal", "POST"): (frozenset({"county_staff"}), True, lambda t, s: (
        f"/api/petitions/{t['dispute_' + s]}/reveal", {"json": {"field": "petitioner_mobile", "reason": "回访"}})),
    ("admin_grid.Import", "POST"): (ADMIN, False, lambda t, s: ("/api/admin/grid/import", geojson_upload())),
    ("admin_grid.Partition", "POST"): (ADMIN, False, lambda t, s: (
        f"/api/admin/grid/units/{t['village_in']}/partition", {"json": {}})),
    ("admin_grid.Assign", "POST"): (ADMIN, False, lambda t, s: ("/api/admin/grid/assign", {"json": {}})),
    ("admin_register.RegisterImport", "POST"): (ADMIN, False, lambda t, s: ("/api/admin/register/import", {
        "content_type": "multipart/form-data", "data": {"file": (io.BytesIO("姓名,与户主关系\n".encode()), "r.csv")}})),
    ("admin_users.Roles", "GET"): (ADMIN, False, lambda t, s: ("/api/admin/roles", {})),
    ("admin_users.Users", "GET"): (ADMIN, False, lambda t, s: ("/api/admin/users", {})),
    ("admin_users.Users", "POST"): (ADMIN, False, lambda t, s: ("/api/admin/users", {"json": {}})),
    ("admin_users.UserById", "GET"): (ADMIN, False, lambda t, s: (f"/api/admin/users/{t['user_id']}", {})),
    ("admin_users.UserById", "PATCH"): (ADMIN, False, lambda t, s: (f"/api/admin/users/{t['user_id']}",
                                                                     {"json": {}})),
    ("admin_users.CadreLinks", "GET"): (ADMIN, False, lambda t, s: ("/api/admin/cadre-links", {})),
    ("admin_users.CadreLinks", "POST"): (ADMIN, False, lambda t, s: ("/api/admin/cadre-links", {"json": {}})),
    ("admin_users.CadreLinkById", "PATCH"): (ADMIN, False, lambda t, s: ("/api/admin/cadre-links/1", {"json": {}})),
    ("admin_users.CadreLinkImport", "POST"): (ADMIN, False, lambda t, s: ("/api/admin/cadre-links/import", {
        "content_type": "multipart/form-data", "data": {"dry_run": "true"}})),
    ("settings.Settings", "GET"): (SUPERVISORS, False, lambda t, s: ("/api/settings", {})),
    ("settings.Settings", "PATCH"): (SUPERVISORS, False, lambda t, s: ("/api/settings", {"json": {}})),
    ("stats.Figures", "GET"): (frozenset({"village_head", "town_secretary", "county_staff", "admin"}), False,
                               lambda t, s: ("/api/stats/figures?start=2026-10-01&end=2026-11-01", {})),
    ("stats.OverdueCadres", "GET"): (frozenset({"village_head", "town_secretary", "county_staff", "admin"}), False,
                                     lambda t, s: ("/api/stats/overdue-cadres", {})),
    ("stats.Trend", "GET"): (frozenset({"village_head", "town_secretary", "county_staff", "admin"}), False,
                             lambda t, s: ("/api/stats/trend?months=2", {})),
    # the workers and cadres under a unit of the caller's area; another town's answers 404
    ("stats.WorkerActivity", "GET"): (frozenset({"village_head", "town_secretary", "county_staff", "admin"}), True,
                                      lambda t, s: (f"/api/stats/worker-activity?under={t['unit_' + s]}", {})),
    ("maps.Units", "GET"): (frozenset({"village_head", "town_secretary", "county_staff", "admin"}), False,
                            lambda t, s: ("/api/map/units?level=village", {})),
    ("maps.HeatTile", "GET"): (frozenset({"village_head", "town_secretary", "county_staff", "admin"}), False,
                               lambda t, s: ("/api/map/heat/9/409/205.mvt", {})),
    ("alerts.Alerts", "GET"): (frozenset({"village_head", "town_secretary", "county_staff", "admin"}), False,
                               lambda t, s: ("/api/alerts?level=all", {})),
    ("alerts.AlertDetail", "GET"): (frozenset({"village_head", "town_secretary", "county_staff", "admin"}), True,
                                    lambda t, s: (f"/api/alerts/{t['alert_' + s]}", {})),
    ("households.MoveDecision", "GET"): (REGISTER_KEEPERS, True, lambda t, s: (
        f"/api/households/moves/{t['move_' + s]}", {})),
    # an alert raised for the user's own level (another level's: test_alerts_are_handled_at_their_level)
    ("alerts.Acknowledge", "POST"): (HANDLERS, True, lambda t, s: (f"/api/alerts/{t['alert_' + s]}/acknowledge", {})),
    ("alerts.Close", "POST"): (HANDLERS, True, lambda t, s: (f"/api/alerts/{t['alert_' + s]}/close",
                                                            {"json": {"note": "已处置"}})),
    ("audit.AuditLogList", "GET"): (SUPERVISORS, False, lambda t, s: ("/api/audit", {})),
    # evidence: an empty upload is refused (422) by those who may upload; a photo attached to a visit of a household
    # in or out of the user's area is served or not found
    ("attachments.Attachments", "POST"): (FIELD, False, lambda t, s: ("/api/attachments", {
        "data": b"", "content_type": "image/jpeg"})),
    ("attachments.AttachmentFile", "GET"): (FIELD, True, lambda t, s: (f"/api/attachments/{t['attachment_' + s]}", {})),
    ("attachments.Thumbnail", "GET"): (FIELD, True, lambda t, s: (
        f"/api/attachments/{t['attachment_' + s]}/thumbnail", {})),
    # everyone's own messages: another user's is not found (for county-wide roles too: see test_messages)
    ("notifications.Notifications", "GET"): (EVERYONE, False, lambda t, s: ("/api/notifications", {})),
    ("notifications.Read", "POST"): (EVERYONE, True, lambda t, s: (f"/api/notifications/{t['message_' + s]}/read", {})),
    ("notifications.ReadAll", "POST"): (EVERYONE, False, lambda t, s: ("/api/notifications/read-all", {})),
    ("notifications.Preferences", "GET"): (EVERYONE, False, lambda t, s: ("/api/notifications/preferences", {})),
    ("notifications.Preferences", "PUT"): (EVERYONE, False, lambda t, s: ("/api/notifications/preferences", {
        "json": {"notify_channels": None, "notify_digest": False}})),
    ("admin_notifications.Deliveries", "GET"): (ADMIN, False, lambda t, s: (
        "/api/admin/notifications/deliveries", {})),
}


def api_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method


def test_every_endpoint_is_in_the_matrix(demo_app):
    missing = sorted(set(api_routes(demo_app)) - set(MATRIX))
    assert missing == [], f"add these endpoints to MATRIX (and to server/auth/policy.py): {missing}"
    stale = sorted(set(MATRIX) - set(api_routes(demo_app)))
    assert stale == []


@pytest.fixture(scope="module")
def matrix_app(db_server):
    """A small county of its own: the matrix calls every write endpoint."""
    from tests.conftest import small_county_app
    return small_county_app(db_server)


def user_of(role):
    """The first user of the role in the first town (county-wide roles: the first of the role)."""
    query = sa.select(User).where(User.role == role).order_by(User.id)
    return db.session.scalars(query).first()


def targets_for(user) -> dict:
    """Codes in and out of the user's scope."""
    own = user.unit.code if user.role != "cadre" else None
    if user.role == "cadre":
        link = db.session.scalars(sa.select(CadreLink).where(CadreLink.cadre_id == user.id,
                                                             CadreLink.valid_to.is_(None))).first()
        household_in = link.household
        unit_in = user.unit.code
    else:
        household_in = db.session.scalars(sa.select(Household).join(GridUnit, GridUnit.id == Household.cell_id)
                                          .where(GridUnit.code.startswith(own)).order_by(Household.id)).first()
        unit_in = own
    household_out = db.session.scalars(sa.select(Household).join(GridUnit, GridUnit.id == Household.cell_id)
                                       .where(GridUnit.code.startswith(OTHER_TOWN)).order_by(Household.id)).first()
    village_in = db.session.scalar(sa.select(GridUnit.code).where(GridUnit.level == "village").order_by(GridUnit.code))
    dispute_in, dispute_out = dispute_of(household_in, user), dispute_of(household_out, user)
    level = inbox_level(user.role)
    alert_in, alert_out = alert_on(household_in.cell_id, level), alert_on(household_out.cell_id, level)
    attachment_in, attachment_out = evidence_on(household_in.code), evidence_on(household_out.code)
    other = db.session.scalar(sa.select(User.id).where(User.id != user.id).order_by(User.id))
    return {"move_in": move_of(household_in), "move_out": move_of(household_out), "message_in": message_to(user.id), "message_out": message_to(other), "attachment_in": attachment_in, "attachment_out": attachment_out, "alert_in": alert_in, "alert_out": alert_out, "dispute_in": dispute_in.id, "dispute_out": dispute_out.id, "version_in": dispute_in.version,
            "version_out": dispute_out.version,"username": user.username, "user_id": user.id, "unit_in": unit_in, "unit_out": OTHER_TOWN,
            "cell_in": household_in.cell.code, "cell_out": household_out.cell.code, "cell_in_id": household_in.cell_id,
            "household_in": household_in.code, "household_out": household_out.code, "village_in": village_in}


def move_of(household) -> uuid.UUID:
    """The household's pending move to the next cell of its village (made once)."""
    found = db.session.scalar(sa.select(HouseholdMove.id).where(HouseholdMove.household_id == household.id,
                                                               HouseholdMove.state == "pending"))
    if found:
        return found
    to_cell = db.session.scalar(sa.select(GridUnit.id).where(GridUnit.parent_id == household.cell.parent_id,
                                                             GridUnit.id != household.cell_id))
    admin = db.session.scalar(sa.select(User.id).where(User.role == "admin"))
    move = HouseholdMove(id=uuid.uuid4(), household_id=household.id, from_cell_id=household.cell_id, to_cell_id=to_cell,
                         state="pending", reason="测试", requested_by_id=admin,
                         requested_at=dt.datetime.now(dt.timezone.utc), note="")
    db.session.add(move)
    db.session.commit()
    return move.id


def message_to(user_id: int) -> uuid.UUID:
    """A message to the user, about nothing in particular."""
    message = Notification(id=uuid.uuid4(), user_id=user_id, kind="report_due", event_key=f"test:{uuid.uuid4()}",
                           subject_type="cell", subject_id="610923100201001", api_url="/api/grid/units/610923100201001",
                           text="test", text_zh="测试", urgent=False)
    db.session.add(message)
    db.session.commit()
    return message.id


def evidence_on(household_code: str) -> uuid.UUID:
    """A photo, stored and attached to a new visit to the household by someone else (the admin)."""
    from server.api.attachments.routes import attachment_store
    from server.attachments.upload import receive
    from tools.sample_files import photo
    admin = db.session.scalar(sa.select(User).where(User.role == "admin"))
    row, _ = receive(admin, uuid.uuid4(), photo(64, 48), "image/jpeg", attachment_store(), dt.datetime.now(dt.timezone.utc))
    row.attached_type, row.attached_id = "visit", uuid.UUID(follow_up_on(household_code))
    db.session.commit()
    return row.id


def alert_on(cell_id, level: str = "village") -> uuid.UUID:
    """A new open alert about the cell for a level (each case acts on its own: a closed alert cannot be closed again)."""
    alert = Alert(id=uuid.uuid4(), key=f"test:{uuid.uuid4()}", rule="cluster", severity="medium", level=level,
                  unit_id=cell_id, reason="test", reason_zh="测试", evidence=[])
    db.session.add(alert)
    db.session.commit()
    return alert.id


def dispute_of(household, user) -> Dispute:
    """A dispute about the household (made if it has none)."""
    found = db.session.scalars(sa.select(Dispute).where(Dispute.household_id == household.id)).first()
    if found is None:
        found = Dispute(id=uuid.uuid4(), cell_id=household.cell_id, household_id=household.id, reporter_id=user.id,
                        category="neighbour", risk_colour="blue", title="邻里纠纷",
                        reported_at=dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc))
        db.session.add(found)
        db.session.commit()
    return found


CASES = [(endpoint, method, role) for (endpoint, method) in MATRIX for role in ROLES]


@pytest.mark.parametrize("endpoint, method, role", CASES, ids=[f"{e}-{m}-{r}" for e, m, r in CASES])
def test_access(matrix_app, endpoint, method, role):
    roles, scoped, build = MATRIX[(endpoint, method)]
    with matrix_app.app_context():
        user = user_of("town_secretary" if role == ANONYMOUS else role)
        targets = targets_for(user)
    client = matrix_app.test_client() if role == ANONYMOUS else signed_in(matrix_app, user.username)
    url, kwargs = build(targets, "in")
    status = client.open(url, method=method, **kwargs).status_code
    if roles == PUBLIC:
        assert status < 400, status
        return
    if role == ANONYMOUS:
        assert status == 401
        return
    if role not in roles:
        assert status == 403
        return
    assert status < 400 or status == 422, status  # allowed: validation may still refuse the body
    if scoped and role not in COUNTY_WIDE:
        url, kwargs = build(targets, "out")
        assert client.open(url, method=method, **kwargs).status_code == 404  # out of scope: not found


# every endpoint that shows a personal number in full, with each role that may call it
REVEAL_CASES = [(endpoint, method, role) for (endpoint, method), (roles, _, _) in MATRIX.items()
                if endpoint.endswith(".Reveal") for role in sorted(roles)]


@pytest.mark.parametrize("endpoint, method, role", REVEAL_CASES, ids=[f"{e}-{r}" for e, _, r in REVEAL_CASES])
def test_every_reveal_is_limited_per_user(matrix_app, clock, endpoint, method, role):
    """Showing numbers in full stops at the per-user limit (server/reveals.py), answered 429 naming it, whichever
    endpoint and role. The second user of the role (test_access's reveals are the first's), each case on a day of its
    own (one user's limit counts every endpoint)."""
    clock.advance(days=1 + REVEAL_CASES.index((endpoint, method, role)))
    with matrix_app.app_context():
        user = db.session.scalars(sa.select(User).where(User.role == role).order_by(User.id)).all()[1]
        url, kwargs = MATRIX[(endpoint, method)][2](targets_for(user), "in")
    client = signed_in(matrix_app, user.username)
    answers = [client.open(url, method=method, **kwargs) for _ in range(PER_MINUTE + 1)]
    assert [a.status_code for a in answers] == [200] * PER_MINUTE + [429]
    assert f"每分钟最多查看 {PER_MINUTE} 个完整号码" in answers[-1].get_json()["message_zh"]


LEVEL_CASES = [(role, level) for role in HANDLER.values() for level in HANDLING_LEVELS if HANDLER[level] != role]


@pytest.mark.parametrize("role, level", LEVEL_CASES, ids=[f"{r}-{lv}" for r, lv in LEVEL_CASES])
def test_alerts_are_handled_at_their_level(matrix_app, role, level):
    """Acting on a thing checks the level it belongs to, not only that it lies in the user's area: an alert about a
    cell of the handler's own area, raised for another level, is refused (403) and left as it was."""
    with matrix_app.app_context():
        user = user_of(role)
        username, cell_id = user.username, targets_for(user)["cell_in_id"]
        alert = alert_on(cell_id, level)
    client = signed_in(matrix_app, username)
    for action, body in (("acknowledge", {}), ("close", {"json": {"note": "已处置"}})):
        assert client.post(f"/api/alerts/{alert}/{action}", **body).status_code == 403
    with matrix_app.app_context():
        assert db.session.scalar(sa.select(Alert.state).where(Alert.id == alert)) == "open"


def follow_up_on(household_code: str) -> str:
    """A visit with a follow-up to the household, by someone else (the admin): its id."""
    visit_id = uuid.uuid4()
    household = db.session.scalar(sa.select(Household.id).where(Household.code == household_code))
    author = db.session.scalar(sa.select(User.id).where(User.role == "admin"))
    db.session.execute(sa.insert(Visit), [{
        "id": visit_id, "household_id": household, "author_id": author, "kind": "policy", "notes": "",
        "findings": "待核实", "visited_at": dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5),
        "follow_up_on": dt.date.today()}])
    db.session.commit()
    return str(visit_id)


@pytest.mark.parametrize("role", sorted(FIELD))
def test_marking_a_follow_up_done_needs_the_visit_in_scope(matrix_app, role):
    """Sync items are checked against the data scope item by item: the one endpoint cannot tell."""
    with matrix_app.app_context():
        user = user_of(role)
        targets = targets_for(user)
        visits = {side: follow_up_on(targets["household_" + side]) for side in ("in", "out")}
    client = signed_in(matrix_app, targets["username"])
    at = dt.datetime.now(dt.timezone.utc).isoformat()
    results = client.post("/api/sync/push", json={"items": [
        {"type": "follow_up_done", "id": str(uuid.uuid4()), "data": {"visit_id": visits[side], "done_at": at}}
        for side in ("in", "out")]}).get_json()["results"]
    expected = ["accepted", "accepted" if role in COUNTY_WIDE else "rejected"]
    assert [r["status"] for r in results] == expected
    with matrix_app.app_context():
        marked = set(db.session.scalars(sa.select(FollowUpDone.visit_id).where(
            FollowUpDone.visit_id.in_([uuid.UUID(v) for v in visits.values()]))))
    assert marked == {uuid.UUID(visits[side]) for side, status in zip(("in", "out"), expected) if status == "accepted"}

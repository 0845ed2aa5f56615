"""The alert inbox: each role's level, acknowledging and closing (audited), scope; alerts raised on sync."""
import uuid

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Alert, AuditLog, GridUnit, Household, User
from tests.conftest import lately, signed_in


def raise_alert(app, town: str, level: str, rule="cluster") -> str:
    with app.app_context():
        cell = db.session.scalar(sa.select(GridUnit.id).where(GridUnit.level == "cell", GridUnit.code.startswith(town))
                                 .order_by(GridUnit.code))
        alert = Alert(id=uuid.uuid4(), key=f"test:{uuid.uuid4()}", rule=rule, severity="medium", level=level,
                      unit_id=cell, reason="A cluster", reason_zh="聚集", evidence=[{"type": "unit", "code": town}])
        db.session.add(alert)
        db.session.commit()
        return str(alert.id)


@pytest.fixture
def alerts(small_app):
    return {"village_100": raise_alert(small_app, "610923100", "village"),
            "town_100": raise_alert(small_app, "610923100", "town"),
            "town_101": raise_alert(small_app, "610923101", "town")}


def ids(response):
    assert response.status_code == 200, response.get_json()
    return {a["id"] for a in response.get_json()["items"]}


def test_each_role_sees_its_own_levels_alerts_in_its_area(small_app, alerts):
    secretary = signed_in(small_app, "t100")
    assert ids(secretary.get("/api/alerts")) == {alerts["town_100"]}
    assert ids(secretary.get("/api/alerts?level=all")) == {alerts["town_100"], alerts["village_100"]}
    staff = signed_in(small_app, "county01")
    assert ids(staff.get("/api/alerts")) == set()
    assert ids(staff.get("/api/alerts?level=all")) == set(alerts.values())
    item = secretary.get("/api/alerts").get_json()["items"][0]
    assert item["unit_code"].startswith("610923100") and item["reason_zh"] == "聚集" and item["state"] == "open"


def test_acknowledge_then_close_with_a_note_audited(small_app, alerts):
    secretary = signed_in(small_app, "t100")
    alert = alerts["town_100"]
    acked = secretary.post(f"/api/alerts/{alert}/acknowledge").get_json()
    assert acked["state"] == "acknowledged" and acked["acknowledged_by"] == "t100"
    refused = secretary.post(f"/api/alerts/{alert}/close", json={})
    assert refused.status_code == 422 and "note" in str(refused.get_json()["errors"])
    closed = secretary.post(f"/api/alerts/{alert}/close", json={"note": "已约谈双方并化解"}).get_json()
    assert closed["state"] == "closed" and closed["closed_by"] == "t100" and closed["close_note"] == "已约谈双方并化解"
    assert secretary.post(f"/api/alerts/{alert}/close", json={"note": "again"}).status_code == 409
    assert secretary.post(f"/api/alerts/{alert}/acknowledge").status_code == 409
    assert ids(secretary.get("/api/alerts")) == set() and alert in ids(secretary.get("/api/alerts?state=closed"))
    with small_app.app_context():
        changes = db.session.scalars(sa.select(AuditLog).where(AuditLog.entity_type == "alert",
                                                               AuditLog.entity_id == alert, AuditLog.username == "t100")
                                     .order_by(AuditLog.id)).all()
    assert [(c.before.get("state"), c.after.get("state")) for c in changes] == [("open", "acknowledged"),
                                                                                 ("acknowledged", "closed")]


def test_another_towns_alert_is_not_found(small_app, alerts):
    secretary = signed_in(small_app, "t100")
    assert secretary.post(f"/api/alerts/{alerts['town_101']}/acknowledge").status_code == 404


def test_a_high_risk_dispute_pushed_from_a_phone_raises_an_alert_for_the_town(small_app):
    with small_app.app_context():
        worker = db.session.scalars(sa.select(User).where(User.role == "grid_worker").order_by(User.id)).first()
        code = db.session.scalar(sa.select(Household.code).where(Household.cell_id == worker.unit_id))
        town = worker.unit.code[:9]
    item = {"type": "dispute", "id": str(uuid.uuid4()), "data": {
        "household_code": code, "category": "land_requisition", "risk_colour": "orange", "title": "征地补偿纠纷",
        "party_count": 25, "reported_at": lately()}}
    answer = signed_in(small_app, worker.username).post("/api/sync/push", json={"items": [item]}).get_json()
    assert answer["accepted"] == 1
    inbox = signed_in(small_app, "t" + town[6:]).get("/api/alerts?rule=high_risk").get_json()["items"]
    assert [a["evidence"] for a in inbox] == [[{"type": "dispute", "id": item["id"],
                                                "href": f"/api/disputes/{item['id']}"}]]
    assert inbox[0]["severity"] == "high" and inbox[0]["level"] == "town"


def test_an_alert_is_handled_at_its_level_not_by_whoever_holds_its_cell(small_app, alerts):
    """Issue 22 point 1: a village head could sign for and close the town's and the county's alerts about its cells, and
    a closed alert is never raised again, so the supervisors' warning was silenced for good."""
    county_alert = raise_alert(small_app, "610923100", "county")
    with small_app.app_context():
        head = db.session.scalar(sa.select(User.username).join(GridUnit, GridUnit.id == User.unit_id).where(
            User.role == "village_head", GridUnit.code.startswith("610923100")).order_by(GridUnit.code))
    village_head, secretary, staff = (signed_in(small_app, name) for name in (head, "t100", "county01"))
    for alert, handler, others in ((alerts["town_100"], secretary, (village_head, staff)),
                                   (county_alert, staff, (village_head, secretary)),
                                   (alerts["village_100"], village_head, (secretary, staff))):
        for other in others:
            for action, body in (("acknowledge", None), ("close", {"note": "已处理完毕"})):
                refused = other.post(f"/api/alerts/{alert}/{action}", json=body)
                assert refused.status_code == 403, refused.get_json()
                assert "级处置" in refused.get_json()["message_zh"]
        assert handler.get(f"/api/alerts/{alert}").get_json()["state"] == "open"  # nothing changed
        closed = handler.post(f"/api/alerts/{alert}/close", json={"note": "已处理完毕"})
        assert closed.status_code == 200 and closed.get_json()["state"] == "closed"

"""Daily reporting 日报告制, end to end: county staff switch it on, a grid worker pushes today's daily report, the
town's map and figures count it, the next day's scan raises alerts for the cells that did not file, and switched
off the figures are monthly again."""
import datetime as dt
import json
import uuid

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.models import Alert, AuditLog, GridUnit, User, ZeroReport
from server.warnings.engine import scan
from tests.conftest import signed_in

SWITCHED_ON = dt.datetime(2026, 11, 20, 1, 30, tzinfo=dt.timezone.utc)  # 09:30 on 20 November in China
TODAY, TOMORROW = dt.date(2026, 11, 20), dt.date(2026, 11, 21)


@pytest.fixture
def at(monkeypatch):
    """Sets the server's clock: at(moment)."""
    def set_clock(moment):
        monkeypatch.setattr(clock, "now", lambda: moment)
    set_clock(SWITCHED_ON)
    return set_clock


def test_the_settings_keep_the_day_daily_reporting_was_switched_on(small_app, at):
    staff = signed_in(small_app, "county01")
    assert staff.get("/api/settings").get_json()["daily_reporting_since"] is None
    on = staff.patch("/api/settings", json={"daily_reporting": True}).get_json()
    assert (on["daily_reporting"], on["daily_reporting_since"]) == (True, "2026-11-20")
    at(SWITCHED_ON + dt.timedelta(days=3))
    again = staff.patch("/api/settings", json={"daily_reporting": True, "stalled_days": 8}).get_json()
    assert again["daily_reporting_since"] == "2026-11-20"  # switched on again while on: the start stays
    refused = staff.patch("/api/settings", json={"daily_reporting_since": "2026-01-01"})
    assert refused.status_code == 422 and "daily_reporting_since" in refused.get_json()["errors"]["json"]
    assert staff.patch("/api/settings", json={"daily_reporting": "sometimes"}).status_code == 422
    off = staff.patch("/api/settings", json={"daily_reporting": False}).get_json()
    assert (off["daily_reporting"], off["daily_reporting_since"]) == (False, None)
    on = staff.patch("/api/settings", json={"daily_reporting": True}).get_json()
    assert on["daily_reporting_since"] == "2026-11-23"
    with small_app.app_context():  # the start is audited with the switch
        logged = db.session.scalars(sa.select(AuditLog.entity_id).where(AuditLog.entity_type == "setting")).all()
        assert logged.count("daily_reporting_since") >= 3


def daily_report(cell_code, day, **data):
    return {"type": "zero_report", "id": str(uuid.uuid4()), "data": {
        "cell_code": cell_code, "kind": "daily", "period": day.isoformat(), "nothing_to_report": True, "note": "",
        "reported_at": clock.now().isoformat(), **data}}


def people_of_town(app, town):
    with app.app_context():
        worker, cell = db.session.execute(
            sa.select(User.username, GridUnit.code).join(GridUnit, GridUnit.id == User.unit_id)
            .where(User.role == "grid_worker", GridUnit.code.startswith(town)).order_by(GridUnit.code)).first()
        secretary = db.session.scalar(sa.select(User.username).join(GridUnit, GridUnit.id == User.unit_id)
                                      .where(User.role == "town_secretary", GridUnit.code == town))
        cells = db.session.scalars(sa.select(GridUnit.code).where(GridUnit.level == "cell")).all()
        return worker, cell, secretary, cells


def test_a_day_of_daily_reporting_from_the_switch_to_the_next_days_alerts(small_app, at):
    town = "610923100"
    worker, cell, secretary, county_cells = people_of_town(small_app, town)
    town_cells = [c for c in county_cells if c.startswith(town)]
    staff = signed_in(small_app, "county01")
    assert staff.patch("/api/settings", json={"daily_reporting": True}).get_json()["daily_reporting_since"] == \
        TODAY.isoformat()

    phone = signed_in(small_app, worker)
    pushed = phone.post("/api/sync/push", json={"items": [
        daily_report(cell, TODAY), daily_report(cell, TODAY, note="again"), daily_report(cell, TOMORROW)]})
    today, again, tomorrow = pushed.get_json()["results"]
    assert today["status"] == "accepted"
    assert again["status"] == "rejected" and again["reason"]["message_zh"]  # once per cell and day
    assert tomorrow["status"] == "rejected" and "period" in tomorrow["reason"]["errors"]  # not after today

    town_view = signed_in(small_app, secretary)
    layer = json.loads(town_view.get(f"/api/map/units?level=cell&under={town}").data)
    assert layer["zero_reports"] == {"mode": "daily", "period": [TODAY.isoformat()] * 2, "since": TODAY.isoformat()}
    filed = {f["id"]: (f["properties"]["reports_filed"], f["properties"]["reports_due"]) for f in layer["features"]}
    assert filed == {c: (1 if c == cell else 0, 1) for c in town_cells}
    for period in (f"start={TODAY}&end={TOMORROW}", "start=2026-11-01&end=2026-12-01"):  # today; the month so far
        row, = town_view.get(f"/api/stats/figures?level=town&{period}").get_json()
        assert (row["daily_report_days"], row["reports_due"], row["reports_filed"]) == (1, len(town_cells), 1)
        assert row["zero_report_completeness"] == pytest.approx(1 / len(town_cells))
    row, = town_view.get(f"/api/stats/figures?level=cell&under={cell}&start={TODAY}&end={TOMORROW}").get_json()
    assert row["zero_report_completeness"] == 1.0
    csv_text = town_view.get(f"/api/stats/figures?level=town&start={TODAY}&end={TOMORROW}&format=csv").get_data(
        as_text=True)
    assert "日报告天数（天）,应报数（份）,实报数（份）,零报告完成率（%）" in csv_text.splitlines()[0]

    at(SWITCHED_ON + dt.timedelta(days=1))  # the next morning's scan
    with small_app.app_context():
        scan(clock.now())
        db.session.commit()
        missed = db.session.execute(sa.select(GridUnit.code, Alert.reason_zh, Alert.reason).join(
            GridUnit, GridUnit.id == Alert.unit_id).where(Alert.key.endswith(f":{TODAY}"))).all()
        assert sorted(code for code, *_ in missed) == sorted(c for c in county_cells if c != cell)
        assert all("2026年11月20日 日报告" in zh and "daily report for 2026-11-20" in en for _, zh, en in missed)
        assert "zero_report_missed" not in scan(clock.now())  # a rescan raises nothing new
        db.session.rollback()

    staff = signed_in(small_app, "county01")
    assert staff.patch("/api/settings", json={"daily_reporting": False}).get_json()["daily_reporting_since"] is None
    row, = staff.get(f"/api/stats/figures?level=town&under={town}&start=2026-11-01&end=2026-12-01").get_json()
    assert (row["daily_report_days"], row["reports_due"], row["reports_filed"]) == (0, len(town_cells),
                                                                                   row["cells_reported"])
    layer = json.loads(staff.get(f"/api/map/units?level=cell&under={town}").data)
    assert layer["zero_reports"] == {"mode": "monthly", "period": "2026-11-01"}
    with small_app.app_context():  # a phone that is behind may still push a daily report: it is kept
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ZeroReport).where(ZeroReport.kind == "daily")) == 1
    late = signed_in(small_app, worker).post("/api/sync/push", json={"items": [
        daily_report(cell, TOMORROW)]}).get_json()["results"][0]
    assert late["status"] == "accepted"

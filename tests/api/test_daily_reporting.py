"""Daily reporting 日报告制, end to end: county staff switch it on, a grid worker pushes today's daily report, the
town's map and figures count it, the next day's scan raises alerts for the cells that did not file, and switched
off the figures are monthly again."""
import datetime as dt

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.models import AuditLog
from tests.conftest import signed_in

SWITCHED_ON = dt.datetime(2026, 11, 20, 1, 30, tzinfo=dt.timezone.utc)  # 09:30 on 20 November in China


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


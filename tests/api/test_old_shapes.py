"""A phone a version behind (README, CHANGELOG): what it sends and reads in the shapes of before is still taken and
answered, until the CHANGELOG says otherwise."""
import datetime as dt
import uuid

import sqlalchemy as sa

from server import clock as server_clock
from server.extensions import db
from server.models import DeviceSync, Dispute, GridUnit, User, Visit, ZeroReport
from tests.conftest import signed_in


def test_a_phone_from_before_device_ids_and_dispute_ids_still_syncs(small_app, worker_cell):
    """No X-Device-Id, a zero report without `kind`, and the open disputes kept by `open_dispute_ids`."""
    phone = signed_in(small_app, worker_cell["worker"])
    first = phone.get("/api/sync/pull").get_json()
    now = worker_cell["clock"].advance(minutes=1).astimezone(server_clock.CHINA)
    at = now.replace(microsecond=0).isoformat()
    visit = {"type": "visit", "id": str(uuid.uuid4()),
             "data": {"household_code": worker_cell["household"], "kind": "policy", "visited_at": at}}
    dispute = {"type": "dispute", "id": str(uuid.uuid4()), "data": {
        "household_code": worker_cell["household"], "category": "neighbour", "risk_colour": "blue",
        "title": "旧版手机上报的纠纷", "reported_at": at}}
    report = {"type": "zero_report", "id": str(uuid.uuid4()),
              "data": {"cell_code": worker_cell["cell"], "period": now.date().isoformat(), "reported_at": at}}
    answer = phone.post("/api/sync/push", json={"items": [visit, dispute, report]}).get_json()
    assert [r["status"] for r in answer["results"]] == ["accepted"] * 3, answer["results"]

    worker_cell["clock"].advance(minutes=1)
    later = phone.get("/api/sync/pull", query_string={"since": first["cursor"]}).get_json()
    assert dispute["id"] in later["open_dispute_ids"] and dispute["id"] in later["dispute_ids"]
    with small_app.app_context():
        me = db.session.scalar(sa.select(User).where(User.username == worker_cell["worker"]))
        assert db.session.get(Visit, uuid.UUID(visit["id"])).author_id == me.id
        assert db.session.get(Dispute, uuid.UUID(dispute["id"])).title == "旧版手机上报的纠纷"
        stored = db.session.scalar(sa.select(ZeroReport).join(GridUnit, GridUnit.id == ZeroReport.cell_id).where(
            GridUnit.code == worker_cell["cell"], ZeroReport.period == dt.date(now.year, now.month, 1)))
        assert stored.kind == "monthly"
        assert db.session.scalars(sa.select(DeviceSync).where(DeviceSync.user_id == me.id)).all() == []

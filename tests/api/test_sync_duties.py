"""Who files what from a phone (issue 22 point 2, docs/domain.md "who does what"): the grid worker files the cell's
monthly and daily report; a cadre reports for their linked households only, at a place too only in those households'
cells. A cadre's zero report once took the cell's month, and the worker's real report was refused as filed already."""
import uuid

import sqlalchemy as sa

from server.extensions import db
from server.models import CadreLink, GridUnit, Household, User, ZeroReport
from tests.conftest import lately, signed_in

REPORTED = lately()


def zero_report(cell: str, period: str = lately()[:10]) -> dict:
    return {"type": "zero_report", "id": str(uuid.uuid4()), "data": {
        "cell_code": cell, "period": period, "nothing_to_report": True, "reported_at": REPORTED}}


def place_dispute(cell: str) -> dict:
    return {"type": "dispute", "id": str(uuid.uuid4()), "data": {
        "cell_code": cell, "category": "environment", "risk_colour": "blue", "title": "河道倾倒垃圾",
        "reported_at": REPORTED}}


def push(client, *items) -> list[dict]:
    response = client.post("/api/sync/push", json={"items": list(items)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def test_only_the_grid_worker_files_the_cells_report(small_app, worker_cell):
    cell = worker_cell["cell"]
    with small_app.app_context():
        db.session.execute(sa.delete(ZeroReport).where(ZeroReport.cell_id == sa.select(GridUnit.id).where(
            GridUnit.code == cell).scalar_subquery()))
        db.session.commit()
        head = db.session.scalar(sa.select(User.username).join(GridUnit, GridUnit.id == User.unit_id).where(
            User.role == "village_head", GridUnit.code == cell[:12]))
    for username in (worker_cell["cadre"], head):
        refused, = push(signed_in(small_app, username), zero_report(cell))
        assert refused["status"] == "rejected" and "不能提交" in refused["reason"]["message_zh"], (username, refused)
    filed, = push(signed_in(small_app, worker_cell["worker"]), zero_report(cell))
    assert filed["status"] == "accepted"  # the month is still the worker's to report
    with small_app.app_context():
        authors = db.session.scalars(sa.select(User.username).join(ZeroReport, ZeroReport.author_id == User.id)
                                     .join(GridUnit, GridUnit.id == ZeroReport.cell_id).where(GridUnit.code == cell)).all()
    assert authors == [worker_cell["worker"]]


def test_a_cadre_reports_at_a_place_only_in_the_cells_of_their_linked_households(small_app, worker_cell):
    cadre = worker_cell["cadre"]
    with small_app.app_context():
        user = db.session.scalars(sa.select(User).where(User.username == cadre)).one()
        linked = sa.select(Household.cell_id).join(CadreLink, CadreLink.household_id == Household.id).where(
            CadreLink.cadre_id == user.id, CadreLink.valid_to.is_(None))
        unlinked = db.session.scalar(sa.select(GridUnit.code).where(
            GridUnit.level == "cell", GridUnit.code.startswith(user.unit.code), GridUnit.id.not_in(linked))
            .order_by(GridUnit.code))
    assert unlinked, "the cadre's village or town has a cell without their households"
    client = signed_in(small_app, cadre)
    ours, theirs = push(client, place_dispute(worker_cell["cell"]), place_dispute(unlinked))
    assert ours["status"] == "accepted"
    assert theirs["status"] == "rejected" and "cell_code" in theirs["reason"]["errors"]
    pulled = {d["id"] for d in client.get("/api/sync/pull").get_json()["disputes"]}
    assert ours["id"] in pulled and theirs["id"] not in pulled

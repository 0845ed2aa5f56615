"""Pull sync: a phone gets its area, then only what changed."""
import datetime as dt
import uuid

import sqlalchemy as sa

from server.extensions import db
from server.models import CadreLink, Dispute, GridUnit, Household, User, Visit, ZeroReport
from tests.conftest import lately, signed_in


def test_a_worker_pulls_their_cell_and_then_only_changes(small_app, clock):
    with small_app.app_context():
        worker = db.session.scalars(sa.select(User).where(User.role == "grid_worker").order_by(User.id)).first()
        mine = set(db.session.scalars(sa.select(Household.code).where(Household.cell_id == worker.unit_id)))
    client = signed_in(small_app, worker.username)
    first = client.get("/api/sync/pull").get_json()
    assert set(first["household_codes"]) == mine
    assert {h["code"] for h in first["households"]} == mine
    assert all("*" in h["head_id_number"] for h in first["households"])
    assert all(h["phone"] is None or "*" not in h["phone"] for h in first["households"])  # workers call people
    with small_app.app_context():
        latest = dict(db.session.execute(
            sa.select(Household.code, sa.func.max(Visit.visited_at)).outerjoin(Visit, Visit.household_id == Household.id)
            .where(Household.cell_id == worker.unit_id).group_by(Household.code)).all())
    pulled = {h["code"]: h["last_visit_at"] and dt.datetime.fromisoformat(h["last_visit_at"]) for h in first["households"]}
    assert pulled == latest and any(latest.values())
    clock.at += dt.timedelta(hours=1)
    later = client.get("/api/sync/pull", query_string={"since": first["cursor"]}).get_json()
    assert later["households"] == [] and set(later["household_codes"]) == mine
    code = sorted(mine)[0]
    item = {"type": "dispute", "id": str(uuid.uuid4()), "data": {
        "household_code": code, "category": "family", "risk_colour": "blue", "title": "赡养纠纷",
        "reported_at": lately()}}
    client.post("/api/sync/push", json={"items": [item]})
    changed = client.get("/api/sync/pull", query_string={"since": first["cursor"]}).get_json()
    assert item["id"] in [d["id"] for d in changed["disputes"]] and item["id"] in changed["open_dispute_ids"]


def test_a_cadre_pulls_their_linked_households_and_link_changes(small_app):
    with small_app.app_context():
        cadre = db.session.scalars(sa.select(User).where(User.role == "cadre").order_by(User.id)).first()
        linked = set(db.session.scalars(sa.select(Household.code).join(CadreLink, CadreLink.household_id == Household.id)
                                        .where(CadreLink.cadre_id == cadre.id, CadreLink.valid_to.is_(None))))
    client = signed_in(small_app, cadre.username)
    first = client.get("/api/sync/pull").get_json()
    assert set(first["household_codes"]) == linked and linked
    lost = sorted(linked)[0]
    admin = signed_in(small_app, "admin")
    other = "c00002" if cadre.username != "c00002" else "c00003"
    assert admin.post("/api/admin/cadre-links", json={"cadre_username": other, "household_code": lost,
                                                      "valid_from": str(dt.date.today())}).status_code == 201
    later = client.get("/api/sync/pull", query_string={"since": first["cursor"]}).get_json()
    assert lost not in later["household_codes"]  # the phone drops it


def test_a_bad_cursor_is_422(small_app):
    client = signed_in(small_app, "t100")
    assert client.get("/api/sync/pull?since=yesterday").status_code == 422


def test_follow_ups_reach_the_phone_with_iso_dates(small_app, worker_cell, clock):
    """The phone sorts and flags follow-ups by comparing ISO dates ("2026-12-01"), not HTTP dates."""
    code = worker_cell["household"]
    client = signed_in(small_app, worker_cell["worker"])
    due = (clock.at.date() + dt.timedelta(days=7)).isoformat()
    visited = (clock.at - dt.timedelta(minutes=5)).replace(microsecond=0)
    item = {"type": "visit", "id": str(uuid.uuid4()), "data": {
        "household_code": code, "kind": "policy", "notes": "", "findings": "低保材料待补",
        "visited_at": visited.isoformat(), "follow_up_on": due}}
    assert client.post("/api/sync/push", json={"items": [item]}).get_json()["accepted"] == 1
    follow_ups = client.get("/api/sync/pull").get_json()["follow_ups"]
    with small_app.app_context():
        household = db.session.scalar(sa.select(Household).where(Household.code == code))
        author = db.session.scalar(sa.select(User.display_name).where(User.username == worker_cell["worker"]))
        expected = {"visit_id": item["id"], "household_code": code, "head_name": household.head_name,
                    "address": household.address, "follow_up_on": due, "visited_at": visited.isoformat(),
                    "findings": "低保材料待补", "author": author}
    assert expected in follow_ups


def test_a_visit_resends_its_household_to_every_phone_that_holds_it(small_app, worker_cell, clock):
    """A visit sets the household's last visit (a trigger) and its updated_at (the push), so the next incremental
    pull of every phone whose area holds the household carries it with the new last visit: whoever visited it."""
    worker, code, other = worker_cell["worker"], worker_cell["household"], worker_cell["other"]
    phone = signed_in(small_app, worker)
    cursor = phone.get("/api/sync/pull").get_json()["cursor"]

    for visitor, household in ((signed_in(small_app, worker_cell["cadre"]), code),  # the household's cadre
                               (signed_in(small_app, worker), other)):             # the worker's second phone
        clock.at += dt.timedelta(hours=1)
        visited = (clock.at - dt.timedelta(minutes=5)).replace(microsecond=0)
        item = {"type": "visit", "id": str(uuid.uuid4()), "data": {
            "household_code": household, "kind": "counselling", "visited_at": visited.isoformat()}}
        assert visitor.post("/api/sync/push", json={"items": [item]}).get_json()["accepted"] == 1
        with small_app.app_context():
            stored = db.session.execute(sa.select(Household.updated_at, Household.last_visit_at)
                                        .where(Household.code == household)).one()
        assert stored == (clock.at, visited)  # the push's clock, not the database's
        clock.at += dt.timedelta(minutes=10)
        later = phone.get("/api/sync/pull", query_string={"since": cursor}).get_json()
        pulled = {h["code"]: h for h in later["households"]}
        assert list(pulled) == [household]
        assert dt.datetime.fromisoformat(pulled[household]["last_visit_at"]) == visited
        cursor = later["cursor"]


def test_a_cadres_pull_carries_their_own_latest_visit_beside_anyones(small_app, worker_cell, clock):
    """每月上门 is the cadre's duty: the phone counts it from `my_last_visit_at`, which a grid worker's later visit
    leaves alone, while `last_visit_at` moves to it."""
    code, cadre = worker_cell["household"], signed_in(small_app, worker_cell["cadre"])
    times = []
    for visitor in (cadre, signed_in(small_app, worker_cell["worker"])):
        clock.at += dt.timedelta(hours=1)
        times.append((clock.at - dt.timedelta(minutes=5)).replace(microsecond=0))
        item = {"type": "visit", "id": str(uuid.uuid4()), "data": {
            "household_code": code, "kind": "policy", "visited_at": times[-1].isoformat()}}
        assert visitor.post("/api/sync/push", json={"items": [item]}).get_json()["accepted"] == 1
    with small_app.app_context():
        own = dict(db.session.execute(
            sa.select(Household.code, sa.func.max(Visit.visited_at)).join(Visit, Visit.household_id == Household.id)
            .join(User, User.id == Visit.author_id).where(User.username == worker_cell["cadre"])
            .group_by(Household.code)).all())
    pulled = {h["code"]: h for h in cadre.get("/api/sync/pull").get_json()["households"]}
    assert dt.datetime.fromisoformat(pulled[code]["my_last_visit_at"]) == times[0] == own[code]
    assert dt.datetime.fromisoformat(pulled[code]["last_visit_at"]) == times[1]
    assert {c: h["my_last_visit_at"] and dt.datetime.fromisoformat(h["my_last_visit_at"])
            for c, h in pulled.items()} == {c: own.get(c) for c in pulled}
    worker = {h["code"]: h for h in signed_in(small_app, worker_cell["worker"]).get("/api/sync/pull")
              .get_json()["households"]}
    assert dt.datetime.fromisoformat(worker[code]["my_last_visit_at"]) == times[1]


def latest_visits(app, code, n=5) -> list[dict]:
    """The household's n latest visits as plain SQL says them, with their authors' names."""
    with app.app_context():
        rows = db.session.execute(sa.text(
            "SELECT v.id, v.kind, v.notes, v.findings, v.follow_up_on, u.display_name FROM visit v "
            "JOIN household h ON h.id = v.household_id JOIN app_user u ON u.id = v.author_id WHERE h.code = :code "
            "ORDER BY v.visited_at DESC, v.id DESC LIMIT :n"), {"code": code, "n": n}).all()
    return [{"id": str(uuid.UUID(str(r[0]))), "kind": r[1], "notes": r[2], "findings": r[3],
             "follow_up_on": r[4] and str(r[4])[:10], "author": r[5], "attachments": []} for r in rows]


def test_each_household_comes_with_its_five_latest_visits(small_app, worker_cell, clock):
    worker, code = worker_cell["worker"], worker_cell["household"]
    phone = signed_in(small_app, worker)
    first = phone.get("/api/sync/pull").get_json()
    pulled = {h["code"]: h["recent_visits"] for h in first["households"]}
    assert all(len(v) <= 5 for v in pulled.values()) and any(len(v) == 5 for v in pulled.values())
    for household in (code, worker_cell["other"]):
        shown = [{k: v for k, v in visit.items() if k != "visited_at"} for visit in pulled[household]]
        assert shown == latest_visits(small_app, household)
        times = [visit["visited_at"] for visit in pulled[household]]
        assert times == sorted(times, reverse=True)

    clock.advance(hours=1)
    item = {"type": "visit", "id": str(uuid.uuid4()), "data": {
        "household_code": code, "kind": "counselling", "notes": "子女在外务工", "findings": "情绪稳定",
        "visited_at": (clock.at - dt.timedelta(minutes=5)).isoformat()}}
    assert signed_in(small_app, worker_cell["cadre"]).post("/api/sync/push", json={"items": [item]}).status_code == 200
    later = phone.get("/api/sync/pull", query_string={"since": first["cursor"]}).get_json()
    household, = later["households"]
    with small_app.app_context():
        cadre = db.session.scalar(sa.select(User.display_name).where(User.username == worker_cell["cadre"]))
    assert household["recent_visits"][0] == {
        "id": item["id"], "visited_at": item["data"]["visited_at"], "kind": "counselling", "notes": "子女在外务工",
        "findings": "情绪稳定", "follow_up_on": None, "author": cadre, "attachments": []}
    assert household["recent_visits"][1:] == pulled[code][:4]


def test_a_dispute_stays_on_the_phone_with_its_timeline_until_it_is_closed(small_app, worker_cell, clock):
    """Reported from the phone, handled by the village head, called back from the phone: each step (a note too)
    sends it again with its whole timeline; resolved and called back it is still kept, closed it is dropped."""
    with small_app.app_context():
        cell = db.session.scalar(sa.select(GridUnit).where(GridUnit.code == worker_cell["cell"]))
        head, head_name = db.session.execute(sa.select(User.username, User.display_name).where(
            User.role == "village_head", User.unit_id == cell.parent_id)).first()
        worker_name = db.session.scalar(sa.select(User.display_name).where(User.username == worker_cell["worker"]))
    phone, office = signed_in(small_app, worker_cell["worker"]), signed_in(small_app, head)
    cursor = phone.get("/api/sync/pull").get_json()["cursor"]

    def pull_changes():
        nonlocal cursor
        clock.advance(minutes=10)
        body = phone.get("/api/sync/pull", query_string={"since": cursor}).get_json()
        cursor = body["cursor"]
        return body

    def by_the_head(kind, **body):
        clock.advance(minutes=1)
        version = office.get(f"/api/disputes/{dispute_id}").get_json()["version"]
        response = office.post(f"/api/disputes/{dispute_id}/steps", json={"kind": kind, "version": version, **body})
        assert response.status_code == 200, response.get_json()

    dispute_id = str(uuid.uuid4())
    parties = [{"name": "王德明", "role": "party"}, {"name": "王德亮", "role": "party"}]
    report = {"type": "dispute", "id": dispute_id, "data": {
        "household_code": worker_cell["household"], "category": "family", "risk_colour": "yellow",
        "title": "赡养纠纷", "parties": parties, "reported_at": (clock.at - dt.timedelta(minutes=30)).isoformat()}}
    assert phone.post("/api/sync/push", json={"items": [report]}).get_json()["accepted"] == 1
    reported, = pull_changes()["disputes"]
    assert (reported["id"], reported["cell_code"], reported["household_code"], reported["parties"]) == (
        dispute_id, worker_cell["cell"], worker_cell["household"], parties)
    assert [(e["kind"], e["to_state"], e["actor"]) for e in reported["events"]] == [("report", "reported", worker_name)]

    for kind, body in (("accept", {}), ("assign", {"leader_username": head}), ("mediate", {}), ("resolve", {})):
        by_the_head(kind, **body)
    pulled = pull_changes()
    resolved, = pulled["disputes"]
    assert resolved["state"] == "resolved" and resolved["leader_username"] == head
    assert [(e["kind"], e["actor"]) for e in resolved["events"]] == [
        ("report", worker_name), ("accept", head_name), ("assign", head_name), ("mediate", head_name),
        ("resolve", head_name)]
    assert dispute_id in pulled["dispute_ids"] and dispute_id not in pulled["open_dispute_ids"]

    call_back = {"type": "dispute_event", "id": str(uuid.uuid4()), "data": {
        "dispute_id": dispute_id, "kind": "call_back", "satisfaction": "satisfied", "version": resolved["version"],
        "occurred_at": clock.at.isoformat()}}
    assert phone.post("/api/sync/push", json={"items": [call_back]}).get_json()["accepted"] == 1
    pulled = pull_changes()
    called_back, = pulled["disputes"]
    assert called_back["state"] == "called_back" and called_back["events"][-1]["id"] == call_back["id"]
    assert dispute_id in pulled["dispute_ids"]

    by_the_head("note", note="当事人已签订赡养协议")  # the state does not change: the row is written all the same
    with small_app.app_context():
        row = db.session.get(Dispute, uuid.UUID(dispute_id))
        assert (row.version, row.updated_at) == (called_back["version"] + 1, clock.at)
    noted, = pull_changes()["disputes"]
    assert noted["events"][-1]["note"] == "当事人已签订赡养协议" and noted["version"] == called_back["version"] + 1

    by_the_head("close")
    pulled = pull_changes()
    assert pulled["disputes"] == [] and dispute_id not in pulled["dispute_ids"]
    assert dispute_id not in phone.get("/api/sync/pull").get_json()["dispute_ids"]


def test_a_worker_pulls_their_cells_recent_zero_reports_and_the_reporting_settings(small_app, worker_cell, clock):
    from server.clock import CHINA
    today = clock.at.astimezone(CHINA).date()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    phone = signed_in(small_app, worker_cell["worker"])
    with small_app.app_context():  # the seed's reports of this month and the last: the cell's go, the others' stay
        cell = db.session.scalar(sa.select(GridUnit.id).where(GridUnit.code == worker_cell["cell"]))
        db.session.execute(sa.delete(ZeroReport).where(ZeroReport.cell_id == cell, ZeroReport.period >= last_month))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ZeroReport).where(
            ZeroReport.period >= last_month))  # other cells' recent reports stay off this phone
    assert signed_in(small_app, "county01").patch("/api/settings", json={
        "daily_reporting": True, "zero_report_grace_days": 3}).status_code == 200

    def report(kind, period, **data):
        return {"type": "zero_report", "id": str(uuid.uuid4()), "data": {
            "cell_code": worker_cell["cell"], "kind": kind, "period": period.isoformat(),
            "reported_at": (clock.at - dt.timedelta(minutes=5)).isoformat(), **data}}
    kept = [report("monthly", last_month, nothing_to_report=False, note="本月矛盾纠纷已按程序上报"),
            report("daily", today), report("daily", today - dt.timedelta(days=13))]
    dropped = [report("daily", today - dt.timedelta(days=14))]
    assert phone.post("/api/sync/push", json={"items": kept + dropped}).get_json()["accepted"] == 4
    with small_app.app_context():
        older = db.session.scalars(sa.select(ZeroReport.id).join(GridUnit, GridUnit.id == ZeroReport.cell_id).where(
            GridUnit.code == worker_cell["cell"], ZeroReport.period < last_month)).all()
    assert older  # the seed's reports of earlier months stay off the phone

    pulled = phone.get("/api/sync/pull").get_json()
    assert pulled["settings"] == {"daily_reporting": True, "zero_report_grace_days": 3, "clock_skew_seconds": 600}
    assert {r["id"]: (r["cell_code"], r["kind"], r["period"]) for r in pulled["zero_reports"]} == {
        r["id"]: (worker_cell["cell"], r["data"]["kind"], r["data"]["period"]) for r in kept}
    monthly, = [r for r in pulled["zero_reports"] if r["kind"] == "monthly"]
    assert (monthly["nothing_to_report"], monthly["note"]) == (False, "本月矛盾纠纷已按程序上报")
    assert dt.datetime.fromisoformat(monthly["reported_at"]) == dt.datetime.fromisoformat(kept[0]["data"]["reported_at"])
    later = phone.get("/api/sync/pull", query_string={"since": pulled["cursor"]}).get_json()
    assert later["zero_reports"] == pulled["zero_reports"]  # the whole list on every pull

    cadre = signed_in(small_app, worker_cell["cadre"]).get("/api/sync/pull").get_json()
    assert cadre["zero_reports"] == [] and cadre["settings"]["daily_reporting"] is True

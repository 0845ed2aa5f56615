"""Which phone syncs: the X-Device-Id each phone sends with its pulls and pushes is kept per phone and user with the
server's time of the last pull and push, and the report of worker activity shows it."""
import contextlib
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import DeviceSync, User, Visit
from tests.api.test_sync import visit_item
from tests.conftest import signed_in

PHONE_A, PHONE_B, SHARED = (uuid.UUID(f"00000000-0000-4000-8000-00000000000{n}") for n in (1, 2, 3))
ANDROID = "Mozilla/5.0 (Linux; Android 12; HUAWEI) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"


@pytest.fixture(scope="module")
def county(db_server):
    from tests.conftest import small_county_app
    return small_county_app(db_server)


def workers(app, *, n: int, skip: int) -> list:
    """n grid workers of their own for a test (each test takes others, so none sees another's phones)."""
    with app.app_context():
        return db.session.execute(sa.select(User.id, User.username, User.unit_id).where(User.role == "grid_worker")
                                  .order_by(User.id).offset(skip).limit(n)).all()


def phones_of(app, user_id) -> dict:
    with app.app_context():
        rows = db.session.scalars(sa.select(DeviceSync).where(DeviceSync.user_id == user_id)).all()
        return {row.device_id: (row.last_pull_at, row.last_push_at, row.user_agent) for row in rows}


def from_phone(device, agent=ANDROID) -> dict:
    return {"X-Device-Id": str(device), "User-Agent": agent}


def activity_row(app, username) -> dict:
    answer = signed_in(app, "county01").get("/api/stats/worker-activity?role=grid_worker").get_json()
    return next(row for row in answer["rows"] if row["username"] == username)


def a_household_of(app, cell_id) -> str:
    from server.models import Household
    with app.app_context():
        return db.session.scalar(sa.select(Household.code).where(Household.cell_id == cell_id).order_by(Household.code))


def test_a_pull_then_a_push_are_recorded_by_the_servers_clock(county, clock):
    me, = workers(county, n=1, skip=0)
    phone = signed_in(county, me.username)
    pulled_at = clock.at
    assert phone.get("/api/sync/pull", headers=from_phone(PHONE_A)).status_code == 200
    assert phones_of(county, me.id) == {PHONE_A: (pulled_at, None, ANDROID)}
    pushed_at = clock.advance(minutes=20)
    answer = phone.post("/api/sync/push", json={"items": [visit_item(a_household_of(county, me.unit_id))]},
                        headers=from_phone(PHONE_A))
    assert answer.get_json()["accepted"] == 1
    assert phones_of(county, me.id) == {PHONE_A: (pulled_at, pushed_at, ANDROID)}
    again = clock.advance(hours=2)
    phone.get("/api/sync/pull", headers=from_phone(PHONE_A, agent="WangGe/2 (updated)"))
    assert phones_of(county, me.id) == {PHONE_A: (again, pushed_at, "WangGe/2 (updated)")}

    row = activity_row(county, me.username)
    assert dt.datetime.fromisoformat(row["last_sync_at"]) == again and row["phone_count"] == 1
    phone_row, = row["phones"]
    assert phone_row["device_id"] == str(PHONE_A) and phone_row["user_agent"] == "WangGe/2 (updated)"
    assert dt.datetime.fromisoformat(phone_row["last_push_at"]) == pushed_at


def test_two_phones_of_one_worker_and_one_phone_shared_by_two(county, clock):
    me, first, second = workers(county, n=3, skip=1)
    mine = signed_in(county, me.username)
    mine.get("/api/sync/pull", headers=from_phone(PHONE_A))
    later = clock.advance(minutes=5)
    mine.get("/api/sync/pull", headers=from_phone(PHONE_B))
    assert set(phones_of(county, me.id)) == {PHONE_A, PHONE_B}
    shared_first = clock.advance(minutes=5)
    signed_in(county, first.username).get("/api/sync/pull", headers=from_phone(SHARED))
    shared_second = clock.advance(minutes=5)
    signed_in(county, second.username).post("/api/sync/push", json={"items": []}, headers=from_phone(SHARED))
    assert phones_of(county, first.id) == {SHARED: (shared_first, None, ANDROID)}
    assert phones_of(county, second.id) == {SHARED: (None, shared_second, ANDROID)}

    row = activity_row(county, me.username)
    assert row["phone_count"] == 2 and dt.datetime.fromisoformat(row["last_sync_at"]) == later
    assert [p["device_id"] for p in row["phones"]] == [str(PHONE_B), str(PHONE_A)]  # the one synced last first
    for user, at in ((first, shared_first), (second, shared_second)):
        row = activity_row(county, user.username)
        assert [p["device_id"] for p in row["phones"]] == [str(SHARED)]
        assert dt.datetime.fromisoformat(row["last_sync_at"]) == at


@pytest.mark.parametrize("sent", ["phone-1", "", "00000000-0000-4000-8000-00000000000Z", "1" * 40])
def test_a_bad_device_id_is_refused_naming_the_header_and_nothing_is_stored(county, sent):
    me, = workers(county, n=1, skip=4)
    phone = signed_in(county, me.username)
    item = visit_item(a_household_of(county, me.unit_id))
    for response in (phone.get("/api/sync/pull", headers={"X-Device-Id": sent}),
                     phone.post("/api/sync/push", json={"items": [item]}, headers={"X-Device-Id": sent})):
        assert response.status_code == 422
        message, = response.get_json()["errors"]["headers"]["X-Device-Id"]
        assert message == "Not a valid UUID. / 不是有效的 UUID"
    assert phones_of(county, me.id) == {}
    with county.app_context():
        assert db.session.get(Visit, uuid.UUID(item["id"])) is None


def test_an_app_that_sends_no_device_id_still_syncs_and_shows_as_never_synced(county):
    me, = workers(county, n=1, skip=5)
    phone = signed_in(county, me.username)
    assert phone.get("/api/sync/pull").status_code == 200
    answer = phone.post("/api/sync/push", json={"items": [visit_item(a_household_of(county, me.unit_id))]})
    assert answer.get_json()["accepted"] == 1
    assert phones_of(county, me.id) == {}
    row = activity_row(county, me.username)
    assert row["last_sync_at"] is None and row["phones"] == [] and row["phone_count"] == 0


def test_recording_the_phone_costs_a_pull_one_statement(county):
    """The pull's answer is serialized before the phone's row is committed: a commit first would expire every household
    the answer holds, to be read again one by one. The same answer, one statement more (the upsert), and far fewer
    statements than households."""
    me, = workers(county, n=1, skip=6)
    phone = signed_in(county, me.username)
    answers, statements = [], []
    for headers in ({}, from_phone(PHONE_A)):
        with county.app_context(), counted(db.engine) as executed:
            answers.append(phone.get("/api/sync/pull", headers=headers).get_json())
        statements.append(len(executed))
    for answer in answers:
        answer.pop("server_time"), answer.pop("cursor")
    assert answers[1] == answers[0] and answers[0]["households"]
    assert statements[1] == statements[0] + 1, statements
    assert statements[1] < len(answers[1]["households"]) / 2, statements  # not a statement or more a household


@contextlib.contextmanager
def counted(engine):
    executed = []
    listener = lambda *args: executed.append(args[2])  # noqa: E731 (the statement)
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield executed
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


@pytest.fixture
def device_rows_refused(county, backend):
    """The database refuses every write of a phone's row, as a full disk would (PostgreSQL's disk_full; SQLite's
    trigger aborts): a trigger on device_sync, dropped afterwards."""
    create, drop = {
        "postgis": (["CREATE FUNCTION refuse_device() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
                     "'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$",
                     "CREATE TRIGGER refuse_device BEFORE INSERT OR UPDATE ON device_sync FOR EACH ROW "
                     "EXECUTE FUNCTION refuse_device()"],
                    ["DROP TRIGGER refuse_device ON device_sync", "DROP FUNCTION refuse_device()"]),
        "spatialite": (["CREATE TRIGGER refuse_device BEFORE INSERT ON device_sync "
                        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"],
                       ["DROP TRIGGER refuse_device"]),
    }[backend]
    with county.app_context(), db.engine.begin() as conn:
        for statement in create:
            conn.execute(sa.text(statement))
    yield
    with county.app_context(), db.engine.begin() as conn:
        for statement in drop:
            conn.execute(sa.text(statement))


def test_a_pull_the_database_cannot_record_still_answers(county, device_rows_refused):
    """The phone's last pull is bookkeeping: when it cannot be written, the phone still gets its pull."""
    me, = workers(county, n=1, skip=7)
    response = signed_in(county, me.username).get("/api/sync/pull", headers=from_phone(PHONE_A))
    assert response.status_code == 200 and response.get_json()["households"]
    assert phones_of(county, me.id) == {}

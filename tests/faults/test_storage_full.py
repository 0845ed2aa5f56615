"""A database that cannot write (SQLite's file at its size limit, PostgreSQL out of disk): the API answers a
clear 507 in both languages, nothing of the batch is kept, and the same batch sent later is stored once."""
import uuid

import sqlalchemy as sa

from server.extensions import db
from server.models import SyncItem, User, Visit
from tests.conftest import lately, signed_in


def full(app, backend):
    """Make every further write fail as a full disk would; returns the undo."""
    with app.app_context():
        engine = db.engine
        if backend == "spatialite":
            pages = db.session.execute(sa.text("PRAGMA page_count")).scalar()

            def limit(dbapi_connection, _record):
                dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")
            sa.event.listen(engine, "connect", limit)
            engine.dispose()  # the pooled connections come back with the limit

            def undo():
                sa.event.remove(engine, "connect", limit)
                engine.dispose()
            return undo
        # PostgreSQL: the error a full disk gives (SQLSTATE 53100), raised by a trigger
        with engine.begin() as conn:
            conn.execute(sa.text("""CREATE FUNCTION fail_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';
                END $$"""))
            conn.execute(sa.text("CREATE TRIGGER disk_full BEFORE INSERT ON sync_item "
                                 "FOR EACH ROW EXECUTE FUNCTION fail_disk_full()"))

        def undo():
            with engine.begin() as conn:
                conn.execute(sa.text("DROP TRIGGER disk_full ON sync_item"))
                conn.execute(sa.text("DROP FUNCTION fail_disk_full()"))
        return undo


def test_a_full_database_refuses_the_batch_whole_and_takes_it_later(small_app, backend):
    with small_app.app_context():
        worker = db.session.scalars(sa.select(User).where(User.role == "grid_worker").order_by(User.id)).first()
        codes = db.session.scalars(sa.text("SELECT code FROM household WHERE cell_id = :c"), {"c": worker.unit_id}).all()
    client = signed_in(small_app, worker.username)
    items = [{"type": "visit", "id": str(uuid.uuid4()), "data": {
        "household_code": codes[i % len(codes)], "kind": "policy", "notes": "入户走访" * 20,
        "visited_at": lately()}} for i in range(500)]

    def stored():
        with small_app.app_context():
            ids = [uuid.UUID(i["id"]) for i in items]
            return (db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(Visit.id.in_(ids))),
                    db.session.scalar(sa.select(sa.func.count()).select_from(SyncItem).where(SyncItem.id.in_(ids))))

    undo = full(small_app, backend)
    try:
        refused = client.post("/api/sync/push", json={"items": items})
        assert refused.status_code == 507
        body = refused.get_json()
        assert "storage is full" in body["message"] and "存储空间已满" in body["message_zh"]
    finally:
        undo()
    assert stored() == (0, 0)  # nothing half-written
    taken = client.post("/api/sync/push", json={"items": items}).get_json()
    assert taken["accepted"] == 500 and stored() == (500, 500)
    again = client.post("/api/sync/push", json={"items": items}).get_json()
    assert again["results"] == taken["results"] and stored() == (500, 500)

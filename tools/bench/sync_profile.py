"""Where a sync push spends its time: one batch pushed with timers around the SQL statements (by what they do) and
around the functions that carry the push's work, each part counting its own time only (a function's time less the
parts inside it), so the parts add up to the request as the server sees it (the test client's own work left out).
Several batches are pushed so: each part's median is given."""
from __future__ import annotations

import contextlib
import statistics
import time
from collections import defaultdict

import sqlalchemy as sa

OTHER = "other Python (Flask, session, access policy, scope, handlers)"
SQL = (  # (the statement starts with, part); the first that matches
    ("INSERT INTO visit ", "SQL: INSERT visits (with the last-visit trigger)"),
    ("INSERT INTO sync_item", "SQL: INSERT sync_item rows"),
    ("DELETE FROM sync_item", "SQL: INSERT sync_item rows"),
    ("SELECT sync_item", "SQL: sync_item lookup (answered before?)"),
    ("SELECT visit.id", "SQL: visit id check (used by a record?)"),
    ("SELECT household", "SQL: households (read, lock)"),
    ("UPDATE household", "SQL: households marked changed"),
    ("INSERT INTO audit_log", "SQL: audit row"),
)
FUNCTIONS = (  # (module, object, attribute, part); missing ones are skipped
    ("server.api.blueprint", "Parser", "load_json", "webargs and JSON parsing"),
    ("server.api.blueprint", None, "_refuse_nul", "NUL check"),
    ("server.api.blueprint", None, "refuse_nul", "NUL check"),
    ("marshmallow", "Schema", "load", "validation (marshmallow)"),
    ("marshmallow", "Schema", "dump", "reply (marshmallow dump, JSON)"),
    ("flask.json.provider", "DefaultJSONProvider", "dumps", "reply (marshmallow dump, JSON)"),
    ("server.sync.push", None, "content_hash", "content hash"),
    ("server.sync.push", None, "_remember", "sync_item rows (Python)"),
    ("server.sync.push", "Answers", "remember", "sync_item rows (Python)"),
    ("server.sync.push", "Answers", "write", "sync_item rows (Python)"),
    ("server.sync.push", None, "_ids_free", "id check (Python)"),
    ("server.sync.push", None, "_audit", "audit (Python)"),
    ("sqlalchemy.orm", "Session", "flush", "ORM flush (Python)"),
)


class Parts:
    """Own time per part: entering a part stops the clock of the part it interrupts."""

    def __init__(self):
        self.seconds, self.stack, self.mark = defaultdict(float), [], 0.0

    def enter(self, part):
        now = time.perf_counter()
        if self.stack:
            self.seconds[self.stack[-1]] += now - self.mark
        self.stack.append(part)
        self.mark = now

    def leave(self):
        now = time.perf_counter()
        self.seconds[self.stack.pop()] += now - self.mark
        self.mark = now

    def wrap(self, fn, part):
        def timed(*args, **kwargs):
            self.enter(part)
            try:
                return fn(*args, **kwargs)
            finally:
                self.leave()
        return timed


@contextlib.contextmanager
def _patched(parts: Parts, engine):
    import importlib
    undo = []
    for module_name, owner_name, attribute, part in FUNCTIONS:
        module = importlib.import_module(module_name)
        owner = getattr(module, owner_name, None) if owner_name else module
        original = owner.__dict__.get(attribute) if owner_name and owner else getattr(owner, attribute, None)
        if original is None:
            continue
        setattr(owner, attribute, parts.wrap(original, part))
        undo.append((owner, attribute, original))
    from server.sync import handlers
    visits = handlers.HANDLERS["visit"]
    handlers.HANDLERS["visit"] = parts.wrap(visits, "visit handler (Python: households, distance, rows)")
    dialect = engine.dialect
    commit = dialect.do_commit
    dialect.do_commit = parts.wrap(commit, "COMMIT")

    def before(conn, cursor, statement, parameters, context, executemany):
        parts.enter(next((p for start, p in SQL if statement.startswith(start)), "SQL: other"))

    def after(conn, cursor, statement, parameters, context, executemany):
        parts.leave()
    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        yield
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
        dialect.do_commit = commit
        handlers.HANDLERS["visit"] = visits
        for owner, attribute, original in reversed(undo):
            setattr(owner, attribute, original)


def profile_push(app, client, bodies: list[bytes], size: int) -> dict:
    """{part: seconds}, each part's median over the pushes of `bodies`, and the request's whole time (the median of
    the parts' sums) as "request, as the server sees it"."""
    from server.extensions import db
    with app.app_context():
        engine = db.engine
    runs = []
    for body in bodies:
        parts = Parts()
        wsgi = app.wsgi_app
        app.wsgi_app = parts.wrap(wsgi, OTHER)
        try:
            with _patched(parts, engine):
                response = client.post("/api/sync/push", data=body, content_type="application/json")
        finally:
            app.wsgi_app = wsgi
        assert response.status_code == 200 and response.get_json()["accepted"] == size, response.get_json()
        runs.append(parts.seconds)
    names = {part for run in runs for part in run}
    medians = {part: statistics.median(run.get(part, 0.0) for run in runs) for part in names}
    seconds = dict(sorted(medians.items(), key=lambda kv: -kv[1]))
    return {**seconds, "request, as the server sees it": statistics.median(sum(run.values()) for run in runs)}

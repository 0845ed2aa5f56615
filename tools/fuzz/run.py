"""Schemathesis against /api/openapi.json, in process over WSGI, signed in as users of several roles.

    python -m tools.fuzz.run [--db=spatialite|postgis] [--examples=N] [--max-time=S] [--seed=N]   (make fuzz)

A fresh database holds the small generated county. For each role the engine runs the examples, coverage and
fuzzing phases against every operation with that user's session cookie and CSRF header; sign-out runs last,
on a session of its own, so it does not end the others. Checks: no server error, status codes, content types
and response bodies as the document declares them, and invalid data turned away. Runs are derandomized and
seeded, so the same version of the app gets the same requests. Prints a line per operation and a total, writes
the "## API fuzzing" section of BENCHMARKS.md (unless --no-write) and exits non-zero on any failure.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import platform
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import schemathesis
import sqlalchemy as sa
from schemathesis.engine import Status, events, from_schema

from server.auth import CSRF_HEADER
from tools.app import DEMO_PASSWORD
from tools.bench.backends import small_county
from tools.bench.report import API_FUZZING, write_section

ROOT = Path(__file__).resolve().parents[2]
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance", "negative_data_rejection")
LOGOUT = "/api/auth/logout"
# operations that answer with 200 some bodies the document refuses, by design, so the check that invalid data is turned
# away does not apply: a push answers each item (an item the document refuses is answered "rejected" beside the
# others), and an upload's form values are all text (the document's boolean reads "0" as not one; the form, as false)
ANSWERED_ALONE = ("/api/sync/push", "/api/admin/grid/import", "/api/admin/register/import",
                  "/api/admin/cadre-links/import")
MESSAGE_LINES = 12  # of a failure's explanation in the report
# Who signs in: the widest and the narrowest views, a middle one and the administrator (last: its writes
# change accounts and the grid). Sign-out is fuzzed once per role, at the end, on a session of its own.
ROLES = ("county_staff", "town_secretary", "grid_worker", "admin")


@dataclass
class OperationResult:
    cases: int = 0
    statuses: collections.Counter = field(default_factory=collections.Counter)
    failures: dict = field(default_factory=dict)  # (check, title) -> first failure text


@dataclass
class RunResult:
    operations: dict = field(default_factory=lambda: collections.defaultdict(OperationResult))
    errors: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def cases(self) -> int:
        return sum(op.cases for op in self.operations.values())

    def failures_by_check(self) -> collections.Counter:
        return collections.Counter(check for op in self.operations.values() for check, _ in op.failures)

    @property
    def ok(self) -> bool:
        return not self.errors and not any(op.failures for op in self.operations.values())


def username_of(app, role: str) -> str:
    from server.extensions import db
    from server.models import User
    with app.app_context():
        return db.session.scalar(sa.select(User.username).where(User.role == role, User.active)
                                 .order_by(User.username).limit(1))


def sign_in(app, username: str) -> tuple[str, str]:
    """A new session of the user: its cookie's value and the CSRF token writes need. It signs in from an address of
    its own, so the fuzzer's failed logins (rate-limited per address) never lock it out."""
    client = app.test_client()
    response = client.post("/api/auth/login", json={"username": username, "password": DEMO_PASSWORD},
                           environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert response.status_code == 200, response.get_json()
    return client.get_cookie("session").value, response.get_json()["csrf_token"]


def authenticate(schema, app, username: str):
    """Every case carries the user's session cookie and CSRF header; a 401 (the session was ended, e.g. by the
    admin's own writes) signs in again. Cookies go through the test client's jar: a Cookie header would be dropped."""
    class Session:
        def get(self, case, context):
            return sign_in(app, username)

        def set(self, case, data, context):
            cookie, token = data
            case.cookies = {**(case.cookies or {}), "session": cookie}
            # identity: schemathesis's WSGI transport checks the body as sent, without undoing a Content-Encoding
            # (the app compresses for clients that accept it; tests/api/test_compression.py checks that)
            case.headers = {**(case.headers or {}), CSRF_HEADER: token, "Accept-Encoding": "identity"}

    schema.auth(refresh_interval=3600, retry_on=[401])(Session)


PHASES = ("examples", "coverage", "fuzzing")


def fuzz_config(*, examples: int, seed: int, max_time: float | None, phases=PHASES, only=None, exclude=None):
    """Without a time limit the engine runs each phase once; with one, fuzzing goes round again until it is up."""
    checks = {"enabled": False, **{name: {"enabled": True} for name in CHECKS}}
    operations = [{"include-path": path, "checks": {"negative_data_rejection": {"enabled": False}}}
                  for path in ANSWERED_ALONE]
    if only:
        operations.append({"exclude-path": only, "enabled": False})
    if exclude:
        operations.append({"include-path": exclude, "enabled": False})
    return schemathesis.Config.from_dict({**({"max-time": max(int(max_time), 1)} if max_time else {}),
        "seed": seed, "continue-on-failure": True, "checks": checks, "operations": operations,
        "generation": {"max-examples": examples, "deterministic": True, "database": "none"},
        "phases": {"enabled": False, **{name: {"enabled": True} for name in phases}},
    })


def run_engine(app, config, result: RunResult, who: str, username: str):
    """One engine run as the user; what it sent and found goes into result."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=config)
    authenticate(schema, app, username)
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.status != Status.SKIP:
            record(event.recorder, result, who)
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            result.errors.append(f"{who}: {getattr(event, 'label', '')} {getattr(event, 'info', event)}")


def record(recorder, result: RunResult, who: str):
    for case_id, node in recorder.cases.items():
        case = node.value
        op = result.operations[f"{case.operation.method.upper()} {case.operation.path}"]
        op.cases += 1
        interaction = recorder.interactions.get(case_id)
        if interaction is not None and interaction.response is not None:
            op.statuses[interaction.response.status_code] += 1
        for check in recorder.checks.get(case_id, ()):
            if check.status == Status.FAILURE and check.failure_info:
                failure = check.failure_info.failure
                message = "\n".join(failure.message.splitlines()[:MESSAGE_LINES])
                op.failures.setdefault((check.name, failure.title), (
                    f"[{who}] {failure.title}: {message}\n{check.failure_info.code_sample}"))


def fuzz(app, *, examples: int = 20, seed: int = 2026, max_time: float | None = None, roles=ROLES, phases=PHASES,
         out=print) -> RunResult:
    """Every operation as each role, then sign-out; returns what was sent and what failed. With max_time (seconds,
    shared evenly by the roles) the fuzzing phase keeps drawing new cases until each role's share is spent."""
    result = RunResult()
    started = time.perf_counter()
    share = max_time / len(roles) if max_time else None
    for role in roles:
        username = username_of(app, role)
        out(f"[fuzz] {role} ({username}) …")
        for max_time_, only, exclude in ((share, None, LOGOUT), (None, LOGOUT, None)):
            config = fuzz_config(examples=examples, seed=seed, max_time=max_time_, phases=phases, only=only,
                                 exclude=exclude)
            run_engine(app, config, result, role, username)
    result.seconds = time.perf_counter() - started
    return result


def report(result: RunResult, out=print):
    out(f"{'operation':<52} {'cases':>6}  statuses")
    for name in sorted(result.operations, key=lambda n: (n.split(" ", 1)[1], n)):
        op = result.operations[name]
        statuses = " ".join(f"{code}×{n}" for code, n in sorted(op.statuses.items()))
        out(f"{name:<52} {op.cases:>6}  {statuses}{'  FAILED' if op.failures else ''}")
    for name, op in sorted(result.operations.items()):
        for (check, _title), text in op.failures.items():
            out(f"\n=== {name}: {check}\n{text}")
    for error in result.errors:
        out(f"\n=== error: {error}")
    by_check = result.failures_by_check()
    out(f"\n{len(result.operations)} operations, {result.cases:,} requests in {result.seconds:.0f} s; failures: "
        + ", ".join(f"{check} {by_check.get(check, 0)}" for check in CHECKS)
        + f"; errors {len(result.errors)}")




def benchmarks_section(result: RunResult, backend: str, examples: int) -> str:
    by_check = result.failures_by_check()
    rows = "\n".join(f"| {check} | {by_check.get(check, 0)} |" for check in CHECKS)
    return (f"{API_FUZZING}\n\nWritten by `make fuzz` (python -m tools.fuzz.run) on {dt.date.today()}; "
            f"{platform.python_implementation()} {platform.python_version()}, {backend}, schemathesis "
            f"{schemathesis.__version__}. Every operation of /api/openapi.json as {', '.join(ROLES)} (examples, "
            f"coverage and fuzzing phases, up to {examples} generated examples an operation and phase, derandomized): "
            f"{len(result.operations)} operations, {result.cases:,} requests in {result.seconds:.0f} s, "
            f"{len(result.errors)} errors.\n\n| check | failures |\n|---|---|\n{rows}\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("spatialite", "postgis"), default="spatialite")
    parser.add_argument("--examples", type=int, default=25, help="generated examples per operation and phase")
    parser.add_argument("--max-time", type=float, default=None,
                        help="keep fuzzing for this many seconds in all (default: each phase once)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-write", action="store_true", help="leave BENCHMARKS.md alone")
    args = parser.parse_args(argv)
    pg = None
    with tempfile.TemporaryDirectory() as tmp:
        if args.db == "postgis":
            from tools.postgres import TemporaryPostgres
            pg = TemporaryPostgres().start()
            url = pg.create_database("wangge_fuzz")
        else:
            url = f"sqlite:///{tmp}/fuzz.sqlite"
        try:
            result = fuzz(small_county(url), examples=args.examples, seed=args.seed, max_time=args.max_time)
        finally:
            if pg:
                pg.stop()
    report(result)
    if not args.no_write:
        write_section(ROOT / "BENCHMARKS.md", API_FUZZING,
                      benchmarks_section(result, "PostGIS" if pg else "SpatiaLite", args.examples))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())

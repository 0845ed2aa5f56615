"""A client generated from the OpenAPI document alone works: openapi-python-client (pinned in requirements-test.txt)
generates a Python package from the document a served app answers, with the settings the README gives integrators,
into a folder of the test's own (nothing kept between runs), and docs/client/example.py, run with that package in a
fresh interpreter, signs in as a grid worker (and so does the README's sign-in), pulls, pushes a visit, a dispute and a visit naming no household, and
reads the answers. The database holds what was accepted. A change to the document that breaks generated clients
(or makes the generator warn) fails here."""
import json
import subprocess
import sys
import urllib.request
import uuid
from importlib.metadata import version
from pathlib import Path

import sqlalchemy as sa

from server.extensions import db
from server.models import DeviceSync, Dispute, Household, User, Visit
from tests.conftest import DEMO_PASSWORD, serving

CLIENT_DOCS = Path(__file__).resolve().parents[2] / "docs" / "client"
CONFIG = CLIENT_DOCS / "openapi-python-client.yml"
README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def generate(document: Path, output: Path) -> str:
    """The generator run as the README says; what it printed."""
    done = subprocess.run([sys.executable, "-m", "openapi_python_client", "generate", "--path", str(document),
                           "--output-path", str(output), "--config", str(CONFIG)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def readme_sign_in() -> str:
    """The README's Python sign-in, as an integrator copies it."""
    block = README.split("```python\n", 1)[1].split("```", 1)[0]
    assert "post_api_auth_login" in block and 'headers["X-CSRF-Token"]' in block
    return block


def run_with_client(tmp_path, *args: str) -> subprocess.CompletedProcess:
    """Python run in a fresh interpreter that imports the generated package, and nothing of the server's."""
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env={"PYTHONPATH": str(tmp_path / "client"), "PATH": "/usr/bin:/bin"})


def test_a_client_generated_from_the_document_signs_in_pulls_and_pushes(small_app, worker_cell, tmp_path):
    with serving(small_app) as base:
        document = tmp_path / "openapi.json"
        document.write_bytes(urllib.request.urlopen(f"{base}/api/openapi.json", timeout=30).read())
        printed = generate(document, tmp_path / "client")
        assert "Warning" not in printed and "Unable" not in printed, printed
        sign_in = readme_sign_in().replace("http://127.0.0.1:5000", base).replace("w100001001", worker_cell["worker"])
        readme = run_with_client(tmp_path, "-c", sign_in + "print(session.user.username, session.user.role)")
        run = run_with_client(tmp_path, str(CLIENT_DOCS / "example.py"), base, worker_cell["worker"], DEMO_PASSWORD)
    assert readme.returncode == 0 and readme.stdout.split() == [worker_cell["worker"], "grid_worker"], readme.stderr
    assert run.returncode == 0, run.stdout + run.stderr
    did = json.loads(run.stdout)
    assert did["user"] == worker_cell["worker"]
    assert [(a["id"], a["status"]) for a in did["answers"]] == [
        (did["visit"], "accepted"), (did["dispute"], "accepted"), (did["nowhere"], "rejected")]
    assert (did["accepted"], did["rejected"]) == (2, 1)
    refused = did["answers"][2]
    assert refused["reason"] and "household_code" in refused["errors"]  # the field at fault, read as the typed reason
    assert did["visit"] in did["pulled_visits"] and did["dispute"] in did["pulled_disputes"]
    with small_app.app_context():
        visit = db.session.get(Visit, uuid.UUID(did["visit"]))
        assert (visit.household.code, visit.kind, visit.notes) == (did["household"], "poverty_check", "生成的客户端：走访")
        dispute = db.session.get(Dispute, uuid.UUID(did["dispute"]))
        assert (db.session.get(Household, dispute.household_id).code, dispute.category, dispute.title) == (
            did["household"], "neighbour", "生成的客户端：邻里纠纷")
        assert db.session.get(Visit, uuid.UUID(did["nowhere"])) is None
        phone = db.session.scalar(sa.select(DeviceSync).join(User, User.id == DeviceSync.user_id).where(
            User.username == worker_cell["worker"]))
        assert phone.device_id == uuid.UUID(did["device"]) and phone.last_pull_at and phone.last_push_at
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(
            Visit.notes == "生成的客户端：走访")) == 1


def test_the_readme_gives_the_generators_command_with_the_settings_the_test_uses():
    assert "openapi-python-client generate --url http://127.0.0.1:5000/api/openapi.json --config " \
           "docs/client/openapi-python-client.yml" in README
    assert "docs/client/example.py" in README
    assert f"openapi-python-client=={version('openapi-python-client')}" in README  # the version pinned for the tests

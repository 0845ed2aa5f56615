"""The app as the test suite and the runners build it: on a given database, with the demo county's fixed last
day and password, and a test client signed in as a user."""
from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from pathlib import Path

from server import create_app
from server.auth.passwords import DEMO_PASSWORD
from server.config import Config

# The demo county is generated once per run with a fixed last day, so figures are reproducible.
DEMO_END_DATE = dt.date(2026, 11, 20)


def make_app(database_url: str):
    class TestConfig(Config):
        TESTING = True
        STATS_CACHE_SECONDS = 0  # tests read what they just wrote; tests/api/test_maps.py turns it on
        SQLALCHEMY_DATABASE_URI = database_url
        SECRET_KEY = "test"
        DEMO = True  # the suite signs in with the demo's password; tests/api/test_password_change.py turns it off
        # photos of each app in a folder of its own, made when the first is stored (never the instance folder)
        ATTACHMENT_STORE = (Path(tempfile.gettempdir()) / f"wangge-attachments-{uuid.uuid4().hex}").as_uri()

    return create_app(TestConfig)


def signed_in(app, username, password=DEMO_PASSWORD):
    """A test client signed in as the user, sending the CSRF token on every request."""
    client = app.test_client()
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    client.environ_base["HTTP_X_CSRF_TOKEN"] = response.get_json()["csrf_token"]
    return client

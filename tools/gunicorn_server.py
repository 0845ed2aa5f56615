"""gunicorn serving the app (wsgi:app) in its own process group on a free port of loopback, for the fault
tests and the load test."""
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tools.postgres import free_port

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"


class Server:
    """gunicorn serving wsgi:app on a free port of loopback, started and killed at will; `options` are
    gunicorn's (workers, worker class, threads)."""

    def __init__(self, database_url: str, options: tuple[str, ...] = ("--workers", "2"), log: Path | None = None):
        # DEMO: the demo county's users sign in with its shared password, which outside the demo must be changed first
        self.env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "fault-tests", "DEMO": "1"}
        self.options = options
        self.log = log  # gunicorn's own output (errors, tracebacks), or nowhere
        self.process = None
        self.port = free_port()

    def start(self):
        output = self.log.open("w") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [str(GUNICORN), *self.options, "--bind", f"127.0.0.1:{self.port}", "wsgi:app"], cwd=ROOT,
            env=self.env, start_new_session=True, stdout=output, stderr=output)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/api/auth/me")[0] == 401:
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)  # the master and its workers, no goodbyes
        self.process.wait()

    def request(self, method, path, body=None, headers=None, timeout=30):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            data = None if body is None else json.dumps(body).encode()
            connection.request(method, path, body=data, headers={"Content-Type": "application/json", **(headers or {})})
            response = connection.getresponse()
            return response.status, response.read(), response.getheader("Set-Cookie")
        finally:
            connection.close()

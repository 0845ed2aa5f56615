"""A fake outbound gateway on loopback for the tests and the benchmark: it answers like a 企业微信 / 钉钉 robot
({"errcode": 0}) and like an SMS gateway on any path, and records every request. It can be told to fail the next N
requests (HTTP 500), to hang (sleep before answering, longer than a client's read timeout), and to dedupe by
Idempotency-Key as a real gateway that honours the key does (a repeated key is answered 200 and not delivered again).
Standard library only."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    path: str
    query: dict
    headers: dict
    json: dict

    @property
    def key(self) -> str | None:
        return self.headers.get("idempotency-key")


@dataclass
class FakeGateway:
    requests: list = field(default_factory=list)   # every request, in order
    delivered: list = field(default_factory=list)  # those taken (a repeated key is not taken again when deduping)
    fail_next: int = 0
    hang_seconds: float = 0.0
    dedupe: bool = True
    _keys: set = field(default_factory=set)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeGateway:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                received = Received(parts.path, parse_qs(parts.query),
                                    {k.lower(): v for k, v in self.headers.items()},
                                    json.loads(self.rfile.read(length) or b"{}"))
                status = gateway._take(received)
                if gateway.hang_seconds:
                    time.sleep(gateway.hang_seconds)
                answer = json.dumps({"errcode": 0 if status == 200 else 500, "errmsg": "ok"}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:  # the client gave up waiting (a hang)
                    pass

            def log_message(self, *args):  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def _take(self, received: Received) -> int:
        with self._lock:
            self.requests.append(received)
            if self.fail_next:
                self.fail_next -= 1
                return 500
            if not (self.dedupe and received.key in self._keys):
                self.delivered.append(received)
                self._keys.add(received.key)
            return 200

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

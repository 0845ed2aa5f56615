"""The simulated users of the load test, each on its own HTTP/1.1 connection (http.client, kept alive while
the server keeps it): grid workers pushing batches and pulling, county staff browsing the county view.
Every request is recorded with its kind, duration and outcome; every item a push accepted is remembered
for the check in the database afterwards."""
from __future__ import annotations

import datetime as dt
import http.client
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

from server.models.vocab import DISPUTE_CATEGORIES, VISIT_KINDS

IDLE_RECONNECT = 1.0  # seconds: gunicorn closes an idle keep-alive connection after 2 s; a browser opens anew
RISKS = ("blue", "yellow", "orange", "red")
RISK_WEIGHTS = (50, 30, 15, 5)


@dataclass
class Sample:
    kind: str
    at: float        # time.monotonic() at the start
    seconds: float
    error: str | None = None  # "HTTP 500", "timeout", "ConnectionResetError", …


class Session:
    """One user's connection: cookies, the CSRF token, and a record of every request."""

    def __init__(self, port: int, timeout: float):
        self.port, self.timeout = port, timeout
        self.connection = None
        self.last_used = 0.0
        self.cookies: dict[str, str] = {}
        self.csrf = None
        self.samples: list[Sample] = []

    def request(self, kind: str, method: str, path: str, body=None) -> tuple[int, bytes] | None:
        """(status, body), or None after a connection error or a timeout; non-2xx answers are recorded as
        errors but returned."""
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.csrf and method != "GET":
            headers["X-CSRF-Token"] = self.csrf
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        start = time.monotonic()
        if self.connection is None or start - self.last_used > IDLE_RECONNECT:
            self.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            self.samples.append(Sample(kind, start, time.monotonic() - start,
                                       "timeout" if isinstance(error, TimeoutError) else type(error).__name__))
            return None
        self.last_used = time.monotonic()
        if response.will_close:
            self.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, value = header.split(";")[0].partition("=")
            self.cookies[name.strip()] = value
        status = response.status
        self.samples.append(Sample(kind, start, self.last_used - start, None if 200 <= status < 300 else f"HTTP {status}"))
        return status, payload

    def sign_in(self, username: str, password: str) -> bool:
        answer = self.request("login", "POST", "/api/auth/login", {"username": username, "password": password})
        if not answer or answer[0] != 200:
            return False
        self.csrf = json.loads(answer[1])["csrf_token"]
        return True

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


@dataclass
class GridWorker:
    """A grid worker's phone: every few seconds a batch of visits (now and then a dispute) to households of
    the worker's cell, then a pull of what changed. A push that gets no answer stays in the outbox and is
    sent again; some answered pushes are sent again anyway, as when the reply was lost on the way."""
    session: Session
    username: str
    households: list[tuple[str, float, float]]  # code, lon, lat
    rng: random.Random
    think: float = 7.5       # mean seconds between syncs
    resend_share: float = 0.15
    dispute_share: float = 0.1
    accepted: dict[str, str] = field(default_factory=dict)  # item UUID → type
    rejected: list[dict] = field(default_factory=list)       # answers other than accepted
    resend_mismatches: int = 0
    unsent: int = 0          # items still in the outbox at the end (the server never answered)
    cursor: str | None = None

    def start(self, password: str) -> bool:
        """Sign in and take the first (full) pull, as a phone does before going out."""
        return self.session.sign_in(self.username, password) and self.pull("pull_first")

    def pull(self, kind: str = "pull") -> bool:
        path = "/api/sync/pull" + (f"?{urlencode({'since': self.cursor})}" if self.cursor else "")
        answer = self.session.request(kind, "GET", path)
        if answer and answer[0] == 200:
            self.cursor = json.loads(answer[1])["cursor"]
            return True
        return False

    def batch(self) -> list[dict]:
        now = dt.datetime.now(dt.timezone.utc)
        items = []
        for _ in range(self.rng.randint(5, 30)):
            code, lon, lat = self.rng.choice(self.households)
            items.append({"type": "visit", "id": str(uuid.uuid4()), "data": {
                "household_code": code, "kind": self.rng.choice(VISIT_KINDS), "notes": "入户走访，了解生产生活情况",
                "visited_at": iso(now - dt.timedelta(minutes=self.rng.uniform(1, 240))),
                "location": {"lon": lon + self.rng.gauss(0, 1e-4), "lat": lat + self.rng.gauss(0, 1e-4)},
                "gps_accuracy_m": round(self.rng.uniform(4, 30), 1)}})
        if self.rng.random() < self.dispute_share:
            code, lon, lat = self.rng.choice(self.households)
            items.append({"type": "dispute", "id": str(uuid.uuid4()), "data": {
                "household_code": code, "category": self.rng.choice(DISPUTE_CATEGORIES),
                "risk_colour": self.rng.choices(RISKS, RISK_WEIGHTS)[0], "title": "排查发现矛盾纠纷",
                "description": "网格员入户排查时发现，已初步调解", "reported_at": iso(now - dt.timedelta(minutes=5)),
                "location": {"lon": lon, "lat": lat}, "gps_accuracy_m": 10.0}})
        return items

    def push(self, items, kind: str, tries: int = 3) -> list | None:
        """The answers to the items, or None when the server never answered (the items stay in the outbox)."""
        for attempt in range(tries):
            answer = self.session.request(kind if attempt == 0 else "push_retry", "POST", "/api/sync/push",
                                          {"items": items})
            if answer and answer[0] == 200:
                results = json.loads(answer[1])["results"]
                for result in results:
                    if result["status"] == "accepted":
                        self.accepted[result["id"]] = result["type"]
                    else:
                        self.rejected.append(result)
                return results
            time.sleep(0.5 + attempt)
        self.unsent += len(items)
        return None

    def pause(self) -> float:
        return self.rng.uniform(0.5 * self.think, 1.5 * self.think)

    def step(self):
        items = self.batch()
        first = self.push(items, "push")
        if first is not None and self.rng.random() < self.resend_share:
            again = self.push(items, "push_resent")
            if again is not None and again != first:
                self.resend_mismatches += 1
        self.pull()


@dataclass
class Area:
    """What a county user can drill into and the heat tiles of each view: tiles[z] covers the county at z9
    and z10; town_tiles[town] covers a town at z11."""
    county: str
    towns: dict[str, list[str]]            # town code → its village codes
    tiles: dict[int, list[tuple[int, int, int]]]
    town_tiles: dict[str, list[tuple[int, int, int]]]


@dataclass
class CountyUser:
    """County staff at /views/county: the page's first requests, then drilling town → village, the heat map
    at county and town zoom, the disputes list, with a pause of think seconds between actions."""
    session: Session
    username: str
    area: Area
    rng: random.Random
    think: tuple[float, float] = (3.0, 12.0)  # reading a map or a table before the next click

    def start(self, password: str) -> bool:
        return self.session.sign_in(self.username, password)

    @property
    def period(self) -> dict:
        first = dt.date.today().replace(day=1)
        return {"start": first.isoformat(), "end": (first + dt.timedelta(days=32)).replace(day=1).isoformat()}

    def get(self, kind: str, path: str, **params):
        return self.session.request(kind, "GET", f"{path}?{urlencode(params)}" if params else path)

    def level(self, level: str, under: str):
        """A level of the choropleth: the units' shapes, the figures table and the unit's trend."""
        self.get("units", "/api/map/units", level=level, under=under)
        self.get("figures", "/api/stats/figures", level=level, under=under, **self.period)
        self.get("trend", "/api/stats/trend", under=under, months=12)

    def heat(self, tiles):
        for z, x, y in tiles:
            self.get("heat_tile", f"/api/map/heat/{z}/{x}/{y}.mvt", **self.period)

    def open_view(self):
        self.get("cadres", "/api/stats/overdue-cadres", days=30)
        self.get("alerts", "/api/alerts", page_size=100)
        self.level("town", self.area.county)
        self.heat(self.area.tiles[min(self.area.tiles)])

    def step(self):
        town = self.rng.choice(sorted(self.area.towns))
        action = self.rng.choices(("open", "town", "village", "heat_county", "heat_town", "disputes"),
                                  (1, 3, 3, 2, 2, 2))[0]
        if action == "open":
            self.open_view()
        elif action == "town":
            self.level("village", town)
        elif action == "village":
            self.level("cell", self.rng.choice(self.area.towns[town]))
        elif action == "heat_county":
            self.heat(self.area.tiles[self.rng.choice(sorted(self.area.tiles))])
        elif action == "heat_town":
            self.heat(self.area.town_tiles[town])
        else:
            self.get("disputes", "/api/disputes", open="true", page_size=50,
                     **({"unit_code": town} if self.rng.random() < 0.5 else {}))

    def pause(self) -> float:
        return self.rng.uniform(*self.think)

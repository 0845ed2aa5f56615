"""A live server and Debian's Chromium driven by Playwright, at a phone's size, and a map tile server."""
import gzip
import io
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import serving

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def live_server(db_server):
    from tests.conftest import small_county_app
    app = small_county_app(db_server)
    with serving(app) as base:
        yield app, base


class TileServer:
    """Map tiles on loopback: every path answers the same 256 × 256 PNG, and each request's path (with its query) is
    kept in `paths`, in the order they came."""

    def __init__(self):
        from PIL import Image
        png = io.BytesIO()
        Image.new("RGB", (256, 256), (214, 226, 200)).save(png, "PNG")
        body = png.getvalue()
        paths = self.paths = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def tile_server():
    server = TileServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: make test installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        # Playwright's wait_for_function evaluates its predicate with eval, which the app's content security policy
        # refuses: the suite's pages bypass it, and test_security_policy.py walks every page under it
        new_context = b.new_context
        b.new_context = lambda **options: new_context(**{"bypass_csp": True, **options})
        yield b
        b.close()


@pytest.fixture
def phone(browser, live_server):
    _, base = live_server
    context = browser.new_context(viewport=PHONE, locale="zh-CN", geolocation={"longitude": 108.3, "latitude": 33.3,
                                                                               "accuracy": 12},
                                  permissions=["geolocation"], base_url=base, device_scale_factor=2)
    yield context
    context.close()


def screenshot(page, name: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@contextmanager
def redrawn(page, selector: str):
    """Waits, after the block's action, for the part at `selector` to be drawn anew. The desk's pages number each
    drawing in data-loaded (pwa/views/js/drawn.js): waiting for the attribute alone would find the old drawing,
    which still says loaded until the redraw replaces it."""
    before = page.evaluate("s => document.querySelector(s)?.dataset.loaded ?? null", selector)
    yield
    page.wait_for_function("""([s, before]) => {
        const drawn = document.querySelector(s)?.dataset.loaded;
        return drawn !== undefined && drawn !== before;
    }""", arg=[selector, before])


def app_size_gzipped() -> int:
    root = Path(__file__).resolve().parents[2] / "pwa"
    files = [p for p in root.rglob("*") if p.suffix in (".js", ".css", ".html", ".webmanifest")
             and p.relative_to(root).parts[0] != "views"]  # the desktop views are not part of the phone app
    return sum(len(gzip.compress(p.read_bytes())) for p in files)


# Past pull's overlap (2 minutes), and within the skew the server allows a phone's clock (10 minutes): further on, the
# phone would say its clock is off, and refuse nothing itself, but the server would refuse its steps as dated before
# the steps the server dated itself.
SERVER_AHEAD_MINUTES = 5


@pytest.fixture
def server_clock_ahead(monkeypatch):
    """The server's clock SERVER_AHEAD_MINUTES on: the generated county's rows are older than pull's overlap, as on a
    server whose register was loaded long ago (otherwise every pull re-sends every freshly generated row)."""
    import datetime as dt

    from server import clock
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + dt.timedelta(minutes=SERVER_AHEAD_MINUTES))

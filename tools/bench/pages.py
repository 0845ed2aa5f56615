"""The desk's pages in a browser: how long from signing in (or from navigating, signed in) until the county and town
views have drawn their map and table, and how long a drill step takes on the county's choropleth, beside the slowest
API request the page made meanwhile (from the Resource Timing entries), so the ratio says how much of the wait is the
browser's waterfall rather than the server.

gunicorn serves the demo county from a SpatiaLite file kept under instance/ (built once, as `make run` does, with two
workers as `make run` starts), and Debian's Chromium is driven through Playwright at the browser tests' desktop size.
The pages mark their timeline (pwa/views/js/drawn.js, `performance.mark("wangge:drawn")`) when the map and the table
(the town view: the map and its lists) are drawn, and the county view again (`wangge:charts`) when its trends are.
Cold: a fresh browser context (nothing cached); warm: the same again in that context. The phone app's sign-in on a
throttled phone is measured in the same run by tools/bench/phone.py and written in the same section.

    python -m tools.bench.run --only pages     (this section alone; make bench runs it with the rest)"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from tools.bench import phone
from tools.bench.report import percentile

HEADING = "## Desk pages in the browser"
RUNS = 5
ROOT = Path(__file__).resolve().parents[2]
DATABASE = ROOT / "instance" / "bench-pages.sqlite"
CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1366, "height": 900}
COUNTY_USER, TOWN_USER, PASSWORD = "county01", "t100", "wangge2026"
DRILL_TOWN = "610923100"  # the demo county's first town, clicked on the choropleth
# As make run serves it: threads, so that a connection the browser opened ahead and left idle holds no worker
GUNICORN = ("--workers", "2", "--worker-class", "gthread", "--threads", "4")
TARGETS = {"sign-in": 600, "navigation": 600, "drill": 300}  # ms, issue 21

# What the page did since `since` (ms on the browser's clock): the first wangge:<mark> after it, the charts' mark,
# and its requests as Resource Timing saw them. A request's own time runs from sending it to the last byte
# (responseEnd − requestStart): the time it waited for a connection is the waterfall's, not the server's.
COLLECT = """([since, mark]) => {
  const origin = performance.timeOrigin, after = (e) => origin + e.startTime >= since;
  const at = (name) => { const e = performance.getEntriesByName(name).find(after); return e ? origin + e.startTime - since : null; };
  const resources = performance.getEntriesByType("resource").filter(after);
  const nav = performance.getEntriesByType("navigation").filter(after);
  const api = resources.filter((e) => new URL(e.name).pathname.startsWith("/api/"));
  const own = (e) => e.responseEnd - (e.requestStart || e.startTime);
  const slowest = api.reduce((worst, e) => (!worst || own(e) > own(worst) ? e : worst), null);
  return { ms: at(`wangge:${mark}`), charts: at("wangge:charts"), requests: resources.length + nav.length,
           api: api.length, slowest: slowest ? own(slowest) : 0, slowestPath: slowest ? new URL(slowest.name).pathname : "",
           bytes: [...resources, ...nav].reduce((sum, e) => sum + (e.transferSize || 0), 0) };
}"""
NOW = "performance.timeOrigin + performance.now()"
DRAWN_SINCE = """(since) => performance.getEntriesByName("wangge:drawn")
  .some((e) => performance.timeOrigin + e.startTime >= since)"""


def database_url() -> str:
    """The demo county in its own SpatiaLite file (instance/bench-pages.sqlite), migrated and generated once."""
    from flask_migrate import upgrade

    from seed.county import database_is_empty, generate_county
    from seed.spec import demo_spec
    from server.extensions import db
    from tools.app import DEMO_END_DATE, make_app
    url = f"sqlite:///{DATABASE}"
    DATABASE.parent.mkdir(exist_ok=True)
    app = make_app(url)
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            if database_is_empty(conn):
                generate_county(conn, demo_spec(DEMO_END_DATE), quiet=True)
        db.engine.dispose()
    return url


def _wait_drawn(page, since):
    page.wait_for_function(DRAWN_SINCE, arg=since, timeout=60_000)


def _collect(page, since, mark="drawn"):
    if mark == "drawn":
        page.wait_for_function("() => true")  # let the mark's own task end
    return page.evaluate(COLLECT, [since, mark])


def _settle(page, quiet_ms=500):
    """Until the heat map is drawn and no request has ended for `quiet_ms` (its tiles, the lists after the drawing)."""
    page.wait_for_function("""(quiet) => document.querySelector("#heat-map")?.dataset.heatDraws
      && performance.now() - Math.max(0, ...performance.getEntriesByType("resource").map((e) => e.responseEnd)) > quiet""",
                           arg=quiet_ms, polling=100, timeout=60_000)


def _sign_in(page, path, user, drill=False):
    """Signs in on the page's own form (the page and its modules already there): sign-in → drawn, and a drill step."""
    page.wait_for_selector("#login")
    page.fill("#login [name=username]", user)
    page.fill("#login [name=password]", PASSWORD)
    since = page.evaluate(NOW)
    page.click("#login button[type=submit]")
    _wait_drawn(page, since)
    if path == "/views/county":
        page.wait_for_function("() => performance.getEntriesByName('wangge:charts').length > 0", timeout=60_000)
    signed = _collect(page, since)
    if not drill:
        return signed, None
    page.wait_for_selector(f"#drill-map path.unit-{DRILL_TOWN}")
    _settle(page)  # as a reader looks at the page before clicking
    since = page.evaluate(NOW)
    page.dispatch_event(f"#drill-map path.unit-{DRILL_TOWN}", "click")
    page.wait_for_selector("#drill-map[data-level=village]", timeout=60_000)
    _wait_drawn(page, since)
    return signed, _collect(page, since)


def _navigate(page, url):
    """Signed in already: from navigation to the drawn page (its shell, modules, requests)."""
    page.goto(url, wait_until="commit")
    page.wait_for_function("() => performance.getEntriesByName('wangge:drawn').length > 0", timeout=60_000)
    if "/views/county" in url:
        page.wait_for_function("() => performance.getEntriesByName('wangge:charts').length > 0", timeout=60_000)
    return _collect(page, page.evaluate("performance.timeOrigin"))


def _context(browser, base):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=base)
    context.add_init_script("performance.setResourceTimingBufferSize(5000)")  # the heat map's tiles are many
    context.on("page", lambda page: page.on("pageerror", lambda error: print(f"{page.url}: {error}")))
    return context


def _one_run(browser, base) -> dict:
    samples = {}
    for view, path, user in (("county", "/views/county", COUNTY_USER), ("town", "/views/town", TOWN_USER)):
        drill = view == "county"
        context = _context(browser, base)  # sign-in: cold, then warm after signing out (the cache kept)
        page = context.new_page()
        page.goto(path)
        signed, drilled = _sign_in(page, path, user, drill)
        samples[f"sign-in → {view} view drawn, cold"] = signed
        if drill:
            samples["drill step county → town, cold"] = drilled
        page.goto("about:blank")  # nothing in flight sets the session's cookie again
        context.clear_cookies()
        page.goto(path)
        signed, drilled = _sign_in(page, path, user, drill)
        samples[f"sign-in → {view} view drawn, warm"] = signed
        if drill:
            samples["drill step county → town, warm"] = drilled
        context.close()
        context = _context(browser, base)  # navigation, signed in: cold, then warm
        answer = context.request.post(f"{base}/api/auth/login", data={"username": user, "password": PASSWORD})
        assert answer.ok, answer.text()
        page = context.new_page()
        samples[f"navigation → {view} view drawn, cold"] = _navigate(page, f"{base}{path}")
        samples[f"navigation → {view} view drawn, warm"] = _navigate(page, f"{base}{path}")
        context.close()
    return samples


def bench_pages(runs: int = RUNS) -> dict:
    from playwright.sync_api import sync_playwright

    from tools.gunicorn_server import Server
    if not Path(CHROMIUM).exists():
        raise SystemExit("Debian's chromium is missing: make test installs it (apt-get install chromium)")
    log = DATABASE.with_name("bench-pages-gunicorn.log")  # a failed request's traceback, if any
    server = Server(database_url(), options=GUNICORN, log=log).start()
    base = f"http://127.0.0.1:{server.port}"
    measures: dict[str, list[dict]] = {}
    phones: dict[str, list[dict]] = {}
    load = os.getloadavg()[0]  # others' work on the machine slows both the server and the browser
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            try:
                _one_run(browser, base)  # the server's and the browser's first requests, not counted
                phone.phone_run(browser, base)
                for _ in range(runs):
                    for name, sample in _one_run(browser, base).items():
                        measures.setdefault(name, []).append(sample)
                    for name, sample in phone.phone_run(browser, base).items():
                        phones.setdefault(name, []).append(sample)
            finally:
                browser.close()
    finally:
        server.kill()
    for name, samples in measures.items():
        p50 = {key: percentile([s[key] for s in samples], 50) for key in ("ms", "slowest", "requests", "api", "bytes")}
        charts = [s["charts"] for s in samples if s["charts"] is not None]
        p50["slowest_paths"] = sorted({s["slowestPath"] for s in samples})
        p50["charts"] = percentile(charts, 50) if charts and "drill" not in name else None
        print(f"{name}: p50 {p50['ms']:.0f} ms, slowest request {p50['slowest']:.0f} ms "
              f"({p50['ms'] / max(p50['slowest'], 1):.1f}×), {p50['requests']:.0f} requests ({p50['api']:.0f} API), "
              f"{p50['bytes']:,.0f} bytes" + (f", charts {p50['charts']:.0f} ms" if p50["charts"] else "")
              + f"; slowest: {', '.join(p50['slowest_paths'])}")
        measures[name] = p50
    for name, samples in phones.items():
        phones[name] = phone.summary(samples)
        print(phone.describe(name, phones[name]))
    return {"runs": runs, "cores": os.cpu_count(), "load": (load + os.getloadavg()[0]) / 2, "measures": measures,
            "phone": phones}


def _target(name: str) -> str:
    return next(f"< {ms} ms" for kind, ms in TARGETS.items() if name.startswith(kind))


def section(result: dict) -> str:
    lines = [
        HEADING, "",
        f"Written by `python -m tools.bench.run` (also alone: `--only pages`) on {dt.date.today().isoformat()}, "
        f"{result['cores']} cores (load average {result['load']:.1f} meanwhile): the demo county (SpatiaLite, "
        f"`gunicorn {' '.join(GUNICORN)}` as `make run` serves it) in Debian's Chromium through Playwright at "
        "1366 × 900. Sign-in: from pressing 登录 on the page's own form (the page and its modules loaded) to the map "
        "and table drawn (town view: map and lists); navigation: from asking for the page's address, signed in, to "
        "the same (shell, modules, requests); drill: from a click on a town of the choropleth, once the page has "
        "settled (its heat map drawn, no request ended for 500 ms), to its villages' map and table. Cold: a fresh browser context; warm: again "
        f"in the same one. p50 of {result['runs']} runs; the slowest request is the slowest API request of the "
        "page's own (its `responseEnd − requestStart`, p50 over runs), and the ratio is the page's time over it. "
        "Bytes: as transferred (Resource Timing's `transferSize`). Charts: the county view's trends drawn.", "",
        "| measure | p50 | slowest API request | ratio | requests (API) | bytes | charts | target |",
        "|---|---|---|---|---|---|---|---|"]
    for name, m in result["measures"].items():
        charts = f"{m['charts']:.0f} ms" if m["charts"] else "—"
        lines.append(f"| {name} | {m['ms']:.0f} ms | {m['slowest']:.0f} ms | {m['ms'] / max(m['slowest'], 1):.1f}× | "
                     f"{m['requests']:.0f} ({m['api']:.0f}) | {m['bytes']:,.0f} | {charts} | {_target(name)} |")
    if result.get("phone"):
        lines += ["", *phone.table(result["phone"], result["runs"])]
    return "\n".join(lines) + "\n"

"""The phone app on a slow phone: how long from pressing 登录 until a grid worker's households are listed, on a phone
that has never opened the app (its service worker installs, the first pull runs) and on one that has it (signed out
and in again: the shell from the service worker's cache, the whole pull again), and reopening the app signed in.

Throttled as Lighthouse's mobile "slow 4G" through the DevTools protocol: 150 ms of latency, 1.6 Mbps down and 750 kbps
up, the page's CPU 4× slower. The service worker's own fetches (the precache, and whatever it fetches for the page) are
throttled too: they are another target than the page, reached through the page's auto-attach, each paused as it starts
until its network is throttled (Chromium throttles no worker's CPU). The app marks `performance.mark("wangge:list")`
(with the number of rows) when it draws the list (pwa/js/households.js). Run by tools/bench/pages.py, beside the desk."""
from __future__ import annotations

import itertools
import json

from tools.bench.report import percentile

PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}
WORKER, PASSWORD = "w100001001", "wangge2026"  # 西桥社区第1网格's grid worker
# Lighthouse's mobile slow 4G (its "mobileSlow4G": 150 ms RTT, 1.6 Mbps down, 750 kbps up) and 4× CPU slowdown
LATENCY_MS, DOWN_KBPS, UP_KBPS, CPU_SLOWDOWN = 150, 1638.4, 750, 4
NETWORK = {"offline": False, "latency": LATENCY_MS, "downloadThroughput": DOWN_KBPS * 1024 / 8,
           "uploadThroughput": UP_KBPS * 1024 / 8}
THROTTLING = (f"Lighthouse's slow 4G through the DevTools protocol ({LATENCY_MS} ms latency, {DOWN_KBPS / 1024:.1f} Mbps "
              f"down, {UP_KBPS} kbps up, the service worker's fetches too) and the page's CPU {CPU_SLOWDOWN}× slower")
TARGET_MS = 1500  # issue 21: the phone's first list within 1.5 s
MEASURES = {"open": "opening the app → sign-in form, new phone", "fresh": "sign-in → households listed, new phone",
            "again": "sign-in → households listed, app kept", "reopen": "reopening the app → households listed"}

# What happened from `since` (ms on the browser's clock) until the first list drawn with rows (or the sign-in form): the
# requests the page made meanwhile and the pull's own (from sending it to its last byte), its bytes as sent and as read.
COLLECT = """([since, mark]) => {
  const origin = performance.timeOrigin, at = (e) => origin + e.startTime;
  const list = performance.getEntriesByName(`wangge:${mark}`).find((e) => at(e) >= since && (mark !== "list" || e.detail.rows > 0));
  const made = performance.getEntriesByType("resource").filter((e) => at(e) >= since && e.startTime <= list.startTime);
  const pull = made.find((e) => new URL(e.name).pathname === "/api/sync/pull");
  return { ms: at(list) - since, rows: list.detail ? list.detail.rows : 0, requests: made.length,
           bytes: made.reduce((sum, e) => sum + (e.transferSize || 0), 0),
           pull: pull ? pull.responseEnd - pull.requestStart : 0, pullSent: pull ? pull.encodedBodySize : 0,
           pullRead: pull ? pull.decodedBodySize : 0 };
}"""
LISTED_SINCE = """(since) => performance.getEntriesByName("wangge:list")
  .some((e) => performance.timeOrigin + e.startTime >= since && e.detail && e.detail.rows > 0)"""
NOW = "performance.timeOrigin + performance.now()"


def throttle(context, page):
    """The page on a slow phone's network and CPU, and every service worker it starts on that network: auto-attached
    unflattened (a Playwright session cannot address a child session; its messages go through Target.*), each held at
    its start until throttled."""
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", NETWORK)
    session.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    ids = itertools.count(1)

    def attached(event):
        def send(method, params=None):
            message = json.dumps({"id": next(ids), "method": method, "params": params or {}})
            session.send("Target.sendMessageToTarget", {"sessionId": event["sessionId"], "message": message})
        if event["targetInfo"]["type"] == "service_worker":
            send("Network.enable")
            send("Network.emulateNetworkConditions", NETWORK)
        send("Runtime.runIfWaitingForDebugger")

    session.on("Target.attachedToTarget", attached)
    session.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": False})
    return session


def _listed(page, since):
    page.wait_for_function(LISTED_SINCE, arg=since, timeout=60_000)
    page.wait_for_function("() => true")  # let the mark's own task end
    return page.evaluate(COLLECT, [since, "list"])


def _opened(page):
    """A new phone opens the app: from asking for its address to the sign-in form (the page and its modules)."""
    page.goto("/app/", wait_until="commit")
    page.wait_for_function("() => performance.getEntriesByName('wangge:sign-in').length > 0", timeout=60_000)
    return page.evaluate(COLLECT, [page.evaluate("performance.timeOrigin"), "sign-in"])


def _sign_in(page):
    page.wait_for_selector("#login button[type=submit]", timeout=60_000)
    page.fill("#login [name=username]", WORKER)
    page.fill("#login [name=password]", PASSWORD)
    since = page.evaluate(NOW)
    page.click("#login button[type=submit]")
    return _listed(page, since)


def _settled(page):
    """The service worker in charge and the sign-in's background work done (the sync after it, the map's data)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("""() => performance.now() - Math.max(0, ...performance.getEntriesByType("resource")
      .map((e) => e.responseEnd)) > 1000""", polling=200, timeout=60_000)


def phone_run(browser, base) -> dict:
    """One phone, throttled: the first sign-in, then signed out and in again, then the app reopened signed in."""
    context = browser.new_context(**PHONE, base_url=base)
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: print(f"phone {page.url}: {error}"))
        page.add_init_script("performance.setResourceTimingBufferSize(1000)")
        throttle(context, page)
        samples = {"open": _opened(page), "fresh": _sign_in(page)}
        _settled(page)
        page.goto("/app/#/me")  # the shell from the service worker now
        page.click("#logout")
        samples["again"] = _sign_in(page)
        _settled(page)
        page.goto("/app/")
        since = page.evaluate("performance.timeOrigin")
        samples["reopen"] = _listed(page, since)
        return {MEASURES[key]: sample for key, sample in samples.items()}
    finally:
        context.close()


def summary(samples: list[dict]) -> dict:
    p50 = {key: percentile([s[key] for s in samples], 50)
           for key in ("ms", "rows", "requests", "bytes", "pull", "pullSent", "pullRead")}
    return {**p50, "min": min(s["ms"] for s in samples), "max": max(s["ms"] for s in samples)}


def describe(name: str, m: dict) -> str:
    return (f"phone, {name}: p50 {m['ms']:.0f} ms ({m['min']:.0f}–{m['max']:.0f}), {m['rows']:.0f} rows, pull "
            f"{m['pull']:.0f} ms ({m['pullSent']:,.0f} bytes sent for {m['pullRead']:,.0f}), {m['requests']:.0f} "
            f"requests, {m['bytes']:,.0f} bytes")


def table(measures: dict, runs: int) -> list[str]:
    lines = [
        f"**The phone app** at 360 × 740 (mobile, touch), {THROTTLING}: a grid worker ({WORKER}) from pressing 登录 to "
        "the list of their households drawn with its rows (`performance.mark(\"wangge:list\")`), on a phone that "
        "never opened the app (a fresh browser context: the page and its modules loaded, the service worker installing, "
        "the first pull), and on one that has it (signed out and in again: the shell from the service worker, the whole "
        "pull again, the user's data having left with the sign-out); from reopening the app, signed in, to the list; and "
        "from asking for the app's address on the new phone to its sign-in form drawn (`wangge:sign-in`). "
        f"p50 of {runs} runs (fastest–slowest); the pull's own time is its `responseEnd − requestStart`, its bytes as "
        "sent (compressed) and as read; requests and bytes: the page's own until the list (the service worker's fetches "
        "are not the page's).", "",
        "| measure | p50 (fastest–slowest) | rows | pull | pull bytes sent (read) | requests | bytes | target |",
        "|---|---|---|---|---|---|---|---|"]
    for name, m in measures.items():
        target = f"< {TARGET_MS} ms" if name.startswith("sign-in") else "—"
        lines.append(f"| {name} | {m['ms']:.0f} ms ({m['min']:.0f}–{m['max']:.0f}) | {m['rows']:.0f} | {m['pull']:.0f} ms | "
                     f"{m['pullSent']:,.0f} ({m['pullRead']:,.0f}) | {m['requests']:.0f} | {m['bytes']:,.0f} | {target} |")
    return lines

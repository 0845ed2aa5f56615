"""The load test's figures: requests, throughput, percentiles and errors per request kind."""
from __future__ import annotations

from collections import Counter

from tools.bench.report import percentile

ORDER = ("push", "push_resent", "push_retry", "pull", "units", "heat_tile", "figures", "trend", "disputes",
         "cadres", "alerts", "login", "pull_first")
TARGETED = {"push", "push_resent", "push_retry", "pull", "units", "heat_tile"}  # sync and map requests


def summarise(samples, start: float, end: float) -> dict:
    """Rows per kind: those begun from `start` on are measured (throughput over end - start); those begun
    before it are the warm-up (signing in, the first pull), listed after them."""
    seconds = end - start
    groups: dict[tuple[bool, str], list] = {}
    for s in samples:
        groups.setdefault((s.at < start, s.kind), []).append(s)
    rank = {kind: i for i, kind in enumerate(ORDER)}
    rows = []
    for (warm_up, kind), group in sorted(groups.items(), key=lambda g: (g[0][0], rank.get(g[0][1], 99), g[0][1])):
        times = [s.seconds for s in group]
        errors = Counter(s.error for s in group if s.error)
        rows.append({"kind": kind, "warm_up": warm_up, "count": len(group), "rate": None if warm_up else len(group) / seconds,
                     "p50": percentile(times, 50), "p95": percentile(times, 95), "p99": percentile(times, 99),
                     "max": max(times), "errors": errors, "target": kind in TARGETED and not warm_up})
    return {"rows": rows, "seconds": seconds, "errors": sum(sum(r["errors"].values()) for r in rows)}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def table_lines(summary: dict, markdown: bool = False) -> list[str]:
    """The table's rows, as Markdown or as plain columns; the warm-up after a line."""
    lines = [] if markdown else [f"{'request':<14}{'requests':>9}{'req/s':>8}{'p50':>10}{'p95':>10}{'p99':>10}"
                                 f"{'max':>10}  errors"]
    warm = False
    for r in summary["rows"]:
        errors = sum(r["errors"].values())
        detail = f"{errors}" + (f" ({', '.join(f'{k} ×{n}' for k, n in r['errors'].most_common())})" if errors else "")
        rate = "—" if r["rate"] is None else f"{r['rate']:.1f}"
        target = ("met" if r["p95"] < 0.3 else "**missed**") if r["target"] else "—"
        if r["warm_up"] and not warm:
            warm = True
            lines.append("| *warm-up* | | | | | | | | |" if markdown else "-- warm-up --")
        if markdown:
            lines.append(f"| {r['kind']} | {r['count']:,} | {rate} | {_ms(r['p50'])} | {_ms(r['p95'])} | "
                         f"{_ms(r['p99'])} | {_ms(r['max'])} | {detail} | {target} |")
        else:
            lines.append(f"{r['kind']:<14}{r['count']:>9,}{rate:>8}{_ms(r['p50']):>10}{_ms(r['p95']):>10}"
                         f"{_ms(r['p99']):>10}{_ms(r['max']):>10}  {detail}")
    return lines

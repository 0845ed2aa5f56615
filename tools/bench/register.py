"""Bringing a county's register in (`flask register import`), measured: the demo county's 22,013 households generated
as the spreadsheet an office would send (one row per person, Chinese headings, cells named by village and group),
imported into a fresh database that holds only the grid, on SpatiaLite and on PostGIS (a throwaway cluster of
its own). Beside it, the same households, members and tags inserted by a plain executemany in one transaction.

    python -m tools.bench.run --only register     (this section alone; make bench runs it with the rest)"""
from __future__ import annotations

import datetime as dt
import random
import time

import numpy as np
import sqlalchemy as sa

from tools.bench.backends import both_backends

HEADING = "## Register import"


def _county():
    """The demo county's grid (units) and its generated households, as the seed makes them."""
    from seed.grid import GridBuilder
    from seed.population import generate_households
    from seed.spec import demo_spec
    spec = demo_spec(dt.date(2026, 11, 20))
    rng, nprng = random.Random(spec.seed), np.random.default_rng(spec.seed)
    units = GridBuilder(spec, rng, nprng).build()
    cells = [u for u in units if u.level == "cell"]
    return units, cells, generate_households(spec, cells, rng, nprng)


def _grid_only(url, units):
    """A fresh database at `url`, migrated, holding the grid and nothing else."""
    from flask_migrate import upgrade

    from seed.county import _unit_row
    from seed.writer import insert_rows
    from server.extensions import db
    from tools.app import make_app
    app = make_app(url)
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            insert_rows(conn, "grid_unit", (_unit_row(u) for u in units))
    return app


def _raw_executemany(app, households) -> float:
    """The generated rows inserted as they are (ids and codes given) by executemany, then rolled back."""
    from server.extensions import db
    tables = db.metadata.tables
    with app.app_context(), db.engine.connect() as conn:
        start = time.perf_counter()
        with conn.begin() as transaction:
            for name, rows in (("household", households.rows), ("household_member", households.members),
                               ("household_tag", households.tags)):
                conn.execute(sa.insert(tables[name]), rows)
            seconds = time.perf_counter() - start
            transaction.rollback()
    return seconds


def _import(app, data: bytes, filename: str, commit: bool) -> tuple[float, dict]:
    from server.extensions import db
    from server.register.importer import import_register
    with app.app_context():
        start = time.perf_counter()
        result = import_register(data, filename, apply=True)
        assert result.applied, result.to_text()[-2000:]
        if commit:
            db.session.commit()
        else:
            db.session.rollback()
        return time.perf_counter() - start, result.summary()


def bench_register() -> list[dict]:
    from seed.register import as_csv, as_xlsx, member_rows
    units, cells, households = _county()
    rows = member_rows(households, cells)
    files = {"CSV (GBK)": ("register.csv", as_csv(rows, encoding="gbk")),
             "xlsx": ("register.xlsx", as_xlsx(rows, title="宁陕县人口底数登记表"))}
    out = []
    with both_backends("register") as (_, backends):
        for backend, url in backends:
            app = _grid_only(url, units)
            raw = _raw_executemany(app, households)
            # the xlsx first, rolled back; then the CSV, committed (the measure includes the commit)
            for label, commit in (("xlsx", False), ("CSV (GBK)", True)):
                filename, data = files[label]
                seconds, summary = _import(app, data, filename, commit)
                out.append({"backend": backend, "file": label, "bytes": len(data), "rows": summary["rows"],
                            "households": summary["written"]["households"],
                            "members": summary["written"]["members"], "seconds": seconds, "raw": raw})
                print(f"register import, {label} on {backend}: {summary['written']['households']:,} households, "
                      f"{summary['rows']:,} rows in {seconds:.1f} s; raw executemany {raw:.1f} s, "
                      f"ratio {seconds / raw:.1f}×")
    return out


def section(rows: list[dict]) -> str:
    lines = [HEADING, "",
             f"Written by `python -m tools.bench.run` (also alone: `--only register`) on {dt.date.today()}. "
             "`flask register import --apply`'s work (read the file, check every row, group, place in cells, look "
             "up duplicates, allocate codes, write in bulk, audit) on the demo county's households generated as one "
             "row per person, into a fresh database holding only the grid; the xlsx import is rolled back, the CSV "
             "import committed (its time includes the commit). Raw: the same households, members and tags inserted "
             "by one executemany each, in one transaction. Target: well under a minute.", "",
             "| back end | file | bytes | rows | households | members | import | raw executemany | ratio |",
             "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['backend']} | {r['file']} | {r['bytes']:,} | {r['rows']:,} | {r['households']:,} | "
              f"{r['members']:,} | {r['seconds']:.1f} s | {r['raw']:.1f} s | {r['seconds'] / r['raw']:.1f}× |"
              for r in rows]
    return "\n".join(lines) + "\n"

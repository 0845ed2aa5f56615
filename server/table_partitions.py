"""Range partitions by China month for the tables that grow without end (PostgreSQL only).

Visits and the audit log gain a partition a month, dispute steps one a year. A query bounded by the
partition key (a period's figures, an audit search by date) reads only the partitions it names; a
partition is the unit of archiving (detach, dump, drop) when a province has years of history.

Each table keeps a DEFAULT partition, so a row dated outside every partition (an import of old
records, a phone with a wrong clock) is stored, never refused. `ensure_partitions` (run by the
migration, the seed and monthly by cron as `flask partitions ensure`) creates the coming months and
moves whatever the default partition holds into partitions of its own.

SQLite has no partitioning; there every function here does nothing."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from .clock import china_today

MONTHS_AHEAD = 3
ZONE = "Asia/Shanghai"  # partitions follow China's calendar, as the figures' periods do


@dataclass(frozen=True)
class Partitioned:
    table: str
    key: str
    months: int  # months per partition: 1 or 12

    def start_of(self, day: dt.date) -> dt.date:
        return dt.date(day.year, 1 if self.months == 12 else day.month, 1)

    def name(self, start: dt.date) -> str:
        return f"{self.table}_{start:%Y}" if self.months == 12 else f"{self.table}_{start:%Y_%m}"

    @property
    def default(self) -> str:
        return f"{self.table}_default"


TABLES = (Partitioned("visit", "visited_at", 1), Partitioned("audit_log", "at", 1),
          Partitioned("dispute_event", "occurred_at", 12))


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _bound(day: dt.date) -> str:
    return f"'{day.isoformat()} 00:00:00+08'"


def _starts_in_default(conn, part: Partitioned) -> set[dt.date]:
    unit = "year" if part.months == 12 else "month"
    rows = conn.execute(sa.text(
        f"SELECT DISTINCT date_trunc('{unit}', {part.key} AT TIME ZONE '{ZONE}')::date FROM {part.default}"))
    return {row[0] for row in rows}


def _exists(conn, name: str) -> bool:
    return conn.execute(sa.text("SELECT to_regclass(:n) IS NOT NULL"), {"n": name}).scalar()


def _create_partition(conn, part: Partitioned, start: dt.date, moving: bool) -> None:
    name, end = part.name(start), _add_months(start, part.months)
    bounds = f"FOR VALUES FROM ({_bound(start)}) TO ({_bound(end)})"
    if not moving:
        conn.execute(sa.text(f"CREATE TABLE {name} PARTITION OF {part.table} {bounds}"))
        return
    # The default partition holds rows of this range: attaching over them would fail, so they move
    # first, with the default partition locked against new rows meanwhile. The move is a delete there,
    # which the audit log's append-only trigger refuses; it is switched off for the move only.
    in_range = f"{part.key} >= {_bound(start)} AND {part.key} < {_bound(end)}"
    conn.execute(sa.text(f"LOCK TABLE {part.default} IN ACCESS EXCLUSIVE MODE"))
    conn.execute(sa.text(f"CREATE TABLE {name} (LIKE {part.table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"))
    conn.execute(sa.text(f"ALTER TABLE {part.default} DISABLE TRIGGER USER"))
    conn.execute(sa.text(f"WITH moved AS (DELETE FROM {part.default} WHERE {in_range} RETURNING *) "
                         f"INSERT INTO {name} SELECT * FROM moved"))
    conn.execute(sa.text(f"ALTER TABLE {part.default} ENABLE TRIGGER USER"))
    conn.execute(sa.text(f"ALTER TABLE {part.table} ATTACH PARTITION {name} {bounds}"))


def _ensure_table(conn, part: Partitioned, since: dt.date, today: dt.date) -> list[str]:
    wanted, moving, month = set(), _starts_in_default(conn, part), since
    while month <= _add_months(today, MONTHS_AHEAD):
        wanted.add(part.start_of(month))
        month = _add_months(month, 1)
    created = []
    for start in sorted(wanted | moving):
        if not _exists(conn, part.name(start)):
            _create_partition(conn, part, start, moving=start in moving)
            created.append(part.name(start))
    return created


def ensure_partitions(conn, since: dt.date | None = None, today: dt.date | None = None) -> list[str]:
    """Create the partitions from `since` (default: this month) to MONTHS_AHEAD months ahead, and one
    for every period the default partitions hold rows of. Returns the partitions created."""
    if conn.dialect.name != "postgresql":
        return []
    today = today or china_today()
    return [name for part in TABLES if is_partitioned(conn, part.table)
            for name in _ensure_table(conn, part, _add_months(since or today, 0), today)]


def partitions_of(conn, table: str) -> list[tuple[str, str]]:
    """(partition, bounds) of a partitioned table, in name order."""
    return [tuple(row) for row in conn.execute(sa.text(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = CAST(:t AS regclass) ORDER BY c.relname"),
        {"t": table})]


def is_partitioned(conn, table: str) -> bool:
    return conn.dialect.name == "postgresql" and conn.execute(sa.text(
        "SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass(:t)"), {"t": table}).scalar() is True


def _definitions(conn, table: str) -> dict[str, list[str]]:
    """What a rebuilt table must get back: indexes, foreign keys, triggers and owned sequences."""
    def column(sql):
        return [row[0] for row in conn.execute(sa.text(sql), {"t": table})]
    return {
        "indexes": column("SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = "
                          "CAST(:t AS regclass) AND NOT i.indisprimary ORDER BY i.indexrelid"),
        "constraints": column("SELECT format('ALTER TABLE %I ADD CONSTRAINT %I %s', :t, conname, "
                              "pg_get_constraintdef(oid)) FROM pg_constraint WHERE conrelid = "
                              "CAST(:t AS regclass) AND contype = 'f' ORDER BY conname"),
        "triggers": column("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = CAST(:t AS regclass) "
                           "AND NOT tgisinternal AND tgparentid = 0 ORDER BY tgname"),
        "sequences": column("SELECT pg_get_serial_sequence(:t, attname) FROM pg_attribute WHERE attrelid = "
                            "CAST(:t AS regclass) AND attnum > 0 AND NOT attisdropped "
                            "AND pg_get_serial_sequence(:t, attname) IS NOT NULL"),
        "primary_key": column("SELECT conname FROM pg_constraint WHERE conrelid = CAST(:t AS regclass) "
                              "AND contype = 'p'"),
    }


def _rebuild(conn, part: Partitioned, partitioned: bool) -> None:
    """Copy a table into a new one, partitioned or plain, with the same name, columns, constraints,
    indexes, foreign keys and triggers. A partitioned table's primary key must hold its partition
    key; the id stays unique without it, as every row arrives with a fresh UUID or sequence value and
    sync records each item's UUID under a primary key of its own."""
    table, old = part.table, f"{part.table}_before_rebuild"
    saved = _definitions(conn, table)
    conn.execute(sa.text(f"ALTER TABLE {table} RENAME TO {old}"))
    layout = f" PARTITION BY RANGE ({part.key})" if partitioned else ""
    conn.execute(sa.text(f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                         f"INCLUDING STORAGE){layout}"))
    for sequence in saved["sequences"]:  # the sequence goes with the column, not with the old table
        conn.execute(sa.text(f"ALTER SEQUENCE {sequence} OWNED BY {table}.id"))
    if partitioned:
        conn.execute(sa.text(f"CREATE TABLE {part.default} PARTITION OF {table} DEFAULT"))
        first = conn.execute(sa.text(f"SELECT MIN({part.key} AT TIME ZONE '{ZONE}')::date FROM {old}")).scalar()
        since = first or china_today()
        _ensure_table(conn, part, _add_months(since, 0), china_today())  # before the copy: nothing moves
    conn.execute(sa.text(f"INSERT INTO {table} SELECT * FROM {old}"))
    conn.execute(sa.text(f"DROP TABLE {old}"))
    name = saved["primary_key"][0]
    columns = f"id, {part.key}" if partitioned else "id"
    conn.execute(sa.text(f"ALTER TABLE {table} ADD CONSTRAINT {name} PRIMARY KEY ({columns})"))
    for statement in saved["indexes"] + saved["constraints"] + saved["triggers"]:
        conn.execute(sa.text(statement))  # read before the rename, so they name the new table
    conn.execute(sa.text(f"ANALYZE {table}"))  # a new table has no statistics: the first plans would be blind


def partition_tables(conn) -> None:
    """Migration: turn the growing tables into partitioned ones, keeping every row."""
    if conn.dialect.name == "postgresql":
        for part in TABLES:
            _rebuild(conn, part, partitioned=True)


def unpartition_tables(conn) -> None:
    """Migration downgrade: back to plain tables, keeping every row."""
    if conn.dialect.name == "postgresql":
        for part in TABLES:
            _rebuild(conn, part, partitioned=False)

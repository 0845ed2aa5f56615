"""A throwaway PostgreSQL + PostGIS cluster for a test run (or a tool's): a temporary directory, a free port,
started before the tests and stopped after them.

initdb refuses to run as root, so as root the server runs as the `postgres` system user.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile

import psycopg2


def _bindir() -> str:
    explicit = os.environ.get("PG_BINDIR")
    if explicit:
        return explicit
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql-15-postgis-3 "
                           "(make test does this) or set PG_BINDIR")
    return os.path.dirname(found[-1])


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TemporaryPostgres:
    """A cluster in a new temporary directory, removed on stop; or, given a directory, one that
    persists there between runs (the benchmark database)."""

    TEMPLATE = "template_wangge"

    def __init__(self, directory: str | None = None):
        self.bindir = _bindir()
        self.persistent = directory is not None
        self.dir = os.path.abspath(directory) if directory else tempfile.mkdtemp(prefix="wangge-pg-")
        os.makedirs(self.dir, exist_ok=True)
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args):
        cmd = [os.path.join(self.bindir, args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.dir)

    def start(self) -> "TemporaryPostgres":
        fresh = not os.path.exists(os.path.join(self.data, "PG_VERSION"))
        if fresh:
            self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
                      "--no-sync")
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
        self._run("pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "server.log"), "-w", "-o", options,
                  "start")
        if fresh:
            self._execute("postgres", f"CREATE DATABASE {self.TEMPLATE}")
            self._execute(self.TEMPLATE, "CREATE EXTENSION postgis")
        return self

    def database_exists(self, name: str) -> bool:
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        try:
            cur = conn.cursor()
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return cur.fetchone() is not None
        finally:
            conn.close()

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _execute(self, database: str, sql: str):
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database)
        conn.autocommit = True
        try:
            conn.cursor().execute(sql)
        finally:
            conn.close()

    def create_database(self, name: str) -> str:
        """A new empty database with PostGIS; returns its URL."""
        self._execute("postgres", f"CREATE DATABASE {name} TEMPLATE {self.TEMPLATE}")
        return self.url(name)

    def version(self) -> str:
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=self.TEMPLATE)
        try:
            cur = conn.cursor()
            cur.execute("SELECT split_part(version(), ' ', 2), postgis_lib_version()")
            pg, postgis = cur.fetchone()
            return f"PostgreSQL {pg}, PostGIS {postgis}"
        finally:
            conn.close()

    def stop(self):
        try:
            self._run("pg_ctl", "-D", self.data, "-m", "fast" if self.persistent else "immediate", "stop")
        finally:
            if not self.persistent:
                shutil.rmtree(self.dir, ignore_errors=True)

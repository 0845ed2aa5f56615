"""The two back ends a benchmark measures on: a SpatiaLite file and a database in a throwaway PostgreSQL cluster,
both gone afterwards."""
from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def both_backends(name: str):
    """(a temporary folder, [(label, database URL)] for SpatiaLite and PostGIS), cleaned up on leaving."""
    from tools.postgres import TemporaryPostgres
    cluster = TemporaryPostgres().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            yield Path(tmp), [("SpatiaLite", f"sqlite:///{Path(tmp) / f'{name}.sqlite'}"),
                              ("PostGIS", cluster.create_database(f"wangge_{name}"))]
    finally:
        cluster.stop()

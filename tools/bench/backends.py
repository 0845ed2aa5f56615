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


def small_county(url: str):
    """The app on the database at `url`, migrated, with the small generated county (2 towns, 24 cells)."""
    from flask_migrate import upgrade

    from seed.county import generate_county
    from seed.spec import small_spec
    from server.extensions import db
    from tools.app import DEMO_END_DATE, make_app
    app = make_app(url)
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            generate_county(conn, small_spec(DEMO_END_DATE), quiet=True)
    return app

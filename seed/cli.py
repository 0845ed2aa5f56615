"""`flask seed demo` and `flask seed benchmark`."""
import datetime as dt

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from server.auth.passwords import DEMO_PASSWORD
from server.extensions import db
from server.roles import ROLE

from .county import database_is_empty, generate_county
from .spec import benchmark_spec, demo_spec
from .writer import compact_register

seed_cli = AppGroup("seed", help="Generate the demo county or the benchmark county.")

ROLE_LABELS = {code: f"{role.zh} {code.replace('_', ' ')}" for code, role in ROLE.items()}  # 网格员 grid worker


def _end_date(value):
    return dt.date.fromisoformat(value) if value else None


def _run(spec, if_empty: bool):
    with db.engine.begin() as conn:
        if not database_is_empty(conn):
            if if_empty:
                click.echo("数据库已有数据，跳过生成 The database already holds a county: nothing generated.")
                return
            raise click.ClickException("The database already holds a county; use an empty database "
                                       "数据库非空，请使用空数据库")
        report = generate_county(conn, spec)
    compact_register(db.engine)
    click.echo(f"Generated {spec.name} in {report.seconds:.0f} s: " +
               ", ".join(f"{n} {t}" for t, n in report.counts.items()))


def print_logins(logins):
    click.echo(f"\n演示账号 Demo logins (password 密码: {DEMO_PASSWORD})")
    for role, username, unit in logins:
        click.echo(f"  {ROLE_LABELS[role]:<28} {username:<18} {unit}")


@seed_cli.command("logins")
def logins():
    """Print one login per role (the first user of each role) and the demo password."""
    rows = db.session.execute(sa.text(
        "SELECT u.role, u.username, g.name FROM app_user u JOIN grid_unit g ON g.id = u.unit_id "
        "WHERE u.id IN (SELECT MIN(id) FROM app_user GROUP BY role)")).all()
    order = list(ROLE_LABELS)
    print_logins(sorted(rows, key=lambda r: order.index(r.role)))


@seed_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds a county.")
@click.option("--end-date", help="Last day of the twelve generated months (default today), YYYY-MM-DD.")
def seed_demo(if_empty, end_date):
    """The demo county 宁陕县: 11 towns, 80 villages, 415 cells, 22,013 households."""
    _run(demo_spec(_end_date(end_date)), if_empty)


@seed_cli.command("benchmark")
@click.option("--households", default=300_000, show_default=True, type=click.IntRange(1))
@click.option("--cells", default=6_000, show_default=True, type=click.IntRange(1))
@click.option("--visits", default=3_600_000, show_default=True, type=click.IntRange(0))
@click.option("--disputes", default=100_000, show_default=True, type=click.IntRange(0))
@click.option("--end-date", help="Last day of the twelve generated months (default today), YYYY-MM-DD.")
def seed_benchmark(households, cells, visits, disputes, end_date):
    """The benchmark county: county-scale load on the outline of Ankang."""
    _run(benchmark_spec(_end_date(end_date), households, cells, visits, disputes), False)

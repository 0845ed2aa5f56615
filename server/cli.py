"""The server's command-line commands (flask grids, register, warnings, notifications, partitions); `flask seed` is added in wsgi.py."""
import click
from flask.cli import AppGroup


def register_cli(app):
    from .grid_admin.cli import grids_cli
    from .notifications.cli import notifications_cli
    from .register.cli import register_cli
    from .warnings.cli import warnings_cli
    app.cli.add_command(grids_cli)
    app.cli.add_command(register_cli)
    app.cli.add_command(warnings_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(partitions_cli)


def finish(apply: bool) -> None:
    """The end of a command that is a dry run unless --apply: commit and say so, or roll back and say so."""
    from .extensions import db
    if apply:
        db.session.commit()
        click.echo("已写入 Written.")
    else:
        db.session.rollback()
        click.echo("试运行，未写入 Dry run: nothing written (add --apply to write).")


partitions_cli = AppGroup("partitions", help="PostgreSQL partitions of the growing tables 分区")


@partitions_cli.command("ensure")
@click.option("--since", type=click.DateTime(["%Y-%m"]), help="also create the months from this one (YYYY-MM)")
def ensure_command(since):
    """Create the coming months' partitions and give rows in a default partition their own (cron it monthly)."""
    from .extensions import db
    from .table_partitions import ensure_partitions
    if db.engine.dialect.name != "postgresql":
        click.echo("SQLite has no partitions: nothing to do 无需分区")
        return
    with db.engine.begin() as conn:
        created = ensure_partitions(conn, since.date() if since else None)
    click.echo(f"created {len(created)} partition(s) 新建分区 {len(created)} 个" + "".join(f"\n  {n}" for n in created))

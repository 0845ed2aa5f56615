"""flask warnings scan: run the early-warning rules over the county (cron it; running it twice raises nothing new)."""
import click
from flask.cli import AppGroup

from .. import clock
from ..extensions import db
from .rules import RULES

warnings_cli = AppGroup("warnings", help="Early warnings 预警")


@warnings_cli.command("scan")
@click.option("--rule", "rules", multiple=True, type=click.Choice(list(RULES)), help="only these rules (repeatable)")
def scan_command(rules):
    """Raise the alerts that are due now."""
    from .engine import scan
    raised = scan(clock.now(), list(rules) or None)
    db.session.commit()
    total = sum(raised.values())
    for rule in rules or RULES:
        click.echo(f"{rule:22} {raised.get(rule, 0):6}")
    click.echo(f"raised {total} new alert(s) 新预警 {total} 条")

"""`flask notifications sweep`: the messages the clock causes (server/notifications/sweep.py), for cron every few
minutes; run again, it writes nothing more."""
import click
from flask.cli import AppGroup

from .. import clock
from ..extensions import db
from .sweep import sweep

notifications_cli = AppGroup("notifications", help="Messages to users 消息通知: the timed sweep.")


@notifications_cli.command("sweep")
def sweep_command():
    """Write the messages due now: deadlines turning yellow or red, reports due, follow-ups due."""
    written = sweep(clock.now())
    db.session.commit()
    click.echo("已写入消息 Messages written: " + ", ".join(f"{kind} {n}" for kind, n in written.items()))

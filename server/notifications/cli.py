"""`flask notifications sweep`: the messages the clock causes (server/notifications/sweep.py), for cron every few
minutes; run again, it writes nothing more. `flask notifications send`: the outbox delivered by the county's
channels (sender.py), once (cron every minute) or as a long-running process beside gunicorn."""
import logging
import time

import click
from flask.cli import AppGroup

from .. import clock
from ..extensions import db
from .sender import send_due
from .sweep import sweep

notifications_cli = AppGroup("notifications", help="Messages to users 消息通知: the timed sweep, the sender.")
log = logging.getLogger(__name__)


@notifications_cli.command("sweep")
def sweep_command():
    """Write the messages due now: deadlines turning yellow or red, reports due, follow-ups due."""
    written = sweep(clock.now())
    db.session.commit()
    click.echo("已写入消息 Messages written: " + ", ".join(f"{kind} {n}" for kind, n in written.items()))


def _say(counts: dict) -> None:
    click.echo("已发送 Sent: " + ", ".join(f"{outcome} {n}" for outcome, n in counts.items()))


@notifications_cli.command("send")
@click.option("--once", is_flag=True, help="send what is due and stop (for cron every minute)")
@click.option("--interval", type=click.IntRange(1, 3600), default=30, show_default=True,
              help="seconds between rounds when running on")
def send_command(once, interval):
    """Send the outbox by 企业微信 / 钉钉 robots and SMS: what is due now, the daily digest, retries."""
    if once:
        _say(send_due())
        return
    while True:  # a long-running sender (systemd beside gunicorn); a failed round is logged and tried again
        try:
            counts = send_due()
            if any(counts.values()):
                _say(counts)
        except Exception:
            db.session.rollback()
            log.exception("a round of the sender failed; trying again in %d s", interval)
        db.session.remove()
        time.sleep(interval)

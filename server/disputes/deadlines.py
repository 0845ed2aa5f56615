"""Time limits, due dates and the green / yellow / red status, as SQL expressions (both back ends).

A dispute waiting for acceptance is due `acceptance_days` (by channel) after it was reported; one
being handled is due `resolution_days` after. Red: past due; yellow: less than `near_limit_share` of
the limit left; green: on time. Resolved, called-back and closed disputes have no colour."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from .. import settings
from ..models import Dispute
from ..models.types import UTCDateTime

HANDLING = ("accepted", "assigned", "mediating")


class add_days(FunctionElement):  # noqa: N801  (reads like the SQL function it is)
    """timestamp + n days (n may be fractional)."""
    type = UTCDateTime()
    inherit_cache = True


@compiles(add_days, "postgresql")
def _add_days_pg(element, compiler, **kw):
    ts, days = list(element.clauses)
    return f"({compiler.process(ts, **kw)} + ({compiler.process(days, **kw)}) * interval '1 day')"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element, compiler, **kw):
    ts, days = list(element.clauses)
    return (f"strftime('%Y-%m-%d %H:%M:%f', {compiler.process(ts, **kw)}, "
            f"'+' || ({compiler.process(days, **kw)}) || ' days')")


def acceptance_days_sql(limits: dict):
    by_channel = [(Dispute.channel == channel, days) for channel, days in limits.items() if channel != "default"]
    return sa.case(*by_channel, else_=limits["default"]) if by_channel else sa.literal(limits["default"])


def deadline_columns(now, config: dict | None = None) -> dict:
    """Labelled SQL expressions: accept_due, resolve_due, due_at, colour (and whether resolution was on time)."""
    config = config or settings.all_settings()
    accept_days = acceptance_days_sql(config["acceptance_days"])
    resolve_days = config["resolution_days"]
    share = float(config["near_limit_share"])
    accept_due = add_days(Dispute.reported_at, accept_days)
    resolve_due = add_days(Dispute.reported_at, resolve_days)
    waiting = Dispute.state == "reported"
    handling = Dispute.state.in_(HANDLING)
    due_at = sa.case((waiting, accept_due), (handling, resolve_due), else_=sa.null())
    warn_at = sa.case((waiting, add_days(Dispute.reported_at, accept_days * (1 - share))),
                      (handling, add_days(Dispute.reported_at, resolve_days * (1 - share))), else_=sa.null())
    now = sa.literal(now, UTCDateTime())
    colour = sa.case((due_at.is_(None), sa.null()), (now > due_at, "red"), (now > warn_at, "yellow"), else_="green")
    on_time = sa.case((Dispute.resolved_at.is_(None), sa.null()), (Dispute.resolved_at <= resolve_due, True),
                      else_=False)
    return {"accept_due": accept_due.label("accept_due"), "resolve_due": resolve_due.label("resolve_due"),
            "due_at": due_at.label("due_at"), "colour": colour.label("colour"), "on_time": on_time.label("on_time")}

"""Time limits, due dates and the green / yellow / red status, as SQL expressions (both back ends): the one
definition every list, figure and warning reads.

A dispute waiting for acceptance is due `acceptance_days` after it was reported (the notice of acceptance 告知受理);
one being handled is due `resolution_days` after it was accepted (办结, counted from acceptance as the national
petition regulations count it; from the report for one that has no acceptance recorded). Both limits are by
channel (SMS and online petitions are resolved faster). Red: past due; yellow: less than `near_limit_share` of the
limit left; green: on time. Resolved, called-back and closed disputes have no colour."""
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


def days_sql(limits):
    """The limit for each dispute's channel, from a setting by channel (or a bare number of days)."""
    limits = settings.by_channel(limits)
    by_channel = [(Dispute.channel == channel, days) for channel, days in limits.items() if channel != "default"]
    return sa.case(*by_channel, else_=limits["default"]) if by_channel else sa.literal(limits["default"])


def _limits(config: dict):
    """(acceptance clock start, its days, resolution clock start, its days) as SQL."""
    accepted = sa.func.coalesce(Dispute.accepted_at, Dispute.reported_at)  # an old row may lack its acceptance
    return (Dispute.reported_at, days_sql(config["acceptance_days"]),
            accepted, days_sql(config["resolution_days"]))


def resolve_due(config: dict | None = None):
    """When the dispute is due to be resolved: its channel's resolution_days after acceptance."""
    _, _, start, days = _limits(config or settings.all_settings())
    return add_days(start, days)


def deadline_columns(now, config: dict | None = None) -> dict:
    """Labelled SQL expressions: accept_due, resolve_due, due_at, colour (and whether resolution was on time)."""
    config = config or settings.all_settings()
    reported, accept_days, accepted, resolve_days = _limits(config)
    share = float(config["near_limit_share"])
    accept_due, resolve_due_ = add_days(reported, accept_days), resolve_due(config)
    waiting = Dispute.state == "reported"
    handling = Dispute.state.in_(HANDLING)
    due_at = sa.case((waiting, accept_due), (handling, resolve_due_), else_=sa.null())
    warn_at = sa.case((waiting, add_days(reported, accept_days * (1 - share))),
                      (handling, add_days(accepted, resolve_days * (1 - share))), else_=sa.null())
    now = sa.literal(now, UTCDateTime())
    colour = sa.case((due_at.is_(None), sa.null()), (now > due_at, "red"), (now > warn_at, "yellow"), else_="green")
    on_time = sa.case((Dispute.resolved_at.is_(None), sa.null()), (Dispute.resolved_at <= resolve_due_, True),
                      else_=False)
    return {"accept_due": accept_due.label("accept_due"), "resolve_due": resolve_due_.label("resolve_due"),
            "due_at": due_at.label("due_at"), "colour": colour.label("colour"), "on_time": on_time.label("on_time")}

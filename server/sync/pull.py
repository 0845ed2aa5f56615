"""Pull sync: what a phone needs to work offline, changed since its last pull.

Everything is read through the scoped session, so a worker gets their cell, a cadre their linked
households. Households (each with its latest visits), cadre links and disputes not closed (each with
its timeline) come when they changed since the cursor; with them come complete lists, answered whole on
every pull, which the phone keeps as they are: the household codes and dispute ids in scope (whatever
the phone holds that is not in them was deleted, closed or left the user's area), the open follow-ups,
the zero reports of the user's cell and the settings it needs.

The register: a household registered, corrected, moved (into its new cell and out of its old one) or retired is
marked changed (updated_at), so it comes with the next pull of every phone that holds its cell; a retired one comes
once more, marked retired, and leaves `household_codes` (from its retirement day); a moved one leaves the old cell's
list and joins the new one's. The keepers of the register also get the moves waiting in their area, complete on
every pull: `incoming_moves` (to accept or refuse) and `outgoing_moves`; a grid worker, the cells of their village
(`village_cells`, code and name) to move a household to offline."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from .. import settings
from ..attachments.attach import with_attachments
from ..clock import CHINA, CLOCK_SKEW
from ..disputes.listing import as_dict, dispute_rows, timelines
from ..disputes.workflow import NOT_CLOSED, OPEN
from ..extensions import db
from ..follow_ups import open_follow_up
from ..models import CadreLink, Dispute, GridUnit, Household, Notification, User, Visit, ZeroReport
from ..register import moves
from ..roles import REGISTER_KEEPERS
from ..scope import outside_scope

OVERLAP = dt.timedelta(minutes=2)  # rows committed late with an earlier time are sent again, not missed
RECENT_VISITS = 5       # sent with each household, newest first
DAILY_REPORT_DAYS = 14  # daily zero reports sent back to the phone
PULLED_MESSAGES = 100   # the user's latest messages, unread first
# Visits' authors may work outside the reader's scope: their names come from the plain table, which the scope
# does not filter.
authors = outside_scope(User)
users = authors.c


def pull(user: User, since: dt.datetime | None, now: dt.datetime) -> dict:
    changed = (lambda column: column >= since - OVERLAP) if since else (lambda column: sa.true())
    config = settings.all_settings()
    # a first pull takes the register as it is; later ones also the households retired since (marked retired)
    sent = sa.and_(changed(Household.updated_at), sa.true() if since else Household.retired_at.is_(None))
    households = db.session.scalars(
        sa.select(Household).where(sent).order_by(Household.code)
        .options(joinedload(Household.cell), selectinload(Household.tag_rows), selectinload(Household.members),
                 selectinload(Household.pending_moves))).all()
    visits = recent_visits(sa.select(Household.id).where(sent))
    mine = my_last_visits(user, sa.select(Household.id).where(sent))
    keeper = user.role in REGISTER_KEEPERS
    links = db.session.scalars(sa.select(CadreLink).where(changed(CadreLink.updated_at))
                               .options(joinedload(CadreLink.household), joinedload(CadreLink.cadre))).all()
    return {
        "server_time": now,
        "cursor": now,
        "households": [_with(h, recent_visits=visits.get(h.id, []), my_last_visit_at=mine.get(h.id))
                       for h in households],  # last_visit_at: a trigger
        "household_codes": db.session.scalars(sa.select(Household.code).where(Household.retired_at.is_(None))
                                              .order_by(Household.code)).all(),
        "incoming_moves": moves.incoming() if keeper else [],
        "outgoing_moves": moves.outgoing() if keeper else [],
        "village_cells": village_cells(user) if user.role == "grid_worker" else [],
        "cadre_links": links,
        "disputes": disputes(changed(Dispute.updated_at), now, config),
        "dispute_ids": db.session.scalars(sa.select(Dispute.id).where(Dispute.state.in_(NOT_CLOSED))).all(),
        "open_dispute_ids": db.session.scalars(sa.select(Dispute.id).where(Dispute.state.in_(OPEN))).all(),
        "follow_ups": open_follow_ups(),
        "zero_reports": zero_reports(user, now),
        "notifications": notifications(user),
        "settings": {"daily_reporting": bool(config["daily_reporting"]),
                     "zero_report_grace_days": int(config["zero_report_grace_days"]),
                     "clock_skew_seconds": int(CLOCK_SKEW.total_seconds())},
    }


def notifications(user: User) -> list:
    """The user's messages for the phone's message centre, complete on every pull: unread first, newest first, at
    most PULLED_MESSAGES (the unread count beside them is of these)."""
    return db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(),
                                        Notification.id).limit(PULLED_MESSAGES)).all()


def village_cells(user: User) -> list[dict]:
    """The cells of the worker's village, their own among them. Read past the scope (a worker's is their cell): a
    cell's code and name are what a move to it names, nothing of its households."""
    unit = outside_scope(GridUnit).c
    village = sa.select(unit.parent_id).where(unit.id == user.unit_id).scalar_subquery()
    rows = db.session.execute(sa.select(unit.code, unit.name).where(unit.parent_id == village, unit.level == "cell")
                              .order_by(unit.code))
    return [{"code": code, "name": name} for code, name in rows]


def recent_visits(household_ids) -> dict:
    """The latest RECENT_VISITS visits of each of the households (a SELECT of their ids), newest first, by
    household id: one query, numbering each household's visits with a window function. Joined to household
    rather than tested against the ids, so PostgreSQL reads each household's visits through the index of
    (household_id, visited_at) in every month's partition instead of scanning them all (a grid worker's first
    pull on the demo county: 43 → 14 ms)."""
    rank = sa.func.row_number().over(partition_by=Visit.household_id,
                                     order_by=(Visit.visited_at.desc(), Visit.id.desc())).label("rank")
    ranked = (sa.select(Visit.household_id, Visit.id, Visit.visited_at, Visit.kind, Visit.notes, Visit.findings,
                        Visit.follow_up_on, users.display_name.label("author"), rank)
              .join(Household, Household.id == Visit.household_id)
              .outerjoin(authors, users.id == Visit.author_id)
              .where(Household.id.in_(household_ids)).subquery())
    out = {}
    for row in db.session.execute(sa.select(ranked).where(ranked.c.rank <= RECENT_VISITS)
                                  .order_by(ranked.c.household_id, ranked.c.rank)).mappings():
        visit = dict(row)
        household_id = visit.pop("household_id")
        del visit["rank"]
        out.setdefault(household_id, []).append(visit)
    with_attachments([visit for visits in out.values() for visit in visits], "visit")
    return out


def my_last_visits(user: User, household_ids) -> dict:
    """The user's own latest visit to each of the households (a SELECT of their ids), by household id: a cadre's
    phone counts this month's duty (每月上门) from it, which another visitor does not clear. Through the visits'
    index on (author, time): a user's own visits are few."""
    rows = db.session.execute(sa.select(Visit.household_id, sa.func.max(Visit.visited_at))
                              .where(Visit.author_id == user.id, Visit.household_id.in_(household_ids))
                              .group_by(Visit.household_id))
    return dict(rows.all())


def open_follow_ups() -> list[dict]:
    """Every open follow-up in scope: a visit with a follow-up date, the latest of its household (a later visit
    supersedes it), that nobody has marked done; soonest due first. The partial index of visits with a follow-up
    date (and on PostgreSQL each month's partition of it) finds them."""
    rows = db.session.execute(
        sa.select(Visit.id.label("visit_id"), Household.code.label("household_code"), Household.head_name,
                  Household.address, Visit.follow_up_on, Visit.visited_at, Visit.findings,
                  users.display_name.label("author"))
        .join(Household, Household.id == Visit.household_id)
        .outerjoin(authors, users.id == Visit.author_id)
        .where(open_follow_up())
        .order_by(Visit.follow_up_on, Household.code, Visit.id)).mappings()
    return [dict(row) for row in rows]


def disputes(changed, now, config) -> list[dict]:
    """The disputes in scope not closed that changed since the cursor, each with its parties and timeline."""
    query, _ = dispute_rows(sa.and_(Dispute.state.in_(NOT_CLOSED), changed), now, config)
    rows = db.session.execute(query.options(selectinload(Dispute.events)).order_by(Dispute.reported_at)).all()
    steps = timelines([row[0] for row in rows])
    return [as_dict(row, steps[row[0].id]) for row in rows]


def zero_reports(user: User, now: dt.datetime) -> list[dict]:
    """The reports of the cell the user files for (a grid worker's own; other roles file none): monthly ones of
    this month and the last, daily ones of the last DAILY_REPORT_DAYS days, by China's calendar. The zero_report
    table is not filtered by the data scope: the cell is named here."""
    if user.role != "grid_worker":
        return []
    today = now.astimezone(CHINA).date()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    recent = sa.or_(sa.and_(ZeroReport.kind == "monthly", ZeroReport.period >= last_month),
                    sa.and_(ZeroReport.kind == "daily", ZeroReport.period > today - dt.timedelta(days=DAILY_REPORT_DAYS)))
    cell_code = user.unit.code
    rows = db.session.execute(
        sa.select(ZeroReport.id, ZeroReport.kind, ZeroReport.period, ZeroReport.nothing_to_report, ZeroReport.note,
                  ZeroReport.reported_at).where(ZeroReport.cell_id == user.unit_id, recent)
        .order_by(ZeroReport.kind, ZeroReport.period.desc())).mappings()
    return [{"cell_code": cell_code, **row} for row in rows]


def _with(obj, **values):
    """The object with computed values attached for serialisation (plain attributes, not mapped)."""
    for key, value in values.items():
        setattr(obj, key, value)
    return obj

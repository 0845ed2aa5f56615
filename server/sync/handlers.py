"""Writing each kind of pushed item. A handler takes [(index, uuid, data)] and returns, for every
uuid, None (written) or Rejected(reason). It checks everything before it writes anything."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from grids.distance import haversine_m

from .. import phone_time
from ..attachments.attach import Claims
from ..disputes.workflow import WorkflowError, take_step
from ..extensions import db
from ..i18n import bilingual_errors
from ..models import Dispute, DisputeEvent, FollowUpDone, GridUnit, Household, Visit, ZeroReport
from ..models.types import SRID
from ..notifications import rules as notify
from ..scope import place_cells


@dataclass
class Rejected:
    reason: dict


@dataclass
class Accepted:
    """Written, with what the phone needs to know of it (a registered household's code and version)."""
    detail: dict


def reason(message: str, message_zh: str, errors=None) -> dict:
    """Why an item was refused: both languages, and field messages when there are some."""
    out = {"message": message, "message_zh": message_zh}
    if errors:
        out["errors"] = bilingual_errors(errors)
    return out


def _rejected(message, message_zh, errors=None) -> Rejected:
    return Rejected(reason(message, message_zh, errors))


def not_found(message: str, message_zh: str, field: str) -> Rejected:
    """What the item names is not (yet) among the user's: a household registered or a dispute reported from another
    phone, or in an item of its own still to be corrected, may reach the server later; `retry` tells the phone to
    send the item again by itself (issue 22 point 7; the server checks a rejected item again when it is resent)."""
    return Rejected({**reason(message, message_zh, {field: ["not found / 未找到"]}), "retry": True})


def _ewkt(point) -> str | None:
    return None if point is None else f"SRID={SRID};POINT({point['lon']} {point['lat']})"


CHECK_CLOCK = (": check the phone's clock", "，请检查手机时钟")


def _check_time(value: dt.datetime, field: str, context, follows=None) -> Rejected | None:
    """A time the phone gave, within the bounds of server/phone_time.py (follows: what it may not precede)."""
    why = phone_time.refusal(value, context["now"], follows)
    return _refused_field(field, (f"{field}: {why[0]}{CHECK_CLOCK[0]}", why[1] + CHECK_CLOCK[1])) if why else None


def _refused_field(field: str, why: tuple[str, str]) -> Rejected:
    return _rejected(*why, {field: [" / ".join(why)]})


def households_by_code(codes) -> dict:
    """Households in the user's scope (the session applies it): (id, cell id, lon, lat, registered), registered being
    when the desk registered it (a phone's registration reaches the server after the visits it made offline: None)."""
    desk_registered = sa.case((Household.client_id.is_(None), Household.registered_at))
    rows = db.session.execute(sa.select(Household.code, Household.id, Household.cell_id,
                                        sa.func.ST_X(Household.location), sa.func.ST_Y(Household.location),
                                        desk_registered).where(Household.code.in_(set(codes)))).all()
    return {r[0]: r[1:] for r in rows}


REGISTERED = ("the household's registration", "该户登记时间")


def with_household_codes(batch) -> None:
    """Items naming their household by the UUID it was registered under (household_id: registered on the phone, its
    code not known there yet) get its code, read through the scope; the register's items of the batch are written
    before these, so a household registered earlier in the same batch is found."""
    ids = {data["household_id"] for _, _, data in batch if data.get("household_id") and not data.get("household_code")}
    if not ids:
        return
    codes = dict(db.session.execute(sa.select(Household.client_id, Household.code)
                                    .where(Household.client_id.in_(ids))).all())
    for _, _, data in batch:
        if data.get("household_id") and not data.get("household_code"):
            data["household_code"] = codes.get(data["household_id"])  # None: not found, refused below


def _no_household(data) -> Rejected:
    if data.get("household_code") is None:
        return not_found("no household registered under this household_id among yours", "您负责的住户中没有该登记编号的住户",
                         "household_id")
    return not_found(f"no household {data['household_code']} among yours", f"您负责的住户中没有 {data['household_code']}",
                     "household_code")


def _attachments_refused(claims: Claims, item_id, data) -> Rejected | None:
    errors = claims.errors(item_id, data["attachments"])
    if errors:
        return _rejected("some attachments cannot be attached", "部分附件无法添加", errors)
    return None


def write_visits(batch, context) -> dict:
    user, now = context["user"], context["now"]
    with_household_codes(batch)
    households = households_by_code(data["household_code"] for _, _, data in batch)
    claims = Claims(user.id, "visit", (data["attachments"] for _, _, data in batch))
    results, rows = {}, []
    for _, item_id, data in batch:
        found = households.get(data["household_code"])
        if found is None:
            results[item_id] = _no_household(data)
            continue
        household_id, _, lon, lat, registered = found
        late = (_check_time(data["visited_at"], "visited_at", context, (registered, *REGISTERED))
                or _attachments_refused(claims, item_id, data))
        if late:
            results[item_id] = late
            continue
        point = data["location"]
        distance = (haversine_m(point["lon"], point["lat"], lon, lat)
                    if point is not None and lon is not None else None)
        rows.append({"id": item_id, "household_id": household_id, "author_id": user.id, "kind": data["kind"],
                     "notes": data["notes"], "findings": data["findings"], "visited_at": data["visited_at"],
                     "received_at": now, "location": _ewkt(point), "gps_accuracy_m": data["gps_accuracy_m"],
                     "distance_m": None if distance is None else round(distance, 1),
                     "follow_up_on": data["follow_up_on"]})
        claims.link(item_id, data["attachments"], now, (lon, lat))
        results[item_id] = None
    if rows:
        # The trigger of migration 0004 sets last_visit_at, which pull does not watch: marking the households
        # changed (by the server's clock, which pull's cursor is read from) sends them again to every phone
        # that holds them, whoever visited. A plain UPDATE: derived data, like last_visit_at. The rows are
        # locked first, in id order, so two pushes on the same households (a worker's and a cadre's) queue
        # instead of deadlocking in the trigger (FOR UPDATE is left out on SQLite, whose writers take turns).
        household = Household.__table__
        ids = sorted({r["household_id"] for r in rows})
        db.session.execute(sa.select(household.c.id).where(household.c.id.in_(ids)).order_by(household.c.id)
                           .with_for_update())
        db.session.execute(sa.update(household).where(household.c.id.in_(ids)).values(updated_at=now))
        db.session.execute(sa.insert(Visit.__table__), rows)  # one statement for the batch, Core: no ORM bulk path
    return results


def write_disputes(batch, context) -> dict:
    user, now = context["user"], context["now"]
    with_household_codes(batch)
    households = households_by_code(d["household_code"] for _, _, d in batch if d["household_code"])  # resolved above
    cells = dict(db.session.execute(sa.select(GridUnit.code, GridUnit.id).where(
        GridUnit.id.in_(place_cells()), GridUnit.code.in_({d["cell_code"] for _, _, d in batch if d["cell_code"]}))).all())
    claims = Claims(user.id, "dispute", (data["attachments"] for _, _, data in batch))
    results = {}
    for _, item_id, data in batch:
        if db.session.get(Dispute, item_id) is not None:
            results[item_id] = _rejected("a dispute with this id exists", "该编号的事件已存在")
            continue
        household = households.get(data["household_code"]) if data["household_code"] else None
        if (data["household_code"] or data["household_id"]) and household is None:
            results[item_id] = _no_household(data)
            continue
        cell_id = household[1] if household else cells.get(data["cell_code"])
        if cell_id is None:
            results[item_id] = _rejected("say where it happened: a household_code or a cell_code of yours",
                                         "请填写住户编号或本人负责的网格编号", {"cell_code": ["required / 必填"]})
            continue
        registered = (household[4], *REGISTERED) if household else None
        late = (_check_time(data["reported_at"], "reported_at", context, registered)
                or _attachments_refused(claims, item_id, data))
        if late:
            results[item_id] = late
            continue
        dispute = Dispute(id=item_id, cell_id=cell_id, household_id=household[0] if household else None,
                          reporter_id=user.id, category=data["category"], risk_colour=data["risk_colour"],
                          channel=data["channel"], title=data["title"], description=data["description"],
                          parties=data["parties"], party_count=max(data["party_count"], len(data["parties"]) or 1),
                          reported_at=data["reported_at"], received_at=now, location=_ewkt(data["location"]),
                          gps_accuracy_m=data["gps_accuracy_m"], state="reported", level="village")
        db.session.add(dispute)
        db.session.add(DisputeEvent(id=uuid.uuid5(item_id, "report"), dispute=dispute, actor_id=user.id, kind="report",
                                    to_state="reported", note="", occurred_at=data["reported_at"], received_at=now,
                                    location=_ewkt(data["location"]), gps_accuracy_m=data["gps_accuracy_m"]))
        claims.link(item_id, data["attachments"], now)
        db.session.flush()
        notify.dispute_arrived(dispute, now)
        results[item_id] = None
    return results


def write_dispute_events(batch, context) -> dict:
    user = context["user"]
    claims = Claims(user.id, "dispute_event", (data["attachments"] for _, _, data in batch))
    results = {}
    for _, item_id, data in sorted(batch, key=lambda b: b[2]["occurred_at"]):  # in the order they happened
        dispute = db.session.get(Dispute, data["dispute_id"])
        if dispute is None:
            results[item_id] = not_found("no such dispute among yours", "您负责的事件中没有该事件", "dispute_id")
            continue
        refused = _attachments_refused(claims, item_id, data)  # the step checks its own time (take_step)
        if refused:
            results[item_id] = refused
            continue
        try:
            take_step(dispute, user, data["kind"], data["occurred_at"], note=data["note"],
                      leader_username=data["leader_username"], satisfaction=data["satisfaction"],
                      event_id=item_id, expected_version=data["version"])
            claims.link(item_id, data["attachments"], context["now"])
        except WorkflowError as exc:
            why = {"message": exc.message, "message_zh": exc.message_zh, "status": exc.status}
            if exc.status == 409:
                why["current"] = {"state": dispute.state, "level": dispute.level, "version": dispute.version}
            if exc.field:
                why["errors"] = {exc.field: [exc.message]}
            results[item_id] = Rejected(why)
            continue
        results[item_id] = None
    return results


def write_zero_reports(batch, context) -> dict:
    user, now = context["user"], context["now"]
    cells = dict(db.session.execute(sa.select(GridUnit.code, GridUnit.id).where(
        GridUnit.level == "cell", GridUnit.code.in_({d["cell_code"] for _, _, d in batch}))).all())
    results = {}
    for _, item_id, data in batch:
        cell_id = cells.get(data["cell_code"])
        if cell_id is None:
            results[item_id] = not_found(f"no cell {data['cell_code']} among yours", f"您负责的网格中没有 {data['cell_code']}",
                                         "cell_code")
            continue
        period = data["period"].replace(day=1) if data["kind"] == "monthly" else data["period"]
        wrong_period = phone_time.period_refusal(data["kind"], period, now)  # whatever the mode: a phone may be behind
        refused = (_check_time(data["reported_at"], "reported_at", context)
                   or (_refused_field("period", wrong_period) if wrong_period else None))
        if refused:
            results[item_id] = refused
            continue
        exists = db.session.scalar(sa.select(sa.func.count()).select_from(ZeroReport).where(
            ZeroReport.cell_id == cell_id, ZeroReport.kind == data["kind"], ZeroReport.period == period))
        if exists:
            results[item_id] = _rejected(f"{data['cell_code']} has already reported for {period}",
                                         f"{data['cell_code']} 已提交 {period} 的报告")
            continue
        db.session.add(ZeroReport(id=item_id, cell_id=cell_id, kind=data["kind"], period=period,
                                  nothing_to_report=data["nothing_to_report"], note=data["note"], author_id=user.id,
                                  reported_at=data["reported_at"], received_at=now))
        db.session.flush()
        results[item_id] = None
    return results


def marked_done(visit_ids) -> set:
    """Which of the visits' follow-ups are marked done already (committed, or earlier in this transaction)."""
    return set(db.session.scalars(sa.select(FollowUpDone.visit_id).where(FollowUpDone.visit_id.in_(visit_ids))))


def write_follow_ups_done(batch, context) -> dict:
    """A follow-up marked done: the visit must be in the user's scope (the session applies it) and have one.
    Done already (another device, another user, earlier in the batch): accepted, and nothing more is written."""
    user, now = context["user"], context["now"]
    ids = {data["visit_id"] for _, _, data in batch}
    visits = {r.id: r for r in db.session.execute(sa.select(Visit.id, Visit.follow_up_on, Visit.visited_at)
                                                  .where(Visit.id.in_(ids)))}
    done = marked_done(ids)
    results = {}
    for _, item_id, data in batch:
        visit_id = data["visit_id"]
        if visit_id not in visits:
            results[item_id] = not_found("no such visit among yours", "您负责的走访中没有该走访", "visit_id")
            continue
        if visits[visit_id].follow_up_on is None:
            results[item_id] = _rejected("this visit has no follow-up", "该走访没有待跟进事项",
                                         {"visit_id": ["no follow-up / 无待跟进事项"]})
            continue
        late = _check_time(data["done_at"], "done_at", context, (visits[visit_id].visited_at, "the visit", "走访时间"))
        if late:
            results[item_id] = late
            continue
        if visit_id not in done:
            db.session.add(FollowUpDone(id=item_id, visit_id=visit_id, user_id=user.id, done_at=data["done_at"],
                                        note=data["note"], received_at=now))
            done.add(visit_id)
        results[item_id] = None
    db.session.flush()  # a concurrent request that marked it first fails here on the unique visit_id: push retries
    return results


def _register_handlers() -> dict:
    from .household_items import write_changes, write_registrations  # they build on this module's answers
    return {"household_new": write_registrations, "household_change": write_changes}


# households registered before their changes and before the visits and disputes that name them; disputes before their
# events, so a phone can report a dispute and act on it in one batch; visits before their follow-ups are marked done
HANDLERS = {**_register_handlers(), "visit": write_visits, "dispute": write_disputes, "dispute_event": write_dispute_events,
            "zero_report": write_zero_reports, "follow_up_done": write_follow_ups_done}

"""The household register: registering a household, its record, each change (details, members, moves, retirement),
the moves waiting for the receiving side, and revealing one piece of its personal data (an audited action). The
rules are the register's (server/register/); every answer carries the household's version, to send back with the
next change."""
import sqlalchemy as sa
from flask import g
from flask.views import MethodView
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ... import clock
from ...attachments.attach import with_attachments
from ...errors import api_abort, found_or_404
from ...extensions import db
from ...models import GridUnit, Household, HouseholdMember, HouseholdMove, User, Visit
from ...privacy import shown_phone
from ...register import changes, moves
from ...register.checks import RegisterError
from ...register.listing import register_query
from ...register.schemas import (
    EditData,
    JoinData,
    LeaveData,
    MoveData,
    MoveDecisionData,
    MoveSchema,
    RetireData,
    shown_differences,
)
from ...scope import outside_scope
from ...stats.activity import visit_flags
from ..blueprint import Blueprint
from ..pagination import PageArgsSchema, paginate
from ..reveal import revealed
from .schemas import (
    HouseholdDetailSchema,
    MoveAnswerSchema,
    MoveListArgsSchema,
    MoveListSchema,
    NewHouseholdSchema,
    RegisterArgsSchema,
    RegisterPageSchema,
    RevealArgsSchema,
    RevealedSchema,
    VisitPageSchema,
)

blp = Blueprint("households", __name__, url_prefix="/api/households", description="Households 住户 and the register")
ATTEMPTS = 3  # a change run again after a concurrent request took its code or changed its household first


def household_or_404(code: str) -> Household:
    household = db.session.scalar(sa.select(Household).where(Household.code == code).options(
        joinedload(Household.cell), selectinload(Household.members), selectinload(Household.tag_rows),
        selectinload(Household.pending_moves)))
    return found_or_404(household, f"No household with code {code}", f"未找到编号为 {code} 的住户")


def written(change, code: str | None = None):
    """Run a change of the register and commit it; run it again when a concurrent request got there first (its
    flush fails on the household's code or version); answer a refusal in the API's error shape (a conflict with
    the household's record as it stands now and what differs)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            result = change()
            db.session.commit()
            return result
        except (IntegrityError, StaleDataError):
            db.session.rollback()
            if attempt == ATTEMPTS:
                raise
        except RegisterError as exc:
            db.session.rollback()
            refuse(exc, code)


def changed(change, args, code: str) -> Household:
    """Make one of the register's changes to the household and answer the household as it stands after."""
    written(lambda: change(g.user, household_or_404(code), args, clock.now()), code)
    return household_or_404(code)


def refuse(exc: RegisterError, code: str | None):
    errors = {"json": {exc.field: [f"{exc.message} / {exc.message_zh}"]}} if exc.field else None
    extra = dict(exc.extra)
    if exc.household is not None:
        extra["current"] = HouseholdDetailSchema().dump(household_or_404(code or exc.household.code))
        extra["differences"] = shown_differences(exc.differences or {})
    api_abort(exc.status, exc.message, exc.message_zh, errors=errors, **extra)


@blp.route("")
class Households(MethodView):
    @blp.arguments(RegisterArgsSchema, location="query")
    @blp.response(200, RegisterPageSchema)
    def get(self, args):
        """The register of a town, village or cell of your area (default: your own unit), paginated by household code:
        each household with its cell, living members, tags, phone (masked but for grid workers), version, latest visit
        and whether a move of it waits for the receiving side. `q` finds part of the head's name, the address or the
        code; `tag` one tag; `retired=true` keeps the retired households (注销) too."""
        code = args["unit_code"] or g.user.unit.code
        unit = found_or_404(db.session.scalar(sa.select(GridUnit).where(GridUnit.code == code)),
                            f"No town, village or cell {code} in your area", f"您的辖区内没有编码为 {code} 的乡镇、村或网格")
        query = register_query(unit, args["q"], args["tag"], args["retired"])
        return paginate(query, args, Household.code, row=_register_row)

    @blp.arguments(NewHouseholdSchema)
    @blp.response(201, HouseholdDetailSchema)
    def post(self, args):
        """Register a household in a cell of your area (grid workers, village heads, town secretaries, county staff),
        in the shape a household is answered in; it gets the next free code of the cell. The same `id` sent again
        answers the household registered first and changes nothing. ID numbers are checked by GB 11643 and must not
        belong to a living person of the register; a location outside the cell answers 422 with a `warnings` entry
        until sent again with `confirm_location_outside`."""
        client_id = args.pop("id")
        household, _ = written(lambda: changes.register(g.user, args, clock.now(), client_id))
        return household_or_404(household.code)


@blp.route("/<code>")
class HouseholdDetail(MethodView):
    @blp.response(200, HouseholdDetailSchema)
    def get(self, code):
        """A household with its members (those who left too) and tags, its version, retirement and pending move; ID
        numbers masked. A retired household is still answered, marked retired."""
        return household_or_404(code)

    @blp.arguments(EditData)
    @blp.response(200, HouseholdDetailSchema)
    def patch(self, args, code):
        """Correct the household's details, tags (the whole list) or location; only the fields sent change. Cadres
        may correct their linked households. A stale `version` answers 409 with `current` and `differences`
        ({field: {yours, theirs}}), and nothing is changed."""
        return changed(changes.edit, args, code)


@blp.route("/<code>/visits")
class HouseholdVisits(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, VisitPageSchema)
    def get(self, args, code):
        """The household's visits, newest first, with GPS flags: far from the household, or a poor fix
        (thresholds are county settings)."""
        household = household_or_404(code)
        flags = visit_flags()
        author = outside_scope(User)  # the author may work outside the reader's scope
        authors = author.c
        query = (sa.select(Visit, authors.display_name.label("author"),
                           flags["far_from_household"].label("far"), flags["poor_accuracy"].label("poor"))
                 .outerjoin(author, authors.id == Visit.author_id)
                 .where(Visit.household_id == household.id))
        page = paginate(query, args, Visit.visited_at.desc(), Visit.id, row=_visit_row)
        with_attachments(page["items"], "visit")
        return page


def _register_row(row) -> dict:
    household = row[0]
    return {"code": household.code, "head_name": household.head_name, "address": household.address,
            "cell_code": household.cell.code, "cell_name": household.cell.name, "member_count": household.member_count,
            "tags": household.tags, "phone": shown_phone(household.phone), "version": household.version,
            "last_visit_at": household.last_visit_at, "retired_at": household.retired_at,
            "has_pending_move": bool(row.has_pending_move)}


def _visit_row(row) -> dict:
    visit = row[0]
    flags = [name for name, on in (("far_from_household", row.far), ("poor_accuracy", row.poor)) if on]
    return {"id": visit.id, "kind": visit.kind, "notes": visit.notes, "findings": visit.findings,
            "visited_at": visit.visited_at, "received_at": visit.received_at, "author": row.author,
            "gps_accuracy_m": visit.gps_accuracy_m, "distance_m": visit.distance_m,
            "follow_up_on": visit.follow_up_on, "flags": flags}


@blp.route("/<code>/members")
class Members(MethodView):
    @blp.arguments(JoinData)
    @blp.response(201, HouseholdDetailSchema)
    def post(self, args, code):
        """A member joins the household (birth, marriage, move_in) on a day. Every change carries the household's
        `version`: a stale one answers 409 with `current` (the record as it stands) and `differences` ({field:
        {yours, theirs}}), and nothing is changed."""
        return changed(changes.join_member, args, code)


@blp.route("/<code>/members/<int:member_id>/leave")
class MemberLeave(MethodView):
    @blp.arguments(LeaveData(exclude=("member_id",)))
    @blp.response(200, HouseholdDetailSchema)
    def post(self, args, code, member_id):
        """A member leaves the household (death, marriage, move_out) on a day: kept in its record with the day and
        the reason, no longer counted among its members or the living."""
        args["member_id"] = member_id
        return changed(changes.leave_member, args, code)


@blp.route("/<code>/move")
class Move(MethodView):
    @blp.arguments(MoveData)
    @blp.response(201, MoveAnswerSchema)
    def post(self, args, code):
        """Ask to move the household to another cell. It stays where it is until the receiving side (the target
        cell's grid worker, or the village head, town secretary or county staff above it) accepts it at
        `POST /api/households/moves/{id}`; they find it in `GET /api/households/moves?direction=incoming`."""
        move = written(lambda: moves.request_move(g.user, household_or_404(code), args, clock.now()), code)
        return {"move": moves.listing(HouseholdMove.id == move.id)[0], "household": household_or_404(code)}


@blp.route("/<code>/retire")
class Retire(MethodView):
    @blp.arguments(RetireData)
    @blp.response(200, HouseholdDetailSchema)
    def post(self, args, code):
        """Retire the household 注销 from a day (up to today), with the reason: never deleted, still answered here
        marked retired, out of household lists, pulls and figures from that day; its pending move is cancelled and
        its cadre links end."""
        return changed(changes.retire, args, code)


@blp.route("/moves")
class Moves(MethodView):
    @blp.arguments(MoveListArgsSchema, location="query")
    @blp.response(200, MoveListSchema)
    def get(self, args):
        """Moves into cells of your area (`incoming`, to accept or refuse) or out of them (`outgoing`), newest first,
        each with its household and both cells named."""
        state = None if args["state"] == "all" else args["state"]
        return {"items": (moves.incoming if args["direction"] == "incoming" else moves.outgoing)(state)}


@blp.route("/moves/<uuid:move_id>")
class MoveDecision(MethodView):
    @blp.response(200, MoveSchema)
    def get(self, move_id):
        """One move of a household of your area, or into a cell of it (where a message about it leads)."""
        found = moves.listing(HouseholdMove.id == move_id)
        return found_or_404(found[0] if found else None, f"No move {move_id}", f"未找到迁移 {move_id}")

    @blp.arguments(MoveDecisionData)
    @blp.response(200, MoveAnswerSchema)
    def post(self, args, move_id):
        """Accept or refuse a move into a cell of your area, or cancel one of a household of your area. Accepted, the
        household is in its new cell from now, with its code kept."""
        move = written(lambda: moves.decide(g.user, move_id, args["action"], args["note"], clock.now()))
        described = moves.listing(HouseholdMove.id == move.id)[0]
        visible = db.session.scalar(sa.select(Household.code).where(Household.code == described["household_code"]))
        return {"move": described, "household": household_or_404(visible) if visible else None}


@blp.route("/<code>/reveal")
class Reveal(MethodView):
    @blp.arguments(RevealArgsSchema)
    @blp.response(200, RevealedSchema)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, args, code):
        """Show one ID or phone number unmasked, with a reason; recorded in the audit log. Limited per user, with the
        petitioners' (server/reveals.py): past a limit 429, naming it, with `retry_after_seconds`."""
        household = household_or_404(code)
        field = args["field"]
        if field == "member_id_number":
            member = db.session.scalar(sa.select(HouseholdMember).where(
                HouseholdMember.id == args["member_id"], HouseholdMember.household_id == household.id))
            if member is None:
                api_abort(404, "No such member in this household", "该户无此成员")
            value, entity, entity_id = member.id_number, "household_member", member.id
        else:
            value, entity, entity_id = getattr(household, field), "household", household.id
        return revealed(entity, entity_id, field, args["reason"], value)

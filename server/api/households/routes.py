"""One household, and revealing one piece of its personal data (an audited action)."""
import sqlalchemy as sa
from flask.views import MethodView
from sqlalchemy.orm import joinedload, selectinload

from ... import audit, settings
from ...errors import api_abort, found_or_404
from ...extensions import db
from ...models import Household, HouseholdMember, User, Visit
from ...scope import outside_scope
from ..blueprint import Blueprint
from ..pagination import PageArgsSchema, paginate
from .schemas import HouseholdDetailSchema, RevealArgsSchema, RevealedSchema, VisitPageSchema

blp = Blueprint("households", __name__, url_prefix="/api/households", description="Households 住户")


def household_or_404(code: str) -> Household:
    household = db.session.scalar(sa.select(Household).where(Household.code == code).options(
        joinedload(Household.cell), selectinload(Household.members), selectinload(Household.tag_rows)))
    return found_or_404(household, f"No household with code {code}", f"未找到编号为 {code} 的住户")


@blp.route("/<code>")
class HouseholdDetail(MethodView):
    @blp.response(200, HouseholdDetailSchema)
    def get(self, code):
        """A household with its members and tags; ID numbers masked."""
        return household_or_404(code)


@blp.route("/<code>/visits")
class HouseholdVisits(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, VisitPageSchema)
    def get(self, args, code):
        """The household's visits, newest first, with GPS flags: far from the household, or a poor fix
        (thresholds are county settings)."""
        household = household_or_404(code)
        far, poor = settings.get("visit_max_distance_m"), settings.get("visit_max_accuracy_m")
        author = outside_scope(User)  # the author may work outside the reader's scope
        authors = author.c
        query = (sa.select(Visit, authors.display_name.label("author"),
                           (Visit.distance_m > far).label("far"), (Visit.gps_accuracy_m > poor).label("poor"))
                 .outerjoin(author, authors.id == Visit.author_id)
                 .where(Visit.household_id == household.id))
        return paginate(query, args, Visit.visited_at.desc(), Visit.id, row=_visit_row)


def _visit_row(row) -> dict:
    visit = row[0]
    flags = [name for name, on in (("far_from_household", row.far), ("poor_accuracy", row.poor)) if on]
    return {"id": visit.id, "kind": visit.kind, "notes": visit.notes, "findings": visit.findings,
            "visited_at": visit.visited_at, "received_at": visit.received_at, "author": row.author,
            "gps_accuracy_m": visit.gps_accuracy_m, "distance_m": visit.distance_m,
            "follow_up_on": visit.follow_up_on, "flags": flags}


@blp.route("/<code>/reveal")
class Reveal(MethodView):
    @blp.arguments(RevealArgsSchema)
    @blp.response(200, RevealedSchema)
    def post(self, args, code):
        """Show one ID or phone number unmasked, with a reason; recorded in the audit log."""
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
        audit.record("reveal", entity, entity_id, after={"field": field, "reason": args["reason"]})
        db.session.commit()
        return {"field": field, "value": value}

"""Push (and pull) for phones that work offline."""
from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields

from ... import clock
from ...errors import api_abort
from ...sync.items import MAX_BATCH, PullArgsSchema, PushResultSchema, PushSchema
from ...sync.pull import RECENT_VISITS, pull
from ...sync.push import push
from ..blueprint import Blueprint
from ..disputes.schemas import DisputeSchema
from ..households.schemas import HouseholdDetailSchema, VisitSchema

blp = Blueprint("sync", __name__, url_prefix="/api/sync", description="Offline sync 离线同步")


@blp.route("/push")
class Push(MethodView):
    @blp.arguments(PushSchema)
    @blp.response(200, PushResultSchema)
    def post(self, args):
        """Store a batch of visits, disputes, dispute steps, zero reports and follow-ups marked done (at most
        500), each with its client-generated UUID. A follow-up marked done again (another phone, another user)
        is accepted and changes nothing. Idempotent: the same batch again creates nothing and gets the same answers.
        Every item is answered: accepted, duplicate, or rejected with the reason. Everything accepted is
        stored when the reply is sent."""
        items = args["items"]
        if len(items) > MAX_BATCH:
            api_abort(413, f"At most {MAX_BATCH} items per batch: split it", f"每批最多 {MAX_BATCH} 条，请分批提交")
        now = clock.now()
        outcomes = push(g.user, items, now)
        accepted = sum(o.status == "accepted" for o in outcomes)
        return {"results": [o.to_dict() for o in outcomes], "accepted": accepted,
                "rejected": len(outcomes) - accepted, "server_time": now}


class RecentVisitSchema(VisitSchema):
    class Meta:
        exclude = ("received_at", "gps_accuracy_m", "distance_m", "flags")  # for the office, not the phone


class PulledHouseholdSchema(HouseholdDetailSchema):
    last_visit_at = fields.DateTime(allow_none=True)
    recent_visits = fields.List(fields.Nested(RecentVisitSchema), metadata={
        "description": f"its latest {RECENT_VISITS} visits, newest first"})


class PulledLinkSchema(Schema):
    cadre_username = fields.Function(lambda link: link.cadre.username if link.cadre else None)
    household_code = fields.Function(lambda link: link.household.code if link.household else None)
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)


class FollowUpSchema(Schema):
    visit_id = fields.UUID()
    household_code = fields.String()
    head_name = fields.String()
    address = fields.String()
    follow_up_on = fields.Date()
    visited_at = fields.DateTime()
    findings = fields.String()
    author = fields.String(allow_none=True, metadata={"description": "who logged the visit"})


class PullResultSchema(Schema):
    server_time = fields.DateTime()
    cursor = fields.DateTime(metadata={"description": "send it as `since` next time"})
    households = fields.List(fields.Nested(PulledHouseholdSchema), metadata={"description": "changed since the cursor"})
    household_codes = fields.List(fields.String(), metadata={"description": "all in scope: drop any other"})
    cadre_links = fields.List(fields.Nested(PulledLinkSchema), metadata={"description": "changed since the cursor"})
    disputes = fields.List(fields.Nested(DisputeSchema))
    open_dispute_ids = fields.List(fields.UUID(), metadata={"description": "all open in scope: drop any other"})
    follow_ups = fields.List(fields.Nested(FollowUpSchema), metadata={
        "description": "every open follow-up in scope, on every pull (not superseded by a later visit of the "
                       "household, not marked done), soonest due first: replace the list with it"})


@blp.route("/pull")
class Pull(MethodView):
    @blp.arguments(PullArgsSchema, location="query")
    @blp.response(200, PullResultSchema)
    def get(self, args):
        """What the phone needs offline, changed since the last pull's cursor (everything the first time), and the
        lists answered whole on every pull: household codes, open dispute ids, open follow-ups."""
        return pull(args["since"], clock.now())

"""Push (and pull) for phones that work offline."""
from flask import g
from flask.views import MethodView

from ... import clock
from ...errors import api_abort
from ...sync.items import MAX_BATCH, PullArgsSchema, PushResultSchema, PushSchema
from ...sync.pull import pull
from ...sync.push import push
from ..blueprint import Blueprint
from .schemas import (
    PullResultSchema,
)

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


@blp.route("/pull")
class Pull(MethodView):
    @blp.arguments(PullArgsSchema, location="query")
    @blp.response(200, PullResultSchema)
    def get(self, args):
        """What the phone needs offline, changed since the last pull's cursor (everything the first time), and the
        lists answered whole on every pull: household codes, dispute ids, open follow-ups, zero reports, settings."""
        return pull(g.user, args["since"], clock.now())

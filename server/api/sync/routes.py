"""Push (and pull) for phones that work offline."""
from flask import after_this_request, g, request
from flask.views import MethodView

from ... import clock
from ...errors import api_abort
from ...extensions import db
from ...sync.devices import Device
from ...sync.items import MAX_BATCH, DeviceHeaderSchema, PullArgsSchema, PushResultSchema, PushSchema
from ...sync.pull import pull
from ...sync.push import push
from ..blueprint import Blueprint
from .schemas import (
    PullResultSchema,
)

blp = Blueprint("sync", __name__, url_prefix="/api/sync", description="Offline sync 离线同步")


def _device(headers) -> Device | None:
    return Device.of(headers["device_id"], request.user_agent.string)


@blp.route("/push")
class Push(MethodView):
    @blp.arguments(DeviceHeaderSchema, location="headers")
    @blp.arguments(PushSchema)
    @blp.response(200, PushResultSchema)
    def post(self, headers, args):
        """Store a batch of visits, disputes, dispute steps, zero reports and follow-ups marked done (at most
        500), each with its client-generated UUID. A follow-up marked done again (another phone, another user)
        is accepted and changes nothing. Idempotent: the same batch again creates nothing and gets the same answers.
        Every item is answered: accepted, duplicate, or rejected with the reason. Everything accepted is
        stored when the reply is sent, and with it the phone's last push (X-Device-Id)."""
        items = args["items"]
        if len(items) > MAX_BATCH:
            api_abort(413, f"At most {MAX_BATCH} items per batch: split it", f"每批最多 {MAX_BATCH} 条，请分批提交")
        now = clock.now()
        outcomes = push(g.user, items, now, _device(headers))
        accepted = sum(o.status == "accepted" for o in outcomes)
        return {"results": [o.to_dict() for o in outcomes], "accepted": accepted,
                "rejected": len(outcomes) - accepted, "server_time": now}


@blp.route("/pull")
class Pull(MethodView):
    @blp.arguments(DeviceHeaderSchema, location="headers")
    @blp.arguments(PullArgsSchema, location="query")
    @blp.response(200, PullResultSchema)
    def get(self, headers, args):
        """What the phone needs offline, changed since the last pull's cursor (everything the first time), and the
        lists answered whole on every pull: household codes, dispute ids, open follow-ups, zero reports, settings.
        The phone's last pull (X-Device-Id) is recorded."""
        answer = pull(g.user, args["since"], clock.now(), _device(headers))
        after_this_request(_commit_after_answering)
        return answer


def _commit_after_answering(response):
    """The pull's one write (the phone's last pull), committed once the answer is serialized: committing before would
    expire every household and link the answer holds, and reading them again would cost a query each."""
    if response.status_code == 200:
        db.session.commit()
    return response

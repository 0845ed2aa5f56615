"""Push (and pull) for phones that work offline."""
import logging

from flask import after_this_request, g, request
from flask.views import MethodView
from sqlalchemy.exc import SQLAlchemyError

from ... import clock, limits
from ...errors import api_abort
from ...extensions import db
from ...sync.devices import Device, synced
from ...sync.items import DeviceHeaderSchema, PullArgsSchema, PushResultSchema, PushSchema
from ...sync.pull import pull
from ...sync.push import push
from ..blueprint import Blueprint
from .schemas import (
    PullResultSchema,
)

blp = Blueprint("sync", __name__, url_prefix="/api/sync", description="Offline sync 离线同步")
log = logging.getLogger(__name__)


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
        if len(items) > limits.MAX_PUSH_ITEMS:
            api_abort(413, f"A batch holds at most {limits.MAX_PUSH_ITEMS} items (max_items), this one "
                      f"{len(items):,}: split it", f"每批最多 {limits.MAX_PUSH_ITEMS} 条（max_items），本批 {len(items):,} 条，"
                      "请分批提交", limits=limits.push_limits())
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
        now, device = clock.now(), _device(headers)
        answer = pull(g.user, args["since"], now)
        if device is not None:
            after_this_request(lambda response: _record_pull(response, device, now))
        return answer


def _record_pull(response, device: Device, now):
    """The phone's last pull, the pull's one write, recorded once the answer is serialized: committing before would
    expire every household and link the answer holds, to be read again one by one. Bookkeeping: a database that
    cannot write (a full disk) still lets the phone have its pull."""
    if response.status_code != 200:
        return response
    try:
        synced(device, g.user, "pull", now)
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.warning("the pull of %s from phone %s was not recorded: %s", g.user.username, device.id, exc)
    return response

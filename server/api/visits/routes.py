"""Logging one visit online; phones usually send visits in sync batches, through the same code."""
from flask import g
from flask.views import MethodView

from ... import clock
from ...errors import api_abort
from ...sync.items import ItemResultSchema
from ...sync.push import push
from ..blueprint import Blueprint
from .schemas import NewVisitSchema

blp = Blueprint("visits", __name__, url_prefix="/api/visits", description="Visits 走访")


@blp.route("")
class Visits(MethodView):
    @blp.arguments(NewVisitSchema)
    @blp.response(201, ItemResultSchema)
    def post(self, args):
        """Log a visit. The same id sent again creates nothing and answers the same."""
        data = NewVisitSchema().dump(args)
        item_id = data.pop("id")
        outcome, = push(g.user, [{"type": "visit", "id": item_id, "data": data}], clock.now())
        if outcome.status != "accepted":
            api_abort(422 if outcome.status == "rejected" else 409, outcome.reason["message"],
                      outcome.reason["message_zh"], errors={"json": outcome.reason.get("errors", {})})
        return outcome.to_dict()

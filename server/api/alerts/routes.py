"""Early warnings 预警: each role's inbox, acknowledging and closing (both audited)."""
import uuid

import sqlalchemy as sa
from flask import g
from flask.views import MethodView

from ...errors import api_abort, found_or_404
from ...extensions import db
from ...models import Alert, GridUnit, User
from ...roles import inbox_level
from ...scope import outside_scope
from ...warnings import handling
from ..blueprint import Blueprint
from ..pagination import page_schema, paginate
from .schemas import EVIDENCE_HREF, AlertQuerySchema, AlertSchema, CloseSchema

blp = Blueprint("alerts", __name__, url_prefix="/api/alerts", description="Early warnings 预警")


def _rows(condition):
    # whoever signed for or closed it may have moved out of the reader's area since
    acknowledger, closer = outside_scope(User).alias("acknowledger"), outside_scope(User).alias("closer")
    return (sa.select(Alert, GridUnit.code.label("unit_code"), GridUnit.name.label("unit_name"),
                      acknowledger.c.username.label("acknowledged_by_name"), closer.c.username.label("closed_by_name"))
            .join(GridUnit, GridUnit.id == Alert.unit_id)
            .outerjoin(acknowledger, acknowledger.c.id == Alert.acknowledged_by)
            .outerjoin(closer, closer.c.id == Alert.closed_by).where(condition))


def _as_dict(row) -> dict:
    alert = row[0]
    out = {c.key: getattr(alert, c.key) for c in sa.inspect(Alert).column_attrs}
    out.update(unit_code=row.unit_code, unit_name=row.unit_name, acknowledged_by=row.acknowledged_by_name,
               closed_by=row.closed_by_name, evidence=[{**e, "href": EVIDENCE_HREF[e["type"]].format(**e)}
                                                       for e in alert.evidence or [] if e.get("type") in EVIDENCE_HREF])
    return out


@blp.route("")
class Alerts(MethodView):
    @blp.arguments(AlertQuerySchema, location="query")
    @blp.response(200, page_schema(AlertSchema, "AlertPage"))
    def get(self, args):
        """Your inbox: alerts in your area for your level (village head, town secretary, county), most severe
        and newest first."""
        query = _rows(sa.true())
        if args["state"] == "active":
            query = query.where(Alert.state.in_(("open", "acknowledged")))
        elif args["state"] != "all":
            query = query.where(Alert.state == args["state"])
        level = args["level"] or inbox_level(g.user.role)
        if level != "all":
            query = query.where(Alert.level == level)
        for key in ("rule", "severity"):
            if args.get(key):
                query = query.where(getattr(Alert, key) == args[key])
        severity_order = sa.case({"high": 0, "medium": 1, "low": 2}, value=Alert.severity)
        return paginate(query, args, severity_order, Alert.raised_at.desc(), Alert.id, row=_as_dict)


def alert_or_404(alert_id: uuid.UUID) -> Alert:
    return found_or_404(db.session.scalar(sa.select(Alert).where(Alert.id == alert_id)),
                        f"No alert {alert_id}", f"未找到预警 {alert_id}")


def _handle(alert_id, step, *args):
    try:
        step(alert_or_404(alert_id), g.user, *args)
    except handling.AlertError as exc:
        api_abort(exc.status, exc.message, exc.message_zh)
    db.session.commit()


def _answer(alert_id):
    db.session.expire_all()
    return _as_dict(db.session.execute(_rows(Alert.id == alert_id)).one())


@blp.route("/<uuid:alert_id>")
class AlertDetail(MethodView):
    @blp.response(200, AlertSchema)
    def get(self, alert_id):
        """One alert of your area, with its evidence (where a message about it leads)."""
        alert_or_404(alert_id)
        return _answer(alert_id)


@blp.route("/<uuid:alert_id>/acknowledge")
class Acknowledge(MethodView):
    @blp.response(200, AlertSchema)
    def post(self, alert_id):
        """Acknowledge an alert: you have seen it and someone is on it (签收)."""
        _handle(alert_id, handling.acknowledge)
        return _answer(alert_id)


@blp.route("/<uuid:alert_id>/close")
class Close(MethodView):
    @blp.arguments(CloseSchema)
    @blp.response(200, AlertSchema)
    def post(self, args, alert_id):
        """Close an alert, saying what was done (办结)."""
        _handle(alert_id, handling.close, args["note"])
        return _answer(alert_id)

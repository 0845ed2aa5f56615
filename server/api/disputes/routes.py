"""Disputes: the list with deadline colours, one dispute with its timeline, and taking a step."""

import sqlalchemy as sa
from flask import g
from flask.views import MethodView
from sqlalchemy.orm.exc import StaleDataError

from ... import clock
from ...attachments.attach import AttachmentsRefused, attach_to
from ...disputes import inbox
from ...disputes.deadlines import deadline_columns
from ...disputes.listing import as_dict, dispute_rows, filter_conditions, filter_values
from ...disputes.workflow import WorkflowError, take_step
from ...errors import api_abort
from ...extensions import db
from ...grid_admin.queries import cells_between
from ...models import Dispute, GridUnit, User
from ...roles import CASE_LEADER_ROLES, HANDLER
from ..blueprint import Blueprint
from ..pagination import paginate
from .answer import detail, dispute_answer, dispute_or_404
from .schemas import (
    CaseLeaderSchema,
    DisputeAnswerSchema,
    DisputePageSchema,
    DisputeQuerySchema,
    InboxSchema,
    StepSchema,
)

MAX_LEADERS = 500  # a town's handlers and cadres fit; the desk lists them in one choice
blp = Blueprint("disputes", __name__, url_prefix="/api/disputes", description="Disputes 矛盾纠纷")


@blp.route("")
class Disputes(MethodView):
    @blp.arguments(DisputeQuerySchema, location="query")
    @blp.response(200, DisputePageSchema)
    def get(self, args):
        """Disputes in your area, newest first, with due date and deadline colour (computed in SQL)."""
        query, columns = dispute_rows(sa.and_(sa.true(), *filter_conditions(filter_values(args))), clock.now())
        if args.get("level"):
            query = query.where(Dispute.level == args["level"])
        if args.get("escalated"):
            query = query.where(Dispute.level != "village")
        if args.get("deadline"):
            query = query.where(columns["colour"] == args["deadline"])
        if args.get("box"):
            query = query.where(inbox.box_condition(args["box"], g.user, columns["colour"]))
        if args.get("bbox"):
            west, south, east, north = args["bbox"]
            query = query.where(sa.func.ST_X(Dispute.location).between(west, east),
                                sa.func.ST_Y(Dispute.location).between(south, north))
        if args.get("unit_code"):
            query = query.where(Dispute.cell_id.in_(sa.select(GridUnit.id).where(
                cells_between(args["unit_code"], args["unit_code"]))))
        return paginate(query, args, Dispute.reported_at.desc(), Dispute.id, row=as_dict)


@blp.route("/inbox")
class Inbox(MethodView):
    @blp.response(200, InboxSchema)
    def get(self):
        """Your 待办 inbox: how many disputes wait in each box (list one with GET /api/disputes?box=…). Handlers see
        their level's: to_accept, deadline (yellow or red), escalated (handed up, not yet assigned), call_back,
        supervised (督办 since it last moved); case leaders, mine."""
        colour = deadline_columns(clock.now())["colour"]
        counted = inbox.counts(g.user, colour)
        return {"boxes": [{"key": key, "label_zh": inbox.BOX_ZH[key], "count": counted[key]} for key in inbox.BOXES],
                "waiting": counted["waiting"]}


@blp.route("/<uuid:dispute_id>")
class DisputeDetail(MethodView):
    @blp.response(200, DisputeAnswerSchema)
    def get(self, dispute_id):
        """One dispute with its timeline, its petitioner (masked) if it is a petition, and the cases linked to it."""
        return dispute_answer(dispute_id)


@blp.route("/<uuid:dispute_id>/steps")
class Steps(MethodView):
    @blp.arguments(StepSchema)
    @blp.response(200, DisputeAnswerSchema)
    def post(self, args, dispute_id):
        """Take the next step (accept, assign, mediate, resolve, call_back, close, escalate, supervise, note).
        `version` must be the one you saw: if someone changed the dispute since, the answer is 409 with its
        current state, and nothing is overwritten."""
        dispute = dispute_or_404(dispute_id)[0]
        try:
            try:
                details = {key: args[key] for key in ("notice", "measures", "responsible", "due_on", "owner_unit_code",
                                                      "agreement")}
                now = clock.now()
                event = take_step(dispute, g.user, args["kind"], now, note=args["note"],
                                  leader_username=args["leader_username"], satisfaction=args["satisfaction"],
                                  details=details, expected_version=args["version"])
                attach_to(g.user.id, "dispute_event", event.id, args["attachments"], now)
                db.session.commit()
            except StaleDataError:  # changed by a concurrent request after we read it
                raise WorkflowError("The dispute was changed meanwhile", "该事件已被他人修改", status=409) from None
        except (WorkflowError, AttachmentsRefused) as exc:
            db.session.rollback()
            current = detail(dispute_or_404(dispute_id)) if exc.status == 409 else None
            errors = ({"json": exc.errors} if isinstance(exc, AttachmentsRefused) else
                      {"json": {exc.field: [exc.message]}} if exc.field else None)
            extra = {"current": DisputeAnswerSchema().dump(current)} if current else {}
            api_abort(exc.status, exc.message, exc.message_zh, errors=errors, **extra)
        db.session.expire_all()
        return dispute_answer(dispute_id)


@blp.route("/<uuid:dispute_id>/leaders")
class CaseLeaders(MethodView):
    @blp.response(200, CaseLeaderSchema(many=True))
    def get(self, dispute_id):
        """Who may be named case leader 包案 of this dispute when you assign it: the active users in your area whose
        role may lead a case, the handlers of the dispute's level first (at most MAX_LEADERS)."""
        dispute = dispute_or_404(dispute_id)[0]
        handler_first = sa.case((User.role == HANDLER[dispute.level], 0), else_=1)
        rows = db.session.execute(
            sa.select(User.username, User.display_name, User.role, GridUnit.name.label("unit_name"))
            .join(GridUnit, GridUnit.id == User.unit_id)
            .where(User.active.is_(True), User.role.in_(CASE_LEADER_ROLES))
            .order_by(handler_first, GridUnit.code, User.display_name).limit(MAX_LEADERS)).all()
        return [row._asdict() for row in rows]

"""Disputes: the list with deadline colours, one dispute with its timeline, and taking a step."""
import uuid

import sqlalchemy as sa
from flask import g
from flask.views import MethodView
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ... import clock
from ...disputes.listing import as_dict, dispute_rows, timelines
from ...disputes.petitions import links_of
from ...disputes.workflow import OPEN, WorkflowError, take_step
from ...errors import api_abort, found_or_404
from ...extensions import db
from ...grid_admin.queries import cells_between
from ...models import Dispute, GridUnit
from ..blueprint import Blueprint
from ..pagination import paginate
from .schemas import DisputeAnswerSchema, DisputePageSchema, DisputeQuerySchema, StepSchema

blp = Blueprint("disputes", __name__, url_prefix="/api/disputes", description="Disputes 矛盾纠纷")


def _detail(row) -> dict:
    """The dispute with its timeline (loaded with it) and the cases linked to it."""
    return {**as_dict(row, timelines([row[0]])[row[0].id]), "links": links_of(row[0].id)}


def dispute_answer(dispute_id: uuid.UUID) -> dict:
    """The dispute as GET /api/disputes/<id> answers it."""
    return _detail(dispute_or_404(dispute_id))


@blp.route("")
class Disputes(MethodView):
    @blp.arguments(DisputeQuerySchema, location="query")
    @blp.response(200, DisputePageSchema)
    def get(self, args):
        """Disputes in your area, newest first, with due date and deadline colour (computed in SQL)."""
        query, columns = dispute_rows(sa.true(), clock.now())
        for key in ("state", "level", "risk_colour"):
            if args.get(key):
                query = query.where(getattr(Dispute, key) == args[key])
        if args.get("open"):
            query = query.where(Dispute.state.in_(OPEN))
        if args.get("escalated"):
            query = query.where(Dispute.level != "village")
        if args.get("deadline"):
            query = query.where(columns["colour"] == args["deadline"])
        if args.get("unit_code"):
            query = query.where(Dispute.cell_id.in_(sa.select(GridUnit.id).where(
                cells_between(args["unit_code"], args["unit_code"]))))
        return paginate(query, args, Dispute.reported_at.desc(), Dispute.id, row=as_dict)


def dispute_or_404(dispute_id: uuid.UUID):
    query, _ = dispute_rows(Dispute.id == dispute_id, clock.now())
    row = db.session.execute(query.options(selectinload(Dispute.events))).first()
    return found_or_404(row, f"No dispute {dispute_id}", f"未找到事件 {dispute_id}")


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
                take_step(dispute, g.user, args["kind"], clock.now(), note=args["note"],
                          leader_username=args["leader_username"], satisfaction=args["satisfaction"],
                          expected_version=args["version"])
                db.session.commit()
            except StaleDataError:  # changed by a concurrent request after we read it
                raise WorkflowError(409, "The dispute was changed meanwhile", "该事件已被他人修改") from None
        except WorkflowError as exc:
            db.session.rollback()
            current = _detail(dispute_or_404(dispute_id)) if exc.status == 409 else None
            errors = {"json": {exc.field: [exc.message]}} if exc.field else None
            extra = {"current": DisputeAnswerSchema().dump(current)} if current else {}
            api_abort(exc.status, exc.message, exc.message_zh, errors=errors, **extra)
        db.session.expire_all()
        return dispute_answer(dispute_id)

"""Petitions at one window (信访): look up earlier cases of the petitioner, register the petition (linking them), and
reveal a petitioner's number with a reason. Domain rules in server/disputes/petitions.py."""
import sqlalchemy as sa
from flask import g
from flask.views import MethodView

from ... import audit, clock
from ...attachments.attach import AttachmentsRefused
from ...disputes import petitions
from ...disputes.listing import as_dict
from ...errors import api_abort, found_or_404
from ...extensions import db
from ...models import Dispute
from ...privacy import mask_id_number, mask_phone
from ..blueprint import Blueprint
from ..disputes.answer import dispute_answer
from ..disputes.schemas import DisputeAnswerSchema
from ..households.schemas import RevealedSchema
from ..reveal import revealed
from .schemas import EarlierCasesSchema, LookupSchema, PetitionRevealSchema, PetitionSchema

blp = Blueprint("petitions", __name__, url_prefix="/api/petitions", description="Petitions 信访 (one window)")


@blp.route("")
class Petitions(MethodView):
    @blp.arguments(PetitionSchema)
    @blp.response(201, DisputeAnswerSchema)
    def post(self, args):
        """Register a petition (来访必登): a letter, visit, call, SMS or online petition with its petitioner and who
        received it first (首问负责, you unless named). It is held at your level (county or town), in the household's
        cell or the cell given, and linked to the earlier cases named in `linked_dispute_ids`."""
        try:
            dispute = petitions.register(g.user, args, clock.now())
        except petitions.PetitionError as exc:
            db.session.rollback()
            api_abort(exc.status, exc.message, exc.message_zh,
                      errors={"json": {exc.field: [f"{exc.message} / {exc.message_zh}"]}})
        except AttachmentsRefused as exc:
            db.session.rollback()
            api_abort(exc.status, exc.message, exc.message_zh, errors={"json": exc.errors})
        db.session.commit()
        return dispute_answer(dispute.id)


@blp.route("/earlier")
class EarlierCases(MethodView):
    @blp.arguments(LookupSchema)
    @blp.response(200, EarlierCasesSchema)
    def post(self, args):
        """Earlier cases in your area of the same petitioner (by ID number, or by name and mobile) or household, to
        look up before registering (重复信访). A POST, so that ID numbers stay out of addresses and server logs; each
        lookup is recorded in the audit log (numbers masked)."""
        found = petitions.earlier_cases(clock.now(), **args)
        criteria = {**args, "id_number": mask_id_number(args.get("id_number")), "mobile": mask_phone(args.get("mobile"))}
        audit.record("lookup", "dispute", after={**{k: v for k, v in criteria.items() if v}, "found": len(found)})
        db.session.commit()
        return {"items": [{**as_dict(f["row"]), "matched_by": f["matched_by"]} for f in found]}


@blp.route("/<uuid:dispute_id>/reveal")
class Reveal(MethodView):
    @blp.arguments(PetitionRevealSchema)
    @blp.response(200, RevealedSchema)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, args, dispute_id):
        """Show a petitioner's ID or mobile number unmasked, with a reason; recorded in the audit log. Limited per user,
        with the households' (server/reveals.py): past a limit 429, naming it, with `retry_after_seconds`."""
        dispute = found_or_404(db.session.scalar(sa.select(Dispute).where(Dispute.id == dispute_id)),
                               f"No dispute {dispute_id}", f"未找到事件 {dispute_id}")
        return revealed("dispute", dispute.id, args["field"], args["reason"], getattr(dispute, args["field"]))

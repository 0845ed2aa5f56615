"""One dispute as the API answers it, for the disputes and petitions routes alike: its row with the deadline, the
timeline, the linked cases, where it lies and the steps the user may take on it now."""
import uuid

from flask import g
from sqlalchemy.orm import selectinload

from ... import clock
from ...disputes.listing import as_dict, dispute_rows, places_of, timelines, unit_named
from ...disputes.petitions import links_of
from ...disputes.workflow import steps_open_to
from ...errors import found_or_404
from ...extensions import db
from ...models import Dispute


def detail(row) -> dict:
    """The dispute with its timeline (loaded with it), the cases linked to it, where it lies, and the steps the
    user may take now."""
    dispute = row[0]
    out = as_dict(row, timelines([dispute])[dispute.id])
    out.update(links=links_of(dispute.id), places=places_of(row.cell_code),
               owner_unit=unit_named(dispute.owner_unit_id), actions=steps_open_to(g.user, dispute))
    return out


def dispute_answer(dispute_id: uuid.UUID) -> dict:
    """The dispute as GET /api/disputes/<id> answers it."""
    return detail(dispute_or_404(dispute_id))


def dispute_or_404(dispute_id: uuid.UUID):
    query, _ = dispute_rows(Dispute.id == dispute_id, clock.now())
    row = db.session.execute(query.options(selectinload(Dispute.events))).first()
    return found_or_404(row, f"No dispute {dispute_id}", f"未找到事件 {dispute_id}")

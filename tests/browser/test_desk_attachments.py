"""Evidence on the desk: the photo a grid worker attached from the phone (pushed by sync) shows as a thumbnail in the
dispute's timeline and in the household's visit history; the village head takes a step with a PDF attached and finds
it in the timeline after a reload, and in the database attached to that step."""
import uuid

import sqlalchemy as sa

from server.extensions import db
from server.models import Attachment, DisputeEvent, GridUnit, Household, User
from tests.browser.conftest import screenshot
from tests.browser.test_desk import sign_in_at_home
from tests.conftest import lately, signed_in
from tools import sample_files

VISITED = lately()


def worker_and_head(app):
    with app.app_context():
        worker = db.session.scalars(sa.select(User).where(User.role == "grid_worker").order_by(User.id)).first()
        head = db.session.scalar(sa.select(User.username).join(GridUnit, GridUnit.id == User.unit_id)
                                 .where(User.role == "village_head", GridUnit.id == worker.unit.parent_id))
        code = db.session.scalar(sa.select(Household.code).where(Household.cell_id == worker.unit_id)
                                 .order_by(Household.code))
        return worker.username, head, code


def pushed_with_photos(app, worker, code):
    """As the phone does it: the photos uploaded first, then a visit and a dispute naming them, by sync."""
    phone = signed_in(app, worker)
    photos = [phone.post(f"/api/attachments?id={uuid.uuid4()}", data=sample_files.photo(seed=i),
                         content_type="image/jpeg").get_json()["id"] for i in range(2)]
    visit_id, dispute_id = str(uuid.uuid4()), str(uuid.uuid4())
    answer = phone.post("/api/sync/push", json={"items": [
        {"type": "visit", "id": visit_id, "data": {"household_code": code, "kind": "policy", "visited_at": VISITED,
                                                   "findings": "院墙开裂", "attachments": photos[:1]}},
        {"type": "dispute", "id": dispute_id, "data": {"household_code": code, "category": "neighbour",
                                                       "risk_colour": "yellow", "title": "院墙开裂纠纷",
                                                       "reported_at": VISITED, "attachments": photos[1:]}}]}).get_json()
    assert answer["accepted"] == 2, answer
    return photos, visit_id, dispute_id


def loaded_thumbnails(page, selector):
    page.wait_for_function(f"""() => {{ const imgs = [...document.querySelectorAll("{selector} img.attachment-thumb")];
        return imgs.length && imgs.every((img) => img.complete && img.naturalWidth > 0); }}""")
    return page.eval_on_selector_all(f"{selector} a.attachment-photo", "links => links.map((a) => a.dataset.id)")


def test_a_worker_s_photos_and_a_heads_pdf_on_the_desk(browser, live_server, tmp_path):
    app, base = live_server
    worker, head, code = worker_and_head(app)
    photos, visit_id, dispute_id = pushed_with_photos(app, worker, code)

    context, page = sign_in_at_home(browser, base, head)
    page.goto(f"/views/desk#dispute/{dispute_id}")
    page.wait_for_selector(".dispute-page #dispute-title:has-text('院墙开裂纠纷')")
    assert loaded_thumbnails(page, "#timeline li[data-kind=report]") == photos[1:]
    # reported on the phone two hours before it was pushed: the timeline says when it reached the server
    assert "离线记录" in page.inner_text("#timeline li[data-kind=report] .received")

    page.click("#act button[data-step=note]")
    page.wait_for_selector("form.step-form[data-step=note]")
    page.fill("form.step-form [name=note]", "双方签订调解协议书")
    agreement = tmp_path / "调解协议书.pdf"
    agreement.write_bytes(sample_files.pdf())
    page.set_input_files("form.step-form input[name=attachments]", str(agreement))
    screenshot(page, "desk-step-with-attachment")
    page.click("form.step-form button[type=submit]")
    page.wait_for_selector("#said.ok:not(:empty)")

    page.reload()
    page.wait_for_selector(".dispute-page #timeline li[data-kind=note] a.attachment-document")
    assert page.query_selector("#timeline li[data-kind=note] .received") is None  # taken at the desk, as it happened
    link = page.get_attribute("#timeline li[data-kind=note] a.attachment-document", "href")
    screenshot(page, "desk-timeline-attachments")
    with app.app_context():
        row = db.session.scalars(sa.select(Attachment).where(Attachment.kind == "document")
                                 .order_by(Attachment.uploaded_at.desc())).first()
        event = db.session.get(DisputeEvent, row.attached_id)
        assert link == f"/api/attachments/{row.id}" and row.attached_type == "dispute_event"
        assert str(event.dispute_id) == dispute_id and event.kind == "note"
    download = page.request.get(link)
    assert download.status == 200 and download.headers["content-type"] == "application/pdf"

    page.goto(f"/views/register#household/{code}")
    page.wait_for_selector(f"#visits-body li[data-id='{visit_id}']")
    assert loaded_thumbnails(page, f"#visits-body li[data-id='{visit_id}']") == photos[:1]
    screenshot(page, "register-household-visits")
    context.close()

"""Evidence: photos and documents uploaded, proved, cleaned, stored (in a folder and in S3) and served only to whoever
may see what they are attached to."""
import datetime as dt
import hashlib
import io
import uuid

import pytest
import sqlalchemy as sa
from PIL import Image

from server.extensions import db
from server.models import Attachment, GridUnit, Household, User
from tests.conftest import lately, signed_in, small_county_app
from tools import sample_files

VISITED = lately()


@pytest.fixture(scope="module")
def county(db_server):
    """A small county for the module: every test uploads under ids of its own."""
    return small_county_app(db_server)


@pytest.fixture
def app(county, attachment_store):
    county.config["ATTACHMENT_STORE"] = attachment_store
    yield county
    county.config["ATTACHMENT_STORE"] = ""


@pytest.fixture(scope="module")
def people(county):
    """The first village's first cell's worker, a household of that cell with a location, the village's head, and a
    worker of another village."""
    with county.app_context():
        worker = db.session.scalars(sa.select(User).where(User.role == "grid_worker").order_by(User.id)).first()
        cell = worker.unit
        head = db.session.scalar(sa.select(User.username).where(User.role == "village_head",
                                                                User.unit_id == cell.parent_id))
        outsider = db.session.scalar(
            sa.select(User.username).join(GridUnit, GridUnit.id == User.unit_id)
            .where(User.role == "grid_worker", GridUnit.parent_id != cell.parent_id).order_by(User.id))
        code, lon, lat = db.session.execute(
            sa.select(Household.code, sa.func.ST_X(Household.location), sa.func.ST_Y(Household.location))
            .where(Household.cell_id == cell.id, Household.location.is_not(None)).order_by(Household.code)).first()
        return {"worker": worker.username, "cell": cell.code, "head": head, "outsider": outsider,
                "household": code, "lon": lon, "lat": lat}


def upload(client, data: bytes, content_type="image/jpeg", attachment_id=None):
    attachment_id = attachment_id or uuid.uuid4()
    return client.post(f"/api/attachments?id={attachment_id}", data=data, content_type=content_type)


def served_image(response) -> Image.Image:
    assert response.status_code == 200, response.get_json()
    return Image.open(io.BytesIO(response.data))


def visit_item(code, attachments, **data):
    return {"type": "visit", "id": str(uuid.uuid4()), "data": {
        "household_code": code, "kind": "policy", "visited_at": VISITED, "attachments": attachments, **data}}


def test_a_photo_is_served_cleaned_with_its_exif_facts_in_the_record(app, people):
    worker = signed_in(app, people["worker"])
    sent = sample_files.photo(1200, 900, exif=sample_files.exif_of(lon=108.3123, lat=33.3321))
    response = upload(worker, sent)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["kind"] == "photo" and body["content_type"] == "image/jpeg" and (body["width"], body["height"]) == (1200, 900)
    assert body["taken_at"] == "2026-11-18T02:30:00+00:00"  # China time, as the EXIF has no offset
    lon, lat = body["location"]["coordinates"]
    assert body["location"]["type"] == "Point" and abs(lon - 108.3123) < 1e-5 and abs(lat - 33.3321) < 1e-5
    assert body["attached_to"] is None and body["distance_m"] is None
    assert body["url"] == f"/api/attachments/{body['id']}"
    assert body["thumbnail_url"] == f"/api/attachments/{body['id']}/thumbnail"

    served = worker.get(body["url"])
    image = served_image(served)
    assert image.format == "JPEG" and len(image.getexif()) == 0 and not image.getexif().get_ifd(0x8825)
    assert b"Exif" not in served.data[:4096] and b"http://ns.adobe.com/xap" not in served.data
    assert "icc_profile" not in image.info and "exif" not in image.info
    assert hashlib.sha256(served.data).hexdigest() == body["sha256"] and len(served.data) == body["size"]
    assert served.headers["Cache-Control"].startswith("private, max-age=")
    assert served.headers["ETag"] == f'"{body["sha256"]}"'
    assert worker.get(body["url"], headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    thumbnail = served_image(worker.get(body["thumbnail_url"]))
    assert max(thumbnail.size) == 320 and len(thumbnail.getexif()) == 0


def test_exif_orientation_6_turns_the_served_photo_upright(app, people):
    worker = signed_in(app, people["worker"])
    body = upload(worker, sample_files.photo(800, 600, exif=sample_files.exif_of(orientation=6))).get_json()
    image = served_image(worker.get(body["url"])).convert("RGB")
    assert image.size == (600, 800) and (body["width"], body["height"]) == (600, 800)
    # the red left half of the sensor's picture is on top once turned 90° clockwise
    assert image.getpixel((300, 100))[0] > 180 and image.getpixel((300, 700))[0] < 100


def test_a_large_photo_is_served_at_2048_px_at_most(app, people):
    worker = signed_in(app, people["worker"])
    body = upload(worker, sample_files.photo(4000, 3000)).get_json()
    assert (body["width"], body["height"]) == (2048, 1536)
    assert served_image(worker.get(body["url"])).size == (2048, 1536)


@pytest.mark.parametrize("content_type, fmt", [("image/png", "PNG"), ("image/webp", "WEBP"), ("image/heic", "HEIF")])
def test_png_webp_and_heic_photos_are_served_as_jpeg(app, people, content_type, fmt):
    worker = signed_in(app, people["worker"])
    response = upload(worker, sample_files.photo(640, 480, fmt=fmt, exif=sample_files.exif_of()), content_type)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["content_type"] == "image/jpeg" and body["location"] is not None
    image = served_image(worker.get(body["url"]))
    assert image.format == "JPEG" and image.size == (640, 480) and not image.getexif().get_ifd(0x8825)


def test_a_pdf_is_kept_as_sent_and_served_as_a_download(app, people):
    worker = signed_in(app, people["worker"])
    sent = sample_files.pdf(2)
    body = upload(worker, sent, "application/pdf").get_json()
    assert body["kind"] == "document" and body["thumbnail_url"] is None and body["width"] is None
    served = worker.get(body["url"])
    assert served.status_code == 200 and served.data == sent and served.mimetype == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment;")
    assert worker.get(f"{body['url']}/thumbnail").status_code == 404


def test_a_multipart_upload_with_the_id_in_the_form(app, people):
    worker = signed_in(app, people["worker"])
    attachment_id = str(uuid.uuid4())
    response = worker.post("/api/attachments", content_type="multipart/form-data", data={
        "id": attachment_id, "file": (io.BytesIO(sample_files.photo(320, 240)), "IMG_0001.jpg", "image/jpeg")})
    assert response.status_code == 201 and response.get_json()["id"] == attachment_id


@pytest.mark.parametrize("bad_id", ["", "not-a-uuid"])
def test_a_form_id_that_is_not_a_uuid_is_refused_naming_it(app, people, bad_id):
    """An id field sent empty is not "no id": it is refused like any other id that is not a UUID (found by the fuzz
    run, which sent an empty id beside a good one in the query)."""
    worker = signed_in(app, people["worker"])
    response = worker.post(f"/api/attachments?id={uuid.uuid4()}", content_type="multipart/form-data", data={
        "id": bad_id, "file": (io.BytesIO(sample_files.photo(320, 240)), "IMG_0002.jpg", "image/jpeg")})
    assert response.status_code == 422 and "id" in response.get_json()["errors"]


def test_the_same_id_again_answers_the_first_upload_and_stores_nothing_new(app, people):
    worker = signed_in(app, people["worker"])
    attachment_id = uuid.uuid4()
    first = upload(worker, sample_files.photo(640, 480), attachment_id=attachment_id)
    again = upload(worker, sample_files.photo(320, 240, seed=2), attachment_id=attachment_id)
    assert first.status_code == 201 and again.status_code == 200 and again.get_json() == first.get_json()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)
                                 .where(Attachment.id == attachment_id)) == 1
    someone_else = upload(signed_in(app, people["head"]), sample_files.photo(), attachment_id=attachment_id)
    body = someone_else.get_json()
    assert someone_else.status_code == 409 and body["message_zh"] and "id" in body["errors"]


def test_bad_files_are_refused_in_both_languages_naming_file(app, people, bomb):
    worker = signed_in(app, people["worker"])
    jpeg = sample_files.photo(640, 480)
    cases = [(b"<script>alert(1)</script>", "image/jpeg", 415), (b"<html><body>hi</body></html>", "image/png", 415),
             (b"", "image/jpeg", 422), (jpeg[: len(jpeg) // 2], "image/jpeg", 422), (bomb, "image/png", 413),
             (jpeg, "text/html", 415), (jpeg, "application/pdf", 415), (b"%PDF-1.7\ngarbage", "application/pdf", 422)]
    for data, content_type, status in cases:
        response = upload(worker, data, content_type)
        body = response.get_json()
        assert response.status_code == status, (content_type, data[:20], body)
        assert body["message"] and body["message_zh"] and "file" in body["errors"] and " / " in body["errors"]["file"][0]
        assert body["limits"] == {"max_bytes": 15 * 2**20, "max_pixels": 40_000_000}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)
                                 .where(Attachment.original_content_type.in_(("text/html",)))) == 0


@pytest.fixture(scope="module")
def bomb():
    return sample_files.png_bomb(20000)


class CountingStream(io.RawIOBase):
    """A request body of `size` bytes that counts what the server reads of it."""

    def __init__(self, size):
        self.size, self.read_bytes = size, 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self.read_bytes

    def seek(self, offset, whence=0):  # the test client measures the stream; the count starts again after
        self.read_bytes = self.size if whence == 2 else offset
        return self.read_bytes

    def readinto(self, buffer):
        n = min(len(buffer), self.size - self.read_bytes)
        buffer[:n] = b"\xff" * n
        self.read_bytes += n
        return n


def test_a_30_mb_body_is_refused_before_it_is_read(app, people):
    worker = signed_in(app, people["worker"])
    stream = CountingStream(30 * 2**20)
    response = worker.post("/api/attachments", input_stream=stream, content_length=stream.size,
                           content_type="image/jpeg")
    body = response.get_json()
    assert response.status_code == 413 and "15 MB" in body["message"] and "15 MB" in body["message_zh"]
    assert body["limits"]["max_bytes"] == 15 * 2**20 and stream.read_bytes < 2**20


def test_a_body_longer_than_declared_is_measured_too(app, people):
    worker = signed_in(app, people["worker"])
    response = upload(worker, b"\xff\xd8\xff" + b"\x00" * (16 * 2**20), "image/jpeg")
    assert response.status_code == 413


def test_uploader_and_scope_see_it_others_get_404(app, people):
    worker, head, outsider = (signed_in(app, people[k]) for k in ("worker", "head", "outsider"))
    body = upload(worker, sample_files.photo(exif=sample_files.exif_of(lon=people["lon"], lat=people["lat"]))).get_json()
    # before it is attached: the uploader only
    assert worker.get(body["url"]).status_code == 200
    assert head.get(body["url"]).status_code == 404 and head.get(body["thumbnail_url"]).status_code == 404
    item = visit_item(people["household"], [body["id"]])
    result = worker.post("/api/sync/push", json={"items": [item]}).get_json()["results"][0]
    assert result["status"] == "accepted", result
    # once attached: whoever sees the household too; another village's worker still not
    assert head.get(body["url"]).status_code == 200 and head.get(body["thumbnail_url"]).status_code == 200
    missing = outsider.get(body["url"])
    assert missing.status_code == 404 and missing.get_json()["message_zh"]
    assert outsider.get(body["thumbnail_url"]).status_code == 404
    assert signed_in(app, "admin").get(body["url"]).status_code == 403  # admin handles no evidence
    with app.app_context():
        row = db.session.get(Attachment, uuid.UUID(body["id"]))
        assert (row.attached_type, str(row.attached_id)) == ("visit", item["id"])
        assert row.distance_m is not None and row.distance_m < 5  # the photo's GPS is the household's place


def test_a_visit_with_two_photos_and_a_dispute_with_one_reach_the_pull_and_the_timeline(app, people):
    worker = signed_in(app, people["worker"])
    photos = [upload(worker, sample_files.photo(seed=i)).get_json()["id"] for i in range(3)]
    visit = visit_item(people["household"], photos[:2])
    dispute_id = str(uuid.uuid4())
    dispute = {"type": "dispute", "id": dispute_id, "data": {
        "household_code": people["household"], "category": "neighbour", "risk_colour": "yellow",
        "title": "界石被移动", "reported_at": VISITED, "attachments": photos[2:]}}
    answer = worker.post("/api/sync/push", json={"items": [visit, dispute]}).get_json()
    assert answer["accepted"] == 2, answer
    again = worker.post("/api/sync/push", json={"items": [visit, dispute]}).get_json()
    assert again["results"] == answer["results"]  # a re-sent batch: the same answers, nothing attached twice

    pulled = worker.get("/api/sync/pull").get_json()
    household, = [h for h in pulled["households"] if h["code"] == people["household"]]
    shown, = [v for v in household["recent_visits"] if v["id"] == visit["id"]]
    assert [a["id"] for a in shown["attachments"]] == sorted(photos[:2], key=photos.index)
    assert all(a["thumbnail_url"] == f"/api/attachments/{a['id']}/thumbnail" and a["kind"] == "photo"
               for a in shown["attachments"])
    pulled_dispute, = [d for d in pulled["disputes"] if d["id"] == dispute_id]
    report = pulled_dispute["events"][0]
    assert report["kind"] == "report" and [a["id"] for a in report["attachments"]] == photos[2:]

    head = signed_in(app, people["head"])
    page = head.get(f"/api/households/{people['household']}/visits").get_json()
    listed, = [v for v in page["items"] if v["id"] == visit["id"]]
    assert [a["id"] for a in listed["attachments"]] == photos[:2]
    timeline = head.get(f"/api/disputes/{dispute_id}").get_json()["events"]
    assert [a["id"] for a in timeline[0]["attachments"]] == photos[2:]


def test_attachments_not_uploaded_or_someone_elses_reject_the_item_by_field(app, people):
    worker = signed_in(app, people["worker"])
    theirs = upload(signed_in(app, people["head"]), sample_files.photo()).get_json()["id"]
    mine = upload(worker, sample_files.photo()).get_json()["id"]
    items = [visit_item(people["household"], [theirs]), visit_item(people["household"], [mine, str(uuid.uuid4())]),
             visit_item(people["household"], [mine, mine])]
    results = worker.post("/api/sync/push", json={"items": items}).get_json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected", "rejected"]
    assert list(results[0]["reason"]["errors"]) == ["attachments.0"]
    assert list(results[1]["reason"]["errors"]) == ["attachments.1"]
    assert list(results[2]["reason"]["errors"]) == ["attachments.1"]
    assert " / " in results[0]["reason"]["errors"]["attachments.0"][0]
    # attached to one visit, it cannot go to another
    assert worker.post("/api/sync/push", json={"items": [visit_item(people["household"], [mine])]}
                       ).get_json()["accepted"] == 1
    later = worker.post("/api/sync/push", json={"items": [visit_item(people["household"], [mine])]}).get_json()
    assert list(later["results"][0]["reason"]["errors"]) == ["attachments.0"]
    too_many = worker.post("/api/sync/push", json={"items": [visit_item(
        people["household"], [str(uuid.uuid4()) for _ in range(11)])]}).get_json()["results"][0]
    assert too_many["status"] == "rejected" and "attachments" in too_many["reason"]["errors"]


def test_a_step_taken_through_the_api_carries_a_pdf(app, people):
    worker, head = signed_in(app, people["worker"]), signed_in(app, people["head"])
    dispute_id = str(uuid.uuid4())
    worker.post("/api/sync/push", json={"items": [{"type": "dispute", "id": dispute_id, "data": {
        "household_code": people["household"], "category": "land_rights", "risk_colour": "blue",
        "title": "承包地界址", "reported_at": VISITED}}]})
    agreement = upload(head, sample_files.pdf(), "application/pdf").get_json()["id"]
    version = head.get(f"/api/disputes/{dispute_id}").get_json()["version"]
    refused = head.post(f"/api/disputes/{dispute_id}/steps", json={
        "kind": "note", "version": version, "note": "附协议", "attachments": [str(uuid.uuid4())]})
    assert refused.status_code == 422 and list(refused.get_json()["errors"]["json"]) == ["attachments.0"]
    taken = head.post(f"/api/disputes/{dispute_id}/steps", json={
        "kind": "note", "version": version, "note": "附协议", "attachments": [agreement]})
    assert taken.status_code == 200, taken.get_json()
    note = taken.get_json()["events"][-1]
    assert note["kind"] == "note" and note["attachments"] == [{
        "id": agreement, "kind": "document", "content_type": "application/pdf",
        "url": f"/api/attachments/{agreement}", "thumbnail_url": None, "taken_at": None}]
    assert worker.get(f"/api/attachments/{agreement}").status_code == 200  # the worker sees the dispute


def test_the_store_holds_each_file_once_under_its_key(app, people):
    from server.api.attachments.routes import attachment_store
    from server.attachments.store import file_key, thumbnail_key
    worker = signed_in(app, people["worker"])
    body = upload(worker, sample_files.photo()).get_json()
    with app.app_context():
        store = attachment_store()
        key = file_key(uuid.UUID(body["id"]))
        assert key.startswith(body["id"][:2] + "/") and store.exists(key) and store.exists(key + "-thumb.jpg")
        assert hashlib.sha256(store.get(key)).hexdigest() == body["sha256"]
        assert store.get(thumbnail_key(uuid.uuid4())) is None and not store.exists("00/none")


def test_exif_times_with_an_offset_and_southern_western_gps():
    from server.attachments.images import exif_facts
    image = Image.open(io.BytesIO(sample_files.photo(64, 48, exif=sample_files.exif_of(
        taken="2026:01:02 03:04:05", offset="-05:00", lon=-70.5, lat=-33.25))))
    taken_at, lon, lat = exif_facts(image)
    assert taken_at == dt.datetime(2026, 1, 2, 8, 4, 5, tzinfo=dt.timezone.utc)
    assert (round(lon, 4), round(lat, 4)) == (-70.5, -33.25)
    assert exif_facts(Image.open(io.BytesIO(sample_files.photo(64, 48)))) == (None, None, None)

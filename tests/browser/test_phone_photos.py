"""Evidence from the phone (issue 18 point 4): a grid worker, offline, attaches two photos to a visit and one to a
dispute; they are made smaller on the phone and kept with the items; after a reload, back online, the server has
each once, attached to the right record, stripped of their EXIF but with the place and time read from it; the
phone shows them as thumbnails after the sync and the next pull. A full storage is said, and nothing typed is lost."""
import datetime as dt
import io

import pytest
import sqlalchemy as sa
from PIL import Image

from server.extensions import db
from server.models import Attachment, Dispute, Visit
from tests.browser.conftest import screenshot
from tests.browser.phone import households_of_cell, phone_of, said, sync_now, visits_with, worker
from tests.conftest import signed_in

pytestmark = pytest.mark.usefixtures("server_clock_ahead")
GPS_IFD, DATETIME_ORIGINAL, EXIF_IFD = 0x8825, 0x9003, 0x8769


def phone_photo(colour, size=(3000, 2000), lon=108.3012, lat=33.3045) -> bytes:
    """A camera's JPEG: large, with the time and place it was taken in its EXIF, and turned by its orientation tag."""
    image = Image.effect_noise(size, 40).convert("RGB")
    image.paste(Image.new("RGB", (size[0] // 2, size[1] // 2), colour))
    exif = Image.Exif()
    exif[0x0112] = 6  # taken with the phone held upright: shown turned by 90°
    exif.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] = "2026:11:28 09:15:02"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (33.0, 18.0, 16.2), 3: "E", 4: (108.0, 18.0, 4.32)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def pick(page, scope, files):
    page.set_input_files(f"{scope} .photo-pick input[type=file]", files=[
        {"name": name, "mimeType": "image/jpeg", "buffer": data} for name, data in files])
    page.wait_for_function(f"document.querySelectorAll('{scope} .thumbs li').length === {len(files)}")


def test_photos_taken_offline_reach_the_server_once_with_the_right_records(live_server, browser):
    app, base = live_server
    me = worker(app, 7)
    home = households_of_cell(app, me.unit_id)[0]
    phone, page = phone_of(browser, base, me.username)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.set_offline(True)
    page.goto(f"/app/#/household/{home.code}")
    page.wait_for_selector("form#visit")
    pick(page, "#visit-photos", [("wall.jpg", phone_photo("red")), ("roof.jpg", phone_photo("blue"))])
    page.fill("form#visit textarea[name=notes]", "墙体开裂，拍照两张")
    page.click("form#visit button[type=submit]")
    assert said(page, "#visit-saved").startswith("当前离线")
    assert page.query_selector_all("#visits li .thumbs img").__len__() == 2  # shown at once from the phone
    pick(page, "#dispute-photos", [("stone.jpg", phone_photo("green"))])
    page.fill("form#dispute input[name=title]", "界石被移动")
    page.click("form#dispute button[type=submit]")
    assert said(page, "#dispute-saved").startswith("当前离线")
    kept = page.evaluate("""async () => {
        const storage = await import('/app/js/storage.js');
        return (await storage.all('files')).map((f) => ({ size: f.blob.size, type: f.blob.type }));
    }""")
    assert len(kept) == 3 and all(f["type"] == "image/jpeg" and f["size"] < 700_000 for f in kept)  # made smaller
    screenshot(page, "phone-photos-offline")

    page.reload()  # still offline
    page.goto("/app/#/sync")
    assert "待同步 2 条" in page.wait_for_selector("#waiting").inner_text()
    assert "2 张照片" in page.inner_text("#waiting-list") and "1 张照片" in page.inner_text("#waiting-list")
    phone.set_offline(False)
    assert sync_now(page) == "已同步到服务器"
    assert sync_now(page) == "已同步到服务器"  # again: nothing doubles

    visit, = visits_with(app, "墙体开裂，拍照两张")
    with app.app_context():
        dispute_id = db.session.scalar(sa.select(Dispute.id).where(Dispute.title == "界石被移动"))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(Visit.household_id == visit.household_id,
                                                                                     Visit.notes == visit.notes)) == 1
    office = signed_in(app, me.username)
    shown = office.get(f"/api/households/{home.code}/visits").get_json()["items"]
    photos = next(v for v in shown if v["id"] == str(visit.id))["attachments"]
    assert len(photos) == 2
    for photo in photos:
        record = office.get(photo["url"])
        assert record.status_code == 200 and record.mimetype == "image/jpeg"
        served = Image.open(io.BytesIO(record.data))
        assert served.height > served.width  # turned upright by the phone, not twice by the server
        assert not served.getexif().get_ifd(GPS_IFD)  # the place is not inside the file served
    with app.app_context():  # the place and time read from the EXIF the phone carried over, kept in the record
        rows = db.session.scalars(sa.select(Attachment).where(Attachment.attached_id.in_([visit.id, dispute_id]))).all()
        assert sorted(r.attached_type for r in rows) == ["dispute", "visit", "visit"]
        assert all(r.original_size < 700_000 and abs(r.lat - 33.3045) < 1e-4 and abs(r.lon - 108.3012) < 1e-4 for r in rows)
        assert all(r.taken_at is not None and r.taken_at.astimezone(dt.timezone(dt.timedelta(hours=8))).day == 28
                   for r in rows)
    timeline = office.get(f"/api/disputes/{dispute_id}").get_json()
    attached = [a for step in timeline["events"] for a in step.get("attachments", [])] + timeline.get("attachments", [])
    assert len({a["id"] for a in attached}) == 1

    page.goto(f"/app/#/household/{home.code}")  # after the pull: the server's thumbnails
    page.wait_for_function("document.querySelectorAll('#visits li .thumbs img').length >= 2")
    assert "待同步" not in page.inner_text("#visits")
    phone.close()


def test_a_full_storage_is_said_and_what_was_typed_stays(live_server, browser):
    app, base = live_server
    me = worker(app, 8)
    home = households_of_cell(app, me.unit_id)[0]
    phone, page = phone_of(browser, base, me.username)
    page.goto(f"/app/#/household/{home.code}")
    page.wait_for_selector("form#visit")
    page.fill("form#visit textarea[name=notes]", "存储已满时的走访")
    page.evaluate("""() => {  // the phone's quota is used up: every write to IndexedDB fails as browsers fail it
        window.__put = IDBObjectStore.prototype.put;
        IDBObjectStore.prototype.put = function () { throw new DOMException('quota', 'QuotaExceededError'); };
    }""")
    page.set_input_files("#visit-photos .photo-pick input[type=file]", files=[
        {"name": "wall.jpg", "mimeType": "image/jpeg", "buffer": phone_photo("red", (800, 600))}])
    assert "存储空间已满" in page.wait_for_selector("#visit-photos .photo-state.error").inner_text()
    page.click("form#visit button[type=submit]")
    assert "存储空间已满" in said(page, "#visit-saved")
    assert page.input_value("form#visit textarea[name=notes]") == "存储已满时的走访"  # nothing typed is lost
    page.evaluate("() => { IDBObjectStore.prototype.put = window.__put; }")  # space freed
    page.eval_on_selector("#visit-saved", "m => { m.textContent = ''; }")  # still saying the storage was full
    page.click("form#visit button[type=submit]")
    assert said(page, "#visit-saved") == "已同步到服务器"
    assert len(visits_with(app, "存储已满时的走访")) == 1
    phone.close()

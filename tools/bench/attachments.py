"""Evidence uploads, measured: a typical phone photo (4000 × 3000 with detail and sensor noise, EXIF, quality 95: about 4 MB)
uploaded through the whole app (session, policy, decoding, turning, re-encoding, thumbnail, the local store, the row
and its audit, the commit) on SpatiaLite and on PostGIS (a throwaway cluster of its own), beside Pillow's own work on
the same photo alone (decode, resize to 2048 px, encode at quality 82, and the 320 px thumbnail) as the baseline.

    python -m tools.bench.run --only attachments     (this section alone; make bench runs it with the rest)"""
from __future__ import annotations

import datetime as dt
import io
import time
import uuid

from tools.bench.backends import both_backends, small_county

HEADING = "## Attachments"
UPLOADS = 12  # photos per back end


def _app(url: str, store):
    app = small_county(url)
    app.config["ATTACHMENT_STORE"] = store.as_uri()
    return app


def _worker(app) -> str:
    import sqlalchemy as sa

    from server.extensions import db
    from server.models import User
    with app.app_context():
        return db.session.scalar(sa.select(User.username).where(User.role == "grid_worker").order_by(User.id))


def _pillow_alone(data: bytes) -> float:
    """Pillow's decode, resize and encode of the photo (and its thumbnail), nothing else: seconds, median of 3."""
    from PIL import Image
    times = []
    for _ in range(3):
        start = time.perf_counter()
        image = Image.open(io.BytesIO(data))
        image.load()
        image.thumbnail((2048, 2048), Image.Resampling.LANCZOS)
        image.save(io.BytesIO(), "JPEG", quality=82, optimize=True)
        small = image.copy()
        small.thumbnail((320, 320), Image.Resampling.LANCZOS)
        small.save(io.BytesIO(), "JPEG", quality=75, optimize=True)
        times.append(time.perf_counter() - start)
    return sorted(times)[1]


def _uploads(app, data: bytes) -> dict:
    from tools.app import signed_in
    client = signed_in(app, _worker(app))
    client.post("/api/attachments", data=data, content_type="image/jpeg")  # warm: the first request loads the codecs
    start = time.perf_counter()
    bodies = []
    for _ in range(UPLOADS):
        response = client.post(f"/api/attachments?id={uuid.uuid4()}", data=data, content_type="image/jpeg")
        assert response.status_code == 201, response.get_json()
        bodies.append(response.get_json())
    seconds = time.perf_counter() - start
    served = client.get(bodies[0]["url"]).data
    thumbnail = client.get(bodies[0]["thumbnail_url"]).data
    return {"seconds": seconds, "served": len(served), "thumbnail": len(thumbnail),
            "size": f"{bodies[0]['width']} × {bodies[0]['height']}"}


def bench_attachments() -> list[dict]:
    from tools.sample_files import phone_photo
    data = phone_photo()
    out = []
    with both_backends("attachments") as (tmp, backends):
        for backend, url in backends:
            measured = _uploads(_app(url, tmp / f"store-{backend}"), data)
            raw = _pillow_alone(data)  # right after, under the same load of the machine
            per_upload = measured["seconds"] / UPLOADS
            row = {"backend": backend, "uploaded": len(data), **measured, "per_upload": per_upload, "raw": raw,
                   "photos_per_s": UPLOADS / measured["seconds"],
                   "mb_per_s": UPLOADS * len(data) / 2**20 / measured["seconds"]}
            out.append(row)
            print(f"attachments on {backend}: {UPLOADS} photos of {len(data) / 2**20:.1f} MB in "
                  f"{measured['seconds']:.1f} s ({row['photos_per_s']:.2f} photos/s, {row['mb_per_s']:.1f} MB/s), "
                  f"served {measured['served']:,} B, thumbnail {measured['thumbnail']:,} B; "
                  f"Pillow alone {raw * 1000:.0f} ms, ratio {per_upload / raw:.2f}×")
    return out


def section(rows: list[dict]) -> str:
    first = rows[0]
    lines = [HEADING, "",
             f"Written by `python -m tools.bench.run` (also alone: `--only attachments`) on {dt.date.today()}. "
             f"{UPLOADS} uploads per back end of a typical phone photo (4000 × 3000, sensor noise, EXIF with GPS, "
             "JPEG quality 95) through `POST /api/attachments` as a grid worker, one after another in one process, "
             "into the local store (the instance folder's): each is decoded, turned upright, re-encoded at 2048 px "
             "and quality 82 without metadata, given a 320 px thumbnail, stored, and its row written and audited. "
             "Raw: Pillow's decode, resize and encode of the same photo and its thumbnail alone.", "",
             f"Served size of the photo: {first['uploaded']:,} bytes uploaded → {first['served']:,} bytes served "
             f"({first['size']}, {first['served'] / first['uploaded']:.0%} of the upload) and a {first['thumbnail']:,}"
             "-byte thumbnail.", "",
             "| back end | uploads | photos/s | MB/s uploaded | per upload | served bytes | thumbnail bytes | "
             "Pillow alone | ratio |",
             "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['backend']} | {UPLOADS} | {r['photos_per_s']:.2f} | {r['mb_per_s']:.1f} | "
              f"{r['per_upload'] * 1000:.0f} ms | {r['served']:,} | {r['thumbnail']:,} | {r['raw'] * 1000:.0f} ms | "
              f"{r['per_upload'] / r['raw']:.2f}× |" for r in rows]
    return "\n".join(lines) + "\n"

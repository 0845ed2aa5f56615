"""A photo proved, cleaned and resized: decoded in full (what does not decode is not an image), refused above the
pixel limit before decoding (a decompression bomb is a small file of a huge picture), turned upright by its EXIF
orientation and re-encoded as a JPEG without any metadata. The capture time and GPS are read from the EXIF first:
they are kept as the attachment's fields, never in the file served."""
from __future__ import annotations

import datetime as dt
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from ..clock import CHINA
from ..limits import MAX_PIXELS
from .errors import SERVED_MAX_SIDE, THUMBNAIL_MAX_SIDE, not_what_it_claims, too_many_pixels, undecodable

register_heif_opener()
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow warns above it and refuses at twice; the warning is made an error below

# the formats Pillow may find behind each allowed type (a phone's JPEG with a depth map or a preview is MPO)
FORMATS = {"image/jpeg": {"JPEG", "MPO"}, "image/png": {"PNG"}, "image/webp": {"WEBP"},
           "image/heic": {"HEIF"}, "image/heif": {"HEIF"}}
IMAGE_TYPES = tuple(FORMATS)
SERVED_QUALITY = 82
THUMBNAIL_QUALITY = 75

EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4


@dataclass
class Photo:
    data: bytes            # the JPEG served
    thumbnail: bytes       # the JPEG of lists
    width: int
    height: int
    taken_at: dt.datetime | None
    lon: float | None
    lat: float | None


def process_photo(data: bytes, claimed: str) -> Photo:
    """The photo as served, its thumbnail and what its EXIF says; raises UploadRefused."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _opened(data, claimed)
        taken_at, lon, lat = exif_facts(image)
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many_pixels() from None
        except (OSError, ValueError, SyntaxError, EOFError) as exc:  # truncated or corrupt data
            raise undecodable(f"the image is truncated or corrupt ({exc})", "图片不完整或已损坏") from None
    upright = _rgb(ImageOps.exif_transpose(image))
    upright.thumbnail((SERVED_MAX_SIDE, SERVED_MAX_SIDE), Image.Resampling.LANCZOS)
    small = upright.copy()
    small.thumbnail((THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE), Image.Resampling.LANCZOS)
    return Photo(jpeg(upright, SERVED_QUALITY), jpeg(small, THUMBNAIL_QUALITY), upright.width, upright.height,
                 taken_at, lon, lat)


def _opened(data: bytes, claimed: str) -> Image.Image:
    """The image opened (its header read, nothing decoded yet), of a format the claimed type allows, within the
    pixel limit."""
    try:
        image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels() from None
    except UnidentifiedImageError:
        raise not_what_it_claims(claimed) from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise undecodable(f"the image header is broken ({exc})", "图片文件头已损坏") from None
    if image.format not in {f for formats in FORMATS.values() for f in formats}:
        raise not_what_it_claims(claimed)
    if image.width * image.height > MAX_PIXELS:
        raise too_many_pixels(image.width * image.height)
    return image


def _rgb(image: Image.Image) -> Image.Image:
    """Plain RGB for JPEG: transparency laid on white (a screenshot's PNG), other modes converted."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB") if image.mode != "RGB" else image


def jpeg(image: Image.Image, quality: int) -> bytes:
    """JPEG bytes with no metadata: the info (EXIF, XMP, ICC profile, comments) is dropped so that nothing of it
    reaches the encoder."""
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def exif_facts(image: Image.Image) -> tuple[dt.datetime | None, float | None, float | None]:
    """(taken_at, lon, lat) from the EXIF: DateTimeOriginal with its offset (China time when it has none), the GPS
    position in decimal degrees. Anything missing or malformed is None: a photo is not refused for its EXIF."""
    try:
        exif = image.getexif()
        details, gps = exif.get_ifd(EXIF_IFD), exif.get_ifd(GPS_IFD)
    except Exception:  # noqa: BLE001 (EXIF from any camera; bad EXIF only loses the facts)
        return None, None, None
    return _taken_at(details), _degrees(gps.get(GPS_LON), gps.get(GPS_LON_REF), "W", 180), \
        _degrees(gps.get(GPS_LAT), gps.get(GPS_LAT_REF), "S", 90)


def _taken_at(details) -> dt.datetime | None:
    text = details.get(DATETIME_ORIGINAL)
    if not isinstance(text, str):
        return None
    try:
        local = dt.datetime.strptime(text.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = details.get(OFFSET_TIME_ORIGINAL)
    try:
        zone = dt.datetime.strptime(offset.strip("\x00 "), "%z").tzinfo if isinstance(offset, str) else CHINA
    except ValueError:
        zone = CHINA
    return local.replace(tzinfo=zone)


def _degrees(value, ref, negative_ref: str, limit: float) -> float | None:
    """Degrees, minutes, seconds (EXIF rationals) as signed decimal degrees."""
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    if isinstance(ref, str) and ref.strip("\x00 ").upper() == negative_ref:
        degrees = -degrees
    return round(degrees, 7) if abs(degrees) <= limit and degrees == degrees else None

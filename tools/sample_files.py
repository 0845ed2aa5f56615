"""Files as phones and scanners make them, for the attachment tests and benchmarks: JPEG photos with EXIF (capture
time, GPS, orientation), a PNG decompression bomb that is small on disk, a PDF of blank pages."""
from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image
from pypdf import PdfWriter


def exif_of(taken: str | None = "2026:11:18 10:30:00", lon: float | None = 108.31, lat: float | None = 33.33,
            orientation: int | None = None, offset: str | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Wangge test camera"  # Make: something to strip besides the GPS
    if orientation:
        exif[0x0112] = orientation
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
        if offset:
            exif.get_ifd(0x8769)[0x9011] = offset
    if lon is not None and lat is not None:
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = ("N" if lat >= 0 else "S"), _dms(abs(lat))
        gps[3], gps[4] = ("E" if lon >= 0 else "W"), _dms(abs(lon))
    return exif


def _dms(degrees: float) -> tuple[float, float, float]:
    d = int(degrees)
    m = int((degrees - d) * 60)
    return float(d), float(m), round((degrees - d - m / 60) * 3600, 4)


def photo(width: int = 800, height: int = 600, *, noise: float = 0, texture: float = 0, quality: int = 90,
          fmt: str = "JPEG", exif: Image.Exif | None = None, seed: int = 1) -> bytes:
    """A photo: a colour gradient (left half red, so orientation shows), with sensor noise (per pixel) and texture
    (detail four pixels wide, which survives the downscale to 2048 px as a real scene's does) when asked."""
    x = np.linspace(0, 255, width, dtype=np.float32)
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
    pixels = np.empty((height, width, 3), dtype=np.float32)
    pixels[..., 0] = np.where(np.arange(width) < width / 2, 230, 40)
    pixels[..., 1] = (x + y) / 2
    pixels[..., 2] = y
    rng = np.random.default_rng(seed)
    if texture:
        coarse = rng.normal(128, texture, (max(1, height // 4), max(1, width // 4), 3))
        detail = Image.fromarray(np.clip(coarse, 0, 255).astype(np.uint8), "RGB").resize((width, height),
                                                                                     Image.Resampling.BICUBIC)
        pixels += np.asarray(detail, dtype=np.float32) - 128
    if noise:
        pixels += rng.normal(0, noise, pixels.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    out = io.BytesIO()
    kwargs = {"quality": quality} if fmt in ("JPEG", "WEBP", "HEIF") else {}
    if exif is not None:
        kwargs["exif"] = exif
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def phone_photo() -> bytes:
    """A typical phone photo: 4000 × 3000 (12 MP) with detail, sensor noise and EXIF, quality 95 (about 4 MB)."""
    return photo(4000, 3000, noise=3, texture=12, quality=95, exif=exif_of(orientation=1))


def png_bomb(side: int = 20000) -> bytes:
    """A side × side greyscale PNG of one colour: 400 MP for 20000, some 400 KB on disk (zlib's best ratio)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    packer = zlib.compressobj(9)
    row = b"\x00" * (side + 1)  # filter byte and the pixels
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)  # A4
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

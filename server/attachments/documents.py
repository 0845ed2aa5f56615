"""A PDF (a scanned mediation agreement 调解协议书) checked enough to be one: the %PDF- header, and pypdf finds its
pages. Stored and served byte for byte: re-encoding a signed scan would change what was signed."""
from __future__ import annotations

import io
import logging

from pypdf import PdfReader

from .errors import not_what_it_claims, undecodable

PDF = "application/pdf"

logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings on sloppy files are not ours to log


def check_pdf(data: bytes) -> int:
    """The number of pages; raises UploadRefused when it is no PDF or cannot be read."""
    if not data.startswith(b"%PDF-"):
        raise not_what_it_claims(PDF)
    try:
        pages = len(PdfReader(io.BytesIO(data)).pages)
    except Exception as exc:  # noqa: BLE001 (pypdf raises many kinds on a broken file; each means unreadable)
        raise undecodable(f"the PDF is damaged ({type(exc).__name__})", "PDF 文件已损坏") from None
    if pages < 1:
        raise undecodable("the PDF has no pages", "PDF 文件没有页面")
    return pages

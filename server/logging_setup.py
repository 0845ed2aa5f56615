"""Logging that never writes an ID or mobile number in full.

Masking happens where every log record is made (the record factory), so it covers the app's own
loggers, Werkzeug's and gunicorn's request lines, and anything a library logs."""
import logging
import re

from .privacy import mask_id_number, mask_phone

ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def mask_text(text: str) -> str:
    return MOBILE.sub(lambda m: mask_phone(m.group()), ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text))


def install() -> None:
    """Wrap the log record factory once per process."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "masks_personal_data", False):
        return

    def masking_factory(*args, **kwargs):
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed format string: leave it to the handler to report
            return record
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return record

    masking_factory.masks_personal_data = True
    logging.setLogRecordFactory(masking_factory)

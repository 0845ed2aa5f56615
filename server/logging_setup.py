"""Logging that never writes an ID or mobile number in full.

Masking happens where every log record is made (the record factory), so it covers the app's own
loggers, Werkzeug's and gunicorn's request lines, and anything a library logs."""
import logging

from .privacy import mask_personal_numbers as mask_text


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

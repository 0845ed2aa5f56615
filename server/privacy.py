"""Masking of personal data (ID and mobile numbers) for everyone who does not need to see them."""


def _mask(value, keep_head: int, keep_tail: int, expected_len: int):
    if not value:
        return value
    if len(value) != expected_len:
        return "*" * len(value)  # malformed: never show any of it
    return value[:keep_head] + "*" * (expected_len - keep_head - keep_tail) + value[-keep_tail:]


def mask_id_number(value):
    """'610923199001011234' → '6109**********1234'."""
    return _mask(value, 4, 4, 18)


def mask_phone(value):
    """'13812345678' → '138****5678'."""
    return _mask(value, 3, 4, 11)

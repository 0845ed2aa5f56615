"""Resident ID numbers (GB 11643-1999) and mainland mobile numbers: the checks the server and the seed share.

An ID number is 18 characters: a 6-digit region, the birth date YYYYMMDD, a 3-digit sequence and a check
character by ISO 7064 MOD 11-2 (0-9 or an upper-case X). Plain functions, no Flask: the seed imports them."""
from __future__ import annotations

import datetime as dt
import re

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
# re.ASCII so that full-width or other Unicode digits are rejected.
_ID_RE = re.compile(r"\d{17}[\dX]", re.ASCII)
MIN_BIRTH_YEAR, MAX_BIRTH_YEAR = 1900, 2030
MOBILE_RE = re.compile(r"1[3-9]\d{9}", re.ASCII)  # 11 digits: 1, a second digit 3-9, nine more


def id_check_digit(first17: str) -> str:
    """Check character for the first 17 digits of a resident ID number."""
    if not (isinstance(first17, str) and len(first17) == 17 and first17.isascii() and first17.isdigit()):
        raise ValueError(f"expected 17 ASCII digits, got {first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK_CHARS[total % 11]


def id_number_problem(s, today: dt.date | None = None) -> str | None:
    """What is wrong with an ID number: "format" (not 17 digits and a digit or X), "birth_date" (no such day, before
    1900, or after `today` when given, else after 2030) or "check_digit"; None when it is valid."""
    if not isinstance(s, str) or not _ID_RE.fullmatch(s):
        return "format"
    try:
        born = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return "birth_date"
    if not MIN_BIRTH_YEAR <= born.year <= MAX_BIRTH_YEAR or (today is not None and born > today):
        return "birth_date"
    return None if id_check_digit(s[:17]) == s[17] else "check_digit"


def is_valid_id_number(s) -> bool:
    """18 chars, real birth date (1900..2030), correct check char (uppercase X)."""
    return id_number_problem(s) is None


def is_valid_mobile(s) -> bool:
    """A mainland mobile number: 1[3-9] and nine more digits."""
    return isinstance(s, str) and MOBILE_RE.fullmatch(s) is not None

"""Masking of personal data (ID and mobile numbers) for everyone who does not need to see them, and the guard that
keeps them out of anything sent outside (server/notifications/outbox.py)."""
import re

# An ID number (18 characters, or the 15 digits of the legacy ones) or a mobile number anywhere in a text, however it is
# spelt: a mobile with the country code (+86, 0086, 86) and spaces or dashes between its groups (138-1234-5678). Bounded
# by any letter or digit, not only digits: a link's UUID may hold a run of digits beside a hex letter, which is no
# number. A cell's code is 15 digits too, and no pattern tells it from a legacy ID number: it is masked with them.
PERSONAL_NUMBER = re.compile(r"(?<![0-9A-Za-z+])(?:(?P<id>[0-9]{17}[0-9Xx]|[0-9]{15})"
                             r"|(?P<mobile>(?:(?:\+|00)?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}))(?![0-9A-Za-z])")


def mask_personal_numbers(text: str) -> str:
    """The text with every ID and mobile number in it masked as mask_id_number and mask_phone do (a mobile's country
    code and separators kept: '+86 138-****-5678')."""
    return PERSONAL_NUMBER.sub(_masked, text)


def _masked(match: re.Match) -> str:
    if match.group("id"):
        return mask_id_number(match.group())
    spelt = match.group()
    digits = [i for i, c in enumerate(spelt) if c.isdigit()][-11:]  # the mobile's own 11, after any country code
    hidden = set(digits[3:7])
    return "".join("*" if i in hidden else c for i, c in enumerate(spelt))


class PersonalDataError(ValueError):
    """A text about to leave the server carries an ID or a mobile number (the message says neither)."""


def refuse_personal_numbers(text: str) -> str:
    """The text, unless it carries an ID or a mobile number: then PersonalDataError, which does not repeat it."""
    if PERSONAL_NUMBER.search(text):
        raise PersonalDataError("an ID or mobile number in a text to be sent outside: refused")
    return text


def _mask(s: str | None, keep_head: int, keep_tail: int, min_len: int) -> str | None:
    if not s:
        return s
    if not isinstance(s, str):
        raise TypeError(f"expected str, got {type(s).__name__}")
    if len(s) < min_len:  # too short to mask safely: reveal nothing
        return "*" * len(s)
    return s[:keep_head] + "*" * (len(s) - keep_head - keep_tail) + s[-keep_tail:]


def mask_id_number(s: str | None) -> str | None:
    """'610923199001011234' -> '6109**********1234'. Values shorter than 15
    (the legacy ID length) become all asterisks; None / '' pass through."""
    return _mask(s, 4, 4, 15)


def mask_phone(s: str | None) -> str | None:
    """'13812345678' -> '138****5678'. Values shorter than 11 become all
    asterisks; None / '' pass through."""
    return _mask(s, 3, 4, 11)


def shown_phone(value: str | None) -> str | None:
    """A phone number as the current user may see it: whole for the roles that call households
    every day (their scope already limits whose), masked for everyone else."""
    from flask import g, has_request_context

    from .roles import PHONE_ROLES
    user = g.get("user") if has_request_context() else None
    return value if user is not None and user.role in PHONE_ROLES else mask_phone(value)

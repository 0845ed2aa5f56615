"""The ID and mobile number checks the server and the seed share (server/identity.py)."""
import datetime as dt

import pytest

from server.identity import id_check_digit, id_number_problem, is_valid_mobile


def valid(first17: str) -> str:
    return first17 + id_check_digit(first17)


@pytest.mark.parametrize("value, problem", [
    (valid("61092319800315003"), None),
    ("11010519491231002X", None),                       # the published example, check character X
    ("11010519491231002x", "format"),                   # lower-case x
    (valid("61092319800315003")[:-1], "format"),        # 17 characters
    ("６１０９２３１９８００３１５００３１", "format"),  # full-width digits
    (None, "format"),
    (valid("61092319900230001"), "birth_date"),         # 30 February
    (valid("61092318991231001"), "birth_date"),         # before 1900
    ("110105194912310021", "check_digit"),
])
def test_id_number_problems(value, problem):
    assert id_number_problem(value) == problem


def test_a_birth_after_today_is_refused_when_today_is_given():
    born_2026 = valid("61092320261201001")
    assert id_number_problem(born_2026) is None
    assert id_number_problem(born_2026, today=dt.date(2026, 11, 30)) == "birth_date"
    assert id_number_problem(born_2026, today=dt.date(2026, 12, 1)) is None


@pytest.mark.parametrize("value, ok", [("13912345678", True), ("19912345678", True), ("12912345678", False),
                                       ("1391234567", False), ("139123456789", False), ("1391234567a", False),
                                       ("１３９１２３４５６７８", False), (None, False)])
def test_mobile_numbers(value, ok):
    assert is_valid_mobile(value) is ok

import datetime as dt
import uuid

import pytest

from seed.writer import _copy_text


@pytest.mark.parametrize("value, text", [
    (None, r"\N"),
    (True, "t"),
    (3, "3"),
    ("a\tb\nc\\d", r"a\tb\nc\\d"),
    ([{"name": "李强"}], '[{"name": "李强"}]'),
    (dt.date(2026, 1, 2), "2026-01-02"),
    (dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.timezone.utc), "2026-01-02T03:04:00+00:00"),
    (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
])
def test_copy_text_format(value, text):
    assert _copy_text(value) == text


def test_copy_refuses_naive_times():
    with pytest.raises(ValueError, match="time zone"):
        _copy_text(dt.datetime(2026, 1, 2))

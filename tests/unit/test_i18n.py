import pytest

from server.i18n import bilingual, bilingual_errors


@pytest.mark.parametrize("english, chinese", [
    ("Missing data for required field.", "必填字段缺失"),
    ("Must be one of: red, orange.", "须为以下之一：red, orange"),
    ("Must be greater than or equal to 1 and less than or equal to 3.", "须在 1 到 3 之间"),
    ("Length must be 19.", "长度须为 19"),
    ("Not a valid aware datetime.", "时间须带时区（如 +08:00）"),
])
def test_marshmallow_messages_get_chinese(english, chinese):
    assert bilingual(english) == f"{english} / {chinese}"


def test_nested_errors_and_already_bilingual_messages():
    errors = {"json": {"items": {0: {"kind": ["Not a valid string."]}}, "x": ["a / 甲"]}}
    assert bilingual_errors(errors) == {"json": {"items": {"0": {"kind": ["Not a valid string. / 不是有效的文本"]}},
                                                 "x": ["a / 甲"]}}  # keys as JSON writes them anyway

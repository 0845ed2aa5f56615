"""Chinese for marshmallow's field messages, so every 422 names the field's problem in both languages; and a wait
said in both (a 429's "try again in ...")."""
import math
import re

# (English message pattern, Chinese template with the same groups)
FIELD_MESSAGES = [
    (r"Missing data for required field\.", "必填字段缺失"),
    (r"Field may not be null\.", "不能为空"),
    (r"Unknown field\.", "未知字段"),
    (r"Not a valid integer\.", "不是有效的整数"),
    (r"Not a valid number\.", "不是有效的数字"),
    (r"Not a valid string\.", "不是有效的文本"),
    (r"Not a valid boolean\.", "不是有效的布尔值"),
    (r"Not a valid UUID\.", "不是有效的 UUID"),
    (r"Not a valid date\.", "不是有效的日期（年-月-日）"),
    (r"Not a valid datetime\.", "不是有效的时间"),
    (r"Not a valid aware datetime\.", "时间须带时区（如 +08:00）"),
    (r"Not a valid list\.", "不是有效的列表"),
    (r"Not a valid mapping type\.", "不是有效的对象"),
    (r"Invalid input type\.", "输入类型无效"),
    (r"Must be one of: (.*)\.", r"须为以下之一：\1"),
    (r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\.", r"须在 \1 到 \2 之间"),
    (r"Must be greater than or equal to (\S+)\.", r"须不小于 \1"),
    (r"Must be less than or equal to (\S+)\.", r"须不大于 \1"),
    (r"Length must be between (\d+) and (\d+)\.", r"长度须在 \1 到 \2 之间"),
    (r"Shorter than minimum length (\d+)\.", r"长度不能少于 \1"),
    (r"Longer than maximum length (\d+)\.", r"长度不能超过 \1"),
    (r"Length must be (\d+)\.", r"长度须为 \1"),
    (r"String does not match expected pattern\.", "格式不正确"),
]
_COMPILED = [(re.compile(f"^{en}$"), zh) for en, zh in FIELD_MESSAGES]


def bilingual(message: str) -> str:
    """'Not a valid integer.' → 'Not a valid integer. / 不是有效的整数'; messages already bilingual stay."""
    if "/" in message:
        return message
    for pattern, zh in _COMPILED:
        if pattern.match(message):
            return f"{message} / {pattern.sub(zh, message)}"
    return message


def bilingual_errors(errors):
    """The same nested error structure with every message in both languages. Keys become text: a list field's errors
    are keyed by item index, and JSON (sorting its keys) cannot mix numbers with the names beside them."""
    if isinstance(errors, dict):
        return {str(key): bilingual_errors(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [bilingual_errors(value) for value in errors]
    return bilingual(errors) if isinstance(errors, str) else errors


def wait_in_words(seconds: int) -> tuple[str, str]:
    """A wait in English and Chinese: in seconds below a minute, in minutes below two hours, else in hours (rounded up,
    so the user never comes back too early)."""
    if seconds < 60:
        n, en, zh = seconds, "second", "秒"
    elif seconds < 7200:
        n, en, zh = math.ceil(seconds / 60), "minute", "分钟"
    else:
        n, en, zh = math.ceil(seconds / 3600), "hour", "小时"
    return f"{n} {en}{'' if n == 1 else 's'}", f"{n} {zh}"

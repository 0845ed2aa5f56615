"""JSON from outside bounded in depth (server/bounded_json.py): the API's bodies and the robots' answers."""
import pytest

from server.bounded_json import MAX_JSON_DEPTH, TooDeep, loads


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_as_deep_as_the_limit_is_read_and_one_level_more_is_refused():
    assert loads('{"a": ' + nested(MAX_JSON_DEPTH - 1) + "}")["a"] is not None
    for text in (nested(MAX_JSON_DEPTH + 1), '{"a": ' + nested(MAX_JSON_DEPTH) + "}", nested(100_000)):
        with pytest.raises(TooDeep, match=str(MAX_JSON_DEPTH)):
            loads(text)


def test_too_deep_is_a_decoding_error_to_its_callers():
    """The robots' sender reads a bad answer as ValueError ("not a robot's answer"), a deep one too."""
    with pytest.raises(ValueError):
        loads(nested(100_000).encode())

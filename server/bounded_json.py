"""JSON from outside, bounded in depth. Python's decoder recurses once per level and raises RecursionError (not a
decoding error, so a 500) near a thousand levels; bodies of that depth, or of a few hundred, are no client's. The
limit is far above any body of ours (a push's item → data → parties → a party is four levels)."""
from __future__ import annotations

import json

from .limits import MAX_JSON_DEPTH


class TooDeep(ValueError):
    """JSON nested deeper than MAX_JSON_DEPTH."""

    def __init__(self):
        super().__init__(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")


def loads(text: str | bytes):
    """json.loads, refusing (TooDeep) what is nested deeper than MAX_JSON_DEPTH."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise TooDeep() from None
    check_depth(value)
    return value


def check_depth(value) -> None:
    """Raises TooDeep when the decoded value is nested deeper than MAX_JSON_DEPTH. A walk of the containers only,
    without recursion: a push of 500 items is a few thousand of them."""
    stack = [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise TooDeep()
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))

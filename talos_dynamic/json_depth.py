"""JSON with a nesting limit: parsed without a RecursionError, refused past a depth the caller names.

Answers, logs and contract findings all parse JSON a server sent; whatever walks the parsed value afterwards
(validation, masking, results) recurses, so a value nested deeper than the limit is refused before any of them
sees it.
"""

from __future__ import annotations

import json
from gc import get_referents, is_tracked
from typing import Any

MAX_JSON_DEPTH = 100  # the default limit for JSON answers (`max_response_depth=`)
DEPTH_CEILING = 400  # the largest limit a client accepts: deeper values would exhaust Python's recursion limit


class JsonTooDeep(ValueError):
    """The JSON text nests deeper than the limit."""


def loads_bounded(data: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """json.loads, refusing (JsonTooDeep) a value nested deeper than `max_depth` levels."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise JsonTooDeep(f"nested deeper than {max_depth} levels") from None
    if deeper_than(value, max_depth):
        raise JsonTooDeep(f"nested deeper than {max_depth} levels")
    return value


def deeper_than(value: Any, limit: int) -> bool:
    """Whether a parsed JSON value (dicts, lists and atoms, nothing shared) nests deeper than `limit`.

    Level by level, without recursion: gc.get_referents lists a whole level's members at once, and only the
    containers the garbage collector tracks go down a level. CPython leaves a dict untracked while it holds
    no container (json.loads builds every leaf object that way), so the leaves, most of a document, are
    never visited one by one; the last level looks at every member, tracked or not."""
    level = [value] if type(value) is dict or type(value) is list else []
    if limit < 1:
        return bool(level)
    for _ in range(limit - 1):
        if not level:
            return False
        level = list(filter(is_tracked, get_referents(*level)))
    return any(type(member) is dict or type(member) is list for member in get_referents(*level))

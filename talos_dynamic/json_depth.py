"""JSON with a nesting limit: parsed without a RecursionError, refused past a depth the caller names.

Answers, logs and contract findings all parse JSON a server sent; whatever walks the parsed value afterwards
(validation, masking, results) recurses, so a value nested deeper than the limit is refused before any of them
sees it.
"""

from __future__ import annotations

import json
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
    """Whether a parsed JSON value nests deeper than `limit` (checked level by level, without recursion; only
    objects and arrays are visited)."""
    level = [value] if type(value) in _CONTAINERS else []
    depth = 1
    while level:
        if depth > limit:
            return True
        below = []
        for node in level:
            below += [child for child in (node.values() if type(node) is dict else node) if type(child) in _CONTAINERS]
        level, depth = below, depth + 1
    return False


_CONTAINERS = (dict, list)  # what json.loads builds

"""Arguments -> wire values, once: the value that is validated is the value that is serialized and sent.

A wire value is plain JSON (dict, list, str, int, float, bool, None). Python values that have an obvious
JSON form are converted here and nowhere else: a timezone-aware `datetime` -> RFC 3339 with `T` (a naive
one is taken as UTC, as botocore does), `date`/`time` -> ISO 8601, `UUID` -> str, `Decimal` -> a number
(or its text where the schema asks for a string), enums -> their value, `bytes` -> base64 (`format: byte`;
the text where the schema says `format: binary`), a `Result` or model -> its JSON, tuples and sets -> lists.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import enum
import sys
import uuid
from collections.abc import Mapping
from typing import Any

MAX_DEPTH = 100  # how deeply a value may nest: deeper (or a value that contains itself) is refused, not recursed


def to_wire(value: Any, schema: Any = None, depth: int = 0) -> Any:
    """The JSON form of an argument value. `schema` (an inlined schema dict, optional) refines the choices.

    Past MAX_DEPTH levels a value is left as it is, for wire_problems to name (a value that contains itself
    gets there too)."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None or depth > MAX_DEPTH:
        return value
    if isinstance(value, enum.Enum):
        return to_wire(value.value, schema, depth + 1)
    if isinstance(value, Mapping):
        properties = _member(schema, "properties")
        extra = _member(schema, "additionalProperties")
        return {
            str(k): to_wire(v, properties.get(k, extra) if isinstance(properties, dict) else extra, depth + 1)
            for k, v in value.items()
        }
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return to_json()
    if isinstance(value, list | tuple | set | frozenset):
        items = _member(schema, "items")
        return [to_wire(v, items, depth + 1) for v in value]
    if isinstance(value, datetime.datetime):
        offset = value.utcoffset()
        if offset is None:
            value = value.replace(tzinfo=datetime.UTC)
        elif offset % datetime.timedelta(minutes=1):
            # RFC 3339 offsets are whole minutes: an old local mean time such as +00:19:32 goes out in UTC
            value = value.astimezone(datetime.UTC)
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        huge = value.is_finite() and value.adjusted() > _digit_limit()  # 1E+999999: no int or text of its digits
        if _types(schema) & {"string"} and not _types(schema) & {"number", "integer"}:
            return str(value) if huge else format(value, "f")  # positional: 100, not 1E+2
        if not value.is_finite() or huge:
            return float("nan") if value.is_nan() else float(value)  # refused when encoded as JSON
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes | bytearray | memoryview):
        if _format(schema) == "binary":
            return bytes(value).decode("utf-8", "replace")
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, str):  # a str subclass (not an Enum)
        return str(value)
    if isinstance(value, int | float):
        return value
    return value  # anything else is left for the validator to name


def _digit_limit() -> int:
    """How many decimal digits an int may have and still be written as text (sys.set_int_max_str_digits)."""
    return sys.get_int_max_str_digits() or 10**9


def wire_problems(value: Any, limit: int = 10, max_depth: int = MAX_DEPTH) -> list[tuple[list[Any], str, str]]:
    """What makes a wire value impossible to send as JSON, checked before any schema sees it:
    (JSON path parts, rule, message) for text that is not valid Unicode (a lone surrogate such as U+D800,
    in a string or an object key), NaN and Infinity (no JSON number), an int with more digits than Python
    writes as text, a value with no JSON form (object(), complex, a function: to_wire has converted every
    value that has one), a value nested deeper than `max_depth` levels, or one that contains itself.
    Iterative, so any value can be checked."""
    found: list[tuple[list[Any], str, str]] = []
    digits = _digit_limit()
    open_ids: set[int] = set()
    stack: list[tuple[Any, list[Any], bool]] = [(value, [], False)]
    while stack and len(found) < limit:
        item, parts, leaving = stack.pop()
        if leaving:
            open_ids.discard(id(item))
        elif isinstance(item, str):
            if not _valid_text(item):
                found.append((parts, "unicode", "text with a lone surrogate is not valid Unicode and cannot be sent"))
        elif isinstance(item, int):
            if item.bit_length() > 3 * digits and abs(item) >= 10**digits:
                found.append((parts, "size", f"an integer of more than {digits} digits cannot be sent"))
        elif isinstance(item, float):
            if item != item or item in (float("inf"), float("-inf")):
                found.append((parts, "finite", "a number that is not finite (NaN, Infinity) cannot be sent as JSON"))
        elif item is None:
            pass
        elif not isinstance(item, dict | list | tuple):
            found.append((parts, "type", f"a {type(item).__name__} value has no JSON form"))
        elif id(item) in open_ids:
            found.append((parts, "cycle", "the value contains itself"))
        elif len(parts) >= max_depth:
            found.append((parts, "depth", f"the value nests deeper than {max_depth} levels"))
        else:
            open_ids.add(id(item))
            stack.append((item, parts, True))
            for key, member in item.items() if isinstance(item, dict) else enumerate(item):
                if isinstance(key, str) and not _valid_text(key):
                    found.append(([*parts, key], "unicode", "a key with a lone surrogate is not valid Unicode"))
                stack.append((member, [*parts, key], False))
    return found


def _valid_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _member(schema: Any, key: str, depth: int = 0) -> Any:
    """schema[key], or the first one found in its allOf/anyOf/oneOf branches (a few levels deep)."""
    if not isinstance(schema, dict):
        return None
    found = schema.get(key)
    if found is None and depth < 4:
        for combined in ("allOf", "anyOf", "oneOf"):
            branches = schema.get(combined)
            for branch in branches if isinstance(branches, list) else ():
                found = _member(branch, key, depth + 1)
                if found is not None:
                    return found
    return found


def _types(schema: Any) -> set[str]:
    if not isinstance(schema, dict):
        return set()
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    return set(declared) if isinstance(declared, list) else set()


def _format(schema: Any) -> str | None:
    value = schema.get("format") if isinstance(schema, dict) else None
    return value if isinstance(value, str) else None

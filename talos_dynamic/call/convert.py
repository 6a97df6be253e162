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
import uuid
from collections.abc import Mapping
from typing import Any


def to_wire(value: Any, schema: Any = None) -> Any:
    """The JSON form of an argument value. `schema` (an inlined schema dict, optional) refines the choices."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if isinstance(value, enum.Enum):
        return to_wire(value.value, schema)
    if isinstance(value, Mapping):
        properties = _member(schema, "properties")
        extra = _member(schema, "additionalProperties")
        return {
            str(k): to_wire(v, properties.get(k, extra) if isinstance(properties, dict) else extra)
            for k, v in value.items()
        }
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return to_json()
    if isinstance(value, list | tuple | set | frozenset):
        items = _member(schema, "items")
        return [to_wire(v, items) for v in value]
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
        if _types(schema) & {"string"} and not _types(schema) & {"number", "integer"}:
            return format(value, "f")  # positional: 100, not 1E+2
        if not value.is_finite():
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

"""Random valid values for plain JSON Schemas, drawn with a seeded random.Random: the positive phase's fast
engine.

A Hypothesis draw costs tens of microseconds per choice, so a request body of a dozen fields cost a
millisecond and more to draw, more than sending it to a local server. For the plain subset of JSON Schema
(types, properties, required, additionalProperties, items, sizes, bounds, enums, const, plain patterns and
the common formats) a value is drawn here in microseconds, with the biases that find bugs: the edges of
every size and bound, empty and long strings, characters servers mishandle. Anything beyond the subset
(allOf/anyOf/oneOf/not, uniqueItems, multipleOf, unknown formats, ...) is not plain, and the operation is
generated with Hypothesis as before. Failures are shrunk by shrinking.py.
"""

from __future__ import annotations

import base64
import copy
import math
import random
import string
import uuid
from typing import Any

from .pattern_strategy import ODD_CHARACTERS, lengths, pattern_plan, random_text

SIZE_KEYWORDS = {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"}
BOUND_KEYWORDS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
PLAIN_KEYWORDS = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "pattern", "format", "enum", "const"}
    | SIZE_KEYWORDS
    | BOUND_KEYWORDS
    | {"description", "title", "default", "examples"}
)
JSON_TYPES = frozenset({"string", "integer", "number", "boolean", "null", "array", "object"})
TEXT = string.ascii_letters + string.digits + " -_.~!*'()"
WORDS = ("alpha", "beta", "gamma", "delta", "user", "svc", "x", "key", "test")
UNBOUNDED_INTEGERS = (0, 1, -1, 2**31 - 1, -(2**31), 2**53 + 1, -(2**63))  # edges an unbounded integer tries
MAX_EXTRA = 20  # a size draws at most this many beyond its minimum in between the edges
MAX_EDGE = 64  # and its upper edge at most this many (a maxLength of 2**31 is not drawn whole)
PATTERN_TRIES = 50  # draws of a pattern until one fits the length limits too (the last ones at an extreme)


def _datetime(rng: random.Random) -> str:
    return f"{_date(rng)}T{_time(rng)}"


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1970, 2100):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _time(rng: random.Random) -> str:
    seconds = f"{rng.randint(0, 59):02d}" + (f".{rng.randint(0, 999999):06d}" if rng.random() < 0.3 else "")
    offset = "Z" if rng.random() < 0.7 else f"{rng.choice('+-')}{rng.randint(0, 14):02d}:{rng.choice((0, 30)):02d}"
    return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{seconds}{offset}"


FORMATS = {
    "date-time": _datetime,
    "date": _date,
    "time": _time,
    "uuid": lambda rng: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    "email": lambda rng: f"{rng.choice(WORDS)}{rng.randint(0, 99)}@{rng.choice(WORDS)}.example.com",
    "uri": lambda rng: f"https://{rng.choice(WORDS)}.example.com/{rng.choice(WORDS)}?q={rng.randint(0, 9)}",
    "url": lambda rng: f"https://{rng.choice(WORDS)}.example.com/{rng.choice(WORDS)}",
    "hostname": lambda rng: f"{rng.choice(WORDS)}{rng.randint(0, 9)}.example.com",
    "ipv4": lambda rng: ".".join(str(rng.randint(0, 255)) for _ in range(4)),
    "ipv6": lambda rng: ":".join(f"{rng.randint(0, 0xFFFF):x}" for _ in range(8)),
    "byte": lambda rng: base64.b64encode(rng.randbytes(rng.randint(0, 24))).decode(),
    "duration": lambda rng: "P{}DT{}H{}M{}S".format(*(rng.randint(0, 999) for _ in range(4))),
}
TEXT_FORMATS = frozenset({"password", "binary"})  # any text (within the lengths)
NUMBER_FORMATS = frozenset({"int32", "int64", "float", "double"})  # no check (json_schema() bounds int32/int64)


def plain(schema: Any) -> bool:
    """Whether RandomValues can draw valid values of a (bounded) JSON Schema."""
    if not isinstance(schema, dict) or not PLAIN_KEYWORDS.issuperset(schema):
        return False
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind is not None else _inferred(schema)
    if not kinds or not all(isinstance(k, str) and k in JSON_TYPES for k in kinds):
        return False
    if any(not _number(schema[key]) for key in BOUND_KEYWORDS & set(schema)):
        return False
    if any(not _count(schema[key]) for key in SIZE_KEYWORDS & set(schema)):
        return False
    if "enum" in schema and not (isinstance(schema["enum"], list) and schema["enum"]):
        return False
    if not _possible(schema, kinds):
        return False
    properties = schema.get("properties", {})
    if not isinstance(properties, dict) or not all(plain(value) for value in properties.values()):
        return False
    required = schema.get("required", [])
    if not isinstance(required, list) or not all(isinstance(name, str) for name in required):
        return False
    extra = schema.get("additionalProperties", True)
    if not (isinstance(extra, bool) or plain(extra)):
        return False
    return "items" not in schema or plain(schema["items"])


def _possible(schema: dict[str, Any], kinds: list[str]) -> bool:
    """Whether the generator meets the schema's format, pattern, lengths and bounds together (else Hypothesis,
    or nobody, can)."""
    if "const" in schema or "enum" in schema:
        return True
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    fmt, pattern = schema.get("format"), schema.get("pattern")
    if fmt is not None and fmt not in FORMATS and fmt not in TEXT_FORMATS and fmt not in NUMBER_FORMATS:
        return False
    if fmt in FORMATS and ("minLength" in schema or "maxLength" in schema):
        return False  # a date-time or a uuid has the length it has
    if pattern is not None:
        plan = pattern_plan(pattern) if isinstance(pattern, str) and fmt is None else None
        if plan is None:
            return False
        shortest, longest = lengths(plan)
        if longest < low or (high is not None and shortest > high):
            return False
    if high is not None and high < low:
        return False
    if kinds == ["integer"]:
        lowest, highest = _bounds(schema, integer=True)
        if lowest is not None and highest is not None and lowest > highest:
            return False
    if kinds == ["number"]:
        lowest, highest = _bounds(schema, integer=False)
        exclusive = "exclusiveMinimum" in schema or "exclusiveMaximum" in schema
        if lowest is not None and highest is not None and (lowest > highest or (exclusive and lowest >= highest)):
            return False
    return True


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


class RandomValues:
    """Draws values of plain schemas (see plain()) with one random.Random."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def value(self, schema: dict[str, Any]) -> Any:
        rng = self.rng
        if "const" in schema:
            return copy.deepcopy(schema["const"])
        if "enum" in schema:
            return copy.deepcopy(rng.choice(schema["enum"]))
        kind = schema.get("type")
        kinds = kind if isinstance(kind, list) else [kind] if kind is not None else _inferred(schema)
        chosen = rng.choice(kinds)
        if chosen == "string":
            return self.text(schema)
        if chosen == "integer":
            return self.integer(schema)
        if chosen == "number":
            return self.number(schema)
        if chosen == "boolean":
            return rng.random() < 0.5
        if chosen == "array":
            items = schema.get("items")
            size = self.size(schema, "minItems", "maxItems")
            return [self.value(items) if isinstance(items, dict) else self.scalar() for _ in range(size)]
        if chosen == "object":
            return self.object(schema)
        return None

    def size(self, schema: dict[str, Any], low_key: str, high_key: str) -> int:
        """A size within the schema's limits: often an edge, else anywhere in between."""
        low = schema.get(low_key, 0)
        high = schema.get(high_key, low + MAX_EXTRA)
        if high < low:
            return low
        roll = self.rng.random()
        if roll < 0.15:
            return low
        if roll < 0.25:
            return min(high, low + MAX_EDGE)
        return self.rng.randint(low, min(high, low + MAX_EXTRA))

    def text(self, schema: dict[str, Any]) -> str:
        rng = self.rng
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        pattern, fmt = schema.get("pattern"), schema.get("format")
        if pattern is not None:
            plan = pattern_plan(pattern)
            for attempt in range(PATTERN_TRIES):
                extreme = "" if attempt < PATTERN_TRIES - 2 else "short" if attempt == PATTERN_TRIES - 2 else "long"
                drawn = random_text(plan, rng, extreme)
                if low <= len(drawn) and (high is None or len(drawn) <= high):
                    break
            return drawn  # may still miss the lengths: the validator then refuses the call, drawn again
        if fmt in FORMATS:
            return FORMATS[fmt](rng)
        size = self.size(schema, "minLength", "maxLength")
        odd = rng.random() < 0.2  # now and then characters servers mishandle
        return "".join(rng.choice(ODD_CHARACTERS if odd and rng.random() < 0.3 else TEXT) for _ in range(size))

    def integer(self, schema: dict[str, Any]) -> int:
        low, high = _bounds(schema, integer=True)
        rng = self.rng
        if low is None and high is None:
            return rng.choice(UNBOUNDED_INTEGERS) if rng.random() < 0.3 else rng.randint(-1000, 1000)
        low = int(low) if low is not None else int(high) - 1000
        high = int(high) if high is not None else low + 1000
        roll = rng.random()
        return low if roll < 0.15 else high if roll < 0.3 else rng.randint(low, high)

    def number(self, schema: dict[str, Any]) -> float | int:
        low, high = _bounds(schema, integer=False)
        rng = self.rng
        if low is None and high is None:
            return rng.choice((0, 0.5, -1.25, 1e9, rng.uniform(-1000, 1000)))
        low = low if low is not None else high - 1000
        high = high if high is not None else low + 1000
        roll = rng.random()
        share = rng.random()
        value = low if roll < 0.15 else high if roll < 0.3 else low * (1 - share) + high * share  # never inf
        if ("exclusiveMinimum" in schema and value <= low) or ("exclusiveMaximum" in schema and value >= high):
            value = (low + high) / 2
        return value

    def object(self, schema: dict[str, Any]) -> dict[str, Any]:
        rng = self.rng
        properties = schema.get("properties", {})
        required = [name for name in schema.get("required", []) if isinstance(name, str)]
        extra = schema.get("additionalProperties", True)
        most = schema.get("maxProperties", len(properties) + len(required) + MAX_EXTRA)
        out: dict[str, Any] = {}
        for name in dict.fromkeys(required):  # in the schema's order: the same seed, the same object
            out[name] = self.value(properties[name]) if name in properties else self.extra_value(extra)
        optional = [name for name in properties if name not in out]
        for name in optional:
            if len(out) < most and rng.random() < 0.5:
                out[name] = self.value(properties[name])
        least = schema.get("minProperties", 0)
        for name in optional:  # as many more as minProperties asks
            if len(out) >= least:
                break
            if name not in out:
                out[name] = self.value(properties[name])
        if isinstance(extra, dict) and not properties:  # a free-form object
            wanted = self.size(schema, "minProperties", "maxProperties")
            for _ in range(wanted * 4):
                if len(out) >= wanted:
                    break
                out.setdefault(self.text({"minLength": 1, "maxLength": 12}), self.value(extra))
        for _ in range(least * 4):
            if len(out) >= least or extra is False:
                break
            name = self.text({"minLength": 1, "maxLength": 12})
            if name not in properties and name not in out:
                out[name] = self.extra_value(extra)
        return out

    def extra_value(self, extra: Any) -> Any:
        """A value for a property the schema does not describe (additionalProperties)."""
        return self.value(extra) if isinstance(extra, dict) else self.scalar()

    def scalar(self) -> Any:
        return self.value({"type": ["string", "integer", "boolean", "null"], "maxLength": 16})


def _inferred(schema: dict[str, Any]) -> list[str]:
    """The types a schema without `type` implies by its keywords (any scalar when none does)."""
    if {"properties", "required", "additionalProperties", "minProperties", "maxProperties"} & set(schema):
        return ["object"]
    if {"items", "minItems", "maxItems"} & set(schema):
        return ["array"]
    if {"pattern", "format", "minLength", "maxLength"} & set(schema):
        return ["string"]
    if BOUND_KEYWORDS & set(schema):
        return ["number"]
    return ["string", "integer", "boolean", "null"]


def _bounds(schema: dict[str, Any], integer: bool) -> tuple[float | None, float | None]:
    """The lowest and highest value allowed; for integers, the exclusive bounds' nearest integers inside."""
    low, high = schema.get("minimum"), schema.get("maximum")
    if "exclusiveMinimum" in schema:
        bound = math.floor(schema["exclusiveMinimum"]) + 1 if integer else schema["exclusiveMinimum"]
        low = bound if low is None else max(low, bound)
    if "exclusiveMaximum" in schema:
        bound = math.ceil(schema["exclusiveMaximum"]) - 1 if integer else schema["exclusiveMaximum"]
        high = bound if high is None else min(high, bound)
    if integer:
        low = None if low is None else math.ceil(low)
        high = None if high is None else math.floor(high)
    return low, high

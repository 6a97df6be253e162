"""Minimal valid example values generated from schemas: for call skeletons in docs and corpus walks."""

from __future__ import annotations

import math
import re
import weakref
from typing import Any

from ..call.validation import REQUEST, SchemaValidators
from ..errors import SpecError
from ..spec.refs import Located, Resolver
from ..spec.schemas import collect_object, first_non_null
from .regex_sample import regex_sample

FORMAT_SAMPLES = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "AA==",
    "binary": "",
    "duration": "P1D",
}
PATTERN_CANDIDATES = ("string", "a", "1", "abc", "A1", "abc123", "1h", "2024-01-01", "a-b", "1.0.0", "0", "x_y")


def sample(
    resolver: Resolver, schema: Located | None, depth: int = 0, seen: frozenset[str] = frozenset(), fill: bool = False
) -> Any:
    """A small value that satisfies the schema (examples and defaults first, then the simplest value).

    With fill=True (for parameters), arrays get at least one item and objects at least one property, so
    that every serialization style has something to show.
    """
    if schema is None:
        return "string"
    schema = resolver.resolve(schema)
    value = schema.value
    if value is True or not isinstance(value, dict):
        return "string"
    if "const" in value:
        return value["const"]
    examples = value.get("examples") if isinstance(value.get("examples"), list) else []
    for candidate in (value.get("default"), value.get("example"), *examples):
        if candidate is not None and _acceptable(candidate, value):
            if isinstance(candidate, str) and "format" in value and not valid_sample(resolver, schema, candidate):
                continue  # an example that breaks its own format (a path given as a "uri")
            return candidate
    if isinstance(value.get("enum"), list) and value["enum"]:
        return next((v for v in value["enum"] if v is not None), value["enum"][0])
    if schema.ref in seen or depth > 8:
        return None if _nullable(value) else _empty(_type_of(value))
    seen = seen | {schema.ref}
    for key in ("allOf", "oneOf", "anyOf"):
        members = schema.get(key)
        if members is not None and isinstance(members.value, list) and members.value:
            if key == "allOf":
                return _merge_all_of(resolver, schema, members, depth, seen, fill)
            if isinstance(value.get("discriminator"), dict) and key != "allOf":
                return _discriminated(resolver, schema, members, depth, seen, fill)
            branch = first_non_null(resolver, members)
            if _objectish(value):
                found = _object(resolver, schema, depth, seen, fill)
            else:
                found = sample(resolver, branch, depth + 1, seen, fill)
            if key == "oneOf" and not valid_sample(resolver, schema, found):
                return _one_branch(resolver, schema, members, depth, seen, fill, found)
            return found
    kind = _type_of(value)
    if kind == "object" or (kind is None and "properties" in value):
        return _object(resolver, schema, depth, seen, fill)
    if kind == "array":
        count = max(_count(value, "minItems"), 1 if fill else 0)
        items = [sample(resolver, schema.get("items"), depth + 1, seen, fill) for _ in range(count)]
        if value.get("uniqueItems") is True and count > 1:
            return _distinct(resolver, schema.get("items"), items[0], count)
        return items
    if kind == "integer":
        number = _number(value, 0)
        return int(number) if math.isfinite(number) else 0
    if kind == "number":
        return float(_number(value, 0))
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return _string(value)


def _one_branch(
    resolver: Resolver,
    schema: Located,
    members: Located,
    depth: int,
    seen: frozenset[str],
    fill: bool,
    fallback: Any,
) -> Any:
    """A oneOf value that matches exactly one branch: each branch's sample, then a fuller one (an array
    with an item, an object with a property), merged into the object around it; else `fallback`."""
    around = _object(resolver, schema, depth, seen, fill) if _objectish(schema.value) else None
    for index in range(len(members.value)):
        for fuller in dict.fromkeys((fill, True)):
            found = sample(resolver, members.child(index), depth + 1, seen, fuller)
            if isinstance(around, dict) and isinstance(found, dict):
                found = {**around, **found}
            if valid_sample(resolver, schema, found):
                return found
    return fallback


def _distinct(resolver: Resolver, items: Located | None, first: Any, count: int) -> list[Any]:
    """`count` different values for an array with uniqueItems, each valid for its items schema."""
    found = [first]
    candidates = [*_enum_values(resolver, items), *(_variant(first, i) for i in range(1, 4 * count + 8))]
    for candidate in candidates:
        if len(found) >= count:
            break
        if (
            candidate is not None
            and candidate not in found
            and (items is None or valid_sample(resolver, items, candidate))
        ):
            found.append(candidate)
    return found + [first] * (count - len(found))


def _enum_values(resolver: Resolver, items: Located | None) -> list[Any]:
    value = resolver.resolve(items).value if items is not None else None
    enum = value.get("enum") if isinstance(value, dict) else None
    return list(enum) if isinstance(enum, list) else []


def _variant(value: Any, index: int) -> Any:
    """Another value shaped like `value` (for the index-th try)."""
    if isinstance(value, bool):
        return not value if index == 1 else None
    if isinstance(value, int | float):
        return value + index
    if isinstance(value, str):
        return f"{value}{index}" if index % 2 else str(index // 2) + value
    if isinstance(value, list):
        return [_variant(value[0], index), *value[1:]] if value else [None] if index == 1 else None
    if isinstance(value, dict) and value:
        key = next(iter(value))
        return {**value, key: _variant(value[key], index)}
    return None


def _type_of(value: dict[str, Any]) -> str | None:
    kind = value.get("type")
    if isinstance(kind, list):
        non_null = [k for k in kind if k != "null"]
        kind = non_null[0] if non_null else "null"
    return kind if isinstance(kind, str) else None


def _count(value: dict[str, Any], key: str, cap: int = 64) -> int:
    """A minLength/minItems-like bound as a small int (0 when it is not a usable number)."""
    bound = value.get(key)
    if isinstance(bound, bool) or not isinstance(bound, int | float) or not bound >= 0:
        return 0
    return int(min(bound, cap))


def _nullable(value: dict[str, Any]) -> bool:
    kind = value.get("type")
    return value.get("nullable") is True or (isinstance(kind, list) and "null" in kind)


def _empty(kind: str | None) -> Any:
    return {"object": {}, "array": [], "integer": 0, "number": 0.0, "boolean": False}.get(kind or "", "string")


def _discriminated(
    resolver: Resolver, schema: Located, members: Located, depth: int, seen: frozenset[str], fill: bool = False
) -> Any:
    """A oneOf/anyOf value whose discriminator property names the branch it was built from."""
    discriminator = schema.value["discriminator"]
    prop = discriminator.get("propertyName")
    mapping = discriminator.get("mapping") if isinstance(discriminator.get("mapping"), dict) else {}
    mapping = {k: v for k, v in mapping.items() if isinstance(v, str)}
    if mapping:
        key, target = next(iter(mapping.items()))
        target = target if "#" in target or "/" in target else f"#/components/schemas/{target}"
        branch = resolver.lookup(target, schema)
    else:
        branch = members.child(0)
        ref = branch.value.get("$ref") if isinstance(branch.value, dict) else None
        key = ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None
    out = sample(resolver, branch, depth + 1, seen, fill)
    if isinstance(out, dict) and isinstance(prop, str) and key is not None:
        out[prop] = key
    return out


def _merge_all_of(
    resolver: Resolver, schema: Located, members: Located, depth: int, seen: frozenset[str], fill: bool = False
) -> Any:
    resolved = [resolver.resolve(members.child(i)).value for i in range(len(members.value))]
    # "required" beside an array type says nothing about the value: an explicit type decides
    kinds = {_type_of(m) for m in [schema.value, *resolved] if isinstance(m, dict)} - {None}
    if any(_objectish(m) for m in [schema.value, *resolved]) and (not kinds or "object" in kinds):
        return _object(resolver, schema, depth, seen, fill)
    parts = [sample(resolver, members.child(i), depth + 1, seen, fill) for i in range(len(members.value))]
    if kinds:  # the sample of a member that declares the type
        typed = [p for p, m in zip(parts, resolved, strict=True) if isinstance(m, dict) and _type_of(m) in kinds]
        parts = typed or parts
    return next((p for p in parts if p not in (None, "string")), parts[0])


def _objectish(value: Any) -> bool:
    return isinstance(value, dict) and bool({"properties", "required"} & value.keys() or value.get("type") == "object")


def full_object(resolver: Resolver, schema: Located, fill: bool = False) -> Any:
    """A sample of an object schema with every property a request may carry (readOnly ones left out, and
    any whose sample would make the whole invalid, say a property of another oneOf branch)."""
    base = sample(resolver, schema, fill=fill)
    if not isinstance(base, dict):
        return base
    every = _object(resolver, resolver.resolve(schema), 0, frozenset(), fill, every=True)
    full = {**every, **base}
    if full == base or valid_sample(resolver, schema, full):
        return full
    for name, value in every.items():
        if name not in base and valid_sample(resolver, schema, {**base, name: value}):
            base[name] = value
    return base


def _object(
    resolver: Resolver, schema: Located, depth: int, seen: frozenset[str], fill: bool = False, every: bool = False
) -> dict[str, Any]:
    """The required properties of an object schema (allOf merged; one oneOf/anyOf branch taken); with
    every=True, all of its properties."""
    props, required = collect_object(resolver, schema, first_branch=True)
    out = {}
    for name in dict.fromkeys([*required, *(props if every else ())]):
        schemas = props.get(name, [])
        if any(_read_only(resolver, s) for s in schemas):
            continue
        out[name] = _sample_all(resolver, schemas, depth, seen, fill)
    minimum = max(_count(schema.value, "minProperties"), 1 if fill else 0)
    for name, schemas in props.items():
        if len(out) >= minimum:
            break
        out.setdefault(name, _sample_all(resolver, schemas, depth, seen, fill))
    return out


def _read_only(resolver: Resolver, schema: Located, depth: int = 0) -> bool:
    """readOnly: true on the schema or on one of its allOf members."""
    node = resolver.resolve(schema)
    if not isinstance(node.value, dict):
        return False
    if node.value.get("readOnly") is True:
        return True
    members = node.get("allOf")
    if depth > 4 or members is None or not isinstance(members.value, list):
        return False
    return any(_read_only(resolver, members.child(i), depth + 1) for i in range(len(members.value)))


def _sample_all(
    resolver: Resolver, schemas: list[Located], depth: int, seen: frozenset[str], fill: bool = False
) -> Any:
    """A value for a property that several allOf members describe: it must satisfy all of them."""
    if len(schemas) <= 1:
        return sample(resolver, schemas[0] if schemas else None, depth + 1, seen, fill)
    combined = {"allOf": [{"$ref": s.ref} for s in schemas]}
    return sample(
        resolver, Located(combined, schemas[0].uri, schemas[0].pointer + "/(combined)"), depth + 1, seen, fill
    )


def _acceptable(candidate: Any, value: dict[str, Any]) -> bool:
    """Whether an example or default honours the schema's simple constraints (specs' examples often do not)."""
    if isinstance(value.get("enum"), list) and candidate not in value["enum"]:
        return False
    if (_objectish(value) or "allOf" in value) and not isinstance(candidate, dict):
        return False
    if isinstance(candidate, str):
        if _type_of(value) not in (None, "string"):
            return False
        pattern = value.get("pattern")
        try:
            if isinstance(pattern, str) and not re.search(pattern, candidate):
                return False
        except (re.error, RecursionError, OverflowError, ValueError):
            return False
        high = value.get("maxLength")
        high = high if isinstance(high, int | float) and not isinstance(high, bool) else len(candidate)
        return _count(value, "minLength", cap=len(candidate) + 1) <= len(candidate) <= high
    kind = _type_of(value)
    if kind in ("integer", "number"):
        return isinstance(candidate, int | float) and not isinstance(candidate, bool)
    if kind == "string":
        return False
    return not (kind == "array" and not isinstance(candidate, list)) and not (
        kind == "object" and not isinstance(candidate, dict)
    )


def _number(value: dict[str, Any], fallback: float) -> float:
    low, high = (_finite(value.get(key)) for key in ("minimum", "maximum"))
    if _finite(value.get("exclusiveMinimum")) is not None:
        low = value["exclusiveMinimum"] + (1 if value.get("type") == "integer" else 0.5)
    elif value.get("exclusiveMinimum") is True and isinstance(low, int | float):
        low = low + 1
    number = low if isinstance(low, int | float) else fallback
    if isinstance(high, int | float) and number > high:
        number = high
    step = _finite(value.get("multipleOf"))
    if step is not None and step > 0 and number % step:
        number = (number // step + 1) * step
    return number


def _finite(value: Any) -> float | None:
    """A bound that is a finite number, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def _string(value: dict[str, Any]) -> str:
    text = FORMAT_SAMPLES.get(value.get("format") if isinstance(value.get("format"), str) else "", "string")
    low = _count(value, "minLength", cap=4096)
    high = value.get("maxLength")
    if len(text) < low:
        text = text + "x" * (low - len(text))
    if isinstance(high, int) and len(text) > high:
        text = text[:high]
    pattern = value.get("pattern")
    if isinstance(pattern, str):
        candidates = (text, regex_sample(pattern), *PATTERN_CANDIDATES)
        return next((c for c in candidates if c is not None and _acceptable(c, value)), text)
    return text


class _SpecView:
    """What SchemaValidators reads of a Spec, for checking samples where only the resolver is at hand."""

    document: dict[str, Any] = {}  # implicit discriminator mappings are made absolute when inlined

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.store = resolver.store

    @property
    def is_31(self) -> bool:
        return bool(self.store.schema_ids)


_VALIDATORS: weakref.WeakKeyDictionary[Resolver, SchemaValidators] = weakref.WeakKeyDictionary()


def valid_sample(resolver: Resolver, schema: Located, value: Any) -> bool:
    """Whether a request value satisfies the schema, as the client will check it (a schema the check
    cannot use counts as satisfied: the call reports it)."""
    validators = _VALIDATORS.get(resolver)
    if validators is None:
        validators = _VALIDATORS[resolver] = SchemaValidators(_SpecView(resolver))  # type: ignore[arg-type]
    try:
        return not validators.check(schema, value, REQUEST, "body")
    except SpecError:
        return True

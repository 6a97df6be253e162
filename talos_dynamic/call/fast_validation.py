"""The fast path of validation: a compiled jsonschema-rs validator that only answers "valid or not".

An OpenAPI schema (its $refs already inlined) is translated to plain JSON Schema for one direction, so that
jsonschema-rs reaches the verdict openapi-schema-validator would: nullable becomes a "null" type; a readOnly
property is refused in requests and not required there, writeOnly likewise in responses (not at the value's
own root, which validation.py never reports); a discriminator sends the value to the schema its mapping
names; int32/int64 become bounds; every other format, `pattern` and `multipleOf` are checked by the same
Python functions the slow path uses (Python's `re`, Python's float division), and OpenAPI 3.0 ignores the
keywords it does not define. A schema the translation cannot render exactly gets no fast path: it is always
checked by the slow path. When the fast path says "invalid" (or cannot read the value), validation.py asks
jsonschema for the detailed violations; the differential test holds the two to the same verdicts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

REQUEST, RESPONSE, PARAMETER = "request", "response", "parameter"

# the keywords each validator applies (OpenAPI 3.0: openapi-schema-validator's OAS30Validator; 3.1: draft
# 2020-12); any other keyword asserts nothing there, so the translation drops it
OAS30_KEYWORDS = frozenset(
    [
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "maxProperties",
        "minProperties",
        "enum",
        "type",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "items",
        "properties",
        "required",
        "additionalProperties",
        "format",
    ]
)
OAS31_KEYWORDS = frozenset(
    [
        "type",
        "enum",
        "const",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "contains",
        "maxContains",
        "minContains",
        "maxProperties",
        "minProperties",
        "required",
        "dependentRequired",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "dependentSchemas",
        "prefixItems",
        "items",
        "properties",
        "patternProperties",
        "additionalProperties",
        "propertyNames",
        "format",
    ]
)
# 3.1 keywords the translation does not render exactly: a schema with any of them keeps the slow path only
UNSUPPORTED_31 = frozenset({"unevaluatedProperties", "unevaluatedItems", "$schema", "$dynamicRef", "$id"})
# keywords whose value is schemas: (kind, whether it applies to the same value, as allOf does)
ONE_SCHEMA = {"not": False, "if": False, "then": True, "else": True, "items": False, "contains": False}
ONE_SCHEMA |= {"additionalProperties": False, "propertyNames": False}
SCHEMA_LIST = {"allOf": True, "anyOf": False, "oneOf": False, "prefixItems": False}
SCHEMA_MAP = {"properties": False, "patternProperties": False, "dependentSchemas": True}
INTEGER_BOUNDS = {"int32": 2**31, "int64": 2**63}
# jsonschema's date-time check (rfc3339-validator: this pattern on the upper-cased text, then a real day of
# its month), rendered for jsonschema-rs: the same pattern with ASCII classes, year 0000 excluded, and
# jsonschema-rs's own date-time for the day (it is stricter on leap seconds, which only sends such a value
# to the slow path)
RFC3339 = (
    r"^(?!0000)[0-9]{4}-(0[1-9]|1[0-2])-[0-9]{2}[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?"
    r"([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
DEFS = "definitions"


class Unsupported(Exception):
    """The schema uses something the fast path does not render exactly."""


class Translation:
    """Renders one inlined schema, for one direction, as plain JSON Schema plus the Python checks it calls.

    `at_root` follows whether a schema applies to the value's root (through allOf, then/else, a
    discriminator's target): validation.py drops a readOnly/writeOnly error there, so it is not rendered.
    A schema that reaches itself becomes a local reference; any other shared schema is rendered once.
    """

    def __init__(
        self, is_31: bool, direction: str, format_checker: Callable[[], Any], target: Callable[[str], Any]
    ) -> None:
        self.is_31 = is_31
        self.keywords = OAS31_KEYWORDS if is_31 else OAS30_KEYWORDS
        self.direction = direction
        self.format_checker = format_checker
        self.target = target  # discriminator mapping URI -> inlined schema (None when it does not resolve)
        self.formats: dict[str, Callable[[str], bool]] = {}
        self._defs: dict[str, Any] = {}
        self._names: dict[tuple[int, bool], str] = {}
        self._done: dict[tuple[int, bool], dict[str, Any]] = {}
        self._active: set[tuple[int, bool]] = set()
        self.exact = True  # False once a part is rendered whose "invalid" only means "ask the slow path"

    def render(self, schema: Any) -> Any:
        """The whole JSON Schema document: each schema reached more than once (or from itself) is rendered once,
        under the document's definitions, and referred to from every place it is used."""
        rendered = self._schema(schema, True)
        return {"allOf": [rendered], DEFS: self._defs} if self._defs else rendered

    def _schema(self, schema: Any, at_root: bool) -> Any:
        if isinstance(schema, bool) and self.is_31:
            return schema
        if not isinstance(schema, dict):
            raise Unsupported("not a schema")
        key = (id(schema), at_root)
        holder = self._done.get(key)
        if holder is not None:  # seen before: shared (or, while still being rendered, recursive)
            if key not in self._names:
                self._names[key] = f"s{len(self._names)}"
                if key not in self._active:
                    self._hoist(key, holder)
            return {"$ref": f"#/{DEFS}/{self._names[key]}"}
        holder = self._done[key] = {}
        self._active.add(key)
        try:
            holder.update(self._object(schema, at_root))
        finally:
            self._active.discard(key)
        if key in self._names:
            self._hoist(key, holder)
        return holder

    def _hoist(self, key: tuple[int, bool], holder: dict[str, Any]) -> None:
        """Move a rendered schema to the definitions; the place it was first rendered refers to it there."""
        name = self._names[key]
        self._defs[name] = dict(holder)
        holder.clear()
        holder["$ref"] = f"#/{DEFS}/{name}"

    def _object(self, schema: dict[str, Any], at_root: bool) -> dict[str, Any]:
        if self.is_31 and UNSUPPORTED_31.intersection(schema):
            raise Unsupported("3.1 keywords rendered only by the slow path")
        if not self.is_31 and "patternProperties" in schema and "additionalProperties" in schema:
            raise Unsupported("3.0 additionalProperties reads patternProperties, which 3.0 does not apply")
        discriminated = isinstance(schema.get("discriminator"), dict) and any(
            k in schema for k in ("allOf", "anyOf", "oneOf")
        )
        out: dict[str, Any] = {}
        extra: list[Any] = []  # conditions added through allOf
        for key, value in schema.items():
            if key not in self.keywords or (discriminated and key in ("allOf", "anyOf", "oneOf")):
                continue
            if key == "type":
                out[key] = self._type(schema, value)
            elif key == "required" and isinstance(value, list):
                out[key] = self._required(schema, value)
            elif key == "format":
                extra += self._format(value)
            elif key == "pattern":
                extra.append(self._pattern(value))
            elif key == "multipleOf":
                extra.append(self._multiple_of(value))
            elif key in ONE_SCHEMA and not (key == "additionalProperties" and isinstance(value, bool)):
                out[key] = self._schema(value, at_root and ONE_SCHEMA[key])
            elif key in SCHEMA_LIST and isinstance(value, list):
                out[key] = [self._schema(member, at_root and SCHEMA_LIST[key]) for member in value]
            elif key in SCHEMA_MAP and isinstance(value, dict):
                out[key] = {name: self._schema(member, at_root and SCHEMA_MAP[key]) for name, member in value.items()}
            else:
                out[key] = value
        if discriminated:
            extra.append(self._discriminator(schema["discriminator"], at_root))
        if self._forbidden(schema) and not at_root:
            extra.append({"not": {}})  # readOnly in a request, writeOnly in a response: never allowed there
        if extra:
            out["allOf"] = [*out.get("allOf", []), *extra]
        return out

    def _forbidden(self, schema: dict[str, Any]) -> bool:
        if self.direction == REQUEST:
            return bool(schema.get("readOnly"))
        if self.direction == RESPONSE:
            return bool(schema.get("writeOnly"))
        return False

    def _type(self, schema: dict[str, Any], value: Any) -> Any:
        if self.is_31 or schema.get("nullable") is not True or not isinstance(value, str):
            return value
        return [value, "null"]

    def _required(self, schema: dict[str, Any], names: list[Any]) -> list[Any]:
        """The required names, less the properties this direction does not ask for."""
        properties = schema.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        kept = []
        for name in names:
            member = properties.get(name) if isinstance(name, str) else None
            if isinstance(member, dict) and member:
                read_only, write_only = member.get("readOnly", False), member.get("writeOnly", False)
                if self.direction == REQUEST and read_only:
                    continue
                if self.direction == RESPONSE and write_only:
                    continue
                if self.direction == PARAMETER and not self.is_31 and (read_only or write_only):
                    continue
            kept.append(name)
        return kept

    def _format(self, name: Any) -> list[Any]:
        if not isinstance(name, str) or name in ("float", "double", "password", "binary"):
            return []  # true of every JSON value (openapi-schema-validator's checks; 3.1 has no binary check)
        if name in INTEGER_BOUNDS:  # openapi-schema-validator's int32/int64: the bounds, on integers only
            bound = INTEGER_BOUNDS[name]
            return [{"anyOf": [{"not": {"type": "integer"}}, {"minimum": -bound, "maximum": bound - 1}]}]
        if name == "date-time" and rfc3339_checked():
            return [{"format": "date-time", "pattern": RFC3339}]
        label = f"talos:{name}"
        if label not in self.formats:  # the slow path's own check, loaded when a value first needs it
            checker = self.format_checker
            self.formats[label] = lambda text, name=name: checker().conforms(text, name)
        return [{"format": label}]

    def _pattern(self, pattern: Any) -> Any:
        if not isinstance(pattern, str):
            return {}
        label = f"talos:pattern:{pattern}"
        if label not in self.formats:
            self.formats[label] = python_pattern(pattern)
            self.exact = self.exact and compiles(pattern)
        return {"format": label}

    @staticmethod
    def _multiple_of(divisor: Any) -> Any:
        if isinstance(divisor, int) and not isinstance(divisor, bool):
            return {"multipleOf": divisor}  # integers: exact in both
        return {"talos-multipleOf": divisor}

    def _discriminator(self, discriminator: dict[str, Any], at_root: bool) -> Any:
        """The value's discriminating property picks the schema it must match (as openapi-schema-validator
        does); a value the mapping does not name is left to the slow path (the fast verdict is "invalid")."""
        self.exact = False
        name = discriminator.get("propertyName")
        mapping = discriminator.get("mapping")
        if not isinstance(name, str) or not isinstance(mapping, dict):
            raise Unsupported("a discriminator without propertyName or mapping")
        branches = []
        for value, uri in mapping.items():
            target = self.target(uri) if isinstance(uri, str) else None
            if target is None or not value:
                continue
            rendered = self._schema(target, at_root)
            branches.append({"properties": {name: {"enum": [value]}}, "required": [name], "allOf": [rendered]})
        return {"type": "object", "anyOf": branches or [{"not": {}}]}


class MultipleOf:
    """jsonschema's multipleOf, in Python: a float divisor divides as Python floats do."""

    def __init__(self, parent_schema: dict[str, Any], value: Any, schema_path: list[Any]) -> None:
        self.divisor = value

    def validate(self, instance: Any) -> None:
        divisor = self.divisor
        if isinstance(instance, bool) or not isinstance(instance, int | float):
            return
        if isinstance(divisor, float):
            quotient = instance / divisor
            try:
                failed = int(quotient) != quotient
            except OverflowError:
                failed = True  # jsonschema's reading of an infinite quotient
        else:
            failed = bool(instance % divisor)
        if failed:
            raise ValueError(f"{instance!r} is not a multiple of {divisor!r}")


@functools.cache
def rfc3339_checked() -> bool:
    """Whether jsonschema checks date-time with rfc3339-validator (it does whenever that is installed)."""
    try:
        import rfc3339_validator  # noqa: F401
    except ImportError:
        return False
    return True


def compiles(pattern: str) -> bool:
    """Whether Python's re compiles the pattern."""
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return False
    return True


def python_pattern(pattern: str) -> Callable[[str], bool]:
    """A pattern as validation.py's `pattern` keyword reads it: Python's re.search. A pattern re cannot
    compile answers "invalid", so the slow path decides (it skips the pattern and says so once)."""
    try:
        compiled = re.compile(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return lambda text: False
    return lambda text: compiled.search(text) is not None


def compile_fast(
    schema: Any, direction: str, is_31: bool, format_checker: Callable[[], Any], target: Callable[[str], Any]
) -> tuple[Callable[[Any], bool], bool] | None:
    """A function value -> True when valid (False or an exception: ask the slow path), and whether its False
    is exact (no discriminator, no pattern Python cannot compile: the slow path would say "invalid" too);
    None when this schema has no fast path (jsonschema-rs missing, or the schema uses what the translation
    does not render)."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    translation = Translation(is_31, direction, format_checker, target)
    try:
        rendered = translation.render(schema)
    except (Unsupported, RecursionError):
        return None
    cls = jsonschema_rs.Draft202012Validator if is_31 else jsonschema_rs.Draft4Validator
    try:
        validator = cls(
            rendered,
            formats=translation.formats,
            validate_formats=True,
            ignore_unknown_formats=True,
            keywords={"talos-multipleOf": MultipleOf},
        )
    except Exception:  # a schema jsonschema-rs refuses (an ECMA-only construct, say): the slow path only
        return None
    return validator.is_valid, translation.exact

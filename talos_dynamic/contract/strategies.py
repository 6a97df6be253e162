"""Valid request arguments from an operation's schemas: Hypothesis strategies, spec examples and boundaries.

An OpenAPI schema is first turned into plain JSON Schema (nullable, readOnly, the 3.0 boolean
exclusiveMinimum, integer formats as bounds), then hypothesis-jsonschema builds the strategy. The
explicit values (examples, then boundaries) are plain dicts of keyword arguments, tried before any
random case.
"""

from __future__ import annotations

import base64
import copy
from dataclasses import dataclass
from typing import Any

from ..call.arguments import ArgumentTable
from ..explore.samples import FORMAT_SAMPLES, sample
from ..spec.operations import Operation, Parameter

INT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
OAS_ONLY = ("nullable", "discriminator", "xml", "externalDocs", "example", "deprecated", "readOnly", "writeOnly")
HEADER_TEXT = r"\A[!-~]([ -~]{0,30}[!-~])?\Z"  # printable ASCII, no edge spaces: what a header can carry
MAX_ENUM_VALUES = 8


@dataclass(frozen=True)
class ArgumentSchema:
    """One keyword argument (a parameter, or `body`) with the JSON Schema its value must satisfy."""

    name: str  # the keyword: a parameter's Python name, or "body"
    schema: dict[str, Any]
    required: bool
    location: str  # path, query, header, cookie, body
    parameter: Parameter | None = None


MAX_DEPTH = 12  # how deep a generated value's schema is followed; deeper (or recursive) parts take any value
CUT = {"x-cut": "recursive, or deeper than MAX_DEPTH"}  # any value; marked, so no fast engine takes it for plain


def json_schema(schema: Any, direction: str = "request", _path: tuple[int, ...] = ()) -> Any:
    """An inlined OpenAPI schema as plain JSON Schema, for generation.

    Requests leave readOnly properties out (responses writeOnly ones); `nullable: true` becomes a "null"
    type (an enum still allows null only when it lists it, as OpenAPI 3.0.3 and the validator have it); a
    3.0 boolean exclusiveMinimum/Maximum becomes the numeric form; int32/int64 become bounds. A recursive
    schema (inlined as a cycle) or one nested deeper than MAX_DEPTH is cut there: CUT, any value (the
    request validator still judges what is generated; Hypothesis draws such operations).
    """
    if isinstance(schema, list):
        return [json_schema(item, direction, _path) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if id(schema) in _path or len(_path) > MAX_DEPTH:
        return dict(CUT)
    _path = (*_path, id(schema))
    skip = "readOnly" if direction == "request" else "writeOnly"
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in OAS_ONLY or key.startswith("x-"):
            continue
        if key == "properties" and isinstance(value, dict):
            kept = {k: v for k, v in value.items() if not (isinstance(v, dict) and v.get(skip) is True)}
            out[key] = {k: json_schema(v, direction, _path) for k, v in kept.items()}
        elif key in ("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf", "prefixItems"):
            out[key] = json_schema(value, direction, _path)
        else:
            out[key] = value
    if isinstance(out.get("required"), list) and isinstance(schema.get("properties"), dict):
        hidden = {k for k, v in schema["properties"].items() if isinstance(v, dict) and v.get(skip) is True}
        out["required"] = [name for name in out["required"] if name not in hidden]
        if not out["required"]:
            del out["required"]
    for side, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if out.get(side) is True and bound in out:
            out[side] = out.pop(bound)
        elif out.get(side) is False:
            del out[side]
    if out.get("type") == "integer" and out.get("format") in INT_BOUNDS:
        low, high = INT_BOUNDS[out["format"]]
        if "minimum" not in out and "exclusiveMinimum" not in out:
            out["minimum"] = low
        if "maximum" not in out and "exclusiveMaximum" not in out:
            out["maximum"] = high
    if schema.get("nullable") is True:  # an enum allows null only when it lists it (OpenAPI 3.0.3)
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
    return out


def argument_schemas(client: Any, operation: Operation, table: ArgumentTable) -> list[ArgumentSchema]:
    """The operation's parameters and body as keyword arguments with their JSON Schemas."""
    validators = client._validators
    by_param = {a.parameter: name for name, a in table.by_name.items() if a.parameter is not None}
    found = []
    for param in table.parameters:
        name = by_param.get(param)
        if name is None:
            continue
        schema = json_schema(validators.inlined(param.schema)) if param.schema is not None else {"type": "string"}
        if not isinstance(schema, dict):
            schema = {}
        if param.location == "path":  # a path segment cannot be empty
            schema = {**schema, **({"minLength": max(1, schema.get("minLength", 1))} if _is_text(schema) else {})}
            if schema.get("type") == "array":
                schema["minItems"] = max(1, schema.get("minItems", 1))
            elif schema.get("type") == "object":
                schema["minProperties"] = max(1, schema.get("minProperties", 1))
        if param.location in ("header", "cookie") and _is_text(schema) and "enum" not in schema:
            schema = {**schema, "pattern": HEADER_TEXT}
            schema.pop("format", None)
        found.append(ArgumentSchema(name, schema, param.required, param.location, param))
    body = operation.request_body
    media = _body_media(operation)
    if body is not None and media is not None:
        schema = json_schema(validators.inlined(media.schema)) if media.schema is not None else {}
        schema = schema if isinstance(schema, dict) else {}
        if isinstance(schema.get("type"), list) and "null" in schema["type"]:  # body=None sends no body at all
            schema = {**schema, "type": [kind for kind in schema["type"] if kind != "null"] or "object"}
        found.append(ArgumentSchema("body", schema, body.required, "body"))
    return found


def _body_media(operation: Operation) -> Any:
    body = operation.request_body
    if body is None or not body.content:
        return None
    for media in body.content.values():
        if "json" in media.name:
            return media
    return next(iter(body.content.values()))


def body_media_type(operation: Operation) -> str | None:
    """The media type the generated body is sent as (JSON when offered)."""
    media = _body_media(operation)
    return media.name if media is not None else None


def _is_text(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "string" or (isinstance(kind, list) and "string" in kind) or (kind is None and "enum" not in schema)


def arguments_strategy(arguments: list[ArgumentSchema], custom_formats: dict[str, Any] | None = None) -> Any:
    """A Hypothesis strategy for whole calls: every required argument, optional ones present or not."""
    from hypothesis import strategies as st

    required = {a.name: value_strategy(a.schema, custom_formats) for a in arguments if a.required}
    optional = {a.name: value_strategy(a.schema, custom_formats) for a in arguments if not a.required}
    return st.fixed_dictionaries(required, optional=optional)


def value_strategy(schema: dict[str, Any], custom_formats: dict[str, Any] | None = None) -> Any:
    """A strategy for one schema; a format hypothesis-jsonschema does not know is any text (that the format
    checker accepts, where it knows the format)."""
    from hypothesis_jsonschema import from_schema

    formats = {name: _any_text_of(name) for name in keyword_values(schema, "format") if name not in KNOWN_FORMATS}
    formats.update(_format_strategies())
    formats.update(custom_formats or {})
    custom = {k: v for k, v in formats.items() if k not in KNOWN_FORMATS}
    return _strategy(bounded(schema), lambda leaf: from_schema(leaf, custom_formats=custom))


PLAIN_OBJECT = frozenset({"type", "properties", "required", "additionalProperties", "description", "title"})
PLAIN_ARRAY = frozenset({"type", "items", "minItems", "maxItems", "description", "title"})
FREE_FORM_OBJECT = frozenset({"type", "additionalProperties", "minProperties", "maxProperties", "description", "title"})
PLAIN_PATTERN = frozenset({"type", "pattern", "minLength", "maxLength", "description", "title"})


def _strategy(schema: Any, leaf: Any) -> Any:
    """Plain objects, free-form objects and arrays built directly (fixed_dictionaries, dictionaries, lists), and
    plain patterns (pattern_strategy.py): hypothesis-jsonschema's own strategies for them cost milliseconds a
    draw. Everything else (scalars, formats, combinators, uniqueItems, ...) is hypothesis-jsonschema's."""
    from hypothesis import strategies as st

    if not isinstance(schema, dict):
        return leaf(schema)
    kind = schema.get("type")
    if kind == "object" and set(schema) <= PLAIN_OBJECT and schema.get("additionalProperties") is False:
        properties = schema.get("properties") or {}
        required = [name for name in schema.get("required", []) if name in properties]
        if len(required) != len(schema.get("required", [])):
            return leaf(schema)
        return st.fixed_dictionaries(
            {name: _strategy(properties[name], leaf) for name in required},
            optional={name: _strategy(value, leaf) for name, value in properties.items() if name not in required},
        )
    if kind == "object" and set(schema) <= FREE_FORM_OBJECT and isinstance(schema.get("additionalProperties"), dict):
        low = schema.get("minProperties", 0)
        high = schema.get("maxProperties", low + 3)
        if isinstance(low, int) and isinstance(high, int) and low <= high:
            return st.dictionaries(
                st.text(), _strategy(schema["additionalProperties"], leaf), min_size=low, max_size=high
            )
    if kind == "array" and set(schema) <= PLAIN_ARRAY and isinstance(schema.get("items"), dict):
        low = schema.get("minItems", 0)
        return st.lists(_strategy(schema["items"], leaf), min_size=low, max_size=schema.get("maxItems", low + 5))
    if kind == "string" and set(schema) <= PLAIN_PATTERN and isinstance(schema.get("pattern"), str):
        drawn = _pattern_text(schema)
        if drawn is not None:
            return drawn
    return leaf(schema)


def _pattern_text(schema: dict[str, Any]) -> Any | None:
    """Text for a string schema with a pattern (and lengths), from pattern_strategy; None to leave it to
    hypothesis-jsonschema (st.from_regex)."""
    from .pattern_strategy import pattern_strategy

    drawn = pattern_strategy(schema["pattern"])
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    if drawn is None or not isinstance(low, int) or not isinstance(high, int | None):
        return None
    if low or high is not None:
        drawn = drawn.filter(lambda text: low <= len(text) and (high is None or len(text) <= high))
    return drawn


SCALAR = {"type": ["string", "integer", "boolean", "null"], "maxLength": 16}


def bounded(schema: Any) -> Any:
    """The schema with sizes random cases need and no more: an object with declared properties holds only
    those, a free-form object at most 3 scalar properties, an array at most 5 items (or minItems), a string
    without a pattern or format at most 64 characters (or minLength). Deep, wide random JSON makes
    generation slow; the longest values a schema allows are sent by the boundary cases."""
    if isinstance(schema, list):
        return [bounded(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: bounded(value) if key in SUBSCHEMAS else value for key, value in schema.items()}
    if isinstance(schema.get("properties"), dict):
        out["properties"] = {name: bounded(value) for name, value in schema["properties"].items()}
    kind = schema.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if "object" in kinds and schema.get("additionalProperties", True) is True:
        if "properties" in schema:  # only the declared properties
            out["additionalProperties"] = False
        else:
            out["additionalProperties"] = SCALAR
            out.setdefault("maxProperties", max(3, schema.get("minProperties", 0) or 0))
    if "array" in kinds:
        out["maxItems"] = max(schema.get("minItems", 0) or 0, min(schema.get("maxItems", MAX_ITEMS), MAX_ITEMS))
    if "string" in kinds and "pattern" not in schema and "format" not in schema:
        longest = min(schema.get("maxLength", MAX_LENGTH), MAX_LENGTH)
        out["maxLength"] = max(schema.get("minLength", 0) or 0, longest)
    return out


MAX_ITEMS, MAX_LENGTH = 5, 64  # the longest arrays and strings are the boundary phase's (maxItems, maxLength)


SUBSCHEMAS = ("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf", "prefixItems")


# formats hypothesis-jsonschema generates itself
KNOWN_FORMATS = frozenset(
    {
        "date",
        "date-time",
        "email",
        "hostname",
        "idn-email",
        "idn-hostname",
        "ipv4",
        "ipv6",
        "iri",
        "iri-reference",
        "json-pointer",
        "relative-json-pointer",
        "regex",
        "time",
        "uri",
        "uri-reference",
        "uri-template",
        "uuid",
        "color",
    }
)


def _format_strategies() -> dict[str, Any]:
    """Strategies for the OpenAPI formats hypothesis-jsonschema does not know."""
    from hypothesis import strategies as st

    number = st.integers(min_value=0, max_value=999)
    return {
        "byte": st.binary(max_size=24).map(lambda b: base64.b64encode(b).decode()),
        "binary": st.text(max_size=20),
        "password": st.text(min_size=1, max_size=24),
        # ISO 8601 (what pydantic's timedelta declares); jsonschema checks it when isoduration is installed
        "duration": st.tuples(number, number, number, number).map(lambda n: "P{}DT{}H{}M{}S".format(*n)),
    }


def _any_text_of(name: str) -> Any:
    """Text for a format no strategy here knows; where jsonschema's format checker (which
    hypothesis-jsonschema holds every custom format's values to) knows it, only text it accepts."""
    from hypothesis import strategies as st
    from jsonschema import FormatChecker

    checker = FormatChecker()
    text = st.text(max_size=20)
    return text.filter(lambda value: checker.conforms(value, name)) if name in checker.checkers else text


def keyword_values(document: Any, keyword: str) -> set[str]:
    """Every text value of `keyword` anywhere in a schema or document (every format, every pattern...)."""
    found: set[str] = set()
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get(keyword), str):
                found.add(item[keyword])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def base_arguments(client: Any, operation: Operation, arguments: list[ArgumentSchema], every: bool) -> dict[str, Any]:
    """A small valid call built from the spec's examples and defaults (then the simplest values): the
    required arguments, or every argument with `every`."""
    resolver = client.spec.resolver
    examples = parameter_examples(operation)
    out: dict[str, Any] = {}
    for argument in arguments:
        if not (argument.required or every):
            continue
        param = argument.parameter
        if param is not None:
            if examples.get((param.name, param.location)):
                out[argument.name] = examples[(param.name, param.location)][0]
                continue
            value = sample(resolver, param.schema, fill=every) if param.schema is not None else "x"
            out[argument.name] = "x" if argument.location == "path" and value in ("", None) else value
        else:
            bodies = body_examples(operation)
            out["body"] = copy.deepcopy(bodies[0]) if bodies else _sample_body(resolver, operation, every)
    return out


def _examples_of(resolver: Any, node: Any) -> list[Any]:
    """`example`, then the `value` of each entry of `examples`, of a parameter or media type node."""
    if node is None or not isinstance(node.value, dict):
        return []
    found = [node.value["example"]] if "example" in node.value else []
    examples = node.get("examples")
    if examples is not None and isinstance(examples.value, dict):
        for key in examples.value:
            entry = resolver.resolve(examples.child(key)).value
            if isinstance(entry, dict) and "value" in entry:
                found.append(entry["value"])
    return found


def parameter_examples(operation: Operation) -> dict[tuple[str, str], list[Any]]:
    """(name, in) -> the examples the spec gives for that parameter."""
    resolver = operation.spec.resolver
    found: dict[tuple[str, str], list[Any]] = {}
    for owner in (operation.path_item, operation.node):
        listed = owner.get("parameters")
        if listed is None or not isinstance(listed.value, list):
            continue
        for index in range(len(listed.value)):
            node = resolver.resolve(listed.child(index))
            if isinstance(node.value, dict) and isinstance(node.value.get("name"), str):
                key = (node.value["name"], str(node.value.get("in")))
                found[key] = _examples_of(resolver, node)
    return found


def body_examples(operation: Operation) -> list[Any]:
    """The request body examples of the media type generated bodies are sent as."""
    media_type = body_media_type(operation)
    node = operation.node.get("requestBody")
    if media_type is None or node is None:
        return []
    resolver = operation.spec.resolver
    content = resolver.resolve(node).get("content")
    if content is None or not isinstance(content.value, dict) or media_type not in content.value:
        return []
    return _examples_of(resolver, resolver.resolve(content.child(media_type)))


def _sample_body(resolver: Any, operation: Operation, every: bool) -> Any:
    media = _body_media(operation)
    if media is None or media.schema is None:
        return {}
    value = sample(resolver, media.schema)
    located = resolver.resolve(media.schema)
    properties = located.get("properties")
    if every and isinstance(value, dict) and properties is not None and isinstance(properties.value, dict):
        for name, prop in properties.value.items():
            if name not in value and not (isinstance(prop, dict) and prop.get("readOnly") is True):
                value[name] = sample(resolver, properties.child(name))
    return value


def boundary_values(schema: dict[str, Any]) -> list[Any]:
    """Valid edge values of one schema: min/max lengths and numbers, each enum value (a few), a format sample."""
    values: list[Any] = []
    if isinstance(schema.get("enum"), list):
        return [copy.deepcopy(v) for v in schema["enum"][:MAX_ENUM_VALUES]]
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if kind == "string":
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt in FORMAT_SAMPLES:
            values.append(FORMAT_SAMPLES[fmt])
        if "pattern" not in schema and fmt is None:
            low, high = schema.get("minLength"), schema.get("maxLength")
            if isinstance(low, int) and 0 <= low <= 4096:
                values.append("a" * low)
            if isinstance(high, int) and 0 <= high <= 4096:
                values.append("z" * high)
    elif kind in ("integer", "number"):
        for key, nudge in (("minimum", 0), ("maximum", 0), ("exclusiveMinimum", 1), ("exclusiveMaximum", -1)):
            bound = schema.get(key)
            if isinstance(bound, int | float) and not isinstance(bound, bool):
                value = bound + nudge if kind == "integer" else bound + nudge * 0.5
                values.append(int(value) if kind == "integer" else value)
    elif kind == "array":
        for key in ("minItems", "maxItems"):
            count = schema.get(key)
            items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
            if isinstance(count, int) and 0 <= count <= 100:
                element = simplest(items)
                values.append([copy.deepcopy(element) for _ in range(count)])
    return values


def simplest(schema: dict[str, Any]) -> Any:
    """The simplest value of a plain JSON Schema's type (for array items in boundary values)."""
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if kind == "string":
        return FORMAT_SAMPLES.get(str(schema.get("format")), "x" * max(1, int(schema.get("minLength", 1) or 1)))
    if kind in ("integer", "number"):
        low = schema.get("minimum")
        return low if isinstance(low, int | float) and not isinstance(low, bool) else 1
    properties = schema.get("properties")
    if kind == "object" and isinstance(properties, dict) and isinstance(schema.get("required"), list):
        return {
            name: simplest(properties[name]) if isinstance(properties[name], dict) else "x"
            for name in schema["required"]
            if name in properties
        }
    return {"boolean": True, "array": [], "object": {}}.get(kind or "", "x")

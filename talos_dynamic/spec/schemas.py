"""Reading schemas: object properties (through allOf), secret fields, component names."""

from __future__ import annotations

from typing import Any

from .refs import Located, Resolver


def object_properties(resolver: Resolver, schema: Located | None) -> tuple[dict[str, Located], set[str]]:
    """The properties of an object schema (allOf members merged; the first schema of each name wins) and its
    required names."""
    properties, required = collect_object(resolver, schema)
    return {name: schemas[0] for name, schemas in properties.items()}, set(required)


def collect_object(
    resolver: Resolver, schema: Located | None, first_branch: bool = False
) -> tuple[dict[str, list[Located]], list[str]]:
    """Every schema that describes each property, through allOf (and, with first_branch, the first non-null
    branch of a oneOf/anyOf), with the required names in order."""
    properties: dict[str, list[Located]] = {}
    required: list[str] = []
    _collect(resolver, schema, properties, required, set(), first_branch)
    return properties, list(dict.fromkeys(required))


def _collect(
    resolver: Resolver,
    schema: Located | None,
    properties: dict[str, list[Located]],
    required: list[str],
    seen: set[str],
    first_branch: bool,
) -> None:
    if schema is None:
        return
    schema = resolver.resolve(schema)
    if schema.ref in seen or not isinstance(schema.value, dict):
        return
    seen.add(schema.ref)
    props = schema.get("properties")
    if props is not None and isinstance(props.value, dict):
        for name in props.value:
            if isinstance(name, str) and not (name == "$ref" and isinstance(props.value[name], str)):
                # a properties map that is itself {"$ref": "..."} is no property; neither is a non-text name
                properties.setdefault(name, []).append(props.child(name))
    if isinstance(schema.value.get("required"), list):
        required.extend(r for r in schema.value["required"] if isinstance(r, str))
    members = schema.get("allOf")
    if members is not None and isinstance(members.value, list):
        for index in range(len(members.value)):
            _collect(resolver, members.child(index), properties, required, seen, first_branch)
    for key in ("oneOf", "anyOf") if first_branch else ():
        members = schema.get(key)
        if members is not None and isinstance(members.value, list) and members.value:
            _collect(resolver, first_non_null(resolver, members), properties, required, seen, first_branch)
            break


def first_non_null(resolver: Resolver, members: Located) -> Located:
    """The first oneOf/anyOf branch that is not `type: null`."""
    for index in range(len(members.value)):
        member = resolver.resolve(members.child(index))
        if not (isinstance(member.value, dict) and member.value.get("type") == "null"):
            return members.child(index)
    return members.child(0)


def single_type(schema: dict[str, Any]) -> str | None:
    """The schema's one JSON type ("null" aside, as in ["string", "null"]); None when absent or several."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    return kind if isinstance(kind, str) else None


def schema_name(schema: Located | None) -> str | None:
    """The component name when the schema is a $ref to components/schemas, else None."""
    if schema is None or not isinstance(schema.value, dict):
        return None
    ref = schema.value.get("$ref")
    if isinstance(ref, str) and "/components/schemas/" in ref:
        return ref.rsplit("/", 1)[1]
    return None


def secret_fields(resolver: Resolver, schema: Located | None, depth: int = 6) -> frozenset[str]:
    """Names of properties that are writeOnly or `format: password`, anywhere reachable in a schema (each
    schema walked once per resolver: an answer's schema is often the same for each of its media types)."""
    if schema is None:
        return frozenset()
    key = ("secret_fields", schema.ref, depth)
    known = resolver.derived.get(key)
    if known is None:
        found: set[str] = set()
        _secrets(resolver, schema, found, depth, seen=set())
        known = resolver.derived[key] = frozenset(found)
    return known


def _secrets(resolver: Resolver, schema: Located, found: set[str], depth: int, seen: set[str]) -> None:
    if depth < 0:
        return
    schema = resolver.resolve(schema)
    value = schema.value
    if not isinstance(value, dict) or schema.ref in seen:
        return
    seen.add(schema.ref)
    props = value.get("properties")
    if isinstance(props, dict):
        for name, prop_value in props.items():
            if not isinstance(prop_value, dict):
                continue
            prop = None
            if "$ref" in prop_value:
                prop = resolver.resolve(schema.child("properties", name))
                prop_value = prop.value
                if not isinstance(prop_value, dict):
                    continue
            if isinstance(name, str) and _is_secret(prop_value):
                found.add(name.lower())
            if not _NESTING.isdisjoint(prop_value):  # a leaf (most properties) has nothing more to walk
                _secrets(resolver, prop or schema.child("properties", name), found, depth - 1, seen)
    for key in ("items", "additionalProperties"):
        if isinstance(value.get(key), dict):
            _secrets(resolver, schema.child(key), found, depth - 1, seen)
    for key in ("allOf", "oneOf", "anyOf"):
        members = value.get(key)
        if isinstance(members, list):
            for index in range(len(members)):
                _secrets(resolver, schema.child(key, index), found, depth - 1, seen)


def _is_secret(schema: dict[str, Any]) -> bool:
    return schema.get("writeOnly") is True or schema.get("format") == "password"


_NESTING = frozenset({"properties", "items", "additionalProperties", "allOf", "oneOf", "anyOf", "$ref"})


def describe_type(resolver: Resolver, schema: Located | None, depth: int = 0) -> str:
    """A short, Python-flavoured type name: str, int, list[str], dict, IssuedAPIKey, RevocationReason..."""
    if schema is None:
        return "Any"
    name = schema_name(schema)
    resolved = resolver.resolve(schema)
    value = resolved.value
    if not isinstance(value, dict) or depth > 8:  # deeper: a schema that nests itself (allOf: [$ref: itself])
        return name or "Any"
    if name and (
        value.get("enum")
        or value.get("type") in (None, "object")
        or "allOf" in value
        or "oneOf" in value
        or "anyOf" in value
    ):
        return name
    kind = value.get("type")
    nullable = value.get("nullable") is True or (isinstance(kind, list) and "null" in kind)
    kind = single_type(value)
    if kind == "array" and depth < 4:
        text = f"list[{describe_type(resolver, resolved.get('items'), depth + 1)}]"
    elif kind == "string" and value.get("format") == "binary":
        text = "bytes"
    elif kind in PY_TYPES:
        text = PY_TYPES[kind].__name__
    elif "properties" in value:
        text = "dict"
    elif any(k in value for k in ("oneOf", "anyOf")):
        text = " | ".join(dict.fromkeys(_branch_types(resolver, resolved, depth)))
    elif "allOf" in value:
        members = resolved.get("allOf")
        listed = members is not None and isinstance(members.value, list) and members.value
        text = describe_type(resolver, members.child(0), depth + 1) if listed else "Any"
    else:
        text = "Any"
    return f"{text} | None" if nullable and not text.endswith("None") else text


def _branch_types(resolver: Resolver, schema: Located, depth: int) -> list[str]:
    found = []
    for key in ("oneOf", "anyOf"):
        members = schema.get(key)
        if members is not None and isinstance(members.value, list):
            found += [describe_type(resolver, members.child(i), depth + 1) for i in range(len(members.value))]
    return found or ["Any"]


PY_TYPES: dict[str, type] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "object": dict,
    "array": list,
}


TRUE_WORDS, FALSE_WORDS = frozenset({"true", "1", "yes", "on"}), frozenset({"false", "0", "no", "off"})


def coerce_text(text: str, kind: str | None) -> object:
    """A textual value (command-line argument, header) as the JSON type its schema declares.

    Raises ValueError when the text cannot be that type; strings and unknown types come back unchanged.
    """
    if kind == "integer":
        return int(text)
    if kind == "number":
        return float(text)
    if kind == "boolean":
        if text.lower() not in TRUE_WORDS | FALSE_WORDS:
            raise ValueError(f"{text!r} is not true or false")
        return text.lower() in TRUE_WORDS
    return text

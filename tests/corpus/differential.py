"""Instances for the fast-path differential test: every schema of a document, each with a valid sample and
the invalid values made from it."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from talos_dynamic.call.validation import ACCESS_RULES, PARAMETER, REQUEST, RESPONSE, SchemaValidators
from talos_dynamic.explore.samples import sample
from talos_dynamic.spec.refs import Located

SWAPS: tuple[Any, ...] = (None, 0, 1.5, "text", True, [], {})
MAX_INSTANCES = 24


def schemas_of(spec: Any) -> Iterator[tuple[Located, str]]:
    """(schema, direction) for every component schema (both directions) and every parameter, request body
    and response body schema of every operation, each once."""
    seen: set[tuple[str, str]] = set()

    def once(schema: Located | None, direction: str) -> Iterator[tuple[Located, str]]:
        if schema is not None and (schema.ref, direction) not in seen:
            seen.add((schema.ref, direction))
            yield schema, direction

    components = spec.document.get("components", {}) if isinstance(spec.document, dict) else {}
    schemas = components.get("schemas", {}) if isinstance(components, dict) else {}
    root = Located(spec.document, spec.uri, "")
    for name in schemas if isinstance(schemas, dict) else ():
        node = root.child("components", "schemas", name)
        yield from once(node, REQUEST)
        yield from once(node, RESPONSE)
    for operation in spec.operations:
        for parameter in operation.parameters:
            yield from once(parameter.schema, PARAMETER)
        if operation.request_body is not None:
            for media in operation.request_body.content.values():
                yield from once(media.schema, REQUEST)
        for response in operation.responses.values():
            for media in response.content.values():
                yield from once(media.schema, RESPONSE)


def instances(spec: Any, schema: Located) -> list[Any]:
    """A sample the spec's own generator believes valid, and values made invalid from it: wrong types at the
    root, each of a few properties dropped, nulled or of the wrong type, an extra property, a bad first
    item, and strings that break lengths, patterns and formats."""
    try:
        valid = sample(spec.resolver, schema)
    except RecursionError:
        return []
    found: list[Any] = [valid, *SWAPS]
    found += _mutations(valid)
    if isinstance(valid, dict):
        for key, member in list(valid.items())[:2]:
            for changed in _mutations(member)[:6]:
                found.append({**valid, key: changed})
    if isinstance(valid, list) and valid and isinstance(valid[0], dict):
        found += [[changed] for changed in _mutations(valid[0])[:6]]
    return found[:MAX_INSTANCES]


def _mutations(value: Any) -> list[Any]:
    out: list[Any] = []
    if isinstance(value, dict):
        for key in list(value)[:3]:
            out.append({k: v for k, v in value.items() if k != key})
            out.append({**value, key: None})
            out.append({**value, key: 7 if isinstance(value[key], str) else "x"})
        out.append({**value, "zz_extra": 1})
    elif isinstance(value, list):
        out += [[None], ["x"], [7], [*value, *value] if value else [1, 1], copy.deepcopy(value) * 2]
    elif isinstance(value, str):
        out += ["", "x" * 300, "not a date", value.upper() + "\n", "2024-13-45T99:00:00Z"]
    elif isinstance(value, bool):
        out += [1, "true"]
    elif isinstance(value, int | float):
        out += [-1, 2**40, 0.5, -(2**33), 10**30]
    return out


def slow_valid(validators: SchemaValidators, schema: Located, direction: str, value: Any) -> bool:
    """jsonschema's verdict, as validation.py reads it (a readOnly/writeOnly error at the root is dropped)."""
    validator = validators.validator(schema, direction)
    return not [e for e in validator.iter_errors(value) if not (e.validator in ACCESS_RULES and not e.absolute_path)]

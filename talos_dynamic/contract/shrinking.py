"""Shrinking a failing generated call to a smaller one that fails the same way (the fast engine's; Hypothesis
shrinks its own cases).

Greedy, one change at a time, simplest changes first: leave out an optional argument, then make one value
simpler (the schema's simplest value, half a string or list, an empty free-form object, an integer moved
toward the schema's simplest by halving the distance: a binary search for a boundary) or leave
out an optional property (at any depth). Only changes that make the call's JSON shorter (or, as long,
earlier in order) are tried, so shrinking always ends. A change is kept when the call it makes still fails
the same check; a call the spec's validator refuses is never sent and costs nothing. It stops when no
change is kept or the request budget is spent.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

from .strategies import ArgumentSchema, simplest

Path = tuple[Any, ...]  # keys from a keyword argument down to a value: ("body", "metadata", "k")


def shrink(
    kwargs: dict[str, Any],
    arguments: list[ArgumentSchema],
    still_fails: Callable[[dict[str, Any]], bool | None],
    budget: int,
) -> dict[str, Any]:
    """The smallest call found: `still_fails(candidate)` sends it and says whether it fails the same way (None
    when it was not sent, e.g. invalid); at most `budget` candidates are sent."""
    schemas = {argument.name: argument for argument in arguments}
    current, sent = kwargs, 0
    improved = True
    while improved and sent < budget:
        improved = False
        size = _size(current)
        for candidate in _candidates(current, schemas):
            if _size(candidate) >= size:  # only ever smaller: shrinking always ends
                continue
            verdict = still_fails(candidate)
            if verdict is None:
                continue
            sent += 1
            if verdict:
                current, improved = candidate, True
                break
            if sent >= budget:
                break
    return current


def _size(kwargs: dict[str, Any]) -> tuple[int, str]:
    """The order shrinking descends: shorter JSON first, then the text itself."""
    text = json.dumps(kwargs, sort_keys=True, default=str)
    return len(text), text


def _candidates(kwargs: dict[str, Any], schemas: dict[str, ArgumentSchema]) -> Iterator[dict[str, Any]]:
    for name in kwargs:  # leave out an optional argument
        if name in schemas and not schemas[name].required:
            yield {key: value for key, value in kwargs.items() if key != name}
    for name, value in kwargs.items():
        schema = schemas[name].schema if name in schemas else {}
        for path, leaf_schema, leaf in _walk((name,), schema, value):
            for simpler in _simpler(leaf_schema, leaf):
                yield _replaced(kwargs, path, simpler)
            if isinstance(leaf, dict) and isinstance(leaf_schema, dict):
                required = set(leaf_schema.get("required", []))
                for key in leaf:
                    if key not in required:  # leave out an optional property
                        yield _replaced(kwargs, path, {k: v for k, v in leaf.items() if k != key})


def _walk(path: Path, schema: Any, value: Any) -> Iterator[tuple[Path, Any, Any]]:
    """Every value inside `value` (itself first), with its path and the schema that describes it."""
    yield path, schema, value
    schema = schema if isinstance(schema, dict) else {}
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, member in value.items():
            sub = properties.get(key, extra if isinstance(extra, dict) else {})
            yield from _walk((*path, key), sub, member)
    elif isinstance(value, list):
        items = schema.get("items", {})
        for index, member in enumerate(value):
            yield from _walk((*path, index), items, member)


def _simpler(schema: Any, value: Any) -> Iterator[Any]:
    """Simpler values in place of `value`, simplest first (each different from it)."""
    schema = schema if isinstance(schema, dict) else {}
    target = simplest(schema) if schema else None
    options: list[Any] = [target]
    if isinstance(value, str) and value:
        options += [value[: len(value) // 2], value[:-1]]
    elif isinstance(value, list) and value:
        options += [value[: schema.get("minItems", 0)], value[: len(value) // 2], value[:-1]]
    elif isinstance(value, dict) and value and "properties" not in schema:
        options.append({})
    elif isinstance(value, int) and not isinstance(value, bool):
        options += _toward(value, target if isinstance(target, int) and not isinstance(target, bool) else 0)
    elif isinstance(value, float):
        options += [0.0, value / 2, float(int(value))]
    seen: list[Any] = [value]
    for option in options:
        if option not in seen and type(option) is type(value):
            seen.append(option)
            yield option


def _toward(value: int, target: int) -> list[int]:
    """Integers from `target` back to `value`, halving the distance each time (a binary search for the
    boundary where a failure starts: an age over 25 shrinks to 26, not to a round number)."""
    distance, found = target - value, [target]
    while abs(distance) > 1:
        distance = int(distance / 2)
        found.append(value + distance)
    if value != target:
        found.append(value + (1 if target > value else -1))
    return found


def _replaced(kwargs: dict[str, Any], path: Path, new: Any) -> dict[str, Any]:
    """A copy of the keyword arguments with the value at `path` replaced."""
    if len(path) == 1:
        return {**kwargs, path[0]: new}
    out = {**kwargs, path[0]: copy.deepcopy(kwargs[path[0]])}
    target = out[path[0]]
    for key in path[1:-1]:
        target = target[key]
    target[path[-1]] = new
    return out

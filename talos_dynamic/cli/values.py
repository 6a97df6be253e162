"""Command-line `key=value` arguments parsed by the type their schema declares."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from ..call.arguments import ArgumentTable
from ..spec.refs import Located, Resolver
from ..spec.schemas import PY_TYPES, coerce_text, single_type
from .usage import UsageError


def _kind(resolver: Resolver, schema: Located | None) -> tuple[str | None, Located | None]:
    if schema is None:
        return None, None
    resolved = resolver.resolve(schema)
    value = resolved.value
    if not isinstance(value, dict):
        return None, None
    kind = single_type(value)
    if kind is None and "properties" in value:
        kind = "object"
    return kind, resolved.get("items") if kind == "array" else None


def parse_scalar(text: str, kind: str | None, name: str) -> Any:
    """One value by its JSON Schema type."""
    try:
        return coerce_text(text, kind) if kind != "object" else json.loads(text)
    except ValueError:
        expected = {"object": "a JSON object", "boolean": "true or false"}.get(kind or "")
        raise UsageError(f"{name}={text!r}: expected {expected or PY_TYPES[kind].__name__}") from None


def parse_pairs(table: ArgumentTable, pairs: list[str]) -> dict[str, Any]:
    """key=value (parsed by schema type; lists split on commas or repeated) and key:=<JSON>."""
    arguments = table.by_name
    values: dict[str, Any] = {}
    for pair in pairs:
        raw_json = ":=" in pair and pair.index(":=") < pair.index("=") + 1 if "=" in pair else False
        key, sep, text = pair.partition(":=" if raw_json else "=")
        if not sep:
            raise UsageError(f"{pair!r}: arguments are key=value (or key:=JSON)")
        argument = arguments.get(key)
        if argument is None:
            close = difflib.get_close_matches(key, list(arguments), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UsageError(f"unknown argument {key!r}{hint} (accepted: {', '.join(sorted(arguments)) or 'none'})")
        if raw_json:
            try:
                values[key] = json.loads(text)
            except ValueError:
                raise UsageError(f"{key}:= takes JSON, got {text!r}") from None
            continue
        kind, items = _kind(table.resolver, argument.schema)
        if kind == "array":
            item_kind, _ = _kind(table.resolver, items)
            parsed = [parse_scalar(part, item_kind, key) for part in text.split(",")] if text else []
            values[key] = [*values.get(key, []), *parsed]
        else:
            values[key] = parse_scalar(text, kind, key)
    return values


def read_body(text: str) -> Any:
    """--body as JSON text, or @file holding JSON."""
    if text.startswith("@"):
        try:
            text = Path(text[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--body {text}: {exc.strerror}") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UsageError(f"--body is not valid JSON: {exc}") from None

"""A real inspect.Signature for each operation: keyword-only arguments with types and defaults."""

from __future__ import annotations

import inspect
import typing
from typing import Any

from ..call.arguments import NOT_SENT, Argument, ArgumentTable
from ..spec.refs import Located, Resolver
from ..spec.schemas import PY_TYPES, schema_name, single_type
from .enums import EnumNamespace

LOCATION_ORDER = {"path": 0, "query": 1, "header": 2, "cookie": 3}


def annotation(
    resolver: Resolver, schema: Located | None, enums: EnumNamespace, inline_name: str, depth: int = 0
) -> Any:
    """The Python type for a schema: str, int, list[str], dict, an enum class, or Any."""
    if schema is None:
        return Any
    resolved = resolver.resolve(schema)
    value = resolved.value
    if not isinstance(value, dict):
        return Any
    if isinstance(value.get("enum"), list) and value["enum"]:
        name = schema_name(schema)
        return enums.get(name) if name and enums.get(name) is not None else enums.inline(inline_name, value["enum"])
    kind = single_type(value)
    if kind == "array" and depth < 4:
        item = annotation(resolver, resolved.get("items"), enums, f"{inline_name}_item", depth + 1)
        return list[item]
    if kind == "string" and value.get("format") == "binary":
        return bytes
    if kind in PY_TYPES:
        return PY_TYPES[kind]
    if "properties" in value:
        return dict
    return Any


def build_signature(table: ArgumentTable, enums: EnumNamespace, python_name: str) -> inspect.Signature:
    """Keyword-only parameters: required ones first (no default), then optional ones (the spec's default, or
    NOT_SENT: left out of the request), then `body` and, when the operation offers several media types,
    `content_type`."""
    resolver = table.resolver
    arguments = sorted(table.by_name.values(), key=lambda a: (not a.required, _order(a)))
    params = []
    for argument in arguments:
        annotated = annotation(resolver, argument.schema, enums, f"{python_name}_{argument.python_name}")
        default = inspect.Parameter.empty if argument.required else _default(resolver, argument)
        params.append(
            inspect.Parameter(
                argument.python_name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotated
            )
        )
    body = table.operation.request_body
    if body is not None:
        params.append(
            inspect.Parameter("body", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=_body_annotation(table))
        )
        if len(body.content) > 1:
            options = typing.Literal[tuple(body.content)]  # type: ignore[valid-type]
            params.append(
                inspect.Parameter("content_type", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=options)
            )
    return inspect.Signature(params)


def _order(argument: Argument) -> int:
    if argument.parameter is not None:
        return LOCATION_ORDER.get(argument.parameter.location, 4)
    return 5


def _default(resolver: Resolver, argument: Argument) -> Any:
    if argument.schema is not None:
        value = resolver.resolve(argument.schema).value
        if isinstance(value, dict) and "default" in value and not isinstance(value["default"], dict | list):
            return value["default"]
    return NOT_SENT


def _body_annotation(table: ArgumentTable) -> Any:
    body = table.operation.request_body
    kinds = {name.split(";")[0].strip() for name in body.content} if body else set()
    if kinds and all(k.startswith(("text/", "application/octet-stream")) for k in kinds):
        return str | bytes
    return dict if table.object_body_schema is not None else Any

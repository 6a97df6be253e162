"""Python names for every operation: the operationId and its snake_case form, clashes reported."""

from __future__ import annotations

import warnings
from collections import defaultdict

from ..spec.naming import operation_name_from_route, snake_case
from ..spec.operations import Operation


class NameClashWarning(UserWarning):
    """Two operations would get the same Python name; neither gets it silently."""


class AmbiguousOperationError(AttributeError):
    """A name that several operations would share; the message lists the unique names to use."""


def route_name(op: Operation) -> str:
    """The name made of the operation's method and path."""
    return operation_name_from_route(op.method, op.path)


def bind_names(operations: list[Operation], reserved: set[str]) -> tuple[dict[str, Operation], dict[str, list[str]]]:
    """Every name an operation answers to, and the clashes (ambiguous name -> unique names to use instead).

    Each operation answers to its operationId and to snake_case(operationId); without an operationId,
    to a name made of the method and path (GET /users/{id} -> get_users_id). A name claimed by two
    operations, or by a client attribute, is withheld; each operation involved then also answers to
    `<snake name>__<method>_<path>`.
    """
    claims: dict[str, list[Operation]] = defaultdict(list)
    for op in operations:
        op.python_name = snake_case(op.operation_id) if op.operation_id else route_name(op)
        names = {op.python_name}
        if op.operation_id:
            names.add(op.operation_id)
        for name in names:
            claims[name].append(op)
    table: dict[str, Operation] = {}
    clashes: dict[str, list[str]] = {}
    for name, ops in claims.items():
        if len(ops) == 1 and name not in reserved:
            table[name] = ops[0]
            continue
        unique = []
        for op in ops:
            base = snake_case(op.operation_id) if op.operation_id else route_name(op)
            fallback = f"{base}__{route_name(op)}" if len(ops) > 1 else f"{name}_op"
            table[fallback] = op
            unique.append(fallback)
            if op.python_name == name:
                op.python_name = fallback
        clashes[name] = unique
    for name, unique in clashes.items():
        warnings.warn(
            f"operation name {name!r} is ambiguous; use {', '.join(unique)} instead", NameClashWarning, stacklevel=3
        )
    return table, clashes

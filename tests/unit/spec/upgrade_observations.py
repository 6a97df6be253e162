"""What a loaded Swagger 2.0 spec shows, read the way the client reads it, to compare the lazy upgrade with the
eager one (the whole document upgraded at load, every path item resolved to list the operations)."""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from typing import Any
from unittest import mock

from talos_dynamic.errors import SpecError
from talos_dynamic.spec import model, swagger2
from talos_dynamic.spec.deferred import DeferredDict
from talos_dynamic.spec.model import Spec


@contextmanager
def eager_upgrade():
    """Specs loaded meanwhile upgrade the whole document at load (and so list operations from it)."""

    def upgrade(document: Any, resolver: Any = None, uri: str = "", *, lazy: bool = False) -> Any:
        return swagger2.upgrade(document, resolver, uri)

    with mock.patch.object(model, "upgrade", upgrade):
        yield


def load(source: Any, eager: bool = False, **options: Any) -> Any:
    """Spec(source), or the SpecError it raises (as an observation)."""
    try:
        if eager:
            with eager_upgrade():
                return Spec(source, **options)
        return Spec(source, **options)
    except SpecError as exc:
        return error(exc)


def error(exc: SpecError) -> tuple[str, str, str, str | None]:
    return ("SpecError", str(exc), exc.source, exc.pointer)


def unbuilt(value: Any) -> int:
    """How many values of the DeferredDicts in a document are not built yet."""
    if isinstance(value, DeferredDict):
        return len(value.unbuilt())
    if isinstance(value, dict):
        return sum(unbuilt(item) for item in value.values())
    return 0


def observe(action: Any) -> Any:
    try:
        return action()
    except SpecError as exc:
        return error(exc)


def parameter_fields(operation: Any) -> Any:
    return [tuple(getattr(p, f.name) for f in dataclasses.fields(p)) for p in operation.parameters]


def observations(spec: Any) -> list[Any]:
    """Everything the client reads from a spec, in the order it reads it (names first, then each operation's
    parts, then the components, then the whole document); a SpecError is observed as its text and pointer."""
    if not isinstance(spec, Spec):
        return [spec]
    seen: list[Any] = []
    operations = observe(lambda: spec.operations)
    if not isinstance(operations, list):
        return [operations]
    seen.append(
        [(op.method, op.path, op.operation_id, op.tags, op.summary, op.description, op.deprecated) for op in operations]
    )
    for op in operations:
        seen.append(observe(lambda op=op: (op.path_item, op.node)))
        seen.append(observe(lambda op=op: parameter_fields(op)))
        seen.append(observe(lambda op=op: op.request_body))
        seen.append(observe(lambda op=op: op.responses))
        seen.append(observe(lambda op=op: (op.accept, op.security, op.servers, op.callbacks)))
    components = spec.document.get("components") if isinstance(spec.document, dict) else None
    for section, entries in components.items() if isinstance(components, dict) else ():
        for name in entries if isinstance(entries, dict) else ():
            seen.append(observe(lambda section=section, name=name: spec.root.child("components", section, name)))
    seen.append(spec.document)
    return seen

"""Compare two specs as a Python caller of this client sees them: operations by their Python names, their
keyword arguments, the fields of their answers, their error bodies, and the spec's schemas and enums.

Operations are matched by Python name, so an operationId renamed without changing it (AdminIssueAPIKey →
adminIssueApiKey, both admin_issue_api_key) is reported as such and is not a break; an operation whose Python
name changed at the same method and path is "renamed" and is one. Types are compared by shape (str, int,
list[str], dict, ...), never by schema name, so renaming a schema changes no argument's type.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..call.arguments import ArgumentTable
from ..explore.binding import bind_names
from ..reloading import SpecBinding
from ..spec.model import Spec
from ..spec.naming import snake_case
from ..spec.operations import Operation
from ..spec.refs import Located, Resolver
from ..spec.schemas import object_properties, single_type
from .report import Change, SpecDiff

MAX_FIELD_DEPTH = 4  # answer fields compared this deep (issued_api_keys[].revocation_reason is 2)
_PY_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "object": "dict"}


@dataclass(frozen=True)
class Field:
    """A field of an answer or error body: its shape and, where it has one, its enum values."""

    shape: str
    enum: tuple[Any, ...] | None


def compare(old: Spec | SpecBinding, new: Spec | SpecBinding) -> SpecDiff:
    """Every change from `old` to `new`, each marked breaking or not. A client's SpecBinding gives the Python
    names that client bound; a Spec no client has bound is named as a Client would name it."""
    before, after = python_names(old), python_names(new)
    old_spec, new_spec = _spec(old), _spec(new)
    report = SpecDiff(old_spec.source, new_spec.source)
    report.changes.extend(_operations(before, after))
    report.changes.extend(_schemas(old_spec, new_spec))
    return report


def _spec(source: Spec | SpecBinding) -> Spec:
    return source.spec if isinstance(source, SpecBinding) else source


# -- operations ---------------------------------------------------------------------------------------
def python_names(source: Spec | SpecBinding) -> dict[str, Operation]:
    """The operations by their Python names: those of a client's binding (its name table, clashes settled),
    or, for a Spec, the names its operations were bound to, binding them as a Client would if none was."""
    operations = _spec(source).operations
    if not isinstance(source, SpecBinding) and any(not op.python_name for op in operations):
        bind_names(operations, _client_names())
    found: dict[str, Operation] = {}
    for operation in operations:
        found.setdefault(operation.python_name, operation)
    return found


def _client_names() -> set[str]:
    """The attribute names a Client keeps for itself (an operation of such a name is bound as `<name>_op`)."""
    from ..client import Client  # the class only: no client is built

    return {name for name in dir(Client) if not name.startswith("_")}


def _operations(before: dict[str, Operation], after: dict[str, Operation]) -> Iterator[Change]:
    routes = {(op.method, op.path): name for name, op in after.items() if name not in before}
    paired: dict[str, str] = {}
    for name, operation in before.items():
        if name in after:
            paired[name] = name
            continue
        renamed = routes.get((operation.method, operation.path))
        if renamed is not None:
            paired[name] = renamed
            yield Change(
                "operation-renamed",
                True,
                f"{name} is now {renamed} ({operation.name} → {after[renamed].name}, "
                f"{operation.method} {operation.path}): calls to {name} fail",
                name,
                name,
                operation.name,
                renamed,
            )
        else:
            yield Change(
                "operation-removed",
                True,
                f"{name} ({operation.name}, {operation.method} {operation.path}) is gone: calls to it fail",
                name,
                name,
                operation.name,
            )
    for name, operation in after.items():
        if name not in paired.values():
            yield Change(
                "operation-added",
                False,
                f"{name} ({operation.name}, {operation.method} {operation.path}) is new",
                name,
                name,
                None,
                operation.name,
            )
    for old_name, new_name in paired.items():
        yield from _operation(before[old_name], after[new_name], old_name)


def _operation(old: Operation, new: Operation, name: str) -> Iterator[Change]:
    if old.name != new.name and old.python_name == new.python_name:
        yield Change(
            "operation-id-renamed",
            False,
            f"operationId {old.name} → {new.name}: the Python name {name} stays, so this is not a break here",
            name,
            name,
            old.name,
            new.name,
        )
    if (old.method, old.path) != (new.method, new.path) and old.python_name == new.python_name:
        yield Change(
            "operation-moved",
            False,
            f"{name} moved from {old.method} {old.path} to {new.method} {new.path}; the client follows the spec",
            name,
            name,
            f"{old.method} {old.path}",
            f"{new.method} {new.path}",
        )
    yield from _arguments(ArgumentTable(old), ArgumentTable(new), name)
    yield from _answer(old, new, name)
    yield from _errors(old, new, name)


def _arguments(old: ArgumentTable, new: ArgumentTable, name: str) -> Iterator[Change]:
    before, after = old.by_name, new.by_name
    for arg, argument in before.items():
        if arg not in after:
            yield Change("argument-removed", True, f"{name}(): argument {arg} is gone", name, arg, arg)
            continue
        other = after[arg]
        if other.required and not argument.required:
            yield Change("argument-required", True, f"{name}(): argument {arg} is now required", name, arg)
        elif argument.required and not other.required:
            yield Change("argument-optional", False, f"{name}(): argument {arg} is now optional", name, arg)
        was, now = _shape(old.resolver, argument.schema), _shape(new.resolver, other.schema)
        if was != now:
            yield Change(
                "argument-type-changed", True, f"{name}(): argument {arg} was {was}, is {now}", name, arg, was, now
            )
        elif _named(argument.schema) is None:  # an inline enum; a named one is reported with its schema
            yield from _enum_values(
                _enum(old.resolver, argument.schema), _enum(new.resolver, other.schema), f"{name}(): {arg}", name, arg
            )
    for arg, argument in after.items():
        if arg not in before:
            yield Change(
                "argument-added",
                argument.required,
                f"{name}(): new {'required' if argument.required else 'optional'} argument {arg}",
                name,
                arg,
                None,
                arg,
            )


def _answer(old: Operation, new: Operation, name: str) -> Iterator[Change]:
    before = _fields(old.spec.resolver, _success_schema(old))
    after = _fields(new.spec.resolver, _success_schema(new))
    for path, field in before.items():
        if path not in after:
            yield Change(
                "response-field-removed", True, f"{name}(): answer field {path} is gone", name, path, field.shape
            )
        elif after[path].shape != field.shape:
            yield Change(
                "response-field-type-changed",
                True,
                f"{name}(): answer field {path} was {field.shape}, is {after[path].shape}",
                name,
                path,
                field.shape,
                after[path].shape,
            )
    for path, field in after.items():
        if path not in before:
            yield Change(
                "response-field-added", False, f"{name}(): new answer field {path}", name, path, None, field.shape
            )


def _errors(old: Operation, new: Operation, name: str) -> Iterator[Change]:
    before, after = _error_shapes(old), _error_shapes(new)
    for status, shape in before.items():
        if status not in after:
            yield Change(
                "error-status-removed", False, f"{name}(): error answer {status} no longer declared", name, status
            )
        elif after[status] != shape:
            lost = sorted(set(shape) - set(after[status]))
            changed = sorted(p for p in shape if p in after[status] and shape[p] != after[status][p])
            what = "; ".join(
                part
                for part in (
                    f"fields gone: {', '.join(lost)}" if lost else "",
                    f"fields retyped: {', '.join(changed)}" if changed else "",
                    f"new fields: {', '.join(sorted(set(after[status]) - set(shape)))}"
                    if not lost and not changed
                    else "",
                )
                if part
            )
            yield Change(
                "error-shape-changed",
                bool(lost or changed),
                f"{name}(): the {status} error body changed ({what})",
                name,
                status,
            )
    for status in after:
        if status not in before:
            yield Change("error-status-added", False, f"{name}(): error answer {status} newly declared", name, status)


# -- schemas and enums ---------------------------------------------------------------------------------
def _components(spec: Spec) -> dict[str, Located]:
    schemas = spec.root.get("components")
    schemas = schemas.get("schemas") if schemas is not None else None
    if schemas is None or not isinstance(schemas.value, dict):
        return {}
    return {name: schemas.child(name) for name in schemas.value}


def _schemas(old: Spec, new: Spec) -> Iterator[Change]:
    before, after = _components(old), _components(new)
    added = {snake_case(n): n for n in after if n not in before}
    matched: dict[str, str] = {n: n for n in before if n in after}
    for schema in before:
        if schema in after:
            continue
        renamed = added.get(snake_case(schema))
        where = f"client.{'enums' if _enum(old.resolver, before[schema]) is not None else 'models'}.{schema}"
        if renamed is not None:
            matched[schema] = renamed
            yield Change(
                "schema-renamed",
                True,
                f"schema {schema} is now {renamed}: {where} is gone",
                None,
                schema,
                schema,
                renamed,
            )
        else:
            yield Change("schema-removed", True, f"schema {schema} is gone: {where} fails", None, schema, schema)
    for schema in after:
        if schema not in matched.values():
            yield Change("schema-added", False, f"new schema {schema}", None, schema, None, schema)
    for old_name, new_name in matched.items():
        yield from _enum_values(
            _enum(old.resolver, before[old_name]),
            _enum(new.resolver, after[new_name]),
            f"enum {new_name}",
            None,
            new_name,
        )


def _enum_values(
    old: tuple[Any, ...] | None, new: tuple[Any, ...] | None, where: str, operation: str | None, subject: str
) -> Iterator[Change]:
    if old is None or new is None:
        return
    for value in old:
        if value not in new:
            yield Change("enum-value-removed", True, f"{where}: value {value} is gone", operation, subject, str(value))
    for value in new:
        if value not in old:
            yield Change(
                "enum-value-added",
                False,
                f"{where}: new value {value} (code matching every value should expect it)",
                operation,
                subject,
                None,
                str(value),
            )


# -- shapes --------------------------------------------------------------------------------------------
def _named(schema: Located | None) -> str | None:
    value = schema.value if schema is not None else None
    return value["$ref"] if isinstance(value, dict) and isinstance(value.get("$ref"), str) else None


def _shape(resolver: Resolver, schema: Located | None, depth: int = 0) -> str:
    """A schema's shape as a Python type (str, int, list[str], dict, ...), whatever the schema is named."""
    if schema is None or depth > 6:
        return "Any"
    resolved = resolver.resolve(schema)
    value = resolved.value
    if not isinstance(value, dict):
        return "Any"
    kind = single_type(value)
    if kind == "array":
        return f"list[{_shape(resolver, resolved.get('items'), depth + 1)}]"
    if kind in _PY_TYPES:
        return _PY_TYPES[kind]
    if "properties" in value or "additionalProperties" in value:
        return "dict"
    if "allOf" in value and isinstance(value["allOf"], list):
        shapes = {_shape(resolver, resolved.child("allOf", i), depth + 1) for i in range(len(value["allOf"]))}
        return "dict" if "dict" in shapes else next(iter(sorted(shapes - {"Any"})), "Any")
    for key in ("oneOf", "anyOf"):
        if isinstance(value.get(key), list):
            members = sorted({_shape(resolver, resolved.child(key, i), depth + 1) for i in range(len(value[key]))})
            return " | ".join(members)
    return "Any"


def _enum(resolver: Resolver, schema: Located | None) -> tuple[Any, ...] | None:
    if schema is None:
        return None
    resolved = resolver.resolve(schema)
    value = resolved.value
    if isinstance(value, dict) and single_type(value) == "array" and resolved.get("items") is not None:
        value = resolver.resolve(resolved.get("items")).value  # type: ignore[arg-type]
    if isinstance(value, dict) and isinstance(value.get("enum"), list):
        return tuple(v for v in value["enum"] if v is not None)
    return None


def _fields(resolver: Resolver, schema: Located | None, prefix: str = "", depth: int = 0) -> dict[str, Field]:
    """An object schema's fields, nested ones as dotted paths (`items[].key_id` inside arrays)."""
    if schema is None or depth >= MAX_FIELD_DEPTH:
        return {}
    found: dict[str, Field] = {}
    properties, _ = object_properties(resolver, schema)
    for name, child in properties.items():
        path = f"{prefix}{name}"
        found[path] = Field(_shape(resolver, child), _enum(resolver, child))
        resolved = resolver.resolve(child)
        value = resolved.value
        if isinstance(value, dict) and single_type(value) == "array" and resolved.get("items") is not None:
            found.update(_fields(resolver, resolved.get("items"), f"{path}[].", depth + 1))
        else:
            found.update(_fields(resolver, child, f"{path}.", depth + 1))
    return found


def _success_schema(operation: Operation) -> Located | None:
    for status, response in sorted(operation.responses.items()):
        if status.startswith("2"):
            for media in response.content.values():
                if "json" in media.name and media.schema is not None:
                    return media.schema
    return None


def _error_shapes(operation: Operation) -> dict[str, dict[str, str]]:
    shapes = {}
    for status, response in operation.responses.items():
        if status.startswith(("1", "2", "3")):
            continue
        schema = next((m.schema for m in response.content.values() if "json" in m.name), None)
        shapes[status] = {path: field.shape for path, field in _fields(operation.spec.resolver, schema).items()}
    return shapes

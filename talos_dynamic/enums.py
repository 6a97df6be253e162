"""`client.enums.<SchemaName>`: str-valued (or int-valued) enum classes built from the spec on first use."""

from __future__ import annotations

import enum
from functools import cached_property
from typing import Any

from .naming import constant_name
from .spec import Spec


class EnumNamespace:
    """Every component schema with an `enum` list, as an Enum class named after the schema."""

    def __init__(self, spec: Spec) -> None:
        self._spec = spec
        self._built: dict[str, type[enum.Enum]] = {}

    @cached_property
    def _schemas(self) -> dict[str, list[Any]]:
        components = self._spec.document.get("components")
        schemas = components.get("schemas") if isinstance(components, dict) else None
        found = {}
        for name in schemas or {}:
            schema = self._spec.resolver.resolve(self._spec.root.child("components", "schemas", name)).value
            if isinstance(schema, dict) and isinstance(schema.get("enum"), list) and schema["enum"]:
                found[name] = [v for v in schema["enum"] if v is not None]
        return found

    def __getattr__(self, name: str) -> type[enum.Enum]:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._built:
            if name not in self._schemas:
                raise AttributeError(f"no enum schema named {name!r} (enums: {', '.join(sorted(self._schemas))})")
            self._built[name] = make_enum(name, self._schemas[name])
        return self._built[name]

    def __dir__(self) -> list[str]:
        return sorted(self._schemas)

    def __iter__(self):
        return (getattr(self, name) for name in sorted(self._schemas))

    def __len__(self) -> int:
        return len(self._schemas)

    def __repr__(self) -> str:
        return f"<enums: {', '.join(sorted(self._schemas)) or 'none'}>"


def make_enum(name: str, values: list[Any]) -> type[enum.Enum]:
    """An Enum whose members compare equal to (and serialize as) the spec's values."""
    members: dict[str, Any] = {}
    for value in values:
        member = constant_name(value)
        while member in members:
            member += "_"
        members[member] = value
    if all(isinstance(v, str) for v in values):
        return enum.StrEnum(name, members)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return enum.IntEnum(name, members)
    return enum.Enum(name, members)

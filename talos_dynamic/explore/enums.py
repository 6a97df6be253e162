"""`client.enums.<SchemaName>`: str-valued (or int-valued) enum classes built from the spec on first use."""

from __future__ import annotations

import enum
from functools import cached_property
from typing import Any

from ..spec.model import Spec
from ..spec.naming import constant_name


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

    def get(self, name: str) -> type[enum.Enum] | None:
        """The enum class of a component schema, or None when that schema has no enum."""
        return getattr(self, name) if name in self._schemas or name in self._built else None

    def inline(self, name: str, values: list[Any]) -> type[enum.Enum]:
        """The class for an inline enum, registered as `<python operation name>_<argument name>`."""
        if name not in self._built:
            self._built[name] = make_enum(name, [v for v in values if v is not None])
        return self._built[name]

    def __dir__(self) -> list[str]:
        return sorted({*self._schemas, *self._built})

    def __iter__(self):
        return (getattr(self, name) for name in sorted(self._schemas))

    def __len__(self) -> int:
        return len(self._schemas)

    def __repr__(self) -> str:
        return f"<enums: {', '.join(sorted(self._schemas)) or 'none'}>"


RESERVED_MEMBER_NAMES = frozenset({"mro", "name", "value"})


def make_enum(name: str, values: list[Any]) -> type[enum.Enum]:
    """An Enum whose members compare equal to (and serialize as) the spec's values."""
    members: dict[str, Any] = {}
    for value in values:
        base = member = constant_name(value)
        suffix = 2
        while member in members or member in RESERVED_MEMBER_NAMES:
            member, suffix = f"{base}_{suffix}", suffix + 1
        members[member] = value
    if all(isinstance(v, str) for v in values):
        made: type[enum.Enum] = enum.StrEnum(name, members)
    elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        made = enum.IntEnum(name, members)
    else:
        made = enum.Enum(name, members)
    made.__module__ = "client.enums"  # signatures then read client.enums.<Name>, as the user writes it
    return made

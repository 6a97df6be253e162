"""How one operation's keyword arguments map to parameters and body properties (built on first use)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ..spec.naming import argument_name
from ..spec.operations import Operation, Parameter
from ..spec.refs import Located
from ..spec.schemas import object_properties, secret_fields
from .bodies import FORM, JSON, MULTIPART, media_kind

RESERVED_ARGUMENTS = ("body", "content_type")


class NotSent:
    """The default of an optional argument: left out of the request. (None is not the same: a body field
    given as None is sent as JSON null when its schema allows null.) Shown as NOT_SENT in help()."""

    _one: NotSent | None = None

    def __new__(cls) -> NotSent:
        if cls._one is None:
            cls._one = super().__new__(cls)
        return cls._one

    def __repr__(self) -> str:
        return "NOT_SENT"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "NOT_SENT"


NOT_SENT = NotSent()
_TEMPLATE = re.compile(r"{([^{}]+)}")


@dataclass(frozen=True)
class Argument:
    """One keyword argument: a parameter, or a property of a JSON object body."""

    python_name: str
    parameter: Parameter | None = None
    property_name: str | None = None
    required: bool = False
    schema: Located | None = None


class ArgumentTable:
    """Keyword arguments of an operation.

    Rules, in order: parameter names that are Python identifiers are kept as they are, others are
    snake_cased; when two parameters get the same name (say `id` in path and query) both are prefixed
    with their location (`path_id`, `query_id`); a parameter named `body` or `content_type` is prefixed
    too. Then each top-level property of an object body (JSON preferred, else form or multipart) becomes
    an argument of its own, unless its name is already taken: such a property goes inside `body=`.
    """

    def __init__(self, operation: Operation) -> None:
        self.operation = operation
        self.resolver = operation.spec.resolver

    @cached_property
    def parameters(self) -> list[Parameter]:
        """Declared parameters plus any {name} in the path template that the spec forgot to declare."""
        params = list(self.operation.parameters)
        declared = {p.name for p in params if p.location == "path"}
        for name in _TEMPLATE.findall(self.operation.path):
            if name not in declared:
                params.append(
                    Parameter(
                        name=name,
                        location="path",
                        required=True,
                        schema=None,
                        style="simple",
                        explode=False,
                        where="(path template)",
                    )
                )
        return params

    @cached_property
    def by_name(self) -> dict[str, Argument]:
        """Every accepted keyword argument except `body` and `content_type`."""
        names = [argument_name(p.name) for p in self.parameters]
        table: dict[str, Argument] = {}
        for param, name in zip(self.parameters, names, strict=True):
            if names.count(name) > 1 or name in RESERVED_ARGUMENTS:
                name = f"{param.location}_{name}"
            table[name] = Argument(name, parameter=param, required=param.required, schema=param.schema)
        for prop, (schema, required) in self.body_properties.items():
            name = argument_name(prop)
            if name not in table and name not in RESERVED_ARGUMENTS:
                table[name] = Argument(name, property_name=prop, required=required, schema=schema)
        return table

    @cached_property
    def object_body_schema(self) -> Located | None:
        """The schema whose properties become arguments: the JSON body's, else a form or multipart body's."""
        body = self.operation.request_body
        if body is None:
            return None
        for kinds in ((JSON,), (FORM, MULTIPART)):
            for media in body.content.values():
                if media_kind(media.name) in kinds and "*" not in media.name:
                    return media.schema
        return None

    @cached_property
    def body_properties(self) -> dict[str, tuple[Located, bool]]:
        """Top-level properties of a JSON object body, with whether each is required."""
        properties, required = object_properties(self.resolver, self.object_body_schema)
        body_required = self.operation.request_body is not None and self.operation.request_body.required
        return {name: (schema, body_required and name in required) for name, schema in properties.items()}

    @cached_property
    def secrets(self) -> frozenset[str]:
        """writeOnly / password property names of the request and response bodies (for masking)."""
        found: set[str] = set()
        body = self.operation.request_body
        for media in body.content.values() if body else ():
            found |= secret_fields(self.resolver, media.schema)
        for response in self.operation.responses.values():
            for media in response.content.values():
                found |= secret_fields(self.resolver, media.schema)
        return frozenset(found)

"""`client.models.<SchemaName>`: a checked constructor per component schema, usable as a request body."""

from __future__ import annotations

import inspect
import json
from functools import cached_property
from typing import Any

from ..call.convert import to_wire
from ..call.results import Result
from ..call.validation import REQUEST, SchemaValidators
from ..errors import RequestValidationError
from ..masking import mask_json
from ..spec.model import Spec
from ..spec.naming import argument_name
from ..spec.refs import Located
from ..spec.schemas import describe_type, object_properties
from .enums import EnumNamespace
from .signatures import annotation


class Model(Result):
    """A value built by a model constructor: read-only like a Result, and accepted wherever a body is."""

    __slots__ = ()

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in mask_json(self._data).items())
        return f"{self._name}({fields})"


class ModelClass:
    """Builds and checks values of one component schema: Name(field=value, ...) or Name({...})."""

    def __init__(
        self, name: str, schema: Located, spec: Spec, validators: SchemaValidators, enums: EnumNamespace
    ) -> None:
        self.__name__ = self.__qualname__ = name
        self.schema = schema
        self._spec = spec
        self._validators = validators
        self._enums = enums

    @cached_property
    def _fields(self) -> dict[str, str]:
        properties, _ = object_properties(self._spec.resolver, self.schema)
        return {argument_name(name): name for name in properties}

    @cached_property
    def __signature__(self) -> inspect.Signature:
        properties, required = object_properties(self._spec.resolver, self.schema)
        params = [inspect.Parameter("data", inspect.Parameter.POSITIONAL_ONLY, default=None, annotation=dict)]
        for python, name in sorted(self._fields.items(), key=lambda item: item[1] not in required):
            params.append(
                inspect.Parameter(
                    python,
                    inspect.Parameter.KEYWORD_ONLY,
                    default=inspect.Parameter.empty if name in required else None,
                    annotation=annotation(
                        self._spec.resolver, properties[name], self._enums, f"{self.__name__}_{python}"
                    ),
                )
            )
        return inspect.Signature(params)

    @property
    def __doc__(self) -> str:  # type: ignore[override]
        properties, required = object_properties(self._spec.resolver, self.schema)
        value = self._spec.resolver.resolve(self.schema).value
        lines = [str(value.get("description") or value.get("title") or "").strip()] if isinstance(value, dict) else []
        lines += [
            f"{name} : {describe_type(self._spec.resolver, schema)}, {'required' if name in required else 'optional'}"
            for name, schema in properties.items()
        ]
        return "\n".join(line for line in lines if line)

    def __call__(self, data: Any = None, /, **fields: Any) -> Any:
        value = dict(data) if isinstance(data, dict) else data
        if fields:
            unknown = [k for k in fields if k not in self._fields and k not in self._fields.values()]
            if unknown:
                raise TypeError(f"{self.__name__} has no fields {unknown} (fields: {', '.join(self._fields)})")
            value = {**(value or {}), **{self._fields.get(k, k): v for k, v in fields.items() if v is not None}}
        if value is None:
            value = {}
        value = to_wire(value)
        violations = self._validators.check(self.schema, value, REQUEST, "body", "$")
        if violations:
            raise RequestValidationError(f"models.{self.__name__}", violations, summary="invalid value")
        return Model(value, None, self.__name__) if isinstance(value, dict) else value

    def __repr__(self) -> str:
        return f"<model {self.__name__}{self.__signature__}>"


class ModelNamespace:
    """Every component schema as a constructor."""

    def __init__(self, spec: Spec, validators: SchemaValidators, enums: EnumNamespace) -> None:
        self._spec = spec
        self._validators = validators
        self._enums = enums
        self._built: dict[str, ModelClass] = {}

    @cached_property
    def _names(self) -> list[str]:
        components = self._spec.document.get("components")
        schemas = components.get("schemas") if isinstance(components, dict) else None
        return sorted(schemas) if isinstance(schemas, dict) else []

    def __getattr__(self, name: str) -> ModelClass:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._built:
            if name not in self._names:
                raise AttributeError(f"no component schema named {name!r}")
            schema = self._spec.root.child("components", "schemas", name)
            self._built[name] = ModelClass(name, schema, self._spec, self._validators, self._enums)
        return self._built[name]

    def __dir__(self) -> list[str]:
        return list(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"<models: {', '.join(self._names) or 'none'}>"

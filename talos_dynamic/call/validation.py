"""Schema validation with OpenAPI semantics; one compiled validator per schema and direction, reused."""

from __future__ import annotations

import re
import threading
from typing import Any

import referencing
import referencing.jsonschema
from jsonschema.exceptions import ValidationError
from jsonschema.validators import extend
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30Validator,
    OAS30WriteValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from openapi_schema_validator import _keywords as oas_keywords

from ..errors import SpecError, Violation
from ..masking import MASK, is_secret_name
from ..spec.model import Spec
from ..spec.refs import Located
from .deref import Dereferencer, NeedsRegistry

REQUEST, RESPONSE, PARAMETER = "request", "response", "parameter"

# OpenAPI 3.1 has the same rules as 3.0 for readOnly (not required, not allowed in requests) and writeOnly
# (likewise in responses); openapi-schema-validator only ships those variants for 3.0.
OAS31WriteValidator = extend(
    OAS31Validator, validators={"required": oas_keywords.write_required, "readOnly": oas_keywords.write_readOnly}
)
OAS31ReadValidator = extend(
    OAS31Validator, validators={"required": oas_keywords.read_required, "writeOnly": oas_keywords.read_writeOnly}
)
ACCESS_RULES = ("readOnly", "writeOnly")


class SchemaValidators:
    """Compiles a validator the first time a schema is checked, then keeps it.

    Safe to share between threads: a validator is compiled under a lock, completely, and only then
    published in the cache, so no thread ever sees one built from a half-inlined schema.
    """

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._cache: dict[tuple[str, str], Any] = {}
        self._inlined: dict[str, Any] = {}
        self._lock = threading.RLock()
        self._registry: referencing.Registry | None = None
        self._registry_size = 0
        self._dereferencer = Dereferencer(spec.resolver, refs_have_siblings=spec.is_31)

    def _specification(self) -> referencing.Specification:
        if self.spec.is_31:
            return referencing.jsonschema.DRAFT202012
        return referencing.jsonschema.DRAFT4

    def _current_registry(self) -> referencing.Registry:
        documents = self.spec.store.documents
        if self._registry is None or self._registry_size != len(documents):
            specification = self._specification()
            self._registry = referencing.Registry(retrieve=self._retrieve).with_resources(
                (uri, specification.create_resource(doc)) for uri, doc in documents.items()
            )
            self._registry_size = len(documents)
        return self._registry

    def _retrieve(self, uri: str) -> referencing.Resource:
        try:
            with self._lock:  # loading a document writes to the store, which registries read under the lock
                return self._specification().create_resource(self.spec.store.get(uri))
        except SpecError as exc:
            raise referencing.exceptions.NoSuchResource(ref=uri) from exc

    def validator(self, schema: Located, direction: str) -> Any:
        """The compiled validator for a schema; requests ignore readOnly, responses writeOnly (3.0).

        The schema's $refs are inlined first, so validating never looks a reference up; a 3.1 schema
        that needs real URI resolution ($id, $dynamicRef) is validated through a referencing registry.
        """
        key = (schema.ref, direction)
        found = self._cache.get(key)
        if found is None:
            with self._lock:
                found = self._cache.get(key)
                if found is None:
                    found = self._cache[key] = self._compile(schema, direction)
        return found

    def inlined(self, schema: Located | None) -> Any:
        """The schema with its $refs inlined (for conversion hints); None when it needs a registry."""
        if schema is None:
            return None
        found = self._inlined.get(schema.ref, self)
        if found is self:
            with self._lock:
                found = self._inlined.get(schema.ref, self)
                if found is not self:
                    return found
                try:
                    found = self._dereferencer.inline(schema)
                except NeedsRegistry:
                    found = None
                self._inlined[schema.ref] = found
        return found

    def _compile(self, schema: Located, direction: str) -> Any:
        if self.spec.is_31:
            cls = {REQUEST: OAS31WriteValidator, RESPONSE: OAS31ReadValidator}.get(direction, OAS31Validator)
            formats = oas31_format_checker
        else:
            # readOnly/writeOnly speak of properties: a parameter is checked without either rule
            cls = {REQUEST: OAS30WriteValidator, RESPONSE: OAS30ReadValidator}.get(direction, OAS30Validator)
            formats = oas30_format_checker
        try:
            # the registry serves discriminator references; "" is the root document, for the implicit
            # #/components/schemas/<value> ones
            registry = self._current_registry().with_resource(
                "", self._specification().create_resource(self.spec.document)
            )
            return cls(self.inlined_strict(schema), registry=registry, format_checker=formats)
        except NeedsRegistry:
            return cls({"$ref": schema.ref}, registry=self._current_registry(), format_checker=formats)

    def inlined_strict(self, schema: Located) -> Any:
        """The inlined schema; raises NeedsRegistry when it needs real URI resolution."""
        found = self.inlined(schema)
        if found is None:
            raise NeedsRegistry(schema.ref)
        return found

    def check(
        self,
        schema: Located | None,
        value: Any,
        direction: str,
        location: str,
        root: str = "$",
        secrets: frozenset[str] = frozenset(),
    ) -> list[Violation]:
        """Every violation of `value` against `schema`, as Violations with JSON paths under `root`."""
        if schema is None:
            return []
        validator = self.validator(schema, direction)
        try:
            errors = sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.absolute_path)))
        except referencing.exceptions.Unresolvable as exc:
            raise SpecError(
                f"schema $ref does not resolve: {exc}",
                source=self.spec.resolver.display(schema.uri),
                pointer=schema.pointer,
            ) from None
        # readOnly/writeOnly describe properties; a whole body whose schema carries them is not refused
        return [
            to_violation(error, location, root, secrets)
            for error in errors
            if not (error.validator in ACCESS_RULES and not error.absolute_path)
        ]


def json_path(root: str, parts: Any) -> str:
    """A JSON path such as $.issued_api_key.scopes[0]."""
    path = root
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif isinstance(part, str) and part.isidentifier():
            path += f".{part}"
        else:
            path += f"[{part!r}]"
    return path


def to_violation(error: ValidationError, location: str, root: str, secrets: frozenset[str]) -> Violation:
    """Turn a jsonschema error into a Violation, masking the value when it sits under a secret name."""
    parts = list(error.absolute_path)
    secret = any(isinstance(p, str) and is_secret_name(p, secrets) for p in parts)
    value = MASK if secret else error.instance
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches = sorted({f"branch {e.schema_path[0]}: {e.message}" for e in error.context if e.schema_path})[:4]
        message = f"matches none of the {error.validator} branches ({'; '.join(branches)})"
    elif secret:
        message = f"value does not satisfy {error.validator}={error.validator_value!r}"
    else:
        message = error.message
    if len(message) > 300:
        message = message[:297] + "..."
    expected = error.validator_value
    if error.validator == "required":
        missing = re.match(r"'(.+)' is a required property", error.message)
        expected = missing.group(1) if missing else expected
    elif error.validator in ("oneOf", "anyOf", "allOf") or len(str(expected)) > 200:
        expected = f"<{error.validator} schema>"
    return Violation(
        location=location,
        path=json_path(root, parts),
        rule=str(error.validator),
        message=message,
        value=value,
        expected=expected,
    )

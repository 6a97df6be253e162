"""Schema validation with OpenAPI semantics; one compiled validator per schema and direction, reused."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import SpecError, Violation
from ..logs import logger
from ..masking import MASK, describe, is_secret_name, looks_secret, remember_secret
from ..spec.model import Spec
from ..spec.refs import Located
from .convert import MAX_DEPTH, wire_problems
from .deref import Dereferencer, NeedsRegistry
from .fast_validation import compile_fast

if TYPE_CHECKING:  # jsonschema, referencing and openapi-schema-validator load on the first validation
    import referencing
    from jsonschema.exceptions import ValidationError

REQUEST, RESPONSE, PARAMETER = "request", "response", "parameter"
ACCESS_RULES = ("readOnly", "writeOnly")

_unusable_patterns: set[str] = set()


def _pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Any:
    """jsonschema's `pattern`, except that a pattern Python's re cannot compile (ECMA-262's \\p{L}, for
    one) is skipped, with one warning per pattern, instead of crashing the validation."""
    if not isinstance(instance, str) or not isinstance(pattern, str):
        return
    try:
        found = re.search(pattern, instance)
    except (re.error, RecursionError, OverflowError, ValueError):
        if pattern not in _unusable_patterns:
            _unusable_patterns.add(pattern)
            logger.warning("pattern %.60r cannot be checked by Python's re; it is skipped", pattern)
        return
    if found is None:
        from jsonschema.exceptions import ValidationError

        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _type_30(oas_keywords: Any, ValidationError: Any) -> Any:
    """openapi-schema-validator's OpenAPI 3.0 `type`, except that an unexpected null is one error, not two
    ("None for not nullable" and "None is not of type ...")."""

    def type_30(validator: Any, data_type: Any, instance: Any, schema: Any) -> Any:
        if instance is None and schema.get("nullable") is not True:
            yield ValidationError(f"None is not of type {data_type!r}")
            return
        yield from oas_keywords.type(validator, data_type, instance, schema)

    return type_30


# The formats checked, on every machine: each needs only the standard library or a package this one depends on.
# jsonschema checks more (uri, hostname, duration, ...) only when optional packages happen to be installed;
# leaving those out keeps a request or answer valid or invalid whatever else is installed.
CHECKED_FORMATS = frozenset(
    {"date", "date-time", "time", "email", "idn-email", "ipv4", "ipv6", "uuid", "regex"}
    | {"int32", "int64", "float", "double", "byte", "binary", "password"}
)


def _fixed_formats(checker: Any) -> Any:
    """A copy of a format checker that checks only CHECKED_FORMATS."""
    from jsonschema import FormatChecker

    fixed = FormatChecker(formats=())
    fixed.checkers = {name: check for name, check in checker.checkers.items() if name in CHECKED_FORMATS}
    return fixed


@functools.cache
def validator_classes(is_31: bool) -> tuple[dict[str, Any], Any]:
    """The validator class for each direction (and for parameters), and the format checker, of one OpenAPI
    version; built on first use so that importing the package loads no JSON Schema library."""
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

    def with_pattern(cls: Any, **validators: Any) -> Any:
        return extend(cls, validators={"pattern": _pattern, **validators})

    if is_31:
        # OpenAPI 3.1 has the same rules as 3.0 for readOnly (not required, not allowed in requests) and
        # writeOnly (likewise in responses); openapi-schema-validator only ships those variants for 3.0.
        write = with_pattern(OAS31Validator, required=oas_keywords.write_required, readOnly=oas_keywords.write_readOnly)
        read = with_pattern(OAS31Validator, required=oas_keywords.read_required, writeOnly=oas_keywords.read_writeOnly)
        classes = {REQUEST: write, RESPONSE: read, PARAMETER: with_pattern(OAS31Validator)}
        return classes, _fixed_formats(oas31_format_checker)
    # readOnly/writeOnly speak of properties: a parameter is checked without either rule
    from jsonschema.exceptions import ValidationError

    type_30 = _type_30(oas_keywords, ValidationError)
    classes = {
        REQUEST: with_pattern(OAS30WriteValidator, type=type_30),
        RESPONSE: with_pattern(OAS30ReadValidator, type=type_30),
        PARAMETER: with_pattern(OAS30Validator, type=type_30),
    }
    return classes, _fixed_formats(oas30_format_checker)


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
        import referencing.jsonschema

        if self.spec.is_31:
            return referencing.jsonschema.DRAFT202012
        return referencing.jsonschema.DRAFT4

    def _current_registry(self) -> referencing.Registry:
        documents = self.spec.store.documents
        if self._registry is None or self._registry_size != len(documents):
            import referencing

            specification = self._specification()
            self._registry = referencing.Registry(retrieve=self._retrieve).with_resources(
                (uri, specification.create_resource(doc)) for uri, doc in documents.items()
            )
            self._registry_size = len(documents)
        return self._registry

    def _retrieve(self, uri: str) -> referencing.Resource:
        import referencing.exceptions

        try:
            with self._lock:  # loading a document writes to the store, which registries read under the lock
                return self._specification().create_resource(self.spec.store.get(uri))
        except SpecError as exc:
            raise referencing.exceptions.NoSuchResource(ref=uri) from exc

    def validator(self, schema: Located, direction: str) -> Any:
        """The compiled jsonschema validator for a schema; requests ignore readOnly, responses writeOnly (3.0).

        The schema's $refs are inlined first, so validating never looks a reference up; a 3.1 schema
        that needs real URI resolution ($id, $dynamicRef) is validated through a referencing registry.
        """
        entry = self._entry(schema, direction)
        if entry.slow is None:
            with self._lock:
                if entry.slow is None:
                    entry.slow = self._compile(schema, direction)
        return entry.slow

    def fast_verdict(self, schema: Located, value: Any, direction: str) -> bool | None:
        """Whether `value` is valid, from the compiled fast path alone (jsonschema is not loaded); None when
        it cannot tell: no fast path, a value it cannot read, or "invalid" from a fast path whose "invalid"
        only means "ask the slow path" (a discriminator, a pattern Python's re cannot compile)."""
        entry = self._entry(schema, direction)
        if entry.fast is None:
            return None
        try:
            valid = bool(entry.fast(value))
        except Exception:  # noqa: BLE001 - a value the fast path cannot read
            return None
        return True if valid else False if entry.exact else None

    def _entry(self, schema: Located, direction: str) -> _Compiled:
        """The schema's validators for one direction: the fast path is compiled at once, jsonschema's when an
        answer needs the detailed violations."""
        key = (schema.ref, direction)
        found = self._cache.get(key)
        if found is None:
            with self._lock:
                found = self._cache.get(key)
                if found is None:
                    found = _Compiled(*(self._compile_fast(schema, direction) or (None, False)))
                    self._cache[key] = found
        return found

    def _compile_fast(self, schema: Located, direction: str) -> tuple[Callable[[Any], bool], bool] | None:
        self._dereferencer.check(schema)  # a schema no validator can use is a SpecError, fast path or not
        inlined = self.inlined(schema)
        if inlined is None:
            return None

        def target(uri: str) -> Any:
            try:
                return self._dereferencer.inline(self.spec.resolver.lookup(uri, schema))
            except (SpecError, NeedsRegistry):
                return None

        def format_checker() -> Any:
            return validator_classes(self.spec.is_31)[1]

        return compile_fast(inlined, direction, self.spec.is_31, format_checker, target)

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
        # a schema the validator cannot use (required: true, minLength: "5", type: foo, an allOf that includes
        # itself) is a SpecError naming its pointer, not a crash mid-validation
        self._dereferencer.check(schema)
        classes, formats = validator_classes(self.spec.is_31)
        cls = classes.get(direction, classes[PARAMETER])
        inlined = self.inlined(schema)
        if inlined is None:  # $id, $dynamicRef...: validated through the registry's real URI resolution
            return cls({"$ref": schema.ref}, registry=self._current_registry(), format_checker=formats)
        # the registry serves discriminator references; "" is the root document, for the implicit
        # #/components/schemas/<value> ones
        registry = self._current_registry().with_resource("", self._specification().create_resource(self.spec.document))
        return cls(inlined, registry=registry, format_checker=formats)

    def check(
        self,
        schema: Located | None,
        value: Any,
        direction: str,
        location: str,
        root: str = "$",
        secrets: frozenset[str] = frozenset(),
        max_depth: int = MAX_DEPTH,
    ) -> list[Violation]:
        """Every violation of `value` against `schema`, as Violations with JSON paths under `root`; a value
        nested deeper than `max_depth` levels is one violation, never walked."""
        if schema is None:
            return []
        fast = self._entry(schema, direction).fast
        # a parsed JSON answer can hold no value the fast validator could not read (a cycle, a Python object,
        # a depth past read.MAX_DEPTH): it goes to the fast path first
        if fast is not None and direction == RESPONSE and _fast_valid(fast, value):
            return []
        # a value no JSON can carry (a lone surrogate, an int too long to write, one nested past max_depth or
        # containing itself) is named as such; the schema validator, and the messages, never see it
        unsendable = wire_problems(value, max_depth=max_depth)
        if unsendable:
            return [Violation(location, json_path(root, parts), rule, text) for parts, rule, text in unsendable]
        if fast is not None and direction != RESPONSE and _fast_valid(fast, value):
            return []
        validator = self.validator(schema, direction)
        import referencing.exceptions

        try:
            errors = sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.absolute_path)))
        except referencing.exceptions.Unresolvable as exc:
            raise SpecError(
                f"schema $ref does not resolve: {exc}",
                source=self.spec.resolver.display(schema.uri),
                pointer=schema.pointer,
            ) from None
        except RecursionError:  # a recursive schema walked as deep as the value goes, within max_depth
            return [Violation(location, root, "depth", "the value nests too deeply to be checked")]
        # readOnly/writeOnly describe properties; a whole body whose schema carries them is not refused
        return [
            to_violation(error, location, root, secrets)
            for error in errors
            if not (error.validator in ACCESS_RULES and not error.absolute_path)
        ]


class _Compiled:
    """One schema's validators for one direction: the fast path (None when it has none) and jsonschema's."""

    __slots__ = ("fast", "exact", "slow")

    def __init__(self, fast: Callable[[Any], bool] | None, exact: bool) -> None:
        self.fast = fast
        self.exact = exact  # whether the fast path's "invalid" is the slow path's verdict too
        self.slow: Any = None


def _fast_valid(fast: Callable[[Any], bool], value: Any) -> bool:
    """The fast path's verdict; a value it cannot read (a lone surrogate, a type it does not know) is left to
    the slow path."""
    try:
        return fast(value)
    except Exception:
        return False


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


QUOTE_LIMIT = 64  # the longest string a violation quotes; a longer one is described (type and length), not shown
SECRET_SCHEMA_DEPTH = 4  # how deep secret_schema looks for a secret property (requests[] -> items -> credential)


def _secret_parts(instance: Any, secrets: frozenset[str]) -> list[Any]:
    """What to remember of a value found in a secret position: a string or array item as it is, but of an
    object only the values under secret names (its other fields, enum values say, stay readable elsewhere)."""
    if isinstance(instance, dict):
        return [
            v if is_secret_name(str(k), secrets) else _secret_parts(v, secrets)
            for k, v in instance.items()
            if isinstance(v, dict | list) or is_secret_name(str(k), secrets)
        ]
    if isinstance(instance, list):
        return [_secret_parts(item, secrets) if isinstance(item, dict) else item for item in instance]
    return [instance]


def to_violation(error: ValidationError, location: str, root: str, secrets: frozenset[str]) -> Violation:
    """Turn a jsonschema error into a Violation whose message and value never show a secret.

    The value is a secret when a name on its path (or the parameter's own name) is a secret name, or when the
    schema it was checked against is a secret schema (secret_schema: writeOnly, `format: password`, or an
    object or array holding such a property or a secret-named one). A secret is shown as `*** (string)`,
    its JSON type only, and is remembered (masking.remember_secret) so that the request's log and curl
    lines mask it too. Any other value is quoted only when it is harmless (quotable); otherwise it is shown
    as `*** (string, 300 characters)` and the violation's value keeps only its harmless parts.
    """
    parts = list(error.absolute_path)
    names = [p for p in parts if isinstance(p, str)] + ([root] if root != "$" else [])
    secret = any(is_secret_name(n, secrets) for n in names) or secret_schema(error.schema, secrets)
    hidden = secret or not quotable(error.instance, secrets)
    if secret:
        remember_secret(_secret_parts(error.instance, secrets))
    value = MASK if secret else _hide(error.instance, secrets) if hidden else error.instance
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches = sorted(
            {f"branch {e.schema_path[0]}: {_message(e, secret, secrets)}" for e in error.context if e.schema_path}
        )[:4]
        message = f"matches none of the {error.validator} branches ({'; '.join(branches)})"
    else:
        message = _message(error, secret, secrets)
    if hidden and _shows(message, error.instance, secret, secrets):
        rule = f"{error.validator}={error.validator_value!r}"
        rule = rule if len(rule) <= 120 else str(error.validator)
        message = f"{_placeholder(error.instance, secret)} does not satisfy {rule}"
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


def secret_schema(schema: Any, secrets: frozenset[str] = frozenset(), depth: int = SECRET_SCHEMA_DEPTH) -> bool:
    """True when a value checked against this (inlined) schema may be or hold a secret: the schema is writeOnly
    or `format: password`, or one of its properties (own, or within items, additionalProperties,
    patternProperties, prefixItems, allOf/anyOf/oneOf, up to `depth` levels down) is, or has a secret name."""
    if not isinstance(schema, dict) or depth < 0:
        return False
    if schema.get("writeOnly") is True or schema.get("format") == "password":
        return True
    children: list[Any] = [schema.get("items"), schema.get("additionalProperties")]
    for group in ("properties", "patternProperties"):
        members = schema.get(group)
        if isinstance(members, dict):
            if group == "properties" and any(is_secret_name(str(name), secrets) for name in members):
                return True
            children += members.values()
    for group in ("allOf", "anyOf", "oneOf", "prefixItems", "items"):
        members = schema.get(group)
        if isinstance(members, list):
            children += members
    return any(secret_schema(child, secrets, depth - 1) for child in children if isinstance(child, dict))


def quotable(value: Any, secrets: frozenset[str] = frozenset()) -> bool:
    """True when a value may be quoted in a message: null, booleans, numbers, strings of at most QUOTE_LIMIT
    characters that do not look secret (masking.looks_secret), and small arrays and objects made of such
    values with no secret-named field."""
    if value is None or isinstance(value, bool | int | float):
        return True
    if isinstance(value, str):
        return len(value) <= QUOTE_LIMIT and not looks_secret(value, secrets)
    if isinstance(value, dict):
        return len(repr(value)) <= 200 and all(
            isinstance(k, str) and quotable(k, secrets) and not is_secret_name(k, secrets) and quotable(v, secrets)
            for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return len(repr(value)) <= 200 and all(quotable(v, secrets) for v in value)
    return False


def _hide(value: Any, secrets: frozenset[str]) -> Any:
    """A copy of a value with every part that may not be quoted replaced by MASK."""
    if isinstance(value, dict):
        hidden = {}
        for key, item in value.items():
            name = key if isinstance(key, str) and quotable(key, secrets) else MASK
            secret = isinstance(key, str) and is_secret_name(key, secrets) and item not in (None, "")
            hidden[name] = MASK if secret else _hide(item, secrets)
        return hidden
    if isinstance(value, list | tuple):
        return [_hide(v, secrets) for v in value]
    return value if quotable(value, secrets) else MASK


def _placeholder(value: Any, secret: bool) -> str:
    """What a message shows instead of a value: `*** (string)` for a secret, `*** (string, 300 characters)`."""
    return f"{MASK} ({describe(value, size=not secret)})"


def _message(error: ValidationError, secret: bool, secrets: frozenset[str]) -> str:
    """jsonschema's message, with the instance it quotes replaced by a placeholder when it may not be shown."""
    text = error.message
    instance = error.instance
    if not secret and quotable(instance, secrets):
        return text
    placeholder = _placeholder(instance, secret)
    for shown in (repr(instance), *((instance,) if isinstance(instance, str) and instance else ())):
        if text.startswith(shown):
            return placeholder + text[len(shown) :]
        if shown in text:
            return text.replace(shown, placeholder, 1)
    return text


def _shows(message: str, instance: Any, secret: bool, secrets: frozenset[str]) -> bool:
    """True when a message still shows a part of the instance that must not be shown."""
    for leaf in _leaves(instance):
        if not secret and quotable(leaf, secrets):
            continue
        if repr(leaf) in message or (len(str(leaf)) >= 4 and str(leaf) in message):
            return True
    return False


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in (k, *_leaves(v))]
    if isinstance(value, list | tuple):
        return [leaf for v in value for leaf in _leaves(v)]
    return [] if value is None or isinstance(value, bool) else [value]

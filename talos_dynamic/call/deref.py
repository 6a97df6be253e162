"""Inline a schema's $refs once, so validation never looks references up again.

The result may be cyclic (a recursive schema points back to itself), which JSON Schema validation
handles: it only descends as deep as the instance. Data keywords (enum, const, default, examples,
extensions) are copied as they are, never searched for $ref.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from ..errors import SpecError
from ..spec.refs import Located, Resolver

DATA_KEYWORDS = frozenset({"enum", "const", "default", "example", "examples", "discriminator", "xml", "externalDocs"})
DYNAMIC_KEYWORDS = frozenset({"$id", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor"})
JSON_TYPES = frozenset({"string", "integer", "number", "boolean", "object", "array", "null"})
# keywords whose value is one schema, applied to the same instance (a cycle through them never ends) or to a
# part of it; a list of schemas; a map of name -> schema
SAME_INSTANCE = ("not", "if", "then", "else")
SAME_INSTANCE_LISTS = ("allOf", "anyOf", "oneOf")
PART_SCHEMAS = (
    "additionalProperties",
    "additionalItems",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contentSchema",
)
SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")
COUNTS = (
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "minContains",
    "maxContains",
)
NUMBERS = ("minimum", "maximum", "multipleOf")
# true and false as schema objects: openapi-schema-validator's readOnly/writeOnly `required` reads every property's
# schema with .get(), so a boolean property schema (valid in 3.1) is inlined as its object form
BOOLEAN_SCHEMAS: dict[bool, Any] = {True: {}, False: {"not": {}}}
TEXT_KEYWORDS_31 = ("$id", "$anchor", "$dynamicAnchor", "$dynamicRef", "$recursiveRef", "$schema", "$comment")


class NeedsRegistry(Exception):
    """The schema uses keywords that need real URI resolution ($id, $dynamicRef, ...)."""


class Dereferencer:
    """Inlines $refs; shares one memo so each referenced schema is inlined once per spec."""

    def __init__(self, resolver: Resolver, refs_have_siblings: bool) -> None:
        self.resolver = resolver
        self.refs_have_siblings = refs_have_siblings  # OpenAPI 3.1: keywords beside $ref apply too
        self._memo: dict[str, Any] = {}
        self.checker = SchemaChecker(resolver, is_31=refs_have_siblings)

    def check(self, node: Located) -> None:
        """Raise SpecError (with the keyword's JSON pointer) when a validator could not use the schema."""
        self.checker.check(node)

    def inline(self, node: Located) -> Any:
        """The schema at `node` with every $ref replaced by its target (raises SpecError when dangling)."""
        try:
            return self._inline(node)
        except RecursionError:
            raise SpecError(
                "the schema nests too deeply to be inlined",
                source=self.resolver.display(node.uri),
                pointer=node.pointer,
            ) from None

    def _inline(self, node: Located) -> Any:
        value = node.value
        if isinstance(value, list | dict) and node.ref in self._memo:
            return self._memo[node.ref]
        if isinstance(value, list):  # memoized like objects: a list may hold a $ref back to itself
            items: list[Any] = []
            self._memo[node.ref] = items
            try:
                items.extend(self._inline(node.child(i)) for i in range(len(value)))
            except BaseException:
                del self._memo[node.ref]  # never leave a half-inlined schema behind
                raise
            return items
        if not isinstance(value, dict):
            return value
        ref = value.get("$ref")
        if isinstance(ref, str):
            target = self.resolver.resolve(self.resolver.lookup(ref, node))
            inlined = self._memo.get(target.ref)
            if inlined is None:
                inlined = self._inline(target)
            siblings = {k: v for k, v in value.items() if k != "$ref"}
            if self.refs_have_siblings and siblings:
                return {"allOf": [inlined], **self._inline_members(node, siblings)}
            return inlined
        if DYNAMIC_KEYWORDS.intersection(value):
            raise NeedsRegistry(node.ref)
        out: dict[str, Any] = {}
        self._memo[node.ref] = out
        try:
            out.update(self._inline_members(node, value))
        except BaseException:
            del self._memo[node.ref]
            raise
        return out

    def _inline_members(self, node: Located, members: dict[str, Any]) -> dict[str, Any]:
        if isinstance(members.get("discriminator"), dict):
            members = {**members, "discriminator": self._absolute_mapping(node, members)}
        return {
            key: member
            if key in DATA_KEYWORDS
            or not isinstance(key, str)
            or key.startswith("x-")
            or not isinstance(member, dict | list)
            else self._inline_container(node.child(key), key)
            for key, member in members.items()
        }

    @staticmethod
    def _absolute_mapping(node: Located, members: dict[str, Any]) -> dict[str, Any]:
        """The discriminator with every mapping target absolute, the implicit ones (branch schema names)
        spelled out, so that they resolve wherever the inlined schema is validated."""
        discriminator = members["discriminator"]
        mapping = dict(discriminator.get("mapping") or {}) if isinstance(discriminator.get("mapping"), dict) else {}
        for key in ("oneOf", "anyOf"):
            for branch in members.get(key) or []:
                ref = branch.get("$ref") if isinstance(branch, dict) else None
                if isinstance(ref, str) and "/components/schemas/" in ref:
                    mapping.setdefault(ref.rsplit("/", 1)[1], ref)
        absolute = {}
        for value, target in mapping.items():
            if isinstance(target, str) and "#" not in target and "/" not in target:
                target = f"#/components/schemas/{target}"  # a bare schema name
            absolute[value] = (
                (node.uri + target if target.startswith("#") else urljoin(node.uri, target))
                if isinstance(target, str)
                else target
            )
        return {**discriminator, "mapping": absolute} if absolute else discriminator

    def _inline_container(self, node: Located, key: str) -> Any:
        if key in ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"):
            # maps of name -> schema: the names are data, the values schemas; a map that is itself a reference
            # object ({"$ref": "..."}, which no validator follows) has no "$ref" entry (see SchemaChecker)
            if not isinstance(node.value, dict):
                return node.value
            return {
                name: BOOLEAN_SCHEMAS.get(member, member)
                if isinstance(member, bool)
                else self._inline(node.child(name))
                for name, member in node.value.items()
                if not (name == "$ref" and isinstance(member, str))
            }
        return self._inline(node)


class SchemaChecker:
    """Finds what would make a JSON Schema validator fail on a schema rather than judge a value: a keyword of
    the wrong type (`required: true`, `minLength: "5"`), an unknown type name, a pattern Python cannot
    compile, a discriminator without propertyName, a schema that applies itself to the same value forever
    (`A: {allOf: [$ref: A]}`). Raises SpecError naming the document and the JSON pointer of the keyword.

    Each schema is checked once per spec (a memo of the checked ones); unknown keywords are left alone.
    """

    def __init__(self, resolver: Resolver, is_31: bool) -> None:
        self.resolver = resolver
        self.is_31 = is_31
        self._done: set[str] = set()

    def check(self, node: Located) -> None:
        """Check the schema at `node` and every schema it reaches."""
        pending, seen = [node], set(self._done)
        while pending:
            found = pending.pop()
            if found.ref not in seen:
                try:
                    self._visit(found, [], pending, seen)
                except RecursionError:
                    raise self._error(found, "the schema is nested too deeply to be checked") from None
        self._done = seen  # only a schema whose every reachable part passed counts as checked

    def _error(self, node: Located, message: str) -> SpecError:
        return SpecError(message, source=self.resolver.display(node.uri), pointer=node.pointer)

    def _visit(self, node: Located, active: list[str], pending: list[Located], seen: set[str]) -> None:
        """Depth-first along the keywords that apply to the same value (a cycle there is an error); schemas
        that apply to a part of the value (properties, items...) are queued, as recursion through them ends."""
        if node.ref in active:
            raise self._error(node, "the schema applies itself to the same value without end ($ref cycle)")
        if node.ref in seen:
            return
        value = node.value
        if isinstance(value, bool) and self.is_31:
            seen.add(node.ref)
            return
        if not isinstance(value, dict):
            raise self._error(node, f"a schema must be an object, not {_kind(value)}")
        active.append(node.ref)
        same: list[Located] = []
        ref = value.get("$ref")
        if "$ref" in value:
            if not isinstance(ref, str):
                raise self._error(node.child("$ref"), f"$ref must be a string, not {_kind(ref)}")
            same.append(self.resolver.resolve(self.resolver.lookup(ref, node)))
        if not isinstance(ref, str) or self.is_31:  # OpenAPI 3.0 ignores the siblings of $ref
            self._keywords(node, value, same, pending)
        for child in same:
            self._visit(child, active, pending, seen)
        active.pop()
        seen.add(node.ref)

    def _keywords(self, node: Located, value: dict[str, Any], same: list[Located], pending: list[Located]) -> None:
        for key in SAME_INSTANCE:
            if key in value:
                same.append(self._schema(node.child(key)))
        for key in SAME_INSTANCE_LISTS:
            if key in value:
                members = node.child(key)
                if not isinstance(members.value, list):
                    raise self._error(members, f"{key} must be a list of schemas, not {_kind(members.value)}")
                same += [self._schema(members.child(i)) for i in range(len(members.value))]
        for key in PART_SCHEMAS:
            if key in value and not (key == "additionalProperties" and not isinstance(value[key], dict)):
                pending.append(self._schema(node.child(key)))
        items = node.get("items")
        if items is not None:
            if isinstance(items.value, list):  # draft 4's tuple form: OpenAPI 3.0 takes one schema, 3.1 prefixItems
                raise self._error(items, "items must be one schema, not a list (a tuple is prefixItems, in 3.1)")
            pending.append(self._schema(items))
        if "prefixItems" in value:
            members = node.child("prefixItems")
            if not isinstance(members.value, list):
                raise self._error(members, f"prefixItems must be a list of schemas, not {_kind(members.value)}")
            pending += [self._schema(members.child(i)) for i in range(len(members.value))]
        for key in SCHEMA_MAPS:
            if key in value:
                schemas = node.child(key)
                if not isinstance(schemas.value, dict):
                    raise self._error(schemas, f"{key} must be an object of schemas, not {_kind(schemas.value)}")
                # a map that is itself a reference object ({"$ref": "..."}) reads as a property named "$ref"
                names = [n for n in schemas.value if not (n == "$ref" and isinstance(schemas.value[n], str))]
                pending += [self._schema(schemas.child(name)) for name in names]
                if key == "patternProperties":
                    for name in schemas.value:
                        self._pattern(schemas, name, name)  # a patternProperties name is itself a pattern
        self._values(node, value)

    def _schema(self, node: Located) -> Located:
        """A schema position: the value must be a schema (an object; OpenAPI 3.1 also takes a boolean)."""
        if not (isinstance(node.value, dict) or (isinstance(node.value, bool) and self.is_31)):
            raise self._error(node, f"a schema must be an object, not {_kind(node.value)}")
        return node

    def _values(self, node: Located, value: dict[str, Any]) -> None:
        """The keywords that take plain values."""
        kind = value.get("type", "string")
        names = kind if isinstance(kind, list) and self.is_31 else [kind]
        for name in names:
            if not isinstance(name, str) or name not in JSON_TYPES or (name == "null" and not self.is_31):
                expected = "a type name or a list of them" if self.is_31 else "one type name (nullable: true for null)"
                raise self._error(
                    node.child("type"), f"type {name!r:.60} is not {expected} ({', '.join(sorted(JSON_TYPES))})"
                )
        required = value.get("required", [])
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            raise self._error(node.child("required"), "required must be a list of property names")
        if not isinstance(value.get("enum", []), list):
            raise self._error(node.child("enum"), f"enum must be a list, not {_kind(value['enum'])}")
        for key in COUNTS:
            if key in value and not (_is_number(value[key]) and value[key] >= 0):
                raise self._error(node.child(key), f"{key} must be a non-negative number, not {value[key]!r:.40}")
        for key in NUMBERS:
            if key in value and not _is_number(value[key]):
                raise self._error(node.child(key), f"{key} must be a number, not {value[key]!r:.40}")
        if "multipleOf" in value and not value["multipleOf"] > 0:
            raise self._error(node.child("multipleOf"), "multipleOf must be greater than 0")
        for key in ("exclusiveMinimum", "exclusiveMaximum"):
            if key in value and not (_is_number(value[key]) or isinstance(value[key], bool)):
                raise self._error(node.child(key), f"{key} must be a number or a boolean, not {value[key]!r:.40}")
        texts = ("format", *(TEXT_KEYWORDS_31 if self.is_31 else ("id",)))  # "id": draft 4's $id (OpenAPI 3.0)
        for key in texts:
            if key in value and not isinstance(value[key], str):
                raise self._error(node.child(key), f"{key} must be a string, not {_kind(value[key])}")
        for key in ("dependentRequired", "dependencies"):
            if key in value and not isinstance(value[key], dict):
                raise self._error(node.child(key), f"{key} must be an object, not {_kind(value[key])}")
        for name, names in value.get("dependentRequired", {}).items():
            if not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
                raise self._error(node.child("dependentRequired", name), "dependentRequired lists property names")
        if "pattern" in value:
            self._pattern(node, "pattern", value["pattern"])
        discriminator = value.get("discriminator")
        if "discriminator" in value and not (
            isinstance(discriminator, dict)
            and isinstance(discriminator.get("propertyName"), str)
            and isinstance(discriminator.get("mapping", {}), dict)
            and all(isinstance(target, str) for target in discriminator.get("mapping", {}).values())
        ):
            raise self._error(
                node.child("discriminator"),
                "discriminator must be an object with a propertyName (and a mapping of values to references)",
            )

    def _pattern(self, owner: Located, key: str, pattern: Any) -> None:
        if not isinstance(pattern, str):
            raise self._error(owner.child(key), f"a pattern must be a string, not {_kind(pattern)}")
        # a pattern Python's re cannot compile (\\p{L}, say) is not an error of the spec: validation skips it
        # (validation.py's pattern keyword) and says so once


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__

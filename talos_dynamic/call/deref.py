"""Inline a schema's $refs once, so validation never looks references up again.

The result may be cyclic (a recursive schema points back to itself), which JSON Schema validation
handles: it only descends as deep as the instance. Data keywords (enum, const, default, examples,
extensions) are copied as they are, never searched for $ref.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from ..spec.refs import Located, Resolver

DATA_KEYWORDS = frozenset({"enum", "const", "default", "example", "examples", "discriminator", "xml", "externalDocs"})
DYNAMIC_KEYWORDS = frozenset({"$id", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor"})


class NeedsRegistry(Exception):
    """The schema uses keywords that need real URI resolution ($id, $dynamicRef, ...)."""


class Dereferencer:
    """Inlines $refs; shares one memo so each referenced schema is inlined once per spec."""

    def __init__(self, resolver: Resolver, refs_have_siblings: bool) -> None:
        self.resolver = resolver
        self.refs_have_siblings = refs_have_siblings  # OpenAPI 3.1: keywords beside $ref apply too
        self._memo: dict[str, Any] = {}

    def inline(self, node: Located) -> Any:
        """The schema at `node` with every $ref replaced by its target (raises SpecError when dangling)."""
        value = node.value
        if isinstance(value, list):
            return [self.inline(node.child(i)) for i in range(len(value))]
        if not isinstance(value, dict):
            return value
        ref = value.get("$ref")
        if isinstance(ref, str):
            target = self.resolver.resolve(self.resolver.lookup(ref, node))
            inlined = self._memo.get(target.ref)
            if inlined is None:
                inlined = self.inline(target)
            siblings = {k: v for k, v in value.items() if k != "$ref"}
            if self.refs_have_siblings and siblings:
                return {"allOf": [inlined], **self._inline_members(node, siblings)}
            return inlined
        if node.ref in self._memo:
            return self._memo[node.ref]
        if DYNAMIC_KEYWORDS.intersection(value):
            raise NeedsRegistry(node.ref)
        out: dict[str, Any] = {}
        self._memo[node.ref] = out
        out.update(self._inline_members(node, value))
        return out

    def _inline_members(self, node: Located, members: dict[str, Any]) -> dict[str, Any]:
        if isinstance(members.get("discriminator"), dict):
            members = {**members, "discriminator": self._absolute_mapping(node, members)}
        return {
            key: member
            if key in DATA_KEYWORDS or key.startswith("x-") or not isinstance(member, dict | list)
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
            # maps of name -> schema: the names are data, the values schemas
            return (
                {name: self.inline(node.child(name)) for name in node.value}
                if isinstance(node.value, dict)
                else node.value
            )
        return self.inline(node)

"""JSON pointers and $ref resolution across documents, each node knowing where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

from ..errors import SpecError
from .documents import DocumentStore


@dataclass(frozen=True)
class Located:
    """A value in a spec document together with the document's URI and its JSON pointer there."""

    value: Any
    uri: str
    pointer: str

    def child(self, *keys: str | int) -> Located:
        """The value under the given keys (KeyError/IndexError when absent)."""
        value, pointer = self.value, self.pointer
        for key in keys:
            value = value[int(key)] if isinstance(value, list) else value[key]
            pointer = f"{pointer}/{escape(str(key))}"
        return Located(value, self.uri, pointer)

    def get(self, key: str) -> Located | None:
        """The child under `key`, or None when absent."""
        if isinstance(self.value, dict) and key in self.value:
            return self.child(key)
        return None

    @property
    def ref(self) -> str:
        """An absolute reference to this node: URI#pointer."""
        return f"{self.uri}#{self.pointer}"


def escape(token: str) -> str:
    """Escape one JSON pointer token."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """Unescape one JSON pointer token."""
    return token.replace("~1", "/").replace("~0", "~")


class Resolver:
    """Follows $ref chains lazily, loading referenced documents through a DocumentStore."""

    MAX_CHAIN = 64

    def __init__(self, store: DocumentStore, display: dict[str, str] | None = None) -> None:
        self.store = store
        self._display = display or {}

    def display(self, uri: str) -> str:
        """The name of a document as the user gave it (the path, not the file:// URI)."""
        if uri in self._display:
            return self._display[uri]
        return uri.removeprefix("file://")

    def resolve(self, node: Located) -> Located:
        """The node itself, or the target of its $ref (following chains)."""
        for _ in range(self.MAX_CHAIN):
            value = node.value
            if not (isinstance(value, dict) and isinstance(value.get("$ref"), str)):
                return node
            node = self.lookup(value["$ref"], node)
        raise SpecError("$ref chain is too long or circular", source=self.display(node.uri), pointer=node.pointer)

    def lookup(self, ref: str, origin: Located) -> Located:
        """The node a $ref string found at `origin` points to."""
        target = origin.uri + ref if ref.startswith("#") else urljoin(origin.uri, ref)
        uri, fragment = urldefrag(target)
        try:
            document = self.store.get(uri)
        except SpecError as exc:
            raise SpecError(
                f"$ref {ref!r} cannot be loaded: {exc.reason} ({exc.source})",
                source=self.display(origin.uri),
                pointer=origin.pointer,
            ) from None
        pointer = unquote(fragment)
        if pointer and not pointer.startswith("/"):
            raise SpecError(
                f"$ref {ref!r}: only JSON-pointer fragments are supported",
                source=self.display(origin.uri),
                pointer=origin.pointer,
            )
        try:
            return Located(document, uri, "").child(*[unescape(t) for t in pointer.split("/")[1:]])
        except (KeyError, IndexError, TypeError, ValueError):
            raise SpecError(
                f"$ref {ref!r} does not resolve: nothing at {pointer or '/'} in {self.display(uri)}",
                source=self.display(origin.uri),
                pointer=origin.pointer,
            ) from None

    def follow(self, node: Located, *keys: str) -> Located | None:
        """Resolve, then step into `keys` (resolving at each step); None when a key is absent."""
        node = self.resolve(node)
        for key in keys:
            child = node.get(key)
            if child is None:
                return None
            node = self.resolve(child)
        return node

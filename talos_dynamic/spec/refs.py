"""JSON pointers and $ref resolution across documents, each node knowing where it came from, and the $ref
policy: which documents a spec's references may load."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from ..errors import ConfigurationError, SpecError
from .documents import DocumentStore

DEFAULT_PORTS = {"http": 80, "https": 443}
AllowRefs = bool | str | Path | Iterable[str | Path] | None


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


@dataclass(frozen=True)
class _Place:
    """Where a document lives, for the policy: scheme, host:port ("" for files) and normalized path."""

    scheme: str
    authority: str
    path: str

    def under(self, prefix: _Place) -> bool:
        """True when this place is `prefix` itself or lies below it (segment by segment)."""
        if (self.scheme, self.authority) != (prefix.scheme, prefix.authority):
            return False
        return self.path == prefix.path or self.path.startswith(prefix.path.rstrip("/") + "/")

    def __str__(self) -> str:
        if self.scheme == "file":
            return self.path
        return f"{self.scheme}://{self.authority}{self.path.rstrip('/')}/"


def _place(uri: str) -> _Place | None:
    """The place of a file or http(s) URI (dot segments and percent-escapes resolved); None for others."""
    try:
        parts = urlsplit(uri)
        scheme = parts.scheme.lower()
        if scheme == "file" and parts.netloc in ("", "localhost"):
            return _Place("file", "", _normalize(parts.path))
        if scheme in DEFAULT_PORTS and parts.hostname:
            port = parts.port or DEFAULT_PORTS[scheme]
            return _Place(scheme, f"{parts.hostname.lower()}:{port}", _normalize(parts.path))
    except ValueError:  # a port that is not a number
        pass
    return None


def _normalize(path: str) -> str:
    normal = posixpath.normpath(unquote(path) or "/")
    return "/" + normal.lstrip("/")


def _folder(uri: str) -> _Place | None:
    """The folder of a document: what its relative references may reach without allow_refs."""
    parts = urlsplit(uri)
    place = _place(uri)
    if place is None:
        return None
    raw = unquote(parts.path)
    return _Place(place.scheme, place.authority, _normalize(raw[: raw.rfind("/") + 1]))


def _prefix(entry: Any) -> _Place:
    """One allow_refs entry: a folder (a path or a file:// URL) or a URL prefix."""
    if isinstance(entry, Path) or (isinstance(entry, str) and len(urlsplit(entry).scheme) < 2):
        place = _place(Path(entry).expanduser().absolute().as_uri())  # a path (or a Windows drive letter)
    elif isinstance(entry, str):
        place = _place(entry)
    else:
        raise ConfigurationError(
            f"allow_refs: an entry is a path or a URL prefix, not {type(entry).__name__} ({entry!r:.60})"
        )
    if place is None:
        raise ConfigurationError(f"allow_refs: {entry!r:.80} is neither a folder nor an http(s) URL prefix")
    return place


class RefPolicy:
    """Which documents a spec's $refs may load.

    Without `allow`, a reference resolves only inside the spec's own folder:
      - a file spec: the folder holding the spec, and its subfolders;
      - a URL spec: the same scheme, host and port, under the URL's folder (https://h/v1/openapi.json:
        https://h/v1/...);
      - a dict spec: the current directory (its relative references resolve there).
    Everything else is refused with SpecError naming the reference, its file and JSON pointer: a file
    outside the folder (`../outside.json`, an absolute path, a file:// URL elsewhere), any URL from a file or
    dict spec (it is never fetched silently), a file from a URL spec, another host, port or scheme.
    Dot segments and percent-escapes (`%2e%2e/`) are resolved before the check.

    `allow` widens that: True lets references load any file and any http(s) URL; a path or URL prefix, or
    a list of them, lets them load what lies under each (a folder such as "/opt/schemas" or "file:///opt/
    schemas", a URL prefix such as "https://schemas.example.com/common/"; a prefix matches segment by segment,
    so "/opt/schemas" does not allow "/opt/schemas-old"). Whatever is allowed, the spec's `session=` and its
    credentials are used only on the spec's own origin (see DocumentStore). OpenAPI 3.1 references to a
    schema's "$id" resolve from the loaded documents and never need allowing: they are not fetched.
    """

    def __init__(self, root: str, allow: AllowRefs = None, *, dict_source: bool = False) -> None:
        self.root = root
        self.dict_source = dict_source
        self._origin = _place(root)
        self._folder = _folder(root)
        self.allow_all = allow is True
        if allow is None or isinstance(allow, bool):
            entries: list[Any] = []
        elif isinstance(allow, str | Path):
            entries = [allow]
        elif isinstance(allow, Iterable):
            entries = list(allow)
        else:
            raise ConfigurationError(
                f"allow_refs is True, a path or URL prefix, or a list of them, not {type(allow).__name__}"
            )
        self.prefixes = [_prefix(entry) for entry in entries]

    def same_origin(self, uri: str) -> bool:
        """True when `uri` is on the spec's own http(s) origin (scheme, host and port)."""
        place = _place(uri)
        return (
            place is not None
            and self._origin is not None
            and self._origin.scheme in DEFAULT_PORTS
            and (place.scheme, place.authority) == (self._origin.scheme, self._origin.authority)
        )

    def allows(self, uri: str) -> bool:
        """True when a $ref may load the document at `uri`."""
        place = _place(uri)
        if place is None:
            return False
        if self.allow_all or (self._folder is not None and place.under(self._folder)):
            return True
        return any(place.under(prefix) for prefix in self.prefixes)

    def check(self, uri: str) -> None:
        """Raise SpecError, saying why and how to allow it, when a $ref may not load `uri`."""
        if self.allows(uri):
            return
        place = _place(uri)
        spec_is_local = self._folder is None or self._folder.scheme == "file"
        if place is None:
            why = f"{uri} is neither a file nor an http(s) URL"
        elif place.scheme == "file" and spec_is_local:
            why = f"{place} is outside the spec's folder {self._folder}"
            if self.dict_source:
                why += " (a dict spec's folder is the current directory)"
        elif place.scheme == "file":
            why = f"{place} is a local file and the spec was downloaded from {self._folder}"
        elif spec_is_local:
            why = f"{uri} is on the network, and a local spec's $refs are not fetched"
        elif self._origin is not None and not self.same_origin(uri):
            why = f"{uri} is on another origin than the spec ({self._folder})"
        else:
            why = f"{uri} is outside the spec's URL prefix {self._folder}"
        source = str(place) if place is not None and place.scheme == "file" else uri
        raise SpecError(f"refused: {why}; allow_refs= can allow it", source=source)


class Resolver:
    """Follows $ref chains lazily, loading referenced documents through a DocumentStore."""

    MAX_CHAIN = 64

    def __init__(
        self, store: DocumentStore, display: dict[str, str] | None = None, documents: dict[str, Any] | None = None
    ) -> None:
        self.store = store
        self._display = display or {}
        self._documents = documents or {}  # read here rather than from the store (see reading())
        self._defragged: dict[str, str] = {}  # a document URI as urldefrag() gives it back
        self.derived: dict[tuple[Any, ...], Any] = {}  # what readers compute from resolved schemas, by key

    def reading(self, uri: str, document: Any) -> Resolver:
        """A resolver that finds `document` at `uri`, whatever the store holds there, and every other document
        in the same store: the Swagger 2.0 upgrade reads the document as written, while the store holds its
        upgrade."""
        return Resolver(self.store, self._display, {**self._documents, uri: document})

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
        """The node a $ref string found at `origin` points to.

        Relative references resolve against the origin's document or, OpenAPI 3.1, against the "$id" of
        the closest schema around it; a URI a loaded document gives to a schema with "$id" (or a fragment
        naming an "$anchor") resolves to that schema, locally. Other documents load through the store,
        within the spec's RefPolicy: a refused one is a SpecError naming the $ref, its file and pointer.
        """
        base = self._base(origin)
        if ref.startswith("#") and "#" not in base:  # within the document: what urldefrag(base + ref) gives
            uri, fragment = self._defragged.get(base) or self._defrag(base), ref[1:]
        else:
            uri, fragment = urldefrag(base + ref if ref.startswith("#") else urljoin(base, ref))
        try:
            if uri in self._documents:
                document_uri, start, value = uri, "", self._documents[uri]
            else:
                document_uri, start, value = self.store.locate(uri)
        except SpecError as exc:
            detail = exc.reason if exc.source in exc.reason else f"{exc.reason} ({exc.source})"
            raise SpecError(
                f"$ref {ref!r} cannot be loaded: {detail}",
                source=self.display(origin.uri),
                pointer=origin.pointer,
            ) from None
        pointer = unquote(fragment)
        if pointer and not pointer.startswith("/"):
            anchored = self.store.identified(f"{uri}#{pointer}")
            if anchored is not None:
                return Located(anchored[2], anchored[0], anchored[1])
            raise SpecError(
                f"$ref {ref!r}: only JSON-pointer fragments are supported"
                + (" (or a schema's $anchor)" if self.store.schema_ids else ""),
                source=self.display(origin.uri),
                pointer=origin.pointer,
            )
        try:
            return Located(value, document_uri, start).child(*[unescape(t) for t in pointer.split("/")[1:]])
        except (KeyError, IndexError, TypeError, ValueError):
            raise SpecError(
                f"$ref {ref!r} does not resolve: nothing at {pointer or '/'} in {self.display(uri)}",
                source=self.display(origin.uri),
                pointer=origin.pointer,
            ) from None

    def _defrag(self, base: str) -> str:
        uri = self._defragged[base] = urldefrag(base + "#")[0]
        return uri

    def _base(self, origin: Located) -> str:
        """The URI relative references at `origin` resolve against: its document's or (OpenAPI 3.1) the
        "$id" of the closest schema on the way from the document's root to it (itself included)."""
        documents = self._documents if origin.uri in self._documents else self.store.documents
        value = documents.get(origin.uri) if self.store.schema_ids else None
        if value is None:
            return origin.uri
        base = origin.uri
        for token in [None, *origin.pointer.split("/")[1:]]:
            if token is not None:
                try:
                    value = value[int(token)] if isinstance(value, list) else value[unescape(token)]
                except (KeyError, IndexError, TypeError, ValueError):
                    return base
            if isinstance(value, dict) and isinstance(value.get("$id"), str):
                base = urldefrag(urljoin(base, value["$id"]))[0]
        return base

    def follow(self, node: Located, *keys: str) -> Located | None:
        """Resolve, then step into `keys` (resolving at each step); None when a key is absent."""
        node = self.resolve(node)
        for key in keys:
            child = node.get(key)
            if child is None:
                return None
            node = self.resolve(child)
        return node

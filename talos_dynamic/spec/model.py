"""A loaded OpenAPI document: its source, version, $ref resolver and an index of its operations."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import nullcontext
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import ConfigurationError, SpecError
from .collector import collector_paused
from .deferred import DeferredDict
from .documents import DocumentStore, SpecLimits, copy_dict_source, source_uri
from .operations import HTTP_METHODS, Operation
from .refs import AllowRefs, Located, RefPolicy, Resolver
from .swagger2 import convert_referenced, is_swagger2, listed_operations, upgrade

if TYPE_CHECKING:
    import requests

DICT_SOURCE_NAME = "<dict>"


class Spec:
    """An OpenAPI 3.x document, parsed once; operations are indexed, everything else resolved on demand.
    A Swagger 2.0 document is upgraded to OpenAPI 3.0 part by part, as the parts are read (swagger2.py).

    `source` is a path, an http(s) URL (downloaded with `session=`, a requests.Session, within `timeout`
    seconds) or a dict (copied, never modified). Loading is bounded and sandboxed:

    - `limits=` (a SpecLimits, or a dict of the limits to change) caps each document's size (64 MiB),
      nesting (100 levels) and what YAML aliases may add (1,000,000 nodes); see SpecLimits.
    - $refs resolve only inside the spec's own folder (a file spec's folder, a URL spec's URL prefix, a
      dict spec's current directory): a file outside it (`../outside.json`, file:// elsewhere), a URL from
      a local spec, another host from a URL spec are refused with SpecError naming the $ref, its file and
      its JSON pointer, unless `allow_refs=` allows them: True for anything, or a list of folders and URL
      prefixes (see RefPolicy). OpenAPI 3.1 references to a schema's "$id" resolve from the loaded
      documents, never over the network.
    - `ref_loader=`, a callable `uri -> document`, is asked first for every document a $ref names (the
      spec itself excepted): it returns the parsed document (a dict or list), its JSON/YAML text (str or
      bytes), or None to leave the URI to the policy. For users who fetch references themselves (with their
      own credentials, from a bundle, a cache).
    - `session=` and its credentials, and `headers=` (the client's credentials as headers), go to the
      spec's own origin only: an allowed $ref on another origin, or a redirect there, is fetched without
      them. Cookies set while the spec downloads stay with the spec (never in `session`'s jar).
    - `timeout` bounds the whole download of each document (every redirect, the headers, the body); an
      answer that is an HTML page (a login form) or a redirect to a login page is a SpecError saying so.
    """

    def __init__(
        self,
        source: str | Path | dict[str, Any],
        *,
        session: requests.Session | None = None,
        timeout: float = 30.0,
        allow_refs: AllowRefs = None,
        ref_loader: Callable[[str], Any] | None = None,
        limits: SpecLimits | Mapping[str, int] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.limits = SpecLimits.of(limits)
        if ref_loader is not None and not callable(ref_loader):
            raise ConfigurationError(f"ref_loader is a callable uri -> document, not {type(ref_loader).__name__}")
        document = None
        if isinstance(source, dict):
            # Relative $refs of a dict spec resolve against the current directory.
            self.uri, self.source = (Path.cwd() / "__dict_spec__.json").as_uri(), DICT_SOURCE_NAME
            with collector_paused():  # a copy of a large document (see collector_paused)
                document = copy_dict_source(source, self.limits, DICT_SOURCE_NAME)
        elif isinstance(source, str | Path):
            self.uri, self.source = source_uri(source)
        else:
            raise SpecError(
                f"a spec source is a path, a URL or a dict, not {type(source).__name__}", source=repr(source)[:80]
            )
        self.policy = RefPolicy(self.uri, allow_refs, dict_source=document is not None)
        self.store = DocumentStore(
            session=session,
            timeout=timeout,
            limits=self.limits,
            policy=self.policy,
            ref_loader=ref_loader,
            headers=headers,
        )
        if document is not None:
            self.store.add(self.uri, document)
        self.resolver = Resolver(self.store, {self.uri: self.source})
        # a file is parsed with the cyclic collector paused; a download, waiting on the network, is not
        with collector_paused() if urlsplit(self.uri).scheme == "file" else nullcontext():
            self.original = self.store.get(self.uri)
        self.swagger2 = is_swagger2(self.original)
        if self.swagger2:  # upgraded in memory, each part on first use; documents it refers to as they load
            self.store.transform = convert_referenced
            self.store.add(self.uri, upgrade(self.original, self.resolver, self.uri, lazy=True))
        self.document = self.store.get(self.uri)
        self.root = Located(self.document, self.uri, "")
        self.version = self._version()
        self.store.schema_ids = self.is_31  # JSON Schema 2020-12: a "$id" names a schema, resolved locally

    def _version(self) -> tuple[int, int]:
        if not isinstance(self.document, dict):
            raise SpecError("the document is not a JSON/YAML object", source=self.source)
        if "swagger" in self.original and not self.swagger2:
            raise SpecError(
                f"Swagger {self.original['swagger']} is not supported (2.0 is)", source=self.source, pointer="/swagger"
            )
        raw = self.document.get("openapi")
        if not isinstance(raw, str):
            raise SpecError(
                "no 'openapi' version field: not an OpenAPI 3 document", source=self.source, pointer="/openapi"
            )
        parts = raw.split(".")
        try:
            major, minor = int(parts[0]), int(parts[1])
        except (ValueError, IndexError):
            raise SpecError(
                f"cannot read the OpenAPI version {raw!r}", source=self.source, pointer="/openapi"
            ) from None
        if major != 3:
            raise SpecError(
                f"OpenAPI {raw} is not supported (3.0, 3.1 and 3.2 are)", source=self.source, pointer="/openapi"
            )
        return major, minor

    @property
    def is_31(self) -> bool:
        """True for OpenAPI 3.1 and later (JSON Schema 2020-12 semantics)."""
        return self.version >= (3, 1)

    @cached_property
    def info(self) -> dict[str, Any]:
        """The info object (title, version, ...)."""
        info = self.document.get("info")
        return info if isinstance(info, dict) else {}

    @cached_property
    def operations(self) -> list[Operation]:
        """Every operation under paths, in document order."""
        paths = self.root.get("paths")
        if paths is None:
            return []
        if not isinstance(paths.value, dict):
            raise SpecError("'paths' must be an object", source=self.source, pointer="/paths")
        # paths upgraded lazily from Swagger 2.0: the operations of a path item are listed from the document
        # as written, each upgraded only when something reads more than its names
        written = self.original.get("paths") if isinstance(paths.value, DeferredDict) else None
        found = []
        for path in paths.value:
            if not isinstance(path, str):
                raise SpecError(f"a path must be text, not {type(path).__name__}", source=self.source, pointer="/paths")
            listed = listed_operations(written.get(path)) if isinstance(written, dict) else None
            if listed is not None:
                found += [Operation.deferred(self, method.upper(), path, raw) for method, raw in listed]
                continue
            item = self.resolver.resolve(paths.child(path))
            if not isinstance(item.value, dict):
                raise SpecError(
                    "a path item must be an object", source=self.resolver.display(item.uri), pointer=item.pointer
                )
            for method in item.value:
                if not isinstance(method, str):
                    raise SpecError(
                        f"a path item key must be text, not {type(method).__name__}",
                        source=self.resolver.display(item.uri),
                        pointer=item.pointer,
                    )
                if method.lower() in HTTP_METHODS:
                    node = self.resolver.resolve(item.child(method))
                    if not isinstance(node.value, dict):
                        raise SpecError(
                            "an operation must be an object",
                            source=self.resolver.display(node.uri),
                            pointer=node.pointer,
                        )
                    found.append(Operation(self, method.upper(), path, node, item))
        return found

    @cached_property
    def webhooks(self) -> dict[str, Any]:
        """OpenAPI 3.1 webhooks by name (path items the API calls), for reading."""
        hooks = self.root.get("webhooks")
        if hooks is None or not isinstance(hooks.value, dict):
            return {}
        return {name: self.resolver.resolve(hooks.child(name)).value for name in hooks.value}

    def display(self, node: Located) -> str:
        """Where a node is, for error messages: file#pointer."""
        return f"{self.resolver.display(node.uri)}#{node.pointer}"

    def __repr__(self) -> str:
        title = self.info.get("title", "?")
        return f"<Spec {title!r} OpenAPI {self.document.get('openapi')} from {self.source}>"

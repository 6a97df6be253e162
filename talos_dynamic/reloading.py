"""What a client binds from one spec, swapped whole by `reload()`, and how a reload finds out that the spec
changed (ETag / Last-Modified for a URL, modification time for a file, the document's content in the end).

A `SpecBinding` holds everything derived from one spec: the Spec, its validators, the call settings that
carry them, the operation names, the bound operations, enums, models and tags. A client points at one
binding; `reload()` builds the next one completely, then replaces the pointer in one assignment, so a call
that has started reads one binding from start to end and a thread never sees half of each.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import threading
import time
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .call.pipeline import CallSettings
from .call.validation import SchemaValidators
from .errors import SpecError, TalosDynamicError
from .explore.binding import bind_names
from .spec.documents import parse_text
from .spec.model import Spec

if TYPE_CHECKING:
    import requests

    from .explore.enums import EnumNamespace
    from .explore.models import ModelNamespace

logger = logging.getLogger("talos_dynamic")


class OperationRemovedError(TalosDynamicError, AttributeError):
    """An operation the program used is not in the spec any more: a reload removed it."""


class SpecBinding:
    """Everything a client derives from one spec; built completely before any thread can see it."""

    def __init__(self, spec: Spec, settings: CallSettings, reserved: set[str], generation: int = 0) -> None:
        self.spec = spec
        self.validators = settings.validators if settings.validators.spec is spec else SchemaValidators(spec)
        self.settings = dataclasses.replace(settings, validators=self.validators)
        self.names, self.name_clashes = bind_names(spec.operations, reserved)
        self.bound: dict[int, Any] = {}
        self.generation = generation
        self.loaded_at = time.time()
        self.cache: dict[str, Any] = {}  # what the client derives lazily from this binding (tags)

    @cached_property
    def fingerprint(self) -> str:
        """The hash of the document's content (computed on the first reload, not at load time)."""
        return fingerprint(self.spec.original)

    @cached_property
    def enums(self) -> EnumNamespace:
        from .explore.enums import EnumNamespace  # loaded on first use, like the docs and signatures

        return EnumNamespace(self.spec)

    @cached_property
    def models(self) -> ModelNamespace:
        from .explore.models import ModelNamespace

        return ModelNamespace(self.spec, self.validators, self.enums)


def fingerprint(document: Any) -> str:
    """A hash of a document's content, whatever its key order or formatting."""
    try:
        text = json.dumps(document, sort_keys=True, default=str, separators=(",", ":"))
    except TypeError:  # keys of several types (a YAML document may have them): in document order
        text = json.dumps(document, default=str, separators=(",", ":"), skipkeys=True)
    return hashlib.sha256(text.encode()).hexdigest()


class SourceWatch:
    """Remembers how the spec source looked when last read, to ask cheaply whether it changed."""

    def __init__(self, spec: Spec, session: requests.Session | None, timeout: float) -> None:
        self.uri, self.session, self.timeout = spec.uri, session, timeout
        self.etag: str | None = None
        self.last_modified: str | None = None
        self.stat = self._stat()
        self._seen: dict[str, Any] = {}  # what the last look found, kept by accept() once loading succeeded

    @property
    def is_url(self) -> bool:
        return urlsplit(self.uri).scheme in ("http", "https")

    def _path(self) -> Path | None:
        parts = urlsplit(self.uri)
        if parts.scheme != "file" or self.uri.endswith("__dict_spec__.json"):
            return None
        from urllib.request import url2pathname

        return Path(url2pathname(parts.path))

    def _stat(self) -> tuple[int, int] | None:
        path = self._path()
        try:
            info = path.stat() if path is not None else None
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size) if info is not None else None

    def changed(self, current: str, limits: Any) -> bool:
        """False when the source surely has not changed since the last accepted read; True when it may have."""
        if self.is_url:
            return self._url_changed(current, limits)
        stat = self._stat()
        if stat is not None and stat == self.stat:
            return False
        self._seen = {"stat": stat}
        return True

    def accept(self) -> None:
        """The source as last seen was loaded: the next look compares against it."""
        for name, value in self._seen.items():
            setattr(self, name, value)
        self._seen = {}

    def _url_changed(self, current: str, limits: Any) -> bool:
        """Ask the URL with the validators it gave last time; read at most limits.max_bytes of an answer.

        A redirect is left to the full load, which follows it under the spec's own rules.
        """
        headers = {"Accept": "application/json, application/yaml;q=0.9, */*;q=0.5"}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        import requests  # only a URL's reload check needs it

        session = self.session or requests.Session()
        try:
            with session.get(
                self.uri, headers=headers, timeout=self.timeout, stream=True, allow_redirects=False
            ) as response:
                if response.status_code == 304:
                    return False
                if response.is_redirect:
                    return True
                if response.status_code != 200:
                    raise SpecError(f"cannot reload the spec: HTTP {response.status_code}", source=self.uri)
                body = bytearray()
                for chunk in response.iter_content(64 * 1024):
                    body += chunk
                    if len(body) > limits.max_bytes:
                        raise SpecError(f"the spec is larger than {limits.max_bytes} bytes", source=self.uri)
                validators = {
                    "etag": response.headers.get("ETag") or None,
                    "last_modified": response.headers.get("Last-Modified") or None,
                }
                encoding = response.encoding or "utf-8"
        except requests.RequestException as exc:
            raise SpecError(f"cannot reload the spec: {type(exc).__name__}", source=self.uri) from None
        finally:
            if self.session is None:
                session.close()
        self._seen = validators
        text = bytes(body).decode(encoding, errors="replace")
        if fingerprint(parse_text(text, self.uri, limits)) == current:
            self.accept()  # the same document: only its validators are new
            return False
        return True


class Refresher:
    """A daemon thread that calls `reload()` every `interval` seconds until stopped; failures are logged."""

    def __init__(self, reload: Any, interval: float, name: str) -> None:
        self._reload, self.interval = reload, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"talos-dynamic-refresh {name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._reload()
            except Exception as exc:  # the next round may succeed; the program keeps its current spec
                logger.warning("background spec refresh failed; keeping the current spec: %s", exc)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=5)


def removed_message(name: str, binding: SpecBinding, source: str) -> str:
    """The message for an operation a reload took away."""
    when = time.strftime("%H:%M:%S", time.localtime(binding.loaded_at))
    return (
        f"{name} is no longer an operation: reload() at {when} loaded a new version of {source} "
        f"(generation {binding.generation}) without it; see talos_dynamic.diff(old, new) for what changed"
    )

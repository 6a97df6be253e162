"""Client and AsyncClient: load a spec, bind its operations as methods, explore them; calls go through the
pipeline in call/ (prepare, send through a transport with retries and hooks, read)."""

from __future__ import annotations

import collections
import dataclasses
import difflib
import inspect
import logging
import threading
import warnings
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, Self, TypeAlias, TypeVar, overload

from . import errors as errors_module
from .call.arguments import ArgumentTable
from .call.auth import Credentials
from .call.paging import Paging, aiterate_items, aiterate_pages, detect_paging, iterate_items, iterate_pages
from .call.pipeline import (
    HOOK_EVENTS,
    CallOptions,
    CallSettings,
    acall,
    async_sender,
    call,
    call_options,
    check_depth,
    check_mode,
    check_timeout,
    prepare,
    sync_sender,
)
from .call.prepare import PreparedRequest
from .call.results import Answer, ResultValue, StreamResult
from .call.retries import RetryPolicy, retry_policy
from .call.server_urls import check_base_url
from .call.transports import MAX_BODY_BYTES, AsyncTransport, MockTransport, RequestsTransport, Response, Transport
from .call.urllib3_transport import Urllib3Transport
from .call.validation import SchemaValidators
from .errors import ConfigurationError, SpecError, SpecValidationWarning
from .errors_namespace import ErrorsNamespace
from .explore.binding import AmbiguousOperationError
from .explore.views import OperationsView, TagGroup
from .json_depth import MAX_JSON_DEPTH
from .logs import log_request, log_response
from .reloading import OperationRemovedError, Refresher, SourceWatch, SpecBinding, fingerprint, removed_message
from .spec.documents import SpecLimits, download_headers
from .spec.model import Spec
from .spec.naming import snake_case
from .spec.operations import Operation
from .spec.refs import AllowRefs

if TYPE_CHECKING:
    from .contract.recorder import ContractRecorder
    from .explore.enums import EnumNamespace
    from .explore.models import ModelNamespace

DEFAULT_TIMEOUT = 30.0
logger = logging.getLogger("talos_dynamic")
Hook = Callable[..., Any]

R = TypeVar("R", covariant=True)  # what a call of the operation returns
V = TypeVar("V", covariant=True)  # what items() yields
S = TypeVar("S", covariant=True)  # what PreparedCall.send() returns


class BaseClient:
    """What Client and AsyncClient share: the spec, the bound names, exploration, settings and hooks."""

    errors: ErrorsNamespace = errors_module  # client.errors.NotFound: the classes of talos_dynamic.errors

    def __init__(
        self,
        source: str | Path | dict[str, Any],
        *,
        base_url: str | None = None,
        token: str | None = None,
        auth: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        server_variables: Mapping[str, str] | None = None,
        request_validation: str = "strict",
        response_validation: str = "warn",
        validate_spec: bool = False,
        session: Any = None,
        history_size: int = 20,
        contract: Any = False,
        transport: Any = None,
        retries: int | RetryPolicy | None = None,
        hooks: Mapping[str, list[Hook]] | None = None,
        follow_redirects: bool = True,
        allow_refs: AllowRefs = None,
        ref_loader: Callable[[str], Any] | None = None,
        spec_limits: SpecLimits | Mapping[str, int] | None = None,
        max_response_bytes: int | None = MAX_BODY_BYTES,
        max_response_depth: int = MAX_JSON_DEPTH,
        refresh: float | None = None,
    ) -> None:
        check_mode("request_validation", request_validation)
        check_mode("response_validation", response_validation)
        timeout = check_timeout("timeout", timeout)
        if base_url is not None:
            check_base_url(base_url)
        self._source = source
        self._spec_options = {
            "session": session,
            "timeout": timeout or DEFAULT_TIMEOUT,
            "allow_refs": allow_refs,
            "ref_loader": ref_loader,
            "limits": spec_limits,
        }
        self._download_credentials = (base_url, headers, token, auth)
        self._validate_spec = validate_spec
        spec = self._load_spec(source)
        validators = SchemaValidators(spec)
        self.hooks: dict[str, list[Hook]] = {"request": [log_request], "response": [log_response, self._remember]}
        for event, functions in (hooks or {}).items():
            if event not in HOOK_EVENTS:
                raise ConfigurationError(f"hooks: unknown event {event!r} (events: {', '.join(HOOK_EVENTS)})")
            self.hooks[event].extend(functions)
        self._credentials: dict[str, Any] = {"token": token, "auth": auth}
        settings = CallSettings(
            validators=validators,
            credentials=Credentials(spec, token=token, auth=auth),
            base_url=base_url.rstrip("/") if base_url else None,
            server_variables=dict(server_variables or {}),
            headers=dict(headers or {}),
            timeout=timeout,
            request_validation=request_validation,
            response_validation=response_validation,
            retries=retry_policy(retries),
            hooks=self.hooks,
            follow_redirects=bool(follow_redirects),
            max_response_depth=check_depth("max_response_depth", max_response_depth),
        )
        self._reserved = {n for n in dir(type(self)) if not n.startswith("_")}
        self._binding = SpecBinding(spec, settings, self._reserved)
        self._watch = SourceWatch(spec, session, timeout or DEFAULT_TIMEOUT)
        self._reload_lock = threading.Lock()
        self._used: set[str] = set()  # Python names of the operations the program has reached
        self._removed: dict[str, SpecBinding] = {}  # names a reload took away -> the binding without them
        self.history: collections.deque[Response] = collections.deque(maxlen=history_size)
        self.contract: ContractRecorder | None = _install_contract(self, contract) if contract else None
        self._refresher = Refresher(self.reload, _refresh_interval(refresh), self._title()) if refresh else None

    def _load_spec(self, source: str | Path | dict[str, Any]) -> Spec:
        # the client's credentials go with the download only to the API's own origin (download_headers)
        headers = download_headers(source, *self._download_credentials)
        spec = Spec(source, headers=headers, **self._spec_options)
        if self._validate_spec:
            _validate_spec(spec)
        return spec

    # -- the spec in force (swapped whole by reload) ------------------------------------------------
    @property
    def spec(self) -> Spec:
        """The spec in force (reload() replaces it)."""
        return self._binding.spec

    @property
    def _settings(self) -> CallSettings:
        return self._binding.settings

    @property
    def _validators(self) -> SchemaValidators:
        return self._binding.validators

    @property
    def _names(self) -> dict[str, Operation]:
        return self._binding.names

    @property
    def _bound(self) -> dict[int, AnyOperation]:
        return self._binding.bound

    @property
    def name_clashes(self) -> dict[str, list[str]]:
        """Names several operations claim, with the unique names to use instead."""
        return self._binding.name_clashes

    def reload(self, source: str | Path | dict[str, Any] | None = None) -> bool:
        """Read the spec again (or `source`, a new one) and rebind every operation at once; True if it changed.

        A URL is asked with If-None-Match / If-Modified-Since, a file is read again only when its modification
        time or size changed, and a document with the same content changes nothing. Calls already running
        finish on the spec they started with; an operation object held from before calls the new spec's
        operation of the same Python name, or raises OperationRemovedError naming the reload. When the new
        spec breaks an operation the program has used, the changes are logged at WARNING.
        """
        with self._reload_lock:
            old = self._binding
            if source is None and not self._watch.changed(old.fingerprint, old.spec.limits):
                return False
            spec = self._load_spec(self._source if source is None else source)
            if source is None and fingerprint(spec.original) == old.fingerprint:
                self._watch.accept()
                return False
            settings = dataclasses.replace(
                old.settings, credentials=Credentials(spec, **self._credentials), validators=SchemaValidators(spec)
            )
            new = SpecBinding(spec, settings, self._reserved, old.generation + 1)
            if source is None:
                self._watch.accept()
            else:
                self._source = source
                self._watch = SourceWatch(spec, self._spec_options["session"], self._watch.timeout)
            for name in set(old.names) - set(new.names):
                self._removed[name] = new
            for name in new.names:
                self._removed.pop(name, None)
            self._binding = new  # the one assignment every thread sees at once
            self.__dict__.pop("_tag_attributes", None)
        _warn_broken(self, old, new)
        return True

    def _stop_refresh(self) -> None:
        """Stop the background refresh (close() calls this)."""
        if self._refresher is not None:
            self._refresher.stop()

    # -- settings (client-wide defaults; a call's underscore options override them for that call) --
    @property
    def base_url(self) -> str | None:
        """The base URL every call goes to (None: the spec's servers)."""
        return self._settings.base_url

    @property
    def timeout(self) -> float | None:
        """Seconds a call may take, retries and their waits included (None: no limit)."""
        return self._settings.timeout

    @property
    def retries(self) -> RetryPolicy:
        """The retry policy of every call (`_retries=` overrides it for one call)."""
        return self._settings.retries

    @property
    def request_validation(self) -> str:
        """ "strict", "warn" or "off" for requests (`_validate=` overrides it for one call)."""
        return self._settings.request_validation

    @request_validation.setter
    def request_validation(self, mode: str) -> None:
        self._settings.request_validation = check_mode("request_validation", mode)

    @property
    def response_validation(self) -> str:
        """ "strict", "warn" or "off" for responses (`_validate=` overrides it for one call)."""
        return self._settings.response_validation

    @response_validation.setter
    def response_validation(self, mode: str) -> None:
        self._settings.response_validation = check_mode("response_validation", mode)

    def _remember(self, request: PreparedRequest, response: Response) -> None:
        self.history.append(response)

    # -- operations -------------------------------------------------------------------------------
    def __getattr__(self, name: str) -> AnyOperation:
        # Typed as an operation, what almost every name is; a tag's group (client.<Tag>) is a TagGroup at run
        # time, and client.tags[tag] is the typed way to reach it.
        binding = self.__dict__.get("_binding")
        if binding is None or name.startswith("__"):
            raise AttributeError(name)
        names = binding.names
        if name in names:
            self._used.add(names[name].python_name)
            return self._bind(names[name], binding)
        if name in self._tag_attributes:
            return self.tags[self._tag_attributes[name]]  # type: ignore[return-value]
        if name in binding.name_clashes:
            raise AmbiguousOperationError(
                f"{name!r} names several operations; use one of {', '.join(binding.name_clashes[name])}"
            )
        if name in self._removed:
            raise OperationRemovedError(removed_message(name, self._removed[name], self.spec.source))
        close = [] if name.startswith("_") else difflib.get_close_matches(name, list(names), n=3, cutoff=0.75)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise AttributeError(f"{self._title()} has no operation {name!r}{hint}")

    _bound_class: type[AnyOperation]

    def _bind(self, operation: Operation, binding: SpecBinding | None = None) -> AnyOperation:
        binding = binding or self._binding
        bound = binding.bound.get(id(operation))
        if bound is None:
            bound = binding.bound.setdefault(id(operation), self._bound_class(self, operation, binding))
        return bound

    def operation(self, name: str) -> AnyOperation:
        """An operation by operationId, Python name, or 'METHOD /path'."""
        if name in self._names:
            self._used.add(self._names[name].python_name)
            return self._bind(self._names[name])
        method, _, path = name.partition(" ")
        for op in self.spec.operations:
            if op.method == method.upper() and op.path == path:
                return self._bind(op)
        return getattr(self, name)

    @property
    def operations(self) -> OperationsView:
        """Every operation, in document order: a sized view whose repr is a table."""
        return OperationsView([self._bind(op) for op in self.spec.operations])

    def find(self, text: str) -> OperationsView:
        """Operations whose name, operationId, path, tags or summary contain `text` (any case)."""
        return self.operations.find(text)

    @property
    def tags(self) -> dict[str, TagGroup]:
        """Operations grouped by tag (an operation with several tags is in each group)."""
        binding = self._binding
        found = binding.cache.get("tags")
        if found is None:
            groups: dict[str, list[AnyOperation]] = {}
            for op in binding.spec.operations:
                for tag in op.tags:
                    groups.setdefault(tag, []).append(self._bind(op, binding))
            found = binding.cache.setdefault("tags", {tag: TagGroup(tag, ops) for tag, ops in groups.items()})
        return found

    @cached_property
    def _tag_attributes(self) -> dict[str, str]:
        return {(tag if tag.isidentifier() else snake_case(tag)): tag for tag in self.tags}

    @property
    def models(self) -> ModelNamespace:
        """A checked constructor per component schema: client.models.IssueAPIKeyRequest(actor_id="u")."""
        return self._binding.models

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._names, *self._tag_attributes})

    @property
    def enums(self) -> EnumNamespace:
        """Enum classes for the spec's enum schemas: client.enums.RevocationReason.REVOCATION_REASON_..."""
        return self._binding.enums

    @property
    def last_response(self) -> Response | None:
        """The last HTTP response received, whatever its status."""
        return self.history[-1] if self.history else None

    def _title(self) -> str:
        return str(self.spec.info.get("title") or self.spec.source)

    def __repr__(self) -> str:
        info = self.spec.info
        return (
            f"<{type(self).__name__} {self._title()!r} {info.get('version', '')} from {self.spec.source}: "
            f"{len(self.spec.operations)} operations, base_url={self.base_url!r}>"
        )


class Client(BaseClient):
    """A client for any OpenAPI document, built when the program runs.

    Every operation is a method under its operationId and its snake_case name. Requests are validated
    before they are sent (`request_validation="strict"` by default: nothing is sent when a rule is
    broken) and responses after (`response_validation="warn"` by default: violations are logged and kept
    on `result.http.violations`; "strict" raises ResponseValidationError; "off" skips the checks).
    `transport=` replaces the HTTP layer (Urllib3Transport by default, RequestsTransport on `session=`,
    HttpxTransport, or MockTransport for tests); `retries=` sets the retry policy; `hooks={"request": [...],
    "response": [...]}` are called with each PreparedRequest and each Response. With `contract=True` (or a
    ContractConfig / ContractRecorder) every response goes through the contract checks, recorded on
    `client.contract`.
    Loading the spec is bounded and sandboxed (see Spec): its $refs stay in the spec's own folder or URL
    prefix unless `allow_refs=` (True, or a list of folders and URL prefixes) allows more; `ref_loader=` (a
    callable uri -> document) supplies referenced documents itself; `spec_limits=` (a SpecLimits or a dict)
    changes the size, nesting and YAML-alias limits; `session=` credentials reach only the spec's origin, and
    so do `headers=`, `token=` and an `auth=` (username, password) pair when the spec's URL is on the API's
    origin (no base_url=, or one on that origin). `timeout=` also bounds the spec's whole download.
    One client may be shared by many threads.
    """

    def __init__(self, source: str | Path | dict[str, Any], **options: Any) -> None:
        transport = options.get("transport")
        if transport is None:
            limit = options.get("max_response_bytes", MAX_BODY_BYTES)
            session = options.get("session")
            transport = Urllib3Transport(limit) if session is None else RequestsTransport(session, max_body_bytes=limit)
        sync_sender(transport)
        self.transport: Transport = transport
        super().__init__(source, **options)

    __init__.__signature__ = inspect.signature(BaseClient.__init__)  # type: ignore[attr-defined]

    def close(self) -> None:
        """Stop the background refresh, close the transport (its pooled connections)."""
        self._stop_refresh()
        self.transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncClient(BaseClient):
    """Client's twin for asyncio: the same options, names, signatures, docs, results and errors; every
    operation is a coroutine. The default transport is AsyncHttpxTransport (needs the `httpx` extra).

    ```python
    async with AsyncClient("specs/talos.openapi-v3.yaml", base_url=URL, token=T) as talos:
        out = await talos.admin_issue_api_key(actor_id="user_123")
    ```
    """

    def __init__(self, source: str | Path | dict[str, Any], **options: Any) -> None:
        transport = options.get("transport")
        if transport is None:
            from .call.httpx_transports import AsyncHttpxTransport

            transport = AsyncHttpxTransport(max_body_bytes=options.get("max_response_bytes", MAX_BODY_BYTES))
        async_sender(transport)
        self.transport: AsyncTransport | MockTransport = transport
        super().__init__(source, **options)

    __init__.__signature__ = inspect.signature(BaseClient.__init__)  # type: ignore[attr-defined]

    if TYPE_CHECKING:  # the same lookups as Client's, typed with the async operation

        def __getattr__(self, name: str) -> AsyncBoundOperation[Answer, ResultValue]: ...

        def operation(self, name: str) -> AsyncBoundOperation[Answer, ResultValue]: ...

    async def aclose(self) -> None:
        """Stop the background refresh, close the transport (its pooled connections)."""
        self._stop_refresh()
        # a transport of yours may have close() only
        closing: Callable[[], object] = getattr(self.transport, "aclose", None) or self.transport.close  # type: ignore[union-attr]
        outcome = closing()
        if inspect.isawaitable(outcome):
            await outcome

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class BoundOperation(Generic[R, V]):
    """An operation bound to a client: call it with keyword arguments, or prepare() it for a dry run.

    Per-call options: `_timeout` (seconds), `_stream=True` (a StreamResult read as it arrives),
    `_validate` ("strict", "warn", "off", or {"request": mode, "response": mode}), `_headers` (a mapping
    added to this request), `_retries` (an int or a RetryPolicy).

    For type checkers a call returns R (on a Client: talos_dynamic.Answer, the union of the result classes;
    TalosClient declares each operation's own), or a StreamResult with `_stream=True`; items() yields V.
    """

    def __init__(self, client: BaseClient, operation: Operation, binding: SpecBinding | None = None) -> None:
        self._client = client
        self._binding = binding or client._binding
        self.operation = operation
        self.__name__ = operation.python_name
        self.__qualname__ = f"{type(client).__name__}.{operation.python_name}"

    @cached_property
    def arguments(self) -> ArgumentTable:
        """The keyword arguments this operation accepts."""
        return ArgumentTable(self.operation)

    def _current(self) -> Self:
        """This operation in the spec in force: itself, its successor after a reload, or OperationRemovedError."""
        client = self._client
        binding = client._binding
        if binding is self._binding:
            return self
        operation = binding.names.get(self.operation.python_name)
        if operation is None:
            raise OperationRemovedError(removed_message(self.operation.python_name, binding, binding.spec.source))
        return client._bind(operation, binding)  # type: ignore[return-value]

    def _prepare(self, kwargs: dict[str, Any]) -> tuple[PreparedRequest, CallOptions]:
        settings = self._binding.settings
        options = call_options(settings, kwargs)
        return prepare(settings, self.operation, self.arguments, kwargs, options), options

    def prepare(self, **kwargs: Any) -> PreparedCall[R]:
        """Validate and build the exact request, without sending it."""
        current = self._current()
        request, options = current._prepare(kwargs)
        return PreparedCall(current._send, request, options)

    @overload
    def __call__(self, *, _stream: Literal[True], **kwargs: Any) -> StreamResult: ...
    @overload
    def __call__(self, *, _stream: Literal[False] = ..., **kwargs: Any) -> R: ...
    @overload
    def __call__(self, *, _stream: bool, **kwargs: Any) -> R | StreamResult: ...

    def __call__(self, **kwargs: Any) -> R | StreamResult:
        """Call the operation (see the class docstring for the underscore options)."""
        current = self._current()
        request, options = current._prepare(kwargs)
        return current._send(request, options)

    def _send(self, request: PreparedRequest, options: CallOptions) -> R:
        return call(self._binding.settings, self._client.transport, self.operation, request, options)

    @cached_property
    def paging(self) -> Paging | None:
        """How pages() walks this operation, as the spec shows it (None: the spec shows no paging)."""
        return detect_paging(self.arguments)

    def pages(self, **kwargs: Any) -> Iterator[R]:
        """Each page's result, lazily, the next one fetched when asked for (see talos_dynamic.call.paging).

        Besides the operation's arguments and per-call options: `_max_pages=`, `_max_items=`, and `_paging=`
        (a strategy name, "token", "cursor", "link" or "offset", or a Paging) where the spec is unclear.
        """
        current = self._current()
        return iterate_pages(current, kwargs, current._send)

    def items(self, **kwargs: Any) -> Iterator[V]:
        """Each item of every page, lazily; the same options as pages()."""
        current = self._current()
        return iterate_items(current, kwargs, current._send)

    @cached_property
    def __signature__(self) -> inspect.Signature:
        """Keyword-only arguments with types and defaults, built from the spec on first use."""
        from .explore.signatures import build_signature  # loaded on first use

        return build_signature(self.arguments, self._binding.enums, self.operation.python_name)

    @cached_property
    def _docstring(self) -> str:
        from .explore.docs import build_docstring

        text = build_docstring(self.arguments, self.operation.python_name)
        if self.paging is not None:  # before the example call, which stays the last line
            name = self.operation.python_name
            note = f"Paging ({self.paging.describe()}): {name}.pages(...), {name}.items(...)\n\n"
            head, marker, example = text.rpartition("Example\n-------")
            text = f"{head}{note}{marker}{example}" if marker else f"{text}\n\n{note.rstrip()}"
        return text

    @property
    def __doc__(self) -> str:  # type: ignore[override]
        """Built from the spec on first access, then cached."""
        return self._docstring

    def __get__(self, instance: object, owner: type | None = None) -> Self:
        # Makes help() and IDEs treat an operation as a routine (signature and docstring shown).
        return self

    def __repr__(self) -> str:
        op = self.operation
        summary = f" - {op.summary}" if op.summary else ""
        return f"<operation {op.python_name} ({op.name}): {op.method} {op.path}{summary}>"


class AsyncBoundOperation(BoundOperation[R, V]):
    # An operation of an AsyncClient: calling it returns a coroutine of what BoundOperation's call returns.
    # __doc__ is the operation's, built from the spec, as for BoundOperation (a class docstring would hide it).
    __doc__ = BoundOperation.__dict__["__doc__"]

    @overload  # type: ignore[override]
    async def __call__(self, *, _stream: Literal[True], **kwargs: Any) -> StreamResult: ...
    @overload
    async def __call__(self, *, _stream: Literal[False] = ..., **kwargs: Any) -> R: ...
    @overload
    async def __call__(self, *, _stream: bool, **kwargs: Any) -> R | StreamResult: ...

    async def __call__(self, **kwargs: Any) -> R | StreamResult:
        """Call the operation (see the class docstring for the underscore options)."""
        current = self._current()
        request, options = current._prepare(kwargs)
        return await current._send(request, options)

    async def _send(self, request: PreparedRequest, options: CallOptions) -> R:  # type: ignore[override]
        return await acall(self._binding.settings, self._client.transport, self.operation, request, options)

    if TYPE_CHECKING:

        def prepare(self, **kwargs: Any) -> PreparedCall[Coroutine[Any, Any, R]]: ...  # type: ignore[override]

    def pages(self, **kwargs: Any) -> AsyncIterator[R]:  # type: ignore[override]
        """Each page's result: `async for page in client.<op>.pages(...)`; options as for Client."""
        current = self._current()
        return aiterate_pages(current, kwargs, current._send)

    def items(self, **kwargs: Any) -> AsyncIterator[V]:  # type: ignore[override]
        """Each item of every page: `async for item in client.<op>.items(...)`."""
        current = self._current()
        return aiterate_items(current, kwargs, current._send)


AnyOperation: TypeAlias = BoundOperation[Answer, ResultValue]  # an operation whose answers are known at run time only
Client._bound_class = BoundOperation
AsyncClient._bound_class = AsyncBoundOperation


class PreparedCall(Generic[S]):
    """A validated request that has not been sent: inspect it, render it as curl, or send() it.

    send() returns what the operation's call does (a coroutine of it with AsyncClient).
    """

    def __init__(
        self, send: Callable[[PreparedRequest, CallOptions], S], request: PreparedRequest, options: CallOptions
    ) -> None:
        self._send = send
        self._options = options
        self.request = request
        self.method, self.url, self.headers, self.body = request.method, request.url, request.headers, request.body

    def to_curl(self, mask: bool = True) -> str:
        """A curl command line for this request, secrets masked unless `mask=False`."""
        return self.request.to_curl(mask)

    def send(self, timeout: float | None = None) -> S:
        """Send the request and read the answer as a normal call would (a coroutine with AsyncClient)."""
        options = self._options
        if timeout is not None:
            options = dataclasses.replace(options, timeout=check_timeout("timeout", timeout))
        return self._send(self.request, options)

    def __repr__(self) -> str:
        return repr(self.request)


def _refresh_interval(refresh: Any) -> float:
    if isinstance(refresh, bool) or not isinstance(refresh, int | float) or not refresh > 0:
        raise ConfigurationError(f"refresh is a number of seconds > 0, not {refresh!r}")
    return float(refresh)


def _warn_broken(client: BaseClient, old: SpecBinding, new: SpecBinding) -> None:
    """Log at WARNING the breaking changes that hit an operation the program has used (in the Python names
    of the two bindings)."""
    from .changes.compare import compare

    source = new.spec.source
    try:
        report = compare(old, new)
    except Exception as exc:  # a report that cannot be made must not undo a good reload
        logger.warning("reload: %s was reloaded; its changes could not be compared (%s)", source, exc)
        return
    hits = [c for c in report.breaking if c.operation in client._used]
    if hits:
        lines = "\n".join(f"  {c.kind}: {c.message}" for c in hits)
        logger.warning("reload of %s breaks %d use(s) of this client:\n%s", source, len(hits), lines)


def _install_contract(client: BaseClient, contract: Any) -> ContractRecorder:
    """contract=True, a ContractConfig or a ContractRecorder: the recorder subscribes to response hooks."""
    if not callable(getattr(contract, "install", None)):  # True or a ContractConfig; imported only when asked for
        from .contract.recorder import ContractRecorder

        contract = ContractRecorder(None if contract is True else contract)
    return contract.install(client)


def _validate_spec(spec: Spec) -> None:
    """Run openapi-spec-validator; a failure is a warning when every operation can still be built."""
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    try:
        validate(spec.original, base_uri=spec.uri)
    except Exception as exc:  # the validator raises its own error, or a referencing one for dangling $refs
        path = list(getattr(exc, "absolute_path", [])) if isinstance(exc, OpenAPIValidationError) else []
        top_level = bool(path) and isinstance(path[0], str) and path[0] in spec.original
        pointer = "".join(f"/{p}" for p in path) if top_level else ""
        text = exc.message if isinstance(exc, OpenAPIValidationError) else f"{type(exc).__name__}: {exc}"
        message = f"fails OpenAPI validation: {str(text).splitlines()[0][:300]}"
        try:
            for operation in spec.operations:
                operation.parameters, operation.request_body, operation.responses  # noqa: B018
        except SpecError as broken:
            raise SpecError(
                f"{message}; and its operations cannot be built ({broken})", source=spec.source, pointer=pointer
            ) from None
        where = f"{spec.source}#{pointer}" if pointer else spec.source
        warnings.warn(
            f"{where}: {message}; loaded anyway, as every operation could be built", SpecValidationWarning, stacklevel=3
        )

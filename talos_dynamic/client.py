"""Client and AsyncClient: load a spec, bind its operations as methods, explore them; calls go through the
pipeline in call/ (prepare, send through a transport with retries and hooks, read)."""

from __future__ import annotations

import collections
import dataclasses
import inspect
import warnings
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import errors as errors_module
from .call.arguments import ArgumentTable
from .call.auth import Credentials
from .call.pipeline import (
    HOOK_EVENTS,
    CallOptions,
    CallSettings,
    acall,
    async_sender,
    call,
    call_options,
    check_mode,
    check_timeout,
    prepare,
    sync_sender,
)
from .call.prepare import PreparedRequest
from .call.retries import RetryPolicy, retry_policy
from .call.server_urls import check_base_url
from .call.transports import MAX_BODY_BYTES, RequestsTransport, Response
from .call.urllib3_transport import Urllib3Transport
from .call.validation import SchemaValidators
from .errors import ConfigurationError, SpecError, SpecValidationWarning
from .explore.binding import AmbiguousOperationError, bind_names
from .explore.views import OperationsView, TagGroup
from .logs import log_request, log_response
from .spec.documents import SpecLimits
from .spec.model import Spec
from .spec.naming import snake_case
from .spec.operations import Operation
from .spec.refs import AllowRefs

if TYPE_CHECKING:
    from .explore.enums import EnumNamespace
    from .explore.models import ModelNamespace

DEFAULT_TIMEOUT = 30.0
Hook = Callable[..., Any]


class BaseClient:
    """What Client and AsyncClient share: the spec, the bound names, exploration, settings and hooks."""

    errors = errors_module

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
    ) -> None:
        check_mode("request_validation", request_validation)
        check_mode("response_validation", response_validation)
        timeout = check_timeout("timeout", timeout)
        if base_url is not None:
            check_base_url(base_url)
        self.spec = Spec(
            source,
            session=session,
            timeout=timeout or DEFAULT_TIMEOUT,
            allow_refs=allow_refs,
            ref_loader=ref_loader,
            limits=spec_limits,
        )
        if validate_spec:
            _validate_spec(self.spec)
        self._validators = SchemaValidators(self.spec)
        self.hooks: dict[str, list[Hook]] = {"request": [log_request], "response": [log_response, self._remember]}
        for event, functions in (hooks or {}).items():
            if event not in HOOK_EVENTS:
                raise ConfigurationError(f"hooks: unknown event {event!r} (events: {', '.join(HOOK_EVENTS)})")
            self.hooks[event].extend(functions)
        self._settings = CallSettings(
            validators=self._validators,
            credentials=Credentials(self.spec, token=token, auth=auth),
            base_url=base_url.rstrip("/") if base_url else None,
            server_variables=dict(server_variables or {}),
            headers=dict(headers or {}),
            timeout=timeout,
            request_validation=request_validation,
            response_validation=response_validation,
            retries=retry_policy(retries),
            hooks=self.hooks,
            follow_redirects=bool(follow_redirects),
        )
        reserved = {n for n in dir(type(self)) if not n.startswith("_")}
        self._names, self.name_clashes = bind_names(self.spec.operations, reserved)
        self._bound: dict[int, Any] = {}
        self.history: collections.deque[Response] = collections.deque(maxlen=history_size)
        self.contract: Any = _install_contract(self, contract) if contract else None

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
    def __getattr__(self, name: str) -> BoundOperation:
        names = self.__dict__.get("_names")
        if names is None or name.startswith("__"):
            raise AttributeError(name)
        if name in names:
            return self._bind(names[name])
        if name in self._tag_attributes:
            return self.tags[self._tag_attributes[name]]
        if name in self.__dict__.get("name_clashes", {}):
            raise AmbiguousOperationError(
                f"{name!r} names several operations; use one of {', '.join(self.name_clashes[name])}"
            )
        raise AttributeError(f"{self._title()} has no operation {name!r}")

    _bound_class: type[BoundOperation]

    def _bind(self, operation: Operation) -> BoundOperation:
        bound = self._bound.get(id(operation))
        if bound is None:
            bound = self._bound.setdefault(id(operation), self._bound_class(self, operation))
        return bound

    def operation(self, name: str) -> BoundOperation:
        """An operation by operationId, Python name, or 'METHOD /path'."""
        if name in self._names:
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

    @cached_property
    def tags(self) -> dict[str, TagGroup]:
        """Operations grouped by tag (an operation with several tags is in each group)."""
        groups: dict[str, list[BoundOperation]] = {}
        for op in self.spec.operations:
            for tag in op.tags:
                groups.setdefault(tag, []).append(self._bind(op))
        return {tag: TagGroup(tag, ops) for tag, ops in groups.items()}

    @cached_property
    def _tag_attributes(self) -> dict[str, str]:
        return {(tag if tag.isidentifier() else snake_case(tag)): tag for tag in self.tags}

    @cached_property
    def models(self) -> ModelNamespace:
        """A checked constructor per component schema: client.models.IssueAPIKeyRequest(actor_id="u")."""
        from .explore.models import ModelNamespace  # loaded on first use, like the docs and signatures

        return ModelNamespace(self.spec, self._validators, self.enums)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._names, *self._tag_attributes})

    @cached_property
    def enums(self) -> EnumNamespace:
        """Enum classes for the spec's enum schemas: client.enums.RevocationReason.REVOCATION_REASON_..."""
        from .explore.enums import EnumNamespace

        return EnumNamespace(self.spec)

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
    `client.contract`. Loading the spec is bounded and sandboxed (see Spec): its $refs stay in the spec's own
    folder or URL prefix unless `allow_refs=` (True, or a list of folders and URL prefixes) allows more;
    `ref_loader=` (a callable uri -> document) supplies referenced documents itself; `spec_limits=` (a
    SpecLimits or a dict) changes the size, nesting and YAML-alias limits; `session=` credentials reach only the
    spec's origin. One client may be shared by many threads.
    """

    def __init__(self, source: str | Path | dict[str, Any], **options: Any) -> None:
        transport = options.get("transport")
        if transport is None:
            limit = options.get("max_response_bytes", MAX_BODY_BYTES)
            session = options.get("session")
            transport = Urllib3Transport(limit) if session is None else RequestsTransport(session, max_body_bytes=limit)
        sync_sender(transport)
        self.transport = transport
        super().__init__(source, **options)

    __init__.__signature__ = inspect.signature(BaseClient.__init__)  # type: ignore[attr-defined]

    def close(self) -> None:
        """Close the transport (its pooled connections)."""
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
        self.transport = transport
        super().__init__(source, **options)

    __init__.__signature__ = inspect.signature(BaseClient.__init__)  # type: ignore[attr-defined]

    async def aclose(self) -> None:
        """Close the transport (its pooled connections)."""
        closing = getattr(self.transport, "aclose", None) or self.transport.close
        outcome = closing()
        if inspect.isawaitable(outcome):
            await outcome

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class BoundOperation:
    """An operation bound to a client: call it with keyword arguments, or prepare() it for a dry run.

    Per-call options: `_timeout` (seconds), `_stream=True` (a StreamResult read as it arrives),
    `_validate` ("strict", "warn", "off", or {"request": mode, "response": mode}), `_headers` (a mapping
    added to this request), `_retries` (an int or a RetryPolicy).
    """

    def __init__(self, client: BaseClient, operation: Operation) -> None:
        self._client = client
        self.operation = operation
        self.__name__ = operation.python_name
        self.__qualname__ = f"{type(client).__name__}.{operation.python_name}"

    @cached_property
    def arguments(self) -> ArgumentTable:
        """The keyword arguments this operation accepts."""
        return ArgumentTable(self.operation)

    def _prepare(self, kwargs: dict[str, Any]) -> tuple[PreparedRequest, CallOptions]:
        settings = self._client._settings
        options = call_options(settings, kwargs)
        return prepare(settings, self.operation, self.arguments, kwargs, options), options

    def prepare(self, **kwargs: Any) -> PreparedCall:
        """Validate and build the exact request, without sending it."""
        request, options = self._prepare(kwargs)
        return PreparedCall(self, request, options)

    def __call__(self, **kwargs: Any) -> Any:
        """Call the operation (see the class docstring for the underscore options)."""
        request, options = self._prepare(kwargs)
        return self._send(request, options)

    def _send(self, request: PreparedRequest, options: CallOptions) -> Any:
        client = self._client
        return call(client._settings, client.transport, self.operation, request, options)

    @cached_property
    def __signature__(self) -> inspect.Signature:
        """Keyword-only arguments with types and defaults, built from the spec on first use."""
        from .explore.signatures import build_signature

        return build_signature(self.arguments, self._client.enums, self.operation.python_name)

    @cached_property
    def _docstring(self) -> str:
        from .explore.docs import build_docstring

        return build_docstring(self.arguments, self.operation.python_name)

    @property
    def __doc__(self) -> str:  # type: ignore[override]
        """Built from the spec on first access, then cached."""
        return self._docstring

    def __get__(self, instance: object, owner: type | None = None) -> BoundOperation:
        # Makes help() and IDEs treat an operation as a routine (signature and docstring shown).
        return self

    def __repr__(self) -> str:
        op = self.operation
        summary = f" - {op.summary}" if op.summary else ""
        return f"<operation {op.python_name} ({op.name}): {op.method} {op.path}{summary}>"


class AsyncBoundOperation(BoundOperation):
    # An operation of an AsyncClient: calling it returns a coroutine. __doc__ is the operation's, built from
    # the spec, as for BoundOperation (a class docstring would hide it).
    __doc__ = BoundOperation.__dict__["__doc__"]

    async def __call__(self, **kwargs: Any) -> Any:  # type: ignore[override]
        """Call the operation (see the class docstring for the underscore options)."""
        request, options = self._prepare(kwargs)
        return await self._send(request, options)

    async def _send(self, request: PreparedRequest, options: CallOptions) -> Any:  # type: ignore[override]
        client = self._client
        return await acall(client._settings, client.transport, self.operation, request, options)


Client._bound_class = BoundOperation
AsyncClient._bound_class = AsyncBoundOperation


class PreparedCall:
    """A validated request that has not been sent: inspect it, render it as curl, or send() it."""

    def __init__(self, bound: BoundOperation, request: PreparedRequest, options: CallOptions) -> None:
        self._bound = bound
        self._options = options
        self.request = request
        self.method, self.url, self.headers, self.body = request.method, request.url, request.headers, request.body

    def to_curl(self, mask: bool = True) -> str:
        """A curl command line for this request, secrets masked unless `mask=False`."""
        return self.request.to_curl(mask)

    def send(self, timeout: float | None = None) -> Any:
        """Send the request and read the answer as a normal call would (a coroutine with AsyncClient)."""
        options = self._options
        if timeout is not None:
            options = dataclasses.replace(options, timeout=check_timeout("timeout", timeout))
        return self._bound._send(self.request, options)

    def __repr__(self) -> str:
        return repr(self.request)


def _install_contract(client: BaseClient, contract: Any) -> Any:
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

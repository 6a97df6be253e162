"""The Client: load a spec, bind its operations as methods, prepare, send and read calls."""

from __future__ import annotations

import collections
import inspect
import time
import warnings
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import requests

from . import errors as errors_module
from .call.arguments import ArgumentTable
from .call.auth import Credentials
from .call.bodies import choose_media_type
from .call.prepare import PreparedRequest, bind_arguments, build_request, check_request
from .call.read import decode, read_response
from .call.server_urls import server_url
from .call.validation import SchemaValidators
from .contract.findings import ContractConfig
from .contract.recorder import ContractRecorder
from .errors import ConfigurationError, RequestValidationError, SpecError, SpecValidationWarning, TransportError
from .explore.binding import AmbiguousOperationError, bind_names
from .explore.docs import build_docstring
from .explore.enums import EnumNamespace
from .explore.models import ModelNamespace
from .explore.signatures import build_signature
from .explore.views import OperationsView, TagGroup
from .logs import body_preview, logger
from .spec.model import Spec
from .spec.naming import snake_case
from .spec.operations import Operation

MODES = ("strict", "warn", "off")
DEFAULT_TIMEOUT = 30.0
USER_AGENT = "talos-dynamic/0.1"


class Client:
    """A client for any OpenAPI 3 document, built when the program runs.

    Every operation is a method under its operationId and its snake_case name. Requests are validated
    before they are sent (`request_validation="strict"` by default: nothing is sent when a rule is
    broken) and responses after (`response_validation="warn"` by default: violations are logged and kept
    on `result.http.violations`; "strict" raises ResponseValidationError; "off" skips the checks).
    With `contract=True` (or a ContractConfig / ContractRecorder) every response goes through the contract
    checks and their findings are recorded on `client.contract` instead of raised.
    """

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
        session: requests.Session | None = None,
        history_size: int = 20,
        contract: bool | ContractConfig | ContractRecorder = False,
    ) -> None:
        for label, mode in (("request_validation", request_validation), ("response_validation", response_validation)):
            if mode not in MODES:
                raise ConfigurationError(f"{label} must be one of {MODES}, not {mode!r}")
        if timeout is not None and not timeout > 0:
            raise ConfigurationError("timeout must be a positive number of seconds (or None to wait forever)")
        self._session = session or requests.Session()
        self._session.headers.setdefault("User-Agent", USER_AGENT)
        self.spec = Spec(source, session=self._session, timeout=timeout or DEFAULT_TIMEOUT)
        if validate_spec:
            _validate_spec(self.spec)
        self.base_url = base_url.rstrip("/") if base_url else None
        self.timeout = timeout
        self.server_variables = dict(server_variables or {})
        self.default_headers = dict(headers or {})
        self.request_validation = request_validation
        self.response_validation = response_validation
        self._credentials = Credentials(self.spec, token=token, auth=auth)
        self._validators = SchemaValidators(self.spec)
        reserved = {n for n in dir(type(self)) if not n.startswith("_")}
        self._names, self.name_clashes = bind_names(self.spec.operations, reserved)
        self._bound: dict[int, BoundOperation] = {}
        self.history: collections.deque[requests.Response] = collections.deque(maxlen=history_size)
        self.contract: ContractRecorder | None = _recorder(contract)
        if self.contract is not None:
            self.contract.attach(self.spec.operations)

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

    def _bind(self, operation: Operation) -> BoundOperation:
        bound = self._bound.get(id(operation))
        if bound is None:
            bound = self._bound[id(operation)] = BoundOperation(self, operation)
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
        return ModelNamespace(self.spec, self._validators, self.enums)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._names, *self._tag_attributes})

    @cached_property
    def enums(self) -> EnumNamespace:
        """Enum classes for the spec's enum schemas: client.enums.RevocationReason.REVOCATION_REASON_..."""
        return EnumNamespace(self.spec)

    @property
    def last_response(self) -> requests.Response | None:
        """The last HTTP response received, whatever its status."""
        return self.history[-1] if self.history else None

    # -- the call path ----------------------------------------------------------------------------
    def _prepare(self, operation: Operation, table: ArgumentTable, kwargs: dict[str, Any]) -> PreparedRequest:
        values, body, content_type, violations = bind_arguments(table, dict(kwargs))
        if self.request_validation == "off":
            media_type = (
                choose_media_type(operation.request_body, content_type, body)
                if operation.request_body and body is not None
                else None
            )
            schema_violations = []
        else:
            schema_violations, media_type = check_request(
                operation, table, self._validators, values, body, content_type
            )
        if violations or (schema_violations and self.request_validation == "strict"):
            raise RequestValidationError(operation.name, violations + schema_violations)
        for violation in schema_violations:
            logger.warning("%s: request does not match the spec: %s", operation.name, violation)
        base_url = self.base_url or server_url(operation, self.server_variables)
        return build_request(
            operation,
            table,
            values,
            body,
            media_type,
            base_url,
            self._credentials.parts_for(operation),
            self.default_headers,
        )

    def _send(
        self, operation: Operation, prepared: PreparedRequest, timeout: float | None = None, stream: bool = False
    ) -> Any:
        url = prepared.masked_url()
        if logger.isEnabledFor(10):
            logger.debug(
                "-> %s %s headers=%s body=%s",
                prepared.method,
                url,
                prepared.masked_headers(),
                body_preview(prepared.body, prepared.headers.get("Content-Type", ""), prepared.secret_names),
            )
        started = time.perf_counter()
        try:
            response = self._session.request(
                prepared.method,
                prepared.url,
                headers=prepared.headers,
                data=prepared.body,
                timeout=timeout or self.timeout,
                stream=stream,
            )
        except requests.Timeout:
            raise TransportError(
                f"timed out after {timeout or self.timeout}s", url=url, method=prepared.method
            ) from None
        except requests.exceptions.SSLError as exc:
            raise TransportError(f"TLS error: {type(exc).__name__}", url=url, method=prepared.method) from None
        except requests.ConnectionError:
            raise TransportError(
                "connection failed (is the server running and the base URL right?)", url=url, method=prepared.method
            ) from None
        except requests.RequestException as exc:
            raise TransportError(f"{type(exc).__name__}", url=url, method=prepared.method) from None
        self.history.append(response)
        if logger.isEnabledFor(10):
            logger.debug(
                "<- %s %s %s (%.1f ms) body=%s",
                response.status_code,
                prepared.method,
                url,
                (time.perf_counter() - started) * 1000,
                "<streamed>"
                if stream
                else body_preview(response.content, response.headers.get("Content-Type", ""), prepared.secret_names),
            )
        mode, decoded = self.response_validation, None
        if self.contract is not None:  # contract mode: every check runs and its findings are recorded
            if not stream:
                decoded = decode(response)
                self.contract.observe(operation, prepared, response, self._validators, decoded)
            mode = "off"
        return read_response(operation, response, self._validators, mode, prepared.secret_names, stream, decoded)

    # -- lifecycle ----------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the pooled HTTP session."""
        self._session.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _title(self) -> str:
        return str(self.spec.info.get("title") or self.spec.source)

    def __repr__(self) -> str:
        info = self.spec.info
        return (
            f"<Client {self._title()!r} {info.get('version', '')} from {self.spec.source}: "
            f"{len(self.spec.operations)} operations, base_url={self.base_url!r}>"
        )


class BoundOperation:
    """An operation bound to a client: call it with keyword arguments, or prepare() it for a dry run."""

    def __init__(self, client: Client, operation: Operation) -> None:
        self._client = client
        self.operation = operation
        self.__name__ = operation.python_name
        self.__qualname__ = f"Client.{operation.python_name}"

    @cached_property
    def arguments(self) -> ArgumentTable:
        """The keyword arguments this operation accepts."""
        return ArgumentTable(self.operation)

    def prepare(self, **kwargs: Any) -> PreparedCall:
        """Validate and build the exact request, without sending it."""
        request = self._client._prepare(self.operation, self.arguments, kwargs)
        return PreparedCall(self, request)

    def __call__(self, **kwargs: Any) -> Any:
        """Call the operation. Per-call options: `_timeout` (seconds), `_stream=True` (a StreamResult whose
        body is read as it arrives, for large downloads)."""
        timeout = kwargs.pop("_timeout", None)
        stream = bool(kwargs.pop("_stream", False))
        request = self._client._prepare(self.operation, self.arguments, kwargs)
        return self._client._send(self.operation, request, timeout, stream)

    @cached_property
    def __signature__(self) -> inspect.Signature:
        """Keyword-only arguments with types and defaults, built from the spec on first use."""
        return build_signature(self.arguments, self._client.enums, self.operation.python_name)

    @cached_property
    def _docstring(self) -> str:
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


class PreparedCall:
    """A validated request that has not been sent: inspect it, render it as curl, or send() it."""

    def __init__(self, bound: BoundOperation, request: PreparedRequest) -> None:
        self._bound = bound
        self.request = request
        self.method, self.url, self.headers, self.body = request.method, request.url, request.headers, request.body

    def to_curl(self) -> str:
        """A curl command line for this request, secrets masked."""
        return self.request.to_curl()

    def send(self, timeout: float | None = None) -> Any:
        """Send the request and read the answer as a normal call would."""
        bound = self._bound
        return bound._client._send(bound.operation, self.request, timeout)

    def __repr__(self) -> str:
        return repr(self.request)


def _recorder(contract: bool | ContractConfig | ContractRecorder) -> ContractRecorder | None:
    if isinstance(contract, ContractRecorder):
        return contract
    if isinstance(contract, ContractConfig):
        return ContractRecorder(contract)
    return ContractRecorder() if contract else None


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

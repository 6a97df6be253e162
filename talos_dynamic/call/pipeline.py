"""One call, start to end: options -> prepare [pure] -> send with retries and hooks [I/O] -> read [pure].

Client and AsyncClient share every stage but the send. Per-call options (`_timeout`, `_stream`,
`_validate`, `_headers`, `_retries`) live in a CallOptions made for that call; nothing here writes to
the client while a call runs.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, RequestValidationError, TransportError, Violation, shown
from ..json_depth import DEPTH_CEILING, MAX_JSON_DEPTH
from ..logs import logger
from ..masking import remember_secret_fields, remembering
from .arguments import ArgumentTable
from .auth import Credentials
from .bodies import wire_body
from .prepare import PreparedRequest, bind_arguments, body_media_type, build_request, check_request, header_violations
from .read import read_response
from .redirects import MAX_HOPS, next_hop, too_many
from .retries import RetryPolicy, next_wait, retry_policy, retry_reason
from .server_urls import server_url
from .transports import Response
from .validation import SchemaValidators

if TYPE_CHECKING:
    from ..spec.operations import Operation

MODES = ("strict", "warn", "off")
OPTIONS = ("_timeout", "_stream", "_validate", "_headers", "_retries")
HOOK_EVENTS = ("request", "response")


def check_timeout(label: str, value: Any) -> float | None:
    """A timeout in seconds (a positive finite number, or None), or ConfigurationError."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1e9:
        raise ConfigurationError(f"{label} must be a positive number of seconds (or None), not {shown(value)}")
    return float(value)


def check_depth(label: str, value: Any) -> int:
    """A JSON nesting limit (an int from 1 to DEPTH_CEILING), or ConfigurationError."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= DEPTH_CEILING:
        raise ConfigurationError(f"{label} must be a whole number from 1 to {DEPTH_CEILING}, not {shown(value)}")
    return value


def check_mode(label: str, mode: str) -> str:
    """A validation mode, or ConfigurationError."""
    if mode not in MODES:
        raise ConfigurationError(f"{label} must be one of {MODES}, not {mode!r}")
    return mode


@dataclass(frozen=True)
class CallOptions:
    """The settings of one call: the client's, overridden by that call's underscore options."""

    timeout: float | None
    stream: bool
    request_mode: str
    response_mode: str
    headers: Mapping[str, str] = field(repr=False)  # this call's `_headers` (may hold credentials)
    retries: RetryPolicy


@dataclass
class CallSettings:
    """What a client fixes for all its calls (read at the start of each call, never written by one)."""

    validators: SchemaValidators
    credentials: Credentials
    base_url: str | None
    server_variables: dict[str, str]
    headers: dict[str, str]
    timeout: float | None
    request_validation: str
    response_validation: str
    retries: RetryPolicy
    hooks: dict[str, list[Any]]
    follow_redirects: bool = True
    max_response_depth: int = MAX_JSON_DEPTH


def call_options(settings: CallSettings, kwargs: dict[str, Any]) -> CallOptions:
    """Pop the underscore options out of `kwargs` and merge them over the client's settings."""
    timeout, stream = settings.timeout, False
    request_mode, response_mode = settings.request_validation, settings.response_validation
    headers: Mapping[str, str] = {}
    retries = settings.retries
    if kwargs.get("_timeout") is not None:  # None (or no _timeout): the client's
        timeout = check_timeout("_timeout", kwargs.pop("_timeout"))
    if "_stream" in kwargs:
        stream = bool(kwargs.pop("_stream"))
    if kwargs.get("_validate") is not None:
        request_mode, response_mode = _validate_option(kwargs.pop("_validate"), request_mode, response_mode)
    if "_headers" in kwargs:
        extra = kwargs.pop("_headers") or {}
        if not isinstance(extra, Mapping):
            raise ConfigurationError("_headers must be a mapping of header names to values")
        for key, value in extra.items():
            wrong = next((v for v in (key, value) if not isinstance(v, str | bytes | int | float)), None)
            if wrong is not None or not isinstance(key, str | bytes):
                kind = type(key if wrong is None else wrong).__name__
                raise ConfigurationError(f"_headers: a header name or value is text, not a {kind}")
        try:
            headers = {str(k): str(v) for k, v in extra.items()}
        except (ValueError, RecursionError) as exc:
            raise ConfigurationError(f"_headers: a name or value cannot be written as text ({exc})") from None
    if kwargs.get("_retries") is not None:
        retries = retry_policy(kwargs.pop("_retries"))
    for name in OPTIONS:  # the ones given as None
        kwargs.pop(name, None)
    return CallOptions(timeout, stream, request_mode, response_mode, headers, retries)


def _validate_option(value: Any, request_mode: str, response_mode: str) -> tuple[str, str]:
    if isinstance(value, bool):
        value = "strict" if value else "off"
    if isinstance(value, str):
        return check_mode("_validate", value), check_mode("_validate", value)
    if isinstance(value, Mapping) and set(value) <= {"request", "response"}:
        return (
            check_mode("_validate['request']", value.get("request", request_mode)),
            check_mode("_validate['response']", value.get("response", response_mode)),
        )
    raise ConfigurationError(
        "_validate must be 'strict', 'warn', 'off', a bool, or {'request': mode, 'response': mode}"
    )


def prepare(
    settings: CallSettings, operation: Operation, table: ArgumentTable, kwargs: dict[str, Any], options: CallOptions
) -> PreparedRequest:
    """Validate the arguments and build the exact request; raise RequestValidationError, sending nothing.
    What validation masked is remembered with the request (masking rule 4), for its log and curl lines."""
    memory: set[bytes] = set()
    with remembering(memory):
        request = _prepare(settings, operation, table, kwargs, options)
    request.remembered.update(memory)
    return request


def _prepare(
    settings: CallSettings, operation: Operation, table: ArgumentTable, kwargs: dict[str, Any], options: CallOptions
) -> PreparedRequest:
    validators = settings.validators
    arguments = bind_arguments(table, kwargs, validators)
    media_type, choice_violations = body_media_type(operation, arguments)
    if media_type is not None:
        media = operation.request_body.content.get(media_type) if operation.request_body else None
        schema = validators.inlined(media.schema) if media is not None else None
        arguments.body = wire_body(media_type, arguments.body, schema)
    violations = arguments.violations + choice_violations
    schema_violations = []
    if options.request_mode != "off":
        schema_violations = check_request(operation, table, validators, arguments, media_type)
    if violations or (schema_violations and options.request_mode == "strict"):
        raise RequestValidationError(operation.name, violations + schema_violations)
    for violation in schema_violations:
        logger.warning("%s: request does not match the spec: %s", operation.name, violation)
    base_url = settings.base_url or server_url(operation, settings.server_variables)
    try:
        request = build_request(
            operation,
            table,
            arguments,
            media_type,
            base_url,
            settings.credentials.parts_for(operation),
            settings.headers,
            options.headers,
        )
    except (TypeError, ValueError) as exc:  # a body the media type cannot carry: NaN in JSON, a list as a form
        reason = "a number that is not finite (NaN, Infinity) cannot be sent as JSON" if "JSON" in str(exc) else exc
        raise RequestValidationError(operation.name, [Violation("body", "$", "encoding", str(reason))]) from None
    broken = header_violations(request.headers)
    if broken:
        raise RequestValidationError(operation.name, broken)
    remember_secret_fields(arguments.body, request.secret_names)
    return request


def call(
    settings: CallSettings, transport: Any, operation: Operation, request: PreparedRequest, options: CallOptions
) -> Any:
    """Send (with retries and hooks) and read: the result, or the error the answer calls for."""
    with remembering(request.remembered):
        request, response, attempts = _send(settings, transport, request, options)
        try:
            return read_response(
                operation, response, settings.validators, options.response_mode, request, attempts, options.stream
            )
        except BaseException:
            response.close()  # a streamed body that will not be read
            raise


async def acall(
    settings: CallSettings, transport: Any, operation: Operation, request: PreparedRequest, options: CallOptions
) -> Any:
    """call(), for AsyncClient: only the send differs (the transport and async hooks are awaited)."""
    with remembering(request.remembered):
        request, response, attempts = await _asend(settings, transport, request, options)
        try:
            return read_response(
                operation, response, settings.validators, options.response_mode, request, attempts, options.stream
            )
        except BaseException:
            await response.aclose()
            raise


def _send(
    settings: CallSettings, transport: Any, request: PreparedRequest, options: CallOptions
) -> tuple[PreparedRequest, Response, int]:
    deadline = time.monotonic() + options.timeout if options.timeout else None
    attempt = 0
    while True:
        attempt += 1
        response, failure = None, None
        try:
            request, response = _exchange(settings, transport, request, options, deadline, attempt)
        except TransportError as exc:
            failure = exc
        try:
            wait = _plan_retry(options.retries, request, response, failure, attempt, deadline)
            if wait is None:
                return request, *_outcome(response, failure, attempt)
        except BaseException:
            if response is not None:
                response.close()
            raise
        if response is not None:
            response.close()
        time.sleep(wait)


def _exchange(
    settings: CallSettings,
    transport: Any,
    request: PreparedRequest,
    options: CallOptions,
    deadline: float | None,
    attempt: int,
) -> tuple[PreparedRequest, Response]:
    """One attempt: send, run the hooks, and follow redirects (each hop a PreparedRequest of its own)."""
    for _hop in range(MAX_HOPS + 1):
        _run_sync_hooks(settings.hooks["request"], request)
        timeout = _remaining(deadline, options.timeout, attempt)
        response = transport.send(request, timeout=timeout, stream=options.stream)
        response.max_json_depth = settings.max_response_depth
        try:
            _run_sync_hooks(settings.hooks["response"], request, response)
            hop = next_hop(request, response) if settings.follow_redirects else None
        except BaseException:
            response.close()
            raise
        if hop is None:
            return request, response
        response.close()
        request = hop
    raise too_many(request)


async def _asend(
    settings: CallSettings, transport: Any, request: PreparedRequest, options: CallOptions
) -> tuple[PreparedRequest, Response, int]:
    deadline = time.monotonic() + options.timeout if options.timeout else None
    sender = async_sender(transport)
    attempt = 0
    while True:
        attempt += 1
        response, failure = None, None
        try:
            request, response = await _aexchange(settings, sender, request, options, deadline, attempt)
        except TransportError as exc:
            failure = exc
        try:
            wait = _plan_retry(options.retries, request, response, failure, attempt, deadline)
            if wait is None:
                return request, *_outcome(response, failure, attempt)
        except BaseException:
            if response is not None:
                await response.aclose()
            raise
        if response is not None:
            await response.aclose()
        import asyncio  # imported by the async path only

        await asyncio.sleep(wait)


async def _aexchange(
    settings: CallSettings,
    sender: Any,
    request: PreparedRequest,
    options: CallOptions,
    deadline: float | None,
    attempt: int,
) -> tuple[PreparedRequest, Response]:
    """_exchange(), awaiting the transport and async hooks."""
    for _hop in range(MAX_HOPS + 1):
        await _await_all(_run_hooks(settings.hooks["request"], request))
        timeout = _remaining(deadline, options.timeout, attempt)
        response = await sender(request, timeout=timeout, stream=options.stream)
        response.max_json_depth = settings.max_response_depth
        try:
            await _await_all(_run_hooks(settings.hooks["response"], request, response))
            hop = next_hop(request, response) if settings.follow_redirects else None
        except BaseException:
            await response.aclose()
            raise
        if hop is None:
            return request, response
        await response.aclose()
        request = hop
    raise too_many(request)


def async_sender(transport: Any) -> Any:
    """The coroutine function that sends for an async client: `asend` (a transport serving both kinds, such
    as MockTransport) or an async `send`; ConfigurationError for a sync-only transport."""
    sender = getattr(transport, "asend", None) or getattr(transport, "send", None)
    if not inspect.iscoroutinefunction(sender):
        raise ConfigurationError("AsyncClient needs an async transport (async def send), such as AsyncHttpxTransport")
    return sender


def sync_sender(transport: Any) -> Any:
    """The function that sends for a sync client; ConfigurationError for an async-only transport."""
    sender = getattr(transport, "send", None)
    if not callable(sender) or inspect.iscoroutinefunction(sender):
        raise ConfigurationError("Client needs a sync transport (def send), such as RequestsTransport")
    return sender


def _outcome(response: Response | None, failure: TransportError | None, attempts: int) -> tuple[Response, int]:
    """The last attempt's response, or its failure raised (with how many attempts were made)."""
    if failure is not None:
        failure.attempts = attempts
        raise failure
    assert response is not None
    return response, attempts


def _plan_retry(
    policy: RetryPolicy,
    request: PreparedRequest,
    response: Response | None,
    failure: TransportError | None,
    attempt: int,
    deadline: float | None,
) -> float | None:
    reason = retry_reason(policy, request, response, failure)
    if reason is None:
        return None
    wait = next_wait(policy, attempt, response, deadline)
    if wait is not None and logger.isEnabledFor(logging.INFO):
        logger.info(
            "retrying %s %s %s after %s: attempt %d of %d in %.2fs",
            request.operation,
            request.method,
            request.masked_url(),
            reason,
            attempt + 1,
            policy.max_attempts,
            wait,
        )
    return wait


def _remaining(deadline: float | None, timeout: float | None, attempt: int) -> float | None:
    """The first attempt gets the whole timeout; later ones what is left of it."""
    if deadline is None or attempt == 1:
        return timeout
    return round(max(0.001, deadline - time.monotonic()), 3)


def _run_hooks(hooks: list[Any], *args: Any) -> list[Any]:
    """Call each hook; return what async hooks gave back, to be awaited by the async path."""
    pending = []
    for hook in hooks:
        outcome = hook(*args)
        if outcome is not None and inspect.isawaitable(outcome):
            pending.append(outcome)
    return pending


def _run_sync_hooks(hooks: list[Any], *args: Any) -> None:
    pending = _run_hooks(hooks, *args)
    if pending:
        for outcome in pending:
            getattr(outcome, "close", lambda: None)()
        raise ConfigurationError("an async hook needs AsyncClient")


async def _await_all(pending: list[Any]) -> None:
    for outcome in pending:
        await outcome

"""Every error the client raises, one class per thing a user can act on."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .masking import mask_text
from .rpc_status import RpcStatus, decode_status

Response = Any  # talos_dynamic.Response (call/transports.py); errors import nothing from the call path


class TalosDynamicError(Exception):
    """Base class of every error raised by talos_dynamic."""


class SpecError(TalosDynamicError):
    """The spec cannot be used: names the source (file or URL) and the JSON pointer."""

    def __init__(self, message: str, *, source: str, pointer: str = "") -> None:
        self.source = source
        self.pointer = pointer
        self.reason = message
        where = f"{source}#{pointer}" if pointer else source
        super().__init__(f"{where}: {message}")


class SpecValidationWarning(UserWarning):
    """The document fails OpenAPI validation but its operations could be built, so it was loaded anyway."""


class ConfigurationError(TalosDynamicError, ValueError):
    """The client was set up in a way that cannot work (no base URL, unknown auth scheme, ...)."""


@dataclass(frozen=True)
class Violation:
    """One broken rule: where (parameter or JSON path), which rule, the offending value (masked)."""

    location: str  # "path", "query", "header", "cookie", "body", "status", "content-type", "argument"
    path: str  # parameter name or JSON path such as $.scopes[0]
    rule: str  # the JSON Schema keyword or check that failed
    message: str
    value: Any = None
    expected: Any = None  # what the rule wanted (the schema keyword's value, or the missing property)

    def __str__(self) -> str:
        return f"{self.location} {self.path}: {self.message} [{self.rule}]"


class RequestValidationError(TalosDynamicError, ValueError):
    """The request breaks the spec; nothing was sent. Lists every violation."""

    def __init__(
        self, operation: str, violations: list[Violation], summary: str = "invalid request, nothing was sent"
    ) -> None:
        self.operation = operation
        self.violations = list(violations)
        lines = "\n".join(f"  - {v}" for v in self.violations)
        count = len(self.violations)
        super().__init__(f"{operation}: {summary} ({count} problem{'s' if count != 1 else ''}):\n{lines}")


class ResponseValidationError(TalosDynamicError):
    """The server's answer breaks the spec: operation, status, JSON path, rule, value and the response."""

    def __init__(
        self, operation: str, status: int, violations: list[Violation], response: Response | None = None
    ) -> None:
        self.operation = operation
        self.status = status
        self.violations = list(violations)
        self.response = response
        # each violation's value is already masked and a body that is not JSON is never quoted (read.BodyText);
        # mask_text also masks anything credential-shaped a message may still carry
        lines = "\n".join(f"  - {mask_text(str(v))}" for v in self.violations)
        super().__init__(f"{operation}: response {status} does not match the spec:\n{lines}")


class TransportError(TalosDynamicError):
    """The request could not be delivered (connection refused, timeout, TLS); says which URL.

    `kind` is "connect" (no connection was made, nothing sent), "timeout", "tls", "proxy", "redirects"
    or "protocol"; `attempts` is how many times the call was tried.
    """

    def __init__(self, message: str, *, url: str, method: str = "", kind: str = "protocol") -> None:
        self.url = url
        self.method = method
        self.kind = kind
        self.attempts = 1
        super().__init__(f"{method} {url}: {message}".strip())


class ApiError(TalosDynamicError):
    """The API answered 4xx or 5xx. Carries the HTTP status and the decoded google.rpc.Status.

    `message` is the server's message, read from whichever common shape the body has (google.rpc.Status in
    the three Talos shapes, problem+json, FastAPI/Starlette `detail`, `{"error": ...}`, `{"message": ...}`,
    `{"errors": [...]}`, plain text; `error_shape` names it), with secrets masked (credential-shaped words,
    and `secrets`: the credential values the request carried, should the server echo one); `body` keeps the
    decoded body (JSON as parsed, text, or bytes) as it came.
    """

    def __init__(
        self,
        operation: str,
        http_status: int,
        body: Any,
        response: Response | None,
        rpc: RpcStatus | None = None,
        *,
        secrets: Iterable[str] = (),
    ) -> None:
        rpc = rpc or decode_status(body, http_status)
        self.operation = operation
        self.http_status = http_status
        self.body = body
        self.response = response
        self.grpc_code = rpc.grpc_code
        self.status = rpc.status
        self.message = mask_text(rpc.message, values=secrets) if rpc.message else rpc.message
        self.details = rpc.details
        self.reason = rpc.reason
        self.domain = rpc.domain
        self.metadata = rpc.metadata
        self.error_shape = rpc.shape
        self.violations: list[Violation] = []  # where the error body itself breaks the spec
        self.attempts = 1  # how many times the call was tried (retries)
        text = f"{operation}: HTTP {http_status} {rpc.status}"
        if rpc.reason:
            text += f" ({rpc.reason})"
        if self.message:
            text += f": {self.message}"
        super().__init__(text)

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked to wait (Retry-After as seconds or an HTTP-date; 429 and 503), if any."""
        return seconds_to_wait(self.response.headers.get("Retry-After") if self.response is not None else None)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(operation={self.operation!r}, http_status={self.http_status}, "
            f"status={self.status!r}, reason={self.reason!r}, message={self.message!r})"
        )


class BadRequest(ApiError):
    """HTTP 400 (INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE)."""


class Unauthorized(ApiError):
    """HTTP 401 (UNAUTHENTICATED)."""


class Forbidden(ApiError):
    """HTTP 403 (PERMISSION_DENIED)."""


class NotFound(ApiError):
    """HTTP 404 (NOT_FOUND)."""


class Conflict(ApiError):
    """HTTP 409 (ALREADY_EXISTS, ABORTED; Talos also FAILED_PRECONDITION)."""


class TooManyRequests(ApiError):
    """HTTP 429 (RESOURCE_EXHAUSTED); honour `retry_after` before trying again."""


class ServerError(ApiError):
    """Any HTTP 5xx."""


class InternalServerError(ServerError):
    """HTTP 500 (INTERNAL, UNKNOWN, DATA_LOSS)."""


class NotImplementedByServer(ServerError):
    """HTTP 501 (UNIMPLEMENTED)."""


class ServiceUnavailable(ServerError):
    """HTTP 503 (UNAVAILABLE): safe to retry with backoff."""


class GatewayTimeout(ServerError):
    """HTTP 504 (DEADLINE_EXCEEDED): safe to retry with backoff."""


ERRORS_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    429: TooManyRequests,
    500: InternalServerError,
    501: NotImplementedByServer,
    503: ServiceUnavailable,
    504: GatewayTimeout,
}


def error_class_for(http_status: int) -> type[ApiError]:
    """The most specific ApiError subclass for an HTTP status."""
    if http_status in ERRORS_BY_STATUS:
        return ERRORS_BY_STATUS[http_status]
    return ServerError if http_status >= 500 else ApiError


__all__ = [
    "ApiError",
    "BadRequest",
    "ConfigurationError",
    "Conflict",
    "Forbidden",
    "GatewayTimeout",
    "InternalServerError",
    "NotFound",
    "NotImplementedByServer",
    "RequestValidationError",
    "ResponseValidationError",
    "ServerError",
    "ServiceUnavailable",
    "SpecError",
    "SpecValidationWarning",
    "TalosDynamicError",
    "TooManyRequests",
    "TransportError",
    "Unauthorized",
    "Violation",
    "error_class_for",
]


def seconds_to_wait(retry_after: str | None, now: float | None = None) -> float | None:
    """A Retry-After value (seconds, or an HTTP-date) as seconds from now; None when absent or unreadable."""
    value = (retry_after or "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def shown(value: Any, limit: int = 80) -> str:
    """repr() of a value for an error message, never failing (a 5,000-digit int cannot be written) and short."""
    try:
        text = repr(value)
    except (ValueError, RecursionError, TypeError):
        return f"<a {type(value).__name__} that cannot be shown>"
    return text if len(text) <= limit else text[: limit - 3] + "..."

"""talos_dynamic: a runtime-dynamic OpenAPI client. Load a spec when the program runs and call it."""

from . import errors
from .bundled import TALOS_SPEC
from .call.httpx_transports import AsyncHttpxTransport, HttpxTransport
from .call.prepare import PreparedRequest
from .call.results import HttpInfo, Result, ResultList, StreamResult
from .call.retries import RetryPolicy
from .call.transports import AsyncTransport, MockTransport, RequestsTransport, Response, Transport
from .changes import diff
from .client import AsyncBoundOperation, AsyncClient, BoundOperation, Client, PreparedCall
from .contract import ContractConfig, ContractRecorder, Finding
from .errors import (
    ApiError,
    BadRequest,
    ConfigurationError,
    Conflict,
    Forbidden,
    NotFound,
    RequestValidationError,
    ResponseValidationError,
    ServerError,
    SpecError,
    SpecValidationWarning,
    TalosDynamicError,
    TooManyRequests,
    TransportError,
    Unauthorized,
    Violation,
)
from .explore.binding import AmbiguousOperationError, NameClashWarning
from .rpc_status import RpcStatus, decode_status
from .spec.documents import SpecLimits
from .spec.model import Spec
from .spec.naming import snake_case
from .talos_client import TalosClient

__version__ = "0.1.0"

__all__ = [
    "TALOS_SPEC",
    "TalosClient",
    "Spec",
    "SpecLimits",
    "AsyncBoundOperation",
    "AsyncClient",
    "AsyncHttpxTransport",
    "AsyncTransport",
    "HttpxTransport",
    "MockTransport",
    "RequestsTransport",
    "Response",
    "RetryPolicy",
    "Transport",
    "AmbiguousOperationError",
    "ApiError",
    "BadRequest",
    "BoundOperation",
    "Client",
    "ConfigurationError",
    "ContractConfig",
    "ContractRecorder",
    "Conflict",
    "Finding",
    "Forbidden",
    "HttpInfo",
    "NameClashWarning",
    "NotFound",
    "PreparedCall",
    "PreparedRequest",
    "RequestValidationError",
    "ResponseValidationError",
    "Result",
    "ResultList",
    "RpcStatus",
    "ServerError",
    "SpecError",
    "SpecValidationWarning",
    "StreamResult",
    "TalosDynamicError",
    "TooManyRequests",
    "TransportError",
    "Unauthorized",
    "Violation",
    "decode_status",
    "diff",
    "errors",
    "snake_case",
]

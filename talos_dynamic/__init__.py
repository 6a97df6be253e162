"""talos_dynamic: a runtime-dynamic OpenAPI client. Load a spec when the program runs and call it.

Importing the package loads no JSON Schema library, openapi-core, httpx, nor the contract, server or CLI
packages: each is imported where it is first used (see LAZY for the names exported that way).
"""

from typing import Any

from . import errors
from .bundled import TALOS_SPEC
from .call.prepare import PreparedRequest
from .call.results import (
    Answer,
    BoolResult,
    BytesResult,
    FloatResult,
    HttpInfo,
    IntResult,
    Result,
    ResultList,
    ResultValue,
    StreamResult,
    TextResult,
)
from .call.retries import RetryPolicy
from .call.transports import AsyncTransport, MockTransport, RequestsTransport, Response, Transport
from .call.urllib3_transport import Urllib3Transport
from .client import AsyncBoundOperation, AsyncClient, BoundOperation, Client, PreparedCall
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

# public names whose modules load on first access: name -> module
LAZY = {
    "AsyncHttpxTransport": "talos_dynamic.call.httpx_transports",
    "HttpxTransport": "talos_dynamic.call.httpx_transports",
    "ContractConfig": "talos_dynamic.contract",
    "ContractRecorder": "talos_dynamic.contract",
    "Finding": "talos_dynamic.contract",
    "diff": "talos_dynamic.changes",
}


def __getattr__(name: str) -> Any:
    module = LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'talos_dynamic' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(LAZY))


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
    "Urllib3Transport",
    "AmbiguousOperationError",
    "Answer",
    "ApiError",
    "BadRequest",
    "BoolResult",
    "BoundOperation",
    "BytesResult",
    "Client",
    "ConfigurationError",
    "ContractConfig",
    "ContractRecorder",
    "Conflict",
    "Finding",
    "FloatResult",
    "Forbidden",
    "HttpInfo",
    "IntResult",
    "NameClashWarning",
    "NotFound",
    "PreparedCall",
    "PreparedRequest",
    "RequestValidationError",
    "ResponseValidationError",
    "Result",
    "ResultList",
    "ResultValue",
    "RpcStatus",
    "ServerError",
    "SpecError",
    "SpecValidationWarning",
    "StreamResult",
    "TalosDynamicError",
    "TextResult",
    "TooManyRequests",
    "TransportError",
    "Unauthorized",
    "Violation",
    "decode_status",
    "diff",
    "errors",
    "snake_case",
]

"""talos_dynamic: a runtime-dynamic OpenAPI client. Load a spec when the program runs and call it.

Importing the package loads nothing but this file: every public name is imported from its module on first
access (`from talos_dynamic import Client` loads the client and what it needs, and no JSON Schema library,
openapi-core, httpx, nor the contract, server or CLI packages). So `talos-dynamic --help`, which must import
the package before its own `cli` package, stays fast.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and editors see; at run time __getattr__ imports each name
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

# every public name -> the module it comes from, imported on first access
LAZY = {
    "errors": "talos_dynamic.errors",
    "TALOS_SPEC": "talos_dynamic.bundled",
    "PreparedRequest": "talos_dynamic.call.prepare",
    **dict.fromkeys(
        (
            "Answer",
            "BoolResult",
            "BytesResult",
            "FloatResult",
            "HttpInfo",
            "IntResult",
            "Result",
            "ResultList",
            "ResultValue",
            "StreamResult",
            "TextResult",
        ),
        "talos_dynamic.call.results",
    ),
    "RetryPolicy": "talos_dynamic.call.retries",
    **dict.fromkeys(
        ("AsyncTransport", "MockTransport", "RequestsTransport", "Response", "Transport"),
        "talos_dynamic.call.transports",
    ),
    "Urllib3Transport": "talos_dynamic.call.urllib3_transport",
    "AsyncHttpxTransport": "talos_dynamic.call.httpx_transports",
    "HttpxTransport": "talos_dynamic.call.httpx_transports",
    **dict.fromkeys(
        ("AsyncBoundOperation", "AsyncClient", "BoundOperation", "Client", "PreparedCall"), "talos_dynamic.client"
    ),
    **dict.fromkeys(
        (
            "ApiError",
            "BadRequest",
            "ConfigurationError",
            "Conflict",
            "Forbidden",
            "NotFound",
            "RequestValidationError",
            "ResponseValidationError",
            "ServerError",
            "SpecError",
            "SpecValidationWarning",
            "TalosDynamicError",
            "TooManyRequests",
            "TransportError",
            "Unauthorized",
            "Violation",
        ),
        "talos_dynamic.errors",
    ),
    **dict.fromkeys(("AmbiguousOperationError", "NameClashWarning"), "talos_dynamic.explore.binding"),
    **dict.fromkeys(("RpcStatus", "decode_status"), "talos_dynamic.rpc_status"),
    "SpecLimits": "talos_dynamic.spec.documents",
    "Spec": "talos_dynamic.spec.model",
    "snake_case": "talos_dynamic.spec.naming",
    "TalosClient": "talos_dynamic.talos_client",
    **dict.fromkeys(("ContractConfig", "ContractRecorder", "Finding"), "talos_dynamic.contract"),
    "diff": "talos_dynamic.changes",
}


def __getattr__(name: str) -> Any:
    module = LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'talos_dynamic' has no attribute {name!r}")
    import importlib

    imported = importlib.import_module(module)
    value = imported if module == f"talos_dynamic.{name}" else getattr(imported, name)
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

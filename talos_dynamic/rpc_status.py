"""Decode error bodies: google.rpc.Status in the three Talos shapes, and the server's message from the other
common shapes (problem+json, FastAPI/Starlette `detail`, `{"error": "..."}`, `{"message": ...}`, `{"errors":
[...]}`, plain text)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GRPC_CODES: dict[int, str] = {
    0: "OK",
    1: "CANCELLED",
    2: "UNKNOWN",
    3: "INVALID_ARGUMENT",
    4: "DEADLINE_EXCEEDED",
    5: "NOT_FOUND",
    6: "ALREADY_EXISTS",
    7: "PERMISSION_DENIED",
    8: "RESOURCE_EXHAUSTED",
    9: "FAILED_PRECONDITION",
    10: "ABORTED",
    11: "OUT_OF_RANGE",
    12: "UNIMPLEMENTED",
    13: "INTERNAL",
    14: "UNAVAILABLE",
    15: "DATA_LOSS",
    16: "UNAUTHENTICATED",
}
GRPC_NUMBERS: dict[str, int] = {name: number for number, name in GRPC_CODES.items()}

# The canonical gRPC status for an HTTP status, used when a body does not say (AIP-193 table).
HTTP_TO_GRPC: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    412: "FAILED_PRECONDITION",
    416: "OUT_OF_RANGE",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

# The HTTP status each gRPC code should travel with (Talos answers FAILED_PRECONDITION with 409).
GRPC_TO_HTTP: dict[str, int] = {
    "OK": 200,
    "CANCELLED": 499,
    "UNKNOWN": 500,
    "INVALID_ARGUMENT": 400,
    "DEADLINE_EXCEEDED": 504,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "PERMISSION_DENIED": 403,
    "RESOURCE_EXHAUSTED": 429,
    "FAILED_PRECONDITION": 400,
    "ABORTED": 409,
    "OUT_OF_RANGE": 400,
    "UNIMPLEMENTED": 501,
    "INTERNAL": 500,
    "UNAVAILABLE": 503,
    "DATA_LOSS": 500,
    "UNAUTHENTICATED": 401,
}

ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo"
STATUS_SHAPES = frozenset({"google.rpc.Status", "AIP-193", "legacy-envelope"})  # the three Talos shapes
STATUS_KEYS = frozenset({"code", "message", "details"})
MAX_MESSAGE = 500  # characters of a message read from a shape that is not google.rpc.Status


@dataclass(frozen=True)
class RpcStatus:
    """What an error body says, normalised: gRPC code and name, message, details, ErrorInfo fields."""

    grpc_code: int | None = None
    status: str | None = None
    message: str | None = None
    details: list[dict[str, Any]] = field(default_factory=list)
    reason: str | None = None
    domain: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    shape: str = "unknown"  # one of STATUS_SHAPES, "problem+json", "fastapi", "error", "message", "errors", "text"


def decode_status(body: Any, http_status: int) -> RpcStatus:
    """Read a google.rpc.Status from a decoded JSON body (bare, AIP-193 envelope or the older envelope).

    Whatever the body lacks is filled from the HTTP status, so `status` and `grpc_code` are always set
    for a 4xx/5xx answer. A body in another common shape gives its message (see read_message).
    """
    fallback = HTTP_TO_GRPC.get(http_status) or ("INTERNAL" if http_status >= 500 else "UNKNOWN")
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return _decode_envelope(body["error"], http_status, fallback)
    if isinstance(body, dict) and ("code" in body or ("message" in body and set(body) <= STATUS_KEYS)):
        return _decode_bare(body, fallback)
    shape, message = read_message(body)
    return RpcStatus(grpc_code=GRPC_NUMBERS[fallback], status=fallback, message=message, shape=shape)


def read_message(body: Any) -> tuple[str, str | None]:
    """(shape, message) of an error body that is not a google.rpc.Status; ("unknown", None) when none is found.

    - problem+json (RFC 9457): `title` and `detail`, as "title: detail";
    - FastAPI / Starlette: `detail`, a string or a list of errors ("body.name: Field required; ...");
    - `{"error": "..."}` (with `error_description` or `message` when present), `{"message": ...}` (a string
      or a list of strings), `{"errors": [{"message" | "detail" | "title" | "msg": ...}, ...]}`, and keys
      that only name a message (`error_message`, `exception_message` with `exception_detail`);
    - text: a JSON string, or a text/plain body (an HTML page is not a message).
    Messages are cut to MAX_MESSAGE characters; the values a list of errors carries (`input`) are never read.
    """
    if isinstance(body, dict):
        title, detail = body.get("title"), body.get("detail")
        problem = any(key in body for key in ("type", "status", "instance"))
        if isinstance(title, str) or (problem and isinstance(detail, str)):
            parts = [part for part in (title, detail) if isinstance(part, str) and part]
            return "problem+json", _short(": ".join(dict.fromkeys(parts)) or None)
        if "detail" in body and _listed(detail):
            return "fastapi", _short(_listed(detail))
        error = body.get("error")
        if isinstance(error, str):
            more = _listed(body.get("error_description") or body.get("message"))
            text = f"{error}: {more}" if more and more != error else error
            return "error", _short(text)
        if "message" in body and _listed(body["message"]):
            return "message", _short(_listed(body["message"]))
        if "errors" in body and _listed(body["errors"]):
            return "errors", _short(_listed(body["errors"]))
        return _named_like_a_message(body)
    text_body = isinstance(body, str) and body.strip() and getattr(body, "parsed", True)
    if text_body and "html" not in getattr(body, "content_type", "").lower():  # a JSON string, or text/plain
        return "text", _short(body)
    return "unknown", None


def _named_like_a_message(body: dict[str, Any]) -> tuple[str, str | None]:
    """The message of a body whose keys only name it (`error_message`, `errorMessage`, `exception_message`
    with `exception_detail`, ...): the first key holding "message", then the first holding "detail" or
    "errors"."""
    found = []
    for words in (("message",), ("detail", "errors")):
        for key, value in body.items():
            if isinstance(key, str) and any(word in key.lower() for word in words) and _listed(value):
                found.append(_listed(value))
                break
    return ("message", _short(": ".join(found))) if found else ("unknown", None)


def _listed(value: Any) -> str | None:
    """A message from a string, or from a list of strings or error objects joined with "; "."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        for key in ("msg", "message", "detail", "title"):
            if isinstance(value.get(key), str) and value[key]:
                where = value.get("loc")
                if isinstance(where, list) and where:
                    return f"{'.'.join(str(part) for part in where)}: {value[key]}"
                return str(value[key])
        return None
    if isinstance(value, list):
        parts = [part for part in (_listed(item) for item in value[:20]) if part]
        return "; ".join(parts) or None
    return None


def _short(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


def _decode_bare(body: dict[str, Any], fallback: str) -> RpcStatus:
    code = body.get("code")
    name = GRPC_CODES.get(code) if isinstance(code, int) and not isinstance(code, bool) else None
    if name is None:
        name = fallback
    details = _details(body.get("details"))
    return RpcStatus(
        grpc_code=GRPC_NUMBERS[name],
        status=name,
        message=_text(body.get("message")) or _short(_listed(body.get("message"))),
        details=details,
        shape="google.rpc.Status",
        **_error_info(details),
    )


def _decode_envelope(error: dict[str, Any], http_status: int, fallback: str) -> RpcStatus:
    raw_status = error.get("status")
    details = _details(error.get("details"))
    info = _error_info(details)
    if isinstance(raw_status, str) and raw_status in GRPC_NUMBERS:
        name, shape = raw_status, "AIP-193"
    else:
        name, shape = fallback, "legacy-envelope"
        if isinstance(error.get("reason"), str) and not info["reason"]:
            info["reason"] = error["reason"]
    return RpcStatus(
        grpc_code=GRPC_NUMBERS[name],
        status=name,
        message=_text(error.get("message")),
        details=details,
        shape=shape,
        **info,
    )


def _details(raw: Any) -> list[dict[str, Any]]:
    return [d for d in raw if isinstance(d, dict)] if isinstance(raw, list) else []


def _error_info(details: list[dict[str, Any]]) -> dict[str, Any]:
    for detail in details:
        kind = detail.get("@type")
        if isinstance(kind, str) and kind.endswith("google.rpc.ErrorInfo"):
            metadata = detail.get("metadata")
            return {
                "reason": _text(detail.get("reason")),
                "domain": _text(detail.get("domain")),
                "metadata": dict(metadata) if isinstance(metadata, dict) else {},
            }
    return {"reason": None, "domain": None, "metadata": {}}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None

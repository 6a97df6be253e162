"""What `call` prints: the result as JSON (coloured on a terminal), and with --print/-v the exchange itself,
httpie-style: H request line and headers, B request body, h response status and headers, b response body."""

from __future__ import annotations

import json
import os
import sys
from typing import IO, Any
from urllib.parse import urlsplit

from ..masking import mask_headers, mask_json, summarize_body
from .usage import UsageError

PARTS = "HBhb"


def print_parts(option: str | None, verbose: int) -> str:
    """The --print letters in force (default: the response body; -v: everything)."""
    if option is None:
        return PARTS if verbose else "b"
    unknown = sorted(set(option) - set(PARTS))
    if unknown or not option:
        raise UsageError(f"--print {option!r}: use the letters H, B, h, b (request/response headers/body)")
    return option


class Exchange:
    """A response hook keeping the last request and response of a call."""

    def __init__(self) -> None:
        self.request: Any = None
        self.response: Any = None

    def __call__(self, request: Any, response: Any) -> None:
        self.request, self.response = request, response


def colour_wanted(stream: IO[str]) -> bool:
    """Colours on a terminal only, and never when NO_COLOR is set (https://no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def write_json(value: Any, stream: IO[str]) -> None:
    """JSON, indented; highlighted by rich when the stream is a terminal."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    if colour_wanted(stream):
        from rich.console import Console

        Console(file=stream, soft_wrap=True).print_json(text, indent=2)
    else:
        stream.write(text + "\n")


def write_body(content: bytes, content_type: str, stream: IO[str]) -> None:
    if not content:
        return
    if "json" in content_type.lower():
        try:
            write_json(json.loads(content), stream)
            return
        except ValueError:
            pass
    stream.write(content.decode("utf-8", "replace").rstrip("\n") + "\n")


def write_request(request: Any, parts: str, stream: IO[str]) -> None:
    """H and B of a PreparedRequest (secret headers masked)."""
    if "H" in parts:
        url = urlsplit(request.masked_url())
        target = url.path + (f"?{url.query}" if url.query else "")
        stream.write(f"{request.method} {target or '/'} HTTP/1.1\nHost: {url.netloc}\n")
        stream.writelines(f"{name}: {value}\n" for name, value in request.masked_headers().items())
        stream.write("\n")
    if "B" in parts and request.body:
        write_body(request.body, request.headers.get("Content-Type", ""), stream)
        stream.write("\n")


def write_response(response: Any, secret_names: frozenset[str], parts: str, stream: IO[str]) -> None:
    """h and b of a Response (secret headers masked)."""
    if "h" in parts:
        stream.write(f"HTTP/1.1 {response.status_code} {response.reason}".rstrip() + "\n")
        headers = mask_headers(dict(response.headers), secret_names)
        stream.writelines(f"{name}: {value}\n" for name, value in headers.items())
        stream.write("\n")
    if "b" in parts:
        write_body(response.content, response.headers.get("Content-Type", ""), stream)


def write_result(result: Any, stream: IO[str]) -> None:
    """The result alone (the default --print b): JSON, text or bytes as the server sent it."""
    if isinstance(result, bytes):
        stream.flush()
        sys.stdout.buffer.write(result)
    elif isinstance(result, str):
        stream.write(result + "\n")
    elif result is not None:
        write_json(result.to_json() if hasattr(result, "to_json") else result, stream)


def error_json(error: Any, secrets: frozenset[str] = frozenset()) -> dict[str, Any]:
    """An ApiError as `call` prints it on stderr: the decoded google.rpc.Status and the body (JSON masked;
    anything else as its size and media type)."""
    body = error.body
    if isinstance(body, dict | list):
        body = mask_json(body, secrets)
    elif body is not None:
        body = summarize_body(str(body) if not isinstance(body, bytes) else body)
    return {
        "error": type(error).__name__,
        "operation": error.operation,
        "http_status": error.http_status,
        "status": error.status,
        "grpc_code": error.grpc_code,
        "message": error.message,
        "reason": error.reason,
        "domain": error.domain,
        "metadata": error.metadata,
        "details": error.details,
        "body": body,
    }

"""Transports on httpx (the optional `httpx` extra): HttpxTransport (sync) and AsyncHttpxTransport.

The prepared request is sent as it is: httpx.Request gets the prepared method, URL, headers and bytes,
and the client's send() does not merge defaults into it.
"""

from __future__ import annotations

import asyncio
import datetime
import time
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, TransportError
from .deadlines import WATCHDOG, install_httpx
from .transports import MAX_BODY_BYTES, Response

if TYPE_CHECKING:
    import httpx

    from .prepare import PreparedRequest


def _errors(httpx: Any) -> tuple[type[Exception], ...]:
    """What httpx raises for a request it cannot send or an answer it cannot read."""
    return (httpx.HTTPError, httpx.InvalidURL, ValueError, UnicodeError, OverflowError)


def _httpx() -> Any:
    try:
        import httpx
    except ImportError:
        raise ConfigurationError(
            "this needs httpx, which is not installed: pip install 'talos-dynamic[httpx]'"
        ) from None
    return httpx


def _request(httpx: Any, request: PreparedRequest, timeout: float | None) -> httpx.Request:
    return httpx.Request(
        request.method,
        request.url,
        headers=list(request.headers.items()),
        content=request.body,
        extensions={"timeout": httpx.Timeout(timeout).as_dict()},
    )


def _failure(httpx: Any, request: PreparedRequest, exc: Exception, timeout: float | None) -> TransportError:
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        kind, message = "request", "not a URL this transport can send to (check base_url)"
    elif isinstance(exc, httpx.LocalProtocolError | ValueError | UnicodeError | OverflowError):
        kind, message = "request", f"cannot be sent: {type(exc).__name__}"
    elif isinstance(exc, httpx.ProxyError):
        kind, message = "proxy", f"proxy error: {type(exc).__name__}"
    elif isinstance(exc, httpx.ConnectTimeout):
        kind, message = "connect", f"connection timed out after {timeout}s"
    elif isinstance(exc, httpx.TimeoutException):
        kind, message = "timeout", f"timed out after {timeout}s"
    elif isinstance(exc, httpx.ConnectError):
        text = str(exc)
        tls = "SSL" in text or "certificate" in text
        kind = "tls" if tls else "connect"
        message = (
            "TLS error (certificate or handshake)" if tls else "connection failed: connection refused or unreachable"
        )
    elif isinstance(exc, httpx.TooManyRedirects):
        kind, message = "redirects", "too many redirects"
    else:
        kind, message = "protocol", f"{type(exc).__name__}"
    return TransportError(message, url=request.masked_url(), method=request.method, kind=kind)


def _response(raw: Any, started: float, content: bytes | None, **readers: Any) -> Response:
    return Response(
        raw.status_code,
        raw.headers,
        content,
        url=str(raw.url),
        reason=raw.reason_phrase,
        elapsed=datetime.timedelta(seconds=time.perf_counter() - started),
        raw=raw,
        **readers,
    )


def _check_size(request: PreparedRequest, raw: Any, total: int, limit: int | None) -> None:
    declared = raw.headers.get("Content-Length", "")
    if limit is not None and (total > limit or declared.isdigit() and int(declared) > limit):
        raise TransportError(
            f"the response body is larger than {limit} bytes (max_response_bytes)",
            url=request.masked_url(),
            method=request.method,
            kind="size",
        )


class HttpxTransport:
    """A sync transport on one pooled httpx.Client (pass your own with `client=`). The timeout is the deadline
    of the whole exchange, even against a server that drips bytes (a watchdog shuts the socket, see
    call/deadlines.py; a client of yours whose pools cannot be fitted keeps httpx's per-operation timeouts);
    bodies are read up to `max_body_bytes` after decompression."""

    def __init__(self, client: Any = None, max_body_bytes: int | None = MAX_BODY_BYTES) -> None:
        self._httpx = _httpx()
        self.client = client or self._httpx.Client()
        self.max_body_bytes = max_body_bytes
        self._watched = install_httpx(self.client)

    def send(self, request: PreparedRequest, *, timeout: float | None, stream: bool = False) -> Response:
        httpx, errors, started, limit = self._httpx, _errors(self._httpx), time.perf_counter(), self.max_body_bytes
        exchange = WATCHDOG.watch(timeout) if timeout and self._watched else None

        def failure(exc: Exception) -> TransportError:
            if exchange is not None and exchange.expired:
                return _deadline(request, timeout)
            return _failure(httpx, request, exc, timeout)

        def iterate(size: int) -> Iterator[bytes]:
            total = 0
            try:
                _check_size(request, raw, total, limit)
                for chunk in raw.iter_bytes(size):
                    total += len(chunk)
                    _check_size(request, raw, total, limit)
                    yield chunk
            except errors as exc:
                raise failure(exc) from None
            finally:
                raw.close()

        try:
            try:
                raw = self.client.send(_request(httpx, request, timeout), stream=True, follow_redirects=False)
            except errors as exc:
                raise failure(exc) from None
            content = None
            if not stream or raw.status_code >= 400:  # an error body is always read, to be decoded
                content = b"".join(iterate(65536))
            if exchange is not None and exchange.expired:
                raise _deadline(request, timeout)
        finally:
            if exchange is not None:
                WATCHDOG.release(exchange)
        return _response(raw, started, content, read=lambda: b"".join(iterate(65536)), iterate=iterate, close=raw.close)

    def close(self) -> None:
        self.client.close()


def _deadline(request: PreparedRequest, timeout: float | None) -> TransportError:
    return TransportError(
        f"timed out after {timeout}s (the call's deadline)",
        url=request.masked_url(),
        method=request.method,
        kind="timeout",
    )


async def _capped(request: PreparedRequest, raw: Any, size: int, limit: int | None) -> AsyncIterator[bytes]:
    total = 0
    _check_size(request, raw, total, limit)
    async for chunk in raw.aiter_bytes(size):
        total += len(chunk)
        _check_size(request, raw, total, limit)
        yield chunk


class AsyncHttpxTransport:
    """The AsyncClient's transport: one pooled httpx.AsyncClient (pass your own with `client=`). The timeout
    is the deadline of the whole exchange (asyncio.timeout), even against a server that drips bytes; bodies
    are read up to `max_body_bytes` after decompression."""

    def __init__(self, client: Any = None, max_body_bytes: int | None = MAX_BODY_BYTES) -> None:
        self._httpx = _httpx()
        self.client = client or self._httpx.AsyncClient()
        self.max_body_bytes = max_body_bytes

    async def send(self, request: PreparedRequest, *, timeout: float | None, stream: bool = False) -> Response:
        httpx, errors, started, limit = self._httpx, _errors(self._httpx), time.perf_counter(), self.max_body_bytes
        try:
            async with asyncio.timeout(timeout):
                raw = await self.client.send(_request(httpx, request, timeout), stream=True, follow_redirects=False)
                content = None
                if not stream or raw.status_code >= 400:  # an error body is always read, to be decoded
                    content = b"".join([chunk async for chunk in _capped(request, raw, 65536, limit)])
                    await raw.aclose()
        except TimeoutError:
            raise _deadline(request, timeout) from None
        except errors as exc:
            raise _failure(httpx, request, exc, timeout) from None

        async def aiterate(size: int) -> AsyncIterator[bytes]:
            try:
                async for chunk in _capped(request, raw, size, limit):
                    yield chunk
            except errors as exc:
                raise _failure(httpx, request, exc, timeout) from None

        return _response(raw, started, content, aiterate=aiterate, close=raw.aclose)

    async def aclose(self) -> None:
        await self.client.aclose()

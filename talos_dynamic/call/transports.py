"""The seam between preparing a request and sending it: Response, the transport protocols, the default
transport on requests, and MockTransport for users' own tests.

A transport takes a PreparedRequest and returns a Response; it sends the prepared method, URL, headers and
body unchanged (no second build). Failures to deliver are TransportError, with `kind` saying which:
"connect" (nothing was sent), "timeout", "tls", "proxy", "redirects" or "protocol".
"""

from __future__ import annotations

import datetime
import inspect
import json as jsonlib
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from urllib.parse import urlencode, urlsplit

from ..errors import TransportError
from .deadlines import WATCHDOG
from .deadlines import install as install_deadlines

if TYPE_CHECKING:
    import requests

    from .prepare import PreparedRequest

MAX_BODY_BYTES = 100 * 2**20
_URL_TAIL = re.compile(r"\?\S*")


class Headers(MutableMapping[str, str]):
    """Response headers: a mapping whose names compare without regard to case (each keeps the case it came
    in); a name sent several times holds its values joined with ", ", as the transports give them."""

    __slots__ = ("_items",)

    def __init__(self, data: Mapping[str, str] | None = None) -> None:
        self._items: dict[str, tuple[str, str]] = {}
        if data:
            for name in data:
                self._items[name.lower()] = (name, data[name])

    def __setitem__(self, name: str, value: str) -> None:
        self._items[name.lower()] = (name, value)

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __delitem__(self, name: str) -> None:
        del self._items[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return {k: v for k, (_, v) in self._items.items()} == {str(k).lower(): v for k, v in other.items()}

    def copy(self) -> Headers:
        return Headers(self)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


class Response:
    """An HTTP response as the client reads it, whichever transport brought it.

    Attribute names follow requests': `status_code`, `headers` (case-insensitive), `content`, `text`,
    `json()`, `url`, `reason`, `elapsed`; `raw` is the transport's own response object, if any.
    A streamed response reads its body only when `content`, `iter_bytes()` or `aiter_bytes()` asks.
    """

    def __init__(
        self,
        status_code: int,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        *,
        json: Any = None,
        text: str | None = None,
        url: str = "",
        reason: str = "",
        elapsed: datetime.timedelta | None = None,
        raw: Any = None,
        read: Callable[[], bytes] | None = None,
        iterate: Callable[[int], Iterator[bytes]] | None = None,
        aiterate: Callable[[int], Any] | None = None,
        close: Callable[[], Any] | None = None,
    ) -> None:
        self.status_code = status_code
        self.headers = Headers(headers)
        if json is not None:
            content = jsonlib.dumps(json).encode()
            self.headers.setdefault("Content-Type", "application/json")
        elif text is not None:
            content = text.encode()
            self.headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        self._content = content
        self.url = url
        self.reason = reason
        self.elapsed = elapsed or datetime.timedelta(0)
        self.raw = raw
        self._read, self._iterate, self._aiterate, self._close = read, iterate, aiterate, close
        self.decoded: Any = None  # the body decoded once by the reader, shared with hooks (see read.decode)

    @property
    def is_read(self) -> bool:
        """Whether the body has been read (a streamed body is read only when asked)."""
        return self._content is not None

    @property
    def is_async(self) -> bool:
        """A streamed body of an async transport: read it with `aiter_bytes()`."""
        return self._content is None and self._aiterate is not None and self._read is None

    @property
    def content(self) -> bytes:
        """The whole body (read now if it was streamed; an async stream must be read with aread() first)."""
        if self._content is None:
            if self._read is None and self._aiterate is not None:
                raise TypeError("this body arrives asynchronously: read it with `await response.aread()`")
            self._content = self._read() if self._read is not None else b""
        return self._content

    async def aread(self) -> bytes:
        """The whole body, for async transports."""
        if self._content is None:
            chunks = [chunk async for chunk in self.aiter_bytes()]
            self._content = b"".join(chunks)
        return self._content

    @property
    def text(self) -> str:
        """The body as text (the Content-Type's charset, else UTF-8)."""
        charset = "utf-8"
        for part in self.headers.get("Content-Type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.content.decode(charset, "replace")
        except LookupError:
            return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body parsed as JSON."""
        return jsonlib.loads(self.content)

    def iter_bytes(self, chunk_size: int = 65536) -> Iterator[bytes]:
        """The body, chunk by chunk, as it arrives."""
        if self._content is None and self._iterate is not None:
            yield from self._iterate(chunk_size)
            return
        content = self.content
        for start in range(0, len(content), chunk_size):
            yield content[start : start + chunk_size]

    async def aiter_bytes(self, chunk_size: int = 65536):
        """The body, chunk by chunk (async transports)."""
        if self._content is None and self._aiterate is not None:
            async for chunk in self._aiterate(chunk_size):
                yield chunk
            return
        for chunk in self.iter_bytes(chunk_size):
            yield chunk

    def close(self) -> Any:
        """Release the connection (a no-op once the body was read). Async transports return an awaitable."""
        return self._close() if self._close is not None else None

    async def aclose(self) -> None:
        """Release the connection, awaiting an async transport's close."""
        closing = self.close()
        if inspect.isawaitable(closing):
            await closing

    def __repr__(self) -> str:
        return f"<Response {self.status_code} {self.headers.get('Content-Type', '')}>".replace(" >", ">")


@runtime_checkable
class Transport(Protocol):
    """Sends a prepared request and returns the Response (sync)."""

    def send(self, request: PreparedRequest, *, timeout: float | None, stream: bool = False) -> Response: ...

    def close(self) -> None: ...


@runtime_checkable
class AsyncTransport(Protocol):
    """Sends a prepared request and returns the Response (async)."""

    async def send(self, request: PreparedRequest, *, timeout: float | None, stream: bool = False) -> Response: ...

    async def aclose(self) -> None: ...


class RequestsTransport:
    """The default transport: one pooled requests.Session; the prepared request goes out as it is.

    Proxy, TLS and other environment settings are resolved once per origin, not on every call. Redirects
    are not followed here: the pipeline follows them (see redirects.py). A body is read up to
    `max_body_bytes` (after decompression; TransportError kind "size" past it). The timeout is the
    exchange's deadline, enforced even against a server that drips bytes (on a session of yours, for the
    HTTPAdapter pools it had not opened yet; a custom adapter keeps requests' per-read timeouts). When you pass your own
    `session=`, what it holds is added at send time as requests would: its headers (where the request has
    none of that name), its `auth` (where the request has no Authorization), its `params` and its cookies.
    """

    def __init__(self, session: requests.Session | None = None, max_body_bytes: int | None = MAX_BODY_BYTES) -> None:
        import requests
        from requests.utils import default_headers

        self.session = session or requests.Session()
        # watched connections act only during this transport's exchanges: harmless to the session's other uses
        self._watched = install_deadlines(self.session)
        self.max_body_bytes = max_body_bytes
        self._settings: dict[str, dict[str, Any]] = {}
        self._defaults = default_headers()

    def _settings_for(self, url: str) -> dict[str, Any]:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        found = self._settings.get(origin)
        if found is None:
            found = self._settings[origin] = self.session.merge_environment_settings(origin, {}, None, None, None)
        return found

    def _prepared(self, request: PreparedRequest) -> requests.PreparedRequest:
        import requests
        from requests.structures import CaseInsensitiveDict

        session = self.session
        prepared = requests.PreparedRequest()
        prepared.method = request.method
        prepared.url = request.url
        if session.params:
            joiner = "&" if urlsplit(request.url).query else "?"
            prepared.url += joiner + urlencode(session.params, doseq=True)
        headers = CaseInsensitiveDict(request.headers)  # requests' own, for its PreparedRequest
        for name, value in session.headers.items():
            if name not in headers and self._defaults.get(name) != value:
                headers[name] = value
        prepared.headers = headers
        prepared.body = request.body
        prepared.hooks = {"response": []}
        prepared.prepare_cookies(session.cookies)  # a real jar; adds a Cookie header only when it holds cookies
        if session.auth and "Authorization" not in headers:
            prepared.prepare_auth(session.auth)
        return prepared

    def send(self, request: PreparedRequest, *, timeout: float | None, stream: bool = False) -> Response:
        started = time.perf_counter()
        exchange = WATCHDOG.watch(timeout) if timeout and self._watched else None
        try:
            raw = self._exchange(request, timeout, exchange)
            content = None if stream else self._read_all(request, raw, timeout, exchange)
        finally:
            if exchange is not None:
                WATCHDOG.release(exchange)
        elapsed = datetime.timedelta(seconds=time.perf_counter() - started)
        limit = self.max_body_bytes

        def iterate(size: int) -> Iterator[bytes]:
            yield from _chunks(request, raw, size, limit, None, timeout)

        return Response(
            raw.status_code,
            raw.headers,
            content,
            url=raw.url,
            reason=raw.reason or "",
            elapsed=elapsed,
            raw=raw,
            read=lambda: b"".join(iterate(65536)),
            iterate=iterate,
            close=raw.close,
        )

    def _exchange(self, request: PreparedRequest, timeout: float | None, exchange: Any) -> requests.Response:
        """Send, and receive the status line and headers (the body is read apart, with its limit)."""
        import requests

        try:
            prepared = self._prepared(request)
            settings = {**self._settings_for(request.url), "stream": True}
            return self.session.send(prepared, timeout=timeout, allow_redirects=False, **settings)
        except requests.exceptions.ProxyError as exc:
            raise _failure(request, "proxy", f"proxy error: {_why(exc)}") from None
        except requests.exceptions.SSLError as exc:
            raise _failure(request, "tls", f"TLS error: {_why(exc)}") from None
        except requests.exceptions.ConnectTimeout:
            raise _failure(request, "connect", f"connection timed out after {timeout}s") from None
        except requests.Timeout:
            raise _failure(request, "timeout", f"timed out after {timeout}s") from None
        except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema, requests.exceptions.MissingSchema):
            raise _failure(request, "request", "not a URL this transport can send to (check base_url)") from None
        except requests.exceptions.InvalidHeader:
            raise _failure(request, "request", "a header name or value cannot be sent") from None
        except requests.ConnectionError as exc:
            if exchange is not None and exchange.expired:
                raise _failure(request, "timeout", f"timed out after {timeout}s (the call's deadline)") from None
            kind = "connect" if _refused(exc) else "protocol"
            raise _failure(request, kind, f"connection failed: {_why(exc)}") from None
        except requests.RequestException as exc:
            raise _failure(request, "protocol", f"{type(exc).__name__}: {_why(exc)}") from None
        except (ValueError, UnicodeError, OverflowError) as exc:  # urllib3/http.client refusing what we gave
            raise _failure(request, "request", f"cannot be sent: {type(exc).__name__}") from None

    def _read_all(self, request: PreparedRequest, raw: Any, timeout: float | None, exchange: Any) -> bytes:
        try:
            return b"".join(_chunks(request, raw, 65536, self.max_body_bytes, exchange, timeout))
        finally:
            raw.close()

    def close(self) -> None:
        self.session.close()


def read_chunks(
    request: PreparedRequest,
    chunks: Iterable[bytes],
    declared_length: str,
    close: Callable[[], object],
    limit: int | None,
    exchange: Any,
    timeout: float | None,
    read_failure: Callable[[Exception], str | None],
) -> Iterator[bytes]:
    """The decoded body in chunks, for every transport: TransportError past `limit` bytes (the Content-Length
    declared, or after decompression), at the call's deadline, or when reading fails. `read_failure(exc)` says
    which exceptions are the transport's own: "timeout" or "protocol" for those, None for any other (raised as
    it is)."""
    if limit is not None and declared_length.isdigit() and int(declared_length) > limit:
        close()
        raise _too_large(request, limit)
    total = 0
    try:
        for chunk in chunks:
            total += len(chunk)
            if limit is not None and total > limit:
                close()
                raise _too_large(request, limit)
            yield chunk
    except Exception as exc:
        kind = read_failure(exc)
        if kind is None:
            raise
        if exchange is not None and exchange.expired:
            raise _failure(request, "timeout", f"timed out after {timeout}s (the call's deadline)") from None
        if kind == "timeout":
            raise _failure(request, "timeout", f"timed out after {timeout}s") from None
        raise _failure(request, "protocol", f"reading the body failed: {_why(exc)}") from None
    if exchange is not None and exchange.expired:
        raise _failure(request, "timeout", f"timed out after {timeout}s (the call's deadline)")


def _chunks(
    request: PreparedRequest, raw: Any, size: int, limit: int | None, exchange: Any, timeout: float | None
) -> Iterator[bytes]:
    """A requests.Response's body through read_chunks (nothing is read before the first chunk is asked for)."""
    content_length = raw.headers.get("Content-Length", "")
    chunks = raw.iter_content(chunk_size=size)
    yield from read_chunks(request, chunks, content_length, raw.close, limit, exchange, timeout, _requests_failure)


def _requests_failure(exc: Exception) -> str | None:
    import requests

    return "protocol" if isinstance(exc, requests.RequestException) else None


def _too_large(request: PreparedRequest, limit: int) -> TransportError:
    return _failure(request, "size", f"the response body is larger than {limit} bytes (max_response_bytes)")


Handler = Callable[["PreparedRequest"], "Response | Awaitable[Response]"]


class MockTransport:
    """A transport that calls `handler(request)` instead of the network, for testing your own code.

    Preparation, validation and reading run as for a real call; the handler gets the PreparedRequest
    (method, url, headers, body, json()) and returns a Response (or raises TransportError). It serves
    Client and AsyncClient alike (an async handler works with AsyncClient).
    """

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[PreparedRequest] = []

    def send(self, request: PreparedRequest, *, timeout: float | None = None, stream: bool = False) -> Response:
        self.requests.append(request)
        response = self.handler(request)
        if inspect.isawaitable(response):
            raise TypeError("MockTransport: an async handler needs AsyncClient")
        return _checked(response)

    async def asend(self, request: PreparedRequest, *, timeout: float | None = None, stream: bool = False):
        self.requests.append(request)
        response = self.handler(request)
        if inspect.isawaitable(response):
            response = await response
        return _checked(response)

    def close(self) -> None:
        pass

    async def aclose(self) -> None:
        pass


def _checked(response: Any) -> Response:
    if not isinstance(response, Response):
        raise TypeError(f"a MockTransport handler must return talos_dynamic.Response, not {type(response).__name__}")
    return response


def _failure(request: PreparedRequest, kind: str, message: str) -> TransportError:
    return TransportError(message, url=request.masked_url(), method=request.method, kind=kind)


def _refused(exc: BaseException) -> bool:
    """True when the connection was never made (refused, unreachable, DNS): nothing was sent."""
    text = repr(exc)
    return any(
        word in text
        for word in (
            "NewConnectionError",
            "Connection refused",
            "NameResolutionError",
            "Failed to resolve",
            "ConnectTimeout",
        )
    )


def _why(exc: BaseException) -> str:
    """The innermost reason, without URLs (they may carry secrets) and without the object reprs."""
    reason = exc
    while True:
        inner = getattr(reason, "reason", None) or (reason.args[0] if reason.args else None)
        if isinstance(inner, BaseException) and inner is not reason:
            reason = inner
            continue
        break
    text = str(reason)
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused"
    if ": " in text:
        text = text.rsplit(": ", 1)[-1]
    text = _URL_TAIL.sub("?***", text)  # a query string may carry an API key
    return text.strip("()'\" ")[:200] or type(reason).__name__

"""The default transport: urllib3 connection pools, with every per-client setting resolved once.

requests.Session re-reads the proxy environment, merges settings and rebuilds the request on every call;
here the proxy environment, the CA bundle and the pools are settled when the transport is built (and the
proxy decision once per origin), so a call is one `urlopen` of the prepared method, URL, headers and
bytes. Behaviour matches RequestsTransport's: redirects are left to the pipeline, the body is read up to
`max_body_bytes` after decompression, the timeout is the exchange's deadline (deadlines.py), cookies the
server sets are kept for the client's later calls, and failures are TransportError with the same kinds.
"""

from __future__ import annotations

import datetime
import http.cookiejar
import os
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import urllib3
from urllib3 import exceptions as u3

from .deadlines import WATCHDOG, WatchedHTTPPool, WatchedHTTPSPool
from .transports import MAX_BODY_BYTES, Response, _failure, _refused, _why, read_chunks

if TYPE_CHECKING:
    from .prepare import PreparedRequest

CHUNK = 65536
POOLS, POOL_SIZE = 10, 10  # requests' HTTPAdapter defaults
MAX_ROUTES = 64
_ORIGIN = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^/?#]*)(.*)", re.DOTALL)


def ca_bundle() -> str:
    """The CA bundle requests would use: REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, else certifi's."""
    found = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if found:
        return found
    import certifi

    return certifi.where()


class Urllib3Transport:
    """Sends each prepared request through pooled urllib3 connections (the default of `Client`).

    The proxy environment (HTTP(S)_PROXY, ALL_PROXY, NO_PROXY) and the CA bundle (REQUESTS_CA_BUNDLE,
    CURL_CA_BUNDLE, else certifi) are read when the transport is built. Pass `proxies=` ({"http": url,
    "https": url}) to set proxies yourself, `verify=False` to skip TLS verification or `verify=path` for
    another CA bundle; `RequestsTransport(session)` remains for a requests.Session of yours.
    """

    def __init__(
        self,
        max_body_bytes: int | None = MAX_BODY_BYTES,
        *,
        proxies: dict[str, str] | None = None,
        verify: bool | str = True,
    ) -> None:
        self.max_body_bytes = max_body_bytes
        self._proxies = dict(urllib.request.getproxies() if proxies is None else proxies)
        self._tls = tls_options(verify)
        self._through: dict[str, urllib3.PoolManager] = {}  # proxy URL -> its manager
        self._routes: dict[str, Any] = {}  # origin -> its connection pool, or the proxy manager that reaches it
        self._lock = threading.Lock()
        self.cookies = http.cookiejar.CookieJar()

    def _route(self, url: str) -> tuple[Any, str]:
        """What sends to the URL's origin, and the URL to give it: a pool of the origin's own connections and
        the path (the proxy decision, pool and TLS settings are made once per origin), or a proxy manager
        and the whole URL."""
        found = _ORIGIN.match(url)
        if found is None:
            raise u3.LocationValueError(url)
        origin, target = found.group(1), found.group(2)
        route = self._routes.get(origin)
        if route is None:
            with self._lock:
                route = self._routes.get(origin) or self._new_route(origin)
                if len(self._routes) >= MAX_ROUTES:  # a client sent to many origins (redirects): start afresh
                    self.close()
                self._routes[origin] = route
        if isinstance(route, urllib3.PoolManager):
            return route, url
        return route, target if target.startswith("/") else "/" + target

    def _new_route(self, origin: str) -> Any:
        parts = urllib3.util.parse_url(origin)
        if parts.scheme not in ("http", "https") or not parts.host:
            raise u3.URLSchemeUnknown(parts.scheme or "")
        proxy = self._proxy_for(origin, parts.scheme)
        if proxy is None:
            pool = WatchedHTTPSPool if parts.scheme == "https" else WatchedHTTPPool
            options = self._tls if parts.scheme == "https" else {}
            return pool(parts.host, parts.port, maxsize=POOL_SIZE, **options)
        manager = self._through.get(proxy)
        if manager is None:
            login = urllib3.util.parse_url(proxy).auth  # user:password in the proxy URL, as requests sends it
            headers = urllib3.make_headers(proxy_basic_auth=unquote(login)) if login else None
            manager = urllib3.ProxyManager(
                proxy, num_pools=POOLS, maxsize=POOL_SIZE, proxy_headers=headers, **self._tls
            )
            manager = self._through[proxy] = _watched(manager)
        return manager

    def _proxy_for(self, origin: str, scheme: str) -> str | None:
        """The proxy for an origin as requests chooses it: the scheme's (else ALL_PROXY), unless NO_PROXY
        (host names, domains, IP addresses and CIDR blocks) names the host."""
        proxy = self._proxies.get(scheme) or self._proxies.get("all")
        if not proxy:
            return None
        from requests.utils import should_bypass_proxies  # loaded only when a proxy is set

        if should_bypass_proxies(origin, no_proxy=self._proxies.get("no", "")):
            return None
        return proxy if "://" in proxy else f"http://{proxy}"

    def send(self, request: PreparedRequest, *, timeout: float | None, stream: bool = False) -> Response:
        started = time.perf_counter()
        exchange = WATCHDOG.watch(timeout) if timeout else None
        try:
            raw = self._exchange(request, timeout, exchange)
            content = None if stream else self._read_all(request, raw, timeout, exchange)
        finally:
            if exchange is not None:
                WATCHDOG.release(exchange)
        elapsed = datetime.timedelta(seconds=time.perf_counter() - started)
        limit = self.max_body_bytes

        def iterate(size: int) -> Iterator[bytes]:
            try:
                yield from _chunks(request, raw, size, limit, None, timeout)
            finally:
                _release(raw)

        return Response(
            raw.status,
            raw.headers,
            content,
            url=request.url,
            reason=raw.reason or "",
            elapsed=elapsed,
            raw=raw,
            read=lambda: b"".join(iterate(CHUNK)),
            iterate=iterate,
            close=lambda: _release(raw),
        )

    def _exchange(self, request: PreparedRequest, timeout: float | None, exchange: Any) -> Any:
        """Send, and receive the status line and headers (the body is read apart, with its limit)."""
        headers = request.headers
        if len(self.cookies) and not any(name.lower() == "cookie" for name in headers):
            headers = self._with_cookies(request)
        try:
            opener, target = self._route(request.url)
            raw = opener.urlopen(
                request.method,
                target,
                body=request.body,
                headers=headers,
                redirect=False,
                assert_same_host=False,
                retries=False,
                preload_content=False,
                decode_content=True,
                timeout=urllib3.Timeout(connect=timeout, read=timeout),
            )
        except u3.ProxyError as exc:
            raise _failure(request, "proxy", f"proxy error: {_why(exc)}") from None
        except u3.SSLError as exc:
            raise _failure(request, "tls", f"TLS error: {_why(exc)}") from None
        except (
            u3.NewConnectionError
        ) as exc:  # refused, unreachable, not resolved (before ConnectTimeoutError, its base)
            if exchange is not None and exchange.expired:
                raise _failure(request, "timeout", f"timed out after {timeout}s (the call's deadline)") from None
            raise _failure(request, "connect", f"connection failed: {_why(exc)}") from None
        except u3.ConnectTimeoutError:
            if exchange is not None and exchange.expired:
                raise _failure(request, "timeout", f"timed out after {timeout}s (the call's deadline)") from None
            raise _failure(request, "connect", f"connection timed out after {timeout}s") from None
        except (u3.ReadTimeoutError, u3.TimeoutError):
            raise _failure(request, "timeout", f"timed out after {timeout}s") from None
        except (u3.LocationValueError, u3.URLSchemeUnknown):
            raise _failure(request, "request", "not a URL this transport can send to (check base_url)") from None
        except (u3.HTTPError, OSError) as exc:
            if exchange is not None and exchange.expired:
                raise _failure(request, "timeout", f"timed out after {timeout}s (the call's deadline)") from None
            kind = "connect" if _refused(exc) else "protocol"
            raise _failure(request, kind, f"connection failed: {_why(exc)}") from None
        except (ValueError, UnicodeError, OverflowError) as exc:  # http.client refusing what we gave
            raise _failure(request, "request", f"cannot be sent: {type(exc).__name__}") from None
        if "Set-Cookie" in raw.headers:
            self.cookies.extract_cookies(_CookieResponse(raw), urllib.request.Request(request.url))
        return raw

    def _with_cookies(self, request: PreparedRequest) -> dict[str, str]:
        """The request's headers plus the Cookie header for the cookies servers set on earlier calls."""
        holder = urllib.request.Request(request.url)
        self.cookies.add_cookie_header(holder)
        cookie = holder.get_header("Cookie")
        return {**request.headers, "Cookie": cookie} if cookie else request.headers

    def _read_all(self, request: PreparedRequest, raw: Any, timeout: float | None, exchange: Any) -> bytes:
        try:
            return b"".join(_chunks(request, raw, CHUNK, self.max_body_bytes, exchange, timeout))
        finally:
            _release(raw)

    def close(self) -> None:
        routes, self._routes = list(self._routes.values()), {}
        for route in routes:
            route.clear() if isinstance(route, urllib3.PoolManager) else route.close()


def tls_options(verify: bool | str) -> dict[str, Any]:
    """PoolManager keyword arguments for `verify` (True: the CA bundle requests would use)."""
    if verify is False:
        return {"cert_reqs": "CERT_NONE"}
    location = ca_bundle() if verify is True else verify
    if os.path.isdir(location):
        return {"cert_reqs": "CERT_REQUIRED", "ca_cert_dir": location}
    return {"cert_reqs": "CERT_REQUIRED", "ca_certs": location}


def _watched(manager: urllib3.PoolManager) -> urllib3.PoolManager:
    """Pools whose connections tell the deadline watchdog their socket (deadlines.py)."""
    manager.pool_classes_by_scheme = {"http": WatchedHTTPPool, "https": WatchedHTTPSPool}
    return manager


def _release(raw: Any) -> None:
    """Give the connection back to its pool; one whose body was not read to its end is closed first."""
    if not raw.isclosed():
        raw.close()
    raw.release_conn()


class _CookieResponse:
    """What http.cookiejar reads from a response: its headers, through info().get_all()."""

    def __init__(self, raw: Any) -> None:
        self._headers = raw.headers

    def info(self) -> _CookieResponse:
        return self

    def get_all(self, name: str, default: Any = None) -> Any:
        return self._headers.getlist(name) or default


def _chunks(
    request: PreparedRequest, raw: Any, size: int, limit: int | None, exchange: Any, timeout: float | None
) -> Iterator[bytes]:
    """A urllib3 response's body through read_chunks (nothing is read before the first chunk is asked for)."""
    content_length = raw.headers.get("Content-Length", "")
    chunks = raw.stream(size, decode_content=True)
    yield from read_chunks(request, chunks, content_length, raw.close, limit, exchange, timeout, _urllib3_failure)


def _urllib3_failure(exc: Exception) -> str | None:
    if isinstance(exc, u3.ReadTimeoutError):
        return "timeout"
    return "protocol" if isinstance(exc, u3.HTTPError | OSError) else None

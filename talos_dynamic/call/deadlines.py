"""A call's deadline, enforced against servers that drip: one watchdog thread shuts the socket of an
exchange whose deadline has passed, whatever phase it is in (connecting, sending, reading the status line,
the headers or the body). Socket timeouts alone bound each read, not the whole exchange.

RequestsTransport installs it on its session: the connection pools then use connections that tell the
watchdog which socket the current exchange runs on.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_current = threading.local()


class Exchange:
    """One exchange under watch: its deadline, the connection it runs on, whether the watchdog fired."""

    __slots__ = ("deadline", "connection", "expired", "done")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.connection: Any = None
        self.expired = False
        self.done = False


class Watchdog:
    """Shuts the socket of every exchange still running at its deadline."""

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._heap: list[tuple[float, int, Exchange]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._waiting_until = 0.0  # when the watchdog wakes next (+inf while the heap is empty)

    def watch(self, seconds: float) -> Exchange:
        """Start watching the exchange this thread is about to make."""
        exchange = Exchange(time.monotonic() + seconds)
        with self._ready:
            heap = self._heap
            while heap and heap[0][2].done:  # ended exchanges are dropped here, so the watchdog seldom wakes
                heapq.heappop(heap)
            heapq.heappush(heap, (exchange.deadline, next(self._order), exchange))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="talos-dynamic-deadlines", daemon=True)
                self._thread.start()
            if exchange.deadline < self._waiting_until:  # the watchdog would wake too late for this one
                self._ready.notify()
        _current.exchange = exchange
        return exchange

    def release(self, exchange: Exchange) -> None:
        """The exchange ended (or its body is left to the caller to stream)."""
        exchange.done = True
        if getattr(_current, "exchange", None) is exchange:
            _current.exchange = None

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._heap:
                    self._waiting_until = float("inf")
                    self._ready.wait()
                deadline, _, exchange = self._heap[0]
                now = time.monotonic()
                if deadline > now:
                    self._waiting_until = deadline
                    self._ready.wait(deadline - now)
                    continue
                heapq.heappop(self._heap)
            if not exchange.done:
                exchange.expired = True
                _shut(exchange.connection)


def _shut(connection: Any) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class _Watched:
    """Mixin for urllib3 connections: tells the current exchange which connection it runs on."""

    def connect(self) -> None:
        _attach(self)
        super().connect()  # type: ignore[misc]

    def request(self, *args: Any, **kwargs: Any) -> Any:
        _attach(self)
        return super().request(*args, **kwargs)  # type: ignore[misc]


def _attach(connection: Any) -> None:
    exchange = getattr(_current, "exchange", None)
    if exchange is not None:
        exchange.connection = connection


class WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = WatchedHTTPConnection


class WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection


def install(session: Any) -> bool:
    """Make a requests.Session's HTTPAdapter pools (not proxy pools) use watched connections; True when
    every adapter could be fitted. A watched connection does nothing outside a watched exchange."""
    fitted = True
    for adapter in session.adapters.values():
        manager = getattr(adapter, "poolmanager", None)
        if manager is None or not hasattr(manager, "pool_classes_by_scheme"):
            fitted = False
            continue
        manager.pool_classes_by_scheme = {"http": WatchedHTTPPool, "https": WatchedHTTPSPool}
    return fitted


WATCHDOG = Watchdog()


class _WatchedStream:
    """An httpcore network stream that tells the current exchange which socket it runs on."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.sock = stream.get_extra_info("socket")

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        _attach(self)
        return self._stream.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        _attach(self)
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, *args: Any, **kwargs: Any) -> _WatchedStream:
        return _WatchedStream(self._stream.start_tls(*args, **kwargs))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _WatchedBackend:
    """An httpcore sync network backend whose streams are watched (see _WatchedStream)."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def connect_tcp(self, *args: Any, **kwargs: Any) -> _WatchedStream:
        return _WatchedStream(self._backend.connect_tcp(*args, **kwargs))

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> _WatchedStream:
        return _WatchedStream(self._backend.connect_unix_socket(*args, **kwargs))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def install_httpx(client: Any) -> bool:
    """Make an httpx.Client's connection pools (its transport and its mounts) use watched streams; True when
    every pool could be fitted. httpx offers no public seam for this: the pools' network backend is replaced
    where it is found, and a client built otherwise keeps httpx's per-operation timeouts."""
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    fitted = True
    for transport in transports:
        if transport is None:
            continue
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is None or not hasattr(backend, "connect_tcp"):
            fitted = False
        elif not isinstance(backend, _WatchedBackend):
            pool._network_backend = _WatchedBackend(backend)
    return fitted

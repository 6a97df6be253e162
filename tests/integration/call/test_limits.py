"""Bounded time and memory against hostile servers on 127.0.0.1: drip-feeding, huge and compressed bodies."""

import asyncio
import gzip
import socket
import threading
import time

import pytest
import requests

from talos_dynamic import AsyncClient, Client, RequestsTransport, TransportError

from .test_wire import api


class DripServer:
    """Answers every connection with `prefix` at once, then `payload` one byte every `interval` seconds."""

    def __init__(self, prefix: bytes, payload: bytes, interval: float) -> None:
        self.prefix, self.payload, self.interval = prefix, payload, interval
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(self.prefix)
                for byte in self.payload:
                    if self.stopped.is_set():
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(self.interval)
            except OSError:
                return

    def stop(self) -> None:
        self.stopped.set()
        self.sock.close()


HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\nX-Pad: " + b"a" * 300
BODY = b'{"id": "' + b"x" * 180


@pytest.mark.parametrize(
    ("prefix", "payload"),
    [(b"", HEAD), (HEAD + b"\r\n\r\n", BODY)],
    ids=["status line and headers drip", "body drips"],
)
@pytest.mark.parametrize("own_session", [False, True], ids=["default session", "a session of yours"])
def test_the_timeout_is_the_whole_calls_deadline_even_against_a_drip_feeding_server(prefix, payload, own_session):
    server = DripServer(prefix, payload, 0.05)  # 10+ s to send it all; each byte well within any read timeout
    try:
        session = requests.Session() if own_session else None
        client = Client(api(), base_url=server.url, timeout=1, retries=0, session=session)
        started = time.monotonic()
        with pytest.raises(TransportError) as caught:
            client.get_thing()
        took = time.monotonic() - started
    finally:
        server.stop()
    assert caught.value.kind == "timeout" and "deadline" in str(caught.value)
    assert took < 2.0, f"the call took {took:.1f}s with timeout=1"


def test_a_body_over_the_limit_is_refused(canned):
    canned.answer("/thing", 200, b'{"id": "' + b"x" * 5000 + b'"}')
    client = Client(api(), base_url=canned.url, transport=RequestsTransport(max_body_bytes=1000))
    with pytest.raises(TransportError) as caught:
        client.get_thing()
    assert caught.value.kind == "size" and "1000 bytes" in str(caught.value)


def test_a_compression_bomb_is_stopped_at_the_limit_after_decompression(canned):
    bomb = gzip.compress(b" " * 20_000_000)  # 20 MB of spaces in ~20 KB
    assert len(bomb) < 100_000
    canned.answer("/thing", 200, bomb, headers={"Content-Encoding": "gzip"})
    client = Client(api(), base_url=canned.url, transport=RequestsTransport(max_body_bytes=1_000_000))
    with pytest.raises(TransportError) as caught:
        client.get_thing()
    assert caught.value.kind == "size"


def test_a_streamed_download_is_bounded_too(canned, tmp_path):
    canned.answer("/blob", 200, b"y" * 50_000, content_type="application/octet-stream")
    client = Client(api(), base_url=canned.url, transport=RequestsTransport(max_body_bytes=10_000))
    with client.get_blob(_stream=True) as stream, pytest.raises(TransportError) as caught:
        stream.save(tmp_path / "blob")
    assert caught.value.kind == "size"


def test_the_async_clients_timeout_is_the_whole_exchanges_deadline():
    server = DripServer(b"", HEAD, 0.05)

    async def call():
        async with AsyncClient(api(), base_url=server.url, timeout=1, retries=0) as client:
            return await client.get_thing()

    try:
        started = time.monotonic()
        with pytest.raises(TransportError) as caught:
            asyncio.run(call())
        took = time.monotonic() - started
    finally:
        server.stop()
    assert caught.value.kind == "timeout" and took < 2.0


@pytest.mark.parametrize("depth", [500, 100_000])
@pytest.mark.parametrize("status", [200, 404])
def test_a_deeply_nested_answer_is_a_violation_or_an_api_error_never_a_recursion_error(depth, status):
    from talos_dynamic import ApiError, MockTransport, Response

    body = b'{"a":' * depth + b"1" + b"}" * depth
    answer = Response(status, {"Content-Type": "application/json"}, body)
    client = Client(api(), base_url="http://api.test", transport=MockTransport(lambda request: answer))
    if status >= 400:
        with pytest.raises(ApiError):
            client.get_thing()
        return
    result = client.get_thing()
    assert [v.rule for v in result.http.violations] == ["json"] and "nested deeper" in result.http.violations[0].message


def _nested(depth: int) -> bytes:
    return b'{"a":' * (depth - 1) + b"[1]" + b"}" * (depth - 1)


def _answering(body: bytes, **options):
    from talos_dynamic import MockTransport, Response

    answer = Response(200, {"Content-Type": "application/json"}, body)
    return Client(api(), base_url="http://api.test", transport=MockTransport(lambda request: answer), **options)


@pytest.mark.parametrize(("limit", "depth", "refused"), [(100, 100, False), (100, 101, True), (10, 11, True)])
def test_the_json_depth_limit_is_the_clients_option(limit, depth, refused):
    options = {} if limit == 100 else {"max_response_depth": limit}
    result = _answering(_nested(depth), **options).get_thing()
    messages = [v.message for v in result.http.violations if v.rule == "json"]
    assert bool(messages) is refused
    if refused:
        assert f"nested deeper than {limit} levels" in messages[0]


def test_a_raised_depth_limit_reads_deep_answers_at_debug_without_recursion_errors(caplog):
    # 350 levels: deeper than json's own C recursion guard lets Python code walk with the default limit
    with caplog.at_level("DEBUG", logger="talos_dynamic"):
        result = _answering(_nested(350), max_response_depth=400).get_thing()
    assert not [v for v in result.http.violations if v.rule == "json"]
    value = result["a"]
    for _ in range(348):
        value = value["a"]
    assert list(value) == [1]
    assert any(r.getMessage().startswith("<- 200") for r in caplog.records)


@pytest.mark.parametrize("bad", [0, -1, 401, 2.5, "100", True, None])
def test_a_bad_depth_limit_is_a_configuration_error(bad):
    from talos_dynamic import ConfigurationError

    with pytest.raises(ConfigurationError, match="max_response_depth"):
        Client(api(), base_url="http://api.test", max_response_depth=bad)


def test_a_deep_answer_logged_at_debug_is_summarised_not_a_recursion_error(caplog):
    with caplog.at_level("DEBUG", logger="talos_dynamic"):
        result = _answering(b"[" * 5000 + b"]" * 5000).get_thing()
    assert [v.rule for v in result.http.violations] == ["json"]
    assert any("not valid JSON" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("prefix", "payload"),
    [(b"", HEAD), (HEAD + b"\r\n\r\n", BODY)],
    ids=["status line and headers drip", "body drips"],
)
@pytest.mark.parametrize("own_client", [False, True], ids=["default httpx client", "an httpx.Client of yours"])
def test_the_sync_httpx_transports_timeout_is_the_whole_calls_deadline(prefix, payload, own_client):
    httpx = pytest.importorskip("httpx")
    from talos_dynamic import HttpxTransport

    server = DripServer(prefix, payload, 0.05)
    try:
        transport = HttpxTransport(httpx.Client() if own_client else None)
        client = Client(api(), base_url=server.url, timeout=1, retries=0, transport=transport)
        started = time.monotonic()
        with pytest.raises(TransportError) as caught:
            client.get_thing()
        took = time.monotonic() - started
    finally:
        server.stop()
    assert caught.value.kind == "timeout" and "deadline" in str(caught.value)
    assert took < 2.0, f"the call took {took:.1f}s with timeout=1"


def test_a_watched_httpx_client_still_reuses_its_connections(canned):
    pytest.importorskip("httpx")
    from talos_dynamic import HttpxTransport

    canned.answer("/thing", 200, {"id": "x"})
    client = Client(api(), base_url=canned.url, timeout=5, transport=HttpxTransport())
    for _ in range(3):
        assert client.get_thing().id == "x"
    assert len({r["client_port"] for r in canned.requests}) == 1

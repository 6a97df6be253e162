"""For every operation of the bundled Talos spec, the bytes on the wire are the prepared request's bytes,
and `to_curl(mask=False)` sends those same bytes: both checked against a raw capture server on 127.0.0.1
that records the request line, the header block and the body exactly as received. The masked `to_curl()`
differs only where secrets are. A small spec adds the URLs, bodies and methods that urllib3 or curl would
otherwise rewrite."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import shlex
import shutil
import socketserver
import subprocess
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from talos_dynamic import Client
from talos_dynamic.bundled import TALOS_SPEC

from ...corpus.test_talos_upstream import full_arguments

TOKEN = "wire-token-0123456789abcdef"
SECRET = "wire-credential-SECRET-42"
ANSWER = b'{"ok":true}'
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
    + str(len(ANSWER)).encode()
    + b"\r\n\r\n"
    + ANSWER
)
OPERATIONS = [op.__name__ for op in Client(TALOS_SPEC, base_url="http://127.0.0.1:9").operations]
CURL = shutil.which("curl")


@dataclass(frozen=True)
class Captured:
    """One request as received: the raw request line, the raw header lines (CRLF stripped) and the body."""

    request_line: bytes
    header_lines: tuple[bytes, ...]
    body: bytes


class CaptureHandler(socketserver.StreamRequestHandler):
    """Reads requests off one connection (keep-alive) byte for byte, answers each with the same 200."""

    timeout = 10

    def handle(self) -> None:
        with contextlib.suppress(TimeoutError, ConnectionError):  # an idle keep-alive connection, a hang-up
            self._serve()

    def _serve(self) -> None:
        while True:
            first = self.rfile.readline(65537)
            if not first:
                return
            assert first.endswith(b"\r\n"), first
            lines: list[bytes] = []
            while True:
                line = self.rfile.readline(65537)
                if line in (b"\r\n", b""):
                    break
                assert line.endswith(b"\r\n"), line
                lines.append(line[:-2])
            fields = {}
            for line in lines:
                name, _, value = line.partition(b":")
                fields[name.strip().lower()] = value.strip()
            if fields.get(b"expect", b"").lower() == b"100-continue":
                self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                self.wfile.flush()
            if fields.get(b"transfer-encoding", b"").lower() == b"chunked":
                body = self._read_chunked_raw()
            else:
                body = self.rfile.read(int(fields.get(b"content-length", b"0")))
            self.server.captured.append(Captured(first[:-2], tuple(lines), body))  # type: ignore[attr-defined]
            self.wfile.write(RESPONSE[: -len(ANSWER)] if first.startswith(b"HEAD ") else RESPONSE)
            self.wfile.flush()

    def _read_chunked_raw(self) -> bytes:
        """The chunked body as framed on the wire (an extra Transfer-Encoding header fails the test anyway)."""
        raw = b""
        while True:
            size_line = self.rfile.readline(65537)
            raw += size_line
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while True:
                    trailer = self.rfile.readline(65537)
                    raw += trailer
                    if trailer in (b"\r\n", b""):
                        return raw
            raw += self.rfile.read(size + 2)


class CaptureServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), CaptureHandler)
        self.captured: list[Captured] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"

    def take(self) -> Captured:
        """The one request received since the last take()."""
        assert len(self.captured) == 1, f"expected one request, the server got {len(self.captured)}"
        return self.captured.pop()


@pytest.fixture(scope="module")
def no_proxy():
    """Nothing in the environment may route 127.0.0.1 through a proxy (it would change the request line)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
                patch.delenv(name)
        yield


@pytest.fixture(scope="module")
def capture(no_proxy):
    server = CaptureServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def sent(capture):
    """A client against the capture server that records every PreparedRequest handed to the transport."""
    seen: list[Any] = []
    with Client(
        TALOS_SPEC, base_url=capture.url, token=TOKEN, response_validation="off", hooks={"request": [seen.append]}
    ) as client:
        yield client, seen


def with_secret(value: Any) -> Any:
    """full_arguments' values, with every `credential` set to a recognisable secret (so masking shows)."""
    if isinstance(value, dict):
        return {k: SECRET if k == "credential" else with_secret(v) for k, v in value.items()}
    if isinstance(value, list):
        return [with_secret(v) for v in value]
    return value


def arguments_for(op) -> dict[str, Any]:
    return with_secret(full_arguments(op))


def expected_request_line(request) -> bytes:
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"{request.method} {target} HTTP/1.1".encode("latin-1")


def assert_same_request(got: Captured, request, server_url: str, sender: str) -> None:
    """Request line, header lines (prepared ones plus only Host) and body bytes, exactly."""
    assert request.url.startswith(server_url + "/"), request.url
    assert got.request_line == expected_request_line(request), f"{sender}: request line differs"
    expected = Counter(f"{name}: {value}".encode("latin-1") for name, value in request.headers.items())
    received = Counter(got.header_lines)
    missing = expected - received
    extra = received - expected
    host = f"Host: {urlsplit(server_url).netloc}".encode()
    assert not missing, f"{sender}: prepared headers not sent as prepared: {sorted(missing)}"
    assert extra == Counter([host]), (
        f"{sender}: headers beyond the prepared ones and Host: {sorted((extra - Counter([host])).elements())}"
    )
    assert got.body == request.content, f"{sender}: body bytes differ"


def curl_command(line: str) -> list[str]:
    """The unmasked curl line plus options that leave the request alone (no curlrc, quiet, no proxy)."""
    words = shlex.split(line)
    assert words[0] == "curl", line
    return [CURL, "-q", *words[1:], "-s", "-S", "-o", os.devnull, "--noproxy", "*", "--max-time", "10"]


def masked_json(value: Any, secrets: frozenset[str]) -> Any:
    """The JSON value (as key/value pair lists) with every secret field's string value shown as ***."""
    if isinstance(value, list) and all(isinstance(p, tuple) and len(p) == 2 for p in value) and value:
        return [
            (k, "***" if k.lower() in secrets and isinstance(v, str) else masked_json(v, secrets)) for k, v in value
        ]
    if isinstance(value, list):
        return [masked_json(v, secrets) for v in value]
    return value


def test_every_operation_is_covered():
    assert len(OPERATIONS) >= 10 and len(set(OPERATIONS)) == len(OPERATIONS)


@pytest.mark.parametrize("name", OPERATIONS)
def test_the_wire_carries_the_prepared_request_byte_for_byte(name, capture, sent):
    client, seen = sent
    op = getattr(client, name)
    kwargs = arguments_for(op)
    prepared = op.prepare(**copy.deepcopy(kwargs)).request
    capture.captured.clear()
    seen.clear()
    op(**copy.deepcopy(kwargs))
    assert len(seen) == 1, "one attempt, one request"
    request = seen[0]
    # the request the call built is the one prepare() shows
    assert (request.method, request.url, request.headers, request.body) == (
        prepared.method,
        prepared.url,
        prepared.headers,
        prepared.body,
    )
    # a token was given, so every operation that asks for one carries it
    assert request.headers.get("Authorization") == (f"Bearer {TOKEN}" if op.operation.security else None)
    assert_same_request(capture.take(), request, capture.url, "requests transport")


@pytest.mark.skipif(CURL is None, reason="curl is not installed: the to_curl() line cannot be run")
@pytest.mark.parametrize("name", OPERATIONS)
def test_the_unmasked_curl_line_sends_the_same_bytes(name, capture, sent):
    client, _ = sent
    op = getattr(client, name)
    call = op.prepare(**arguments_for(op))
    request = call.request
    capture.captured.clear()
    done = subprocess.run(curl_command(call.to_curl(mask=False)), capture_output=True, timeout=20, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert_same_request(capture.take(), request, capture.url, "curl")


@pytest.mark.parametrize("name", OPERATIONS)
def test_the_masked_curl_line_differs_only_where_secrets_are(name, sent):
    client, _ = sent
    op = getattr(client, name)
    call = op.prepare(**arguments_for(op))
    request = call.request
    plain, masked = shlex.split(call.to_curl(mask=False)), shlex.split(call.to_curl())
    assert call.to_curl() == call.to_curl(mask=True)
    assert len(plain) == len(masked)
    differing = [i for i, (a, b) in enumerate(zip(plain, masked, strict=True)) if a != b]
    for i in differing:
        option = plain[i - 1]
        if option == "-H":
            assert (plain[i], masked[i]) == (f"Authorization: Bearer {TOKEN}", "Authorization: Bearer ***")
        else:
            assert option == "--data-binary", f"{name}: masking changed {plain[i]!r} into {masked[i]!r}"
            secrets = frozenset(s.lower() for s in request.secret_names)
            assert secrets, f"{name}: the body was masked though no field is secret"
            pairs = json.loads(plain[i], object_pairs_hook=list)
            assert json.loads(masked[i], object_pairs_hook=list) == masked_json(pairs, secrets)
    headers = [plain[i + 1] for i, w in enumerate(plain) if w == "-H"]
    if "Authorization" in request.headers:
        assert f"Authorization: Bearer {TOKEN}" in headers
        assert any(plain[i].startswith("Authorization:") for i in differing), "the token must be masked"
    assert TOKEN not in " ".join(masked) and SECRET not in " ".join(masked)
    if SECRET in (request.body or b"").decode():
        assert SECRET in " ".join(plain)


def _query(name: str, style: str, schema: dict, **more: Any) -> dict:
    return {"name": name, "in": "query", "style": style, "explode": style != "pipeDelimited", "schema": schema, **more}


EDGES = {
    "openapi": "3.0.3",
    "info": {"title": "edges", "version": "1"},
    "paths": {
        "/p/{id}": {
            "get": {
                "operationId": "getP",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                    _query("deep", "deepObject", {"type": "object"}),
                    _query("pipe", "pipeDelimited", {"type": "array", "items": {"type": "string"}}),
                    _query("raw", "form", {"type": "string"}, allowReserved=True),
                ],
                "responses": {"204": {"description": "no content, so no Accept header"}},
            }
        },
        "/t": {
            "post": {
                "operationId": "postT",
                "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}},
                "responses": {"204": {"description": "ok"}},
            },
            "head": {"operationId": "headT", "responses": {"200": {"description": "ok"}}},
        },
    },
}
EDGE_CALLS = [
    # urllib3 re-encodes "[", "]" and "|", and cuts the query at a raw "#": the prepared URL must not carry them
    ("getP", {"id": "x", "deep": {"a": {"b": "1"}}, "pipe": ["a", "b"], "raw": "a[b]#c|d/e?f"}),
    ("getP", {"id": ".."}),  # curl squashes dot segments unless --path-as-is
    ("postT", {"body": "@/etc/hostname"}),  # curl --data-binary @x would send the file x
    ("headT", {}),  # curl -X HEAD waits for a body that never comes
]


@pytest.mark.parametrize(("name", "kwargs"), EDGE_CALLS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(EDGE_CALLS)])
def test_urls_bodies_and_methods_curl_and_urllib3_would_rewrite(name, kwargs, capture):
    seen: list[Any] = []
    with Client(EDGES, base_url=capture.url, response_validation="off", hooks={"request": [seen.append]}) as client:
        call = getattr(client, name).prepare(**kwargs)
        capture.captured.clear()
        getattr(client, name)(**kwargs)
    request = seen[0]
    assert (request.url, request.headers, request.body) == (call.url, call.headers, call.body)
    assert_same_request(capture.take(), request, capture.url, "requests transport")
    if CURL is None:
        pytest.skip("curl is not installed: the to_curl() line cannot be run")
    done = subprocess.run(curl_command(call.to_curl(mask=False)), capture_output=True, timeout=20, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert_same_request(capture.take(), request, capture.url, "curl")

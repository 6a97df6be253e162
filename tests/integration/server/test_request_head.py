"""The local server reads the request line and header fields itself (talos_dynamic.server.request_head), with
http.server's limits and refusals, over raw sockets on 127.0.0.1."""

from __future__ import annotations

import json
import socket

import pytest

from talos_dynamic.server import start_server

TOKEN = "head-token-0123456789"
JWKS = b"/v2alpha1/derivedKeys/jwks.json"
ISSUE = b"/v2alpha1/admin/issuedApiKeys"


@pytest.fixture(scope="module")
def server():
    with start_server(token=TOKEN) as running:
        yield running


def exchange(server, data: bytes) -> bytes:
    """Send the bytes, read until the server closes the connection."""
    with socket.create_connection((server.host, server.port), timeout=10) as conn:
        conn.sendall(data)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    return received


def status_and_reason(answer: bytes) -> tuple[int, str]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(body)["details"][0]["reason"]


@pytest.mark.parametrize(
    "line",
    [
        b"No colon here",
        b"Space Name: x",
        b"Trailing : x",
        b": no name",
        b" folded first: x",
        b"\r",
        b"X-A: 1\r2",
        b"X-B: \x00",
    ],
)
def test_a_header_line_that_is_not_name_colon_value_is_400(server, line):
    answer = exchange(server, b"GET " + JWKS + b" HTTP/1.1\r\n" + line + b"\r\nHost: x\r\n\r\n")
    assert status_and_reason(answer) == (400, "REQUEST_MALFORMED")


def test_more_than_100_header_lines_is_431(server):
    fields = b"".join(b"X-F%d: v\r\n" % n for n in range(101))
    answer = exchange(server, b"GET " + JWKS + b" HTTP/1.1\r\n" + fields + b"\r\n")
    assert status_and_reason(answer) == (431, "HEADERS_TOO_LARGE")


def test_a_folded_header_value_continues_with_a_space(server):
    request = b"GET " + ISSUE + b" HTTP/1.1\r\nAuthorization: Bearer\r\n  " + TOKEN.encode() + b"\r\n"
    answer = exchange(server, request + b"Connection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 ")


def test_field_names_ignore_case_and_values_lose_surrounding_whitespace(server):
    request = b"GET " + ISSUE + b" HTTP/1.1\r\nauthORIZATION:\t Bearer " + TOKEN.encode() + b" \t\r\n"
    answer = exchange(server, request + b"CONNECTION: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 ") and b"Connection: close" in answer


def test_expect_100_continue_gets_one_interim_answer(server):
    body = json.dumps({"actor_id": "a"}).encode()
    request = b"POST " + ISSUE + b" HTTP/1.1\r\nAuthorization: Bearer " + TOKEN.encode() + b"\r\n"
    request += b"Content-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n" % len(body)
    answer = exchange(server, request + b"Connection: close\r\n\r\n" + body)
    assert answer.count(b"100 Continue") == 1 and b"HTTP/1.1 200 " in answer


@pytest.mark.parametrize(
    ("line", "status"),
    [
        (b"GET " + JWKS + b" HTTP/2.0", 505),
        (b"GET " + JWKS + b" HTTP/1.1.1", 400),
        (b"GET " + JWKS + b" HTTQ/1.1", 400),
        (b"GET " + JWKS + b" HTTP/\xb9.1", 400),
        (b"GET", 400),
        (b"GET " + JWKS + b" HTTP/1.1 extra", 400),
        (b"POST " + JWKS, 400),  # HTTP/0.9 knows only GET
    ],
)
def test_bad_request_lines_are_refused_as_http_server_does(server, line, status):
    answer = exchange(server, line + b"\r\nHost: x\r\n\r\n")
    assert status_and_reason(answer)[0] == status


def test_http_1_0_closes_and_http_0_9_gets_the_bare_body(server):
    assert b"Connection: close" in exchange(server, b"GET " + JWKS + b" HTTP/1.0\r\n\r\n")
    bare = exchange(server, b"GET " + JWKS + b"\r\n\r\n")
    assert json.loads(bare)["jwks"]["keys"]

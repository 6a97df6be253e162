"""The local server keeps HTTP/1.1 connections open between requests (openapi-core still checks each one),
closes them when the client asks or the body is chunked, and closes the kept ones when it stops."""

from __future__ import annotations

import http.client
import json

import pytest

from talos_dynamic.server import start_server

TOKEN = "keep-alive-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
ISSUE = "/v2alpha1/admin/issuedApiKeys"


@pytest.fixture()
def server():
    with start_server(token=TOKEN) as running:
        yield running


def exchange(connection: http.client.HTTPConnection, method: str, path: str, body=None, headers=None):
    connection.request(method, path, body=body, headers={**HEADERS, **(headers or {})})
    response = connection.getresponse()
    return response, response.read()


def test_requests_share_one_connection_and_each_is_still_checked(server):
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    first, _ = exchange(connection, "POST", ISSUE, json.dumps({"actor_id": "a", "scopes": ["read"]}))
    port = connection.sock.getsockname()[1]
    invalid, body = exchange(connection, "POST", ISSUE, json.dumps({"actor_id": 5}))
    listed, _ = exchange(connection, "GET", ISSUE)
    assert (first.status, invalid.status, listed.status) == (200, 400, 200)
    assert json.loads(body)["code"] == 3  # INVALID_ARGUMENT from the request check
    assert first.getheader("Connection") is None and connection.sock.getsockname()[1] == port


def test_a_client_asking_to_close_and_a_chunked_body_get_their_connection_closed(server):
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    response, _ = exchange(connection, "GET", ISSUE, headers={"Connection": "close"})
    assert response.status == 200 and response.getheader("Connection") == "close"
    chunked = http.client.HTTPConnection(server.host, server.port, timeout=5)
    body = iter([json.dumps({"actor_id": "a", "scopes": ["read"]}).encode()])
    chunked.request("POST", ISSUE, body=body, headers={**HEADERS, "Transfer-Encoding": "chunked"}, encode_chunked=True)
    response = chunked.getresponse()
    assert response.status == 200 and response.getheader("Connection") == "close"
    assert json.loads(response.read())["issued_api_key"]["actor_id"] == "a"


def test_stopping_closes_the_kept_alive_connections():
    running = start_server(token=TOKEN)
    connection = http.client.HTTPConnection(running.host, running.port, timeout=5)
    assert exchange(connection, "GET", ISSUE)[0].status == 200
    running.stop()
    with pytest.raises((ConnectionError, http.client.HTTPException)):
        exchange(connection, "GET", ISSUE)

"""A spec loaded from a URL: its servers resolve against that URL (issue 10, point 7); the download carries
the client's credentials to the spec's own origin only, says when it met a login page, keeps the cookies it
was given to itself (point 8), and is bounded as a whole by the timeout (issue 9). Real servers on
127.0.0.1; every spec is a fragment written for these tests."""

import socket
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from talos_dynamic import Client
from talos_dynamic.errors import ConfigurationError, SpecError

THING = {"type": "object", "properties": {"id": {"type": "string"}}}


def openapi31() -> dict:
    ok = {"description": "ok", "content": {"application/json": {"schema": THING}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "no servers", "version": "1"},
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": ok},
                }
            }
        },
    }


def swagger2(**root) -> dict:
    return {
        "swagger": "2.0",
        "info": {"title": "no host", "version": "1"},
        **root,
        "paths": {
            "/things/{id}": {
                "get": {
                    "parameters": [{"name": "id", "in": "path", "required": True, "type": "string"}],
                    "responses": {"200": {"description": "ok", "schema": THING}},
                }
            }
        },
    }


# -- point 7: servers resolve against the URL the spec came from ------------------------------------------


def test_an_openapi_spec_without_servers_calls_the_origin_it_was_loaded_from(canned):
    canned.answer("/docs/openapi.json", 200, openapi31())
    canned.answer("/things/t1", 200, {"id": "t1"})
    with Client(f"{canned.url}/docs/openapi.json", response_validation="strict") as client:
        assert client.get_thing(id="t1").http.response.url == f"{canned.url}/things/t1"


@pytest.mark.parametrize(("root", "path"), [({}, "/things/t2"), ({"basePath": "/v2"}, "/v2/things/t2")])
def test_a_swagger2_document_without_host_calls_the_host_that_served_it(canned, root, path):
    canned.answer("/api/spec.json", 200, swagger2(**root))
    canned.answer(path, 200, {"id": "t2"})
    with Client(f"{canned.url}/api/spec.json", response_validation="strict") as client:
        assert client.get_things_id(id="t2").http.response.url == f"{canned.url}{path}"


def test_a_spec_without_servers_from_a_dict_still_asks_for_base_url():
    client = Client(openapi31())
    with pytest.raises(ConfigurationError, match="declares no servers and was not loaded from a URL; pass base_url="):
        client.get_thing.prepare(id="t1")


# -- point 8: credentials, login pages and cookies while the spec downloads -------------------------------


class ProtectedSpec:
    """A server whose spec needs `Authorization: Bearer good-token` or the Basic pair; without it, a redirect
    to an HTML login page. Serving the spec sets a login cookie; every request is recorded."""

    def __init__(self, document: dict, html_spec: bool = False) -> None:
        import json

        self.requests: list[dict] = []
        owner = self
        payload = json.dumps(document).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                owner.requests.append({"path": self.path, "headers": dict(self.headers)})
                authorization = self.headers.get("Authorization", "")
                if self.path.startswith("/login"):
                    self._send(200, b'<html><form><input type="password" name="pw"></form></html>', "text/html")
                elif self.path == "/openapi.json" and html_spec:
                    self._send(200, b"<!DOCTYPE html><html><body>Welcome to the portal</body></html>", "text/html")
                elif self.path == "/openapi.json" and authorization in ("Bearer good-token", "Basic dTpw"):
                    self._send(200, payload, "application/json", {"Set-Cookie": "sid=logged-in-by-spec; Path=/"})
                elif self.path == "/openapi.json":
                    self._send(302, b"", "text/html", {"Location": "/login?next=%2Fopenapi.json"})
                else:
                    self._send(200, b'{"id": "t1"}', "application/json")

            def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
                self.send_response(status)
                for name, value in {"Content-Type": content_type, **(headers or {})}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def protected():
    servers = []

    def start(document: dict | None = None, **options) -> ProtectedSpec:
        server = ProtectedSpec(document or openapi31(), **options)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_a_redirect_to_a_login_page_is_reported_as_such(protected):
    server = protected()
    with pytest.raises(SpecError, match=r"redirected to a login page \(http://127\.0\.0\.1:\d+/login\)") as caught:
        Client(f"{server.url}/openapi.json")
    assert "headers=, token= or auth=" in str(caught.value) and "next=" not in str(caught.value)


def test_a_redirect_to_a_page_that_is_no_login_page_is_followed(canned):
    canned.answer("/openapi.json", 302, b"", headers={"Location": "/authors/openapi.json"})
    canned.answer("/authors/openapi.json", 200, openapi31())
    assert Client(f"{canned.url}/openapi.json").get_thing.prepare(id="t1").url == f"{canned.url}/things/t1"


def test_an_html_answer_is_reported_as_such(protected):
    server = protected(html_spec=True)
    with pytest.raises(SpecError, match="the server answered an HTML page, not a JSON or YAML document"):
        Client(f"{server.url}/openapi.json")


@pytest.mark.parametrize(
    "credentials",
    [{"token": "good-token"}, {"headers": {"Authorization": "Bearer good-token"}}, {"auth": {"basic": ("u", "p")}}],
    ids=["token", "headers", "auth"],
)
def test_the_clients_credentials_download_the_spec(protected, credentials):
    document = openapi31()
    document["components"] = {"securitySchemes": {"basic": {"type": "http", "scheme": "basic"}}}
    server = protected(document)
    with Client(f"{server.url}/openapi.json", **credentials) as client:
        assert client.get_thing(id="t1").id == "t1"
    assert server.requests[0]["headers"]["Authorization"] in ("Bearer good-token", "Basic dTpw")


def test_credentials_stay_home_when_the_api_is_elsewhere(protected):
    """With base_url= on another origin, the API's token does not go to the host that serves the document."""
    server = protected()
    with pytest.raises(SpecError, match="login page"):
        Client(f"{server.url}/openapi.json", token="good-token", base_url="http://127.0.0.1:9")
    assert "Authorization" not in server.requests[0]["headers"]


def test_a_cookie_set_while_the_spec_downloads_never_authenticates_later_calls(protected):
    server = protected()
    session = requests.Session()
    with Client(f"{server.url}/openapi.json", token="good-token", session=session) as first:
        first.get_thing(id="t1")
    with Client(f"{server.url}/openapi.json", token="good-token", session=session) as second:
        second.get_thing(id="t1", _headers={"Authorization": "Bearer another-token"})
    assert "sid" not in session.cookies
    calls = [r for r in server.requests if r["path"].startswith("/things/")]
    assert len(calls) == 2 and all("Cookie" not in call["headers"] for call in calls)


# -- issue 9: the timeout bounds the whole download ---------------------------------------------------------


class Dripper(socketserver.ThreadingTCPServer):
    """Answers every connection one byte every 50 ms: the status line and headers (`part="headers"`) or a
    long body after them (`part="body"`), until the client hangs up."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, part: str) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        body = b'{"openapi": "3.1.0", "x": "' + b"y" * 99900

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                self.request.recv(65536)
                if part == "body":
                    self.request.sendall(head)
                for index in range(len(head if part == "headers" else body)):
                    data = head if part == "headers" else body
                    try:
                        self.request.sendall(data[index : index + 1])
                    except OSError:
                        return
                    time.sleep(0.05)

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()


@pytest.mark.parametrize("part", ["headers", "body"])
def test_a_spec_that_drips_is_cut_off_at_the_timeout(part):
    dripper = Dripper(part)
    try:
        started = time.monotonic()
        with pytest.raises(SpecError, match=r"took longer than the timeout \(1s for the whole download\)"):
            Client(f"{dripper.url}/openapi.json", timeout=1)
        assert time.monotonic() - started < 1.8
    finally:
        dripper.shutdown()
        dripper.server_close()


def test_the_dripping_server_really_drips():
    """The fixture itself: each read gets a byte well within the timeout, so only a whole-download deadline ends it."""
    dripper = Dripper("body")
    try:
        with socket.create_connection(dripper.server_address, timeout=1) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            first = sock.recv(65536)
            time.sleep(0.3)
            assert first.startswith(b"HTTP/1.1 200") and 0 < len(sock.recv(65536)) < 20
    finally:
        dripper.shutdown()
        dripper.server_close()

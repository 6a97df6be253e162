"""Run the local Talos server: in the foreground (serve) or on a background thread (demo, tests)."""

from __future__ import annotations

import contextlib
import io
import json
import socket
import threading
import traceback
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import SPEC_PATH, TalosApp, error_body
from .request_head import HeadMalformed, HeadTooLarge, read_fields

# What http.server itself refuses, before the app sees a request: (gRPC status, ErrorInfo reason, message).
# The server's own messages are not used: they quote the request line back.
_REFUSALS = {
    400: ("INVALID_ARGUMENT", "REQUEST_MALFORMED", "the request line or a header is malformed"),
    414: ("INVALID_ARGUMENT", "URI_TOO_LONG", "the request line is longer than 65536 bytes; shorten the URL"),
    431: ("INVALID_ARGUMENT", "HEADERS_TOO_LARGE", "a header line is over 65536 bytes or there are over 100 headers"),
    501: ("UNIMPLEMENTED", "METHOD_UNSUPPORTED", "the request method is not supported"),
    505: ("UNIMPLEMENTED", "HTTP_VERSION_UNSUPPORTED", "only HTTP/1.0 and HTTP/1.1 are supported"),
}


READ_AHEAD = 1024 * 1024 + 1  # request bodies up to this size are read before the app runs (keep-alive)
IDLE_SECONDS = 60  # a kept-alive connection with no request for this long is closed
NO_BODY = (204, 304)


class _BadRequestTarget(Exception):
    """The request target cannot be read as a URL."""


class _Handler(WSGIRequestHandler):
    """Speaks HTTP/1.1 with keep-alive: a request whose body has a Content-Length (up to READ_AHEAD bytes)
    is read whole before the app runs, so the connection is at the next request line when the answer is
    sent, and it stays open. A chunked or larger body takes werkzeug's own path, which closes the
    connection after the answer. Every refusal is JSON."""

    protocol_version = "HTTP/1.1"
    timeout = IDLE_SECONDS

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # headers and body: no Nagle wait
        self.server.open_connections.add(self.connection)  # type: ignore[attr-defined]

    def finish(self) -> None:
        self.server.open_connections.discard(self.connection)  # type: ignore[attr-defined]
        super().finish()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A refusal from http.server itself (414, 431, 400, 505) as a google.rpc.Status, not an HTML page."""
        status, reason, text = _REFUSALS.get(
            code,
            ("INVALID_ARGUMENT", "REQUEST_REJECTED", "the request was rejected")
            if code < 500
            else ("INTERNAL", "INTERNAL", "internal error"),
        )
        payload = json.dumps(error_body(status, reason, text)).encode()
        if getattr(self, "request_version", "HTTP/0.9") == "HTTP/0.9":  # unparsed: answer with a status line
            self.request_version = "HTTP/1.0"
        self.log_error("code %d, %s", code, reason)
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        if getattr(self, "command", "") != "HEAD":
            self.wfile.write(payload)
        self.close_connection = True

    def parse_request(self) -> bool:
        """The request line and header fields, with http.server's rules and refusals (400, 431, 505), the
        fields read by request_head instead of the email package."""
        self.command, self.request_version, self.close_connection = None, "HTTP/0.9", True
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = self.requestline.split()
        if not words:
            return False
        if len(words) >= 3:
            version = _version(words[-1])
            if version is None:
                self.send_error(400)
                return False
            if version >= (2, 0):
                self.send_error(505)
                return False
            self.request_version, self.close_connection = words[-1], version < (1, 1)
        if len(words) not in (2, 3) or (len(words) == 2 and words[0] != "GET"):  # HTTP/0.9 knows only GET
            self.send_error(400)
            return False
        self.command, self.path = words[0], words[1]
        if self.path.startswith("//"):  # as http.server does (gh-87389): never read as a host name
            self.path = "/" + self.path.lstrip("/")
        try:
            self.headers = read_fields(self.rfile)  # type: ignore[assignment]
        except HeadTooLarge:
            self.send_error(431)
            return False
        except HeadMalformed:
            self.send_error(400)
            return False
        connection = (self.headers.get("Connection") or "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive":
            self.close_connection = False
        return True

    def make_environ(self) -> dict[str, Any]:
        try:
            return super().make_environ()
        except ValueError as exc:  # e.g. an absolute URL with a broken host, "http://[::1/"
            raise _BadRequestTarget() from exc

    def run_wsgi(self) -> None:
        length = self.headers.get("Content-Length")
        chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
        if chunked or (length is not None and not (length.isdigit() and int(length) <= READ_AHEAD)):
            self._run_closing()
            return
        if self.headers.get("Expect", "").lower().strip() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = self.rfile.read(int(length)) if length else b""
        if length and len(body) < int(length):  # the client went away mid-body
            self.close_connection = True
            return
        try:
            environ = self.make_environ()
        except _BadRequestTarget:
            self.send_error(400)
            return
        environ["wsgi.input"] = io.BytesIO(body)
        try:
            status, headers, payload = self._answer(environ)
        except Exception:  # the app failed: a JSON 500, logged, and the connection closed
            self.log_error("Error on request:\n%s", traceback.format_exc())
            self.send_error(500)
            return
        self._write(status, headers, payload)

    def _answer(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        """Run the app; its status, headers and whole body."""
        started: list[Any] = []
        chunks: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [status, headers]
            return chunks.append

        result = self.server.app(environ, start_response)  # type: ignore[attr-defined]
        try:
            chunks.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return started[0], started[1], b"".join(chunks)

    def _write(self, status: str, headers: list[tuple[str, str]], payload: bytes) -> None:
        """The status line, headers and body in one write: one segment, one wake-up of the client."""
        code = int(status.partition(" ")[0])
        self.log_request(code)
        body = b"" if self.command == "HEAD" else payload
        if self.request_version == "HTTP/0.9":  # no status line, no headers
            self.wfile.write(body)
            return
        lines = [
            f"{self.protocol_version} {status}",
            f"Server: {self.version_string()}",
            f"Date: {self.date_time_string()}",
        ]
        names = set()
        for name, value in headers:
            lines.append(f"{name}: {value}")
            names.add(name.lower())
            if name.lower() == "connection" and value.lower() == "close":
                self.close_connection = True
        if "content-length" not in names and code not in NO_BODY and code >= 200:
            lines.append(f"Content-Length: {len(payload)}")
        if self.close_connection and "connection" not in names:  # the client asked to close (or HTTP/1.0)
            lines.append("Connection: close")
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    def _run_closing(self) -> None:
        """werkzeug's own handling (a chunked or large body), which closes the connection after the answer."""
        try:
            super().run_wsgi()
        except _BadRequestTarget:
            self.send_error(400)


def _version(text: str) -> tuple[int, int] | None:
    """HTTP/major.minor as numbers (leading zeros ignored, at most 10 digits each), or None."""
    name, _, number = text.partition("/")
    major, dot, minor = number.partition(".")
    if name != "HTTP" or not dot or not all(p.isdigit() and p.isascii() and len(p) <= 10 for p in (major, minor)):
        return None
    return int(major), int(minor)


class _QuietHandler(_Handler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        pass


class LocalServer:
    """A running local server; use as a context manager or call stop()."""

    def __init__(self, server: BaseWSGIServer, app: TalosApp, thread: threading.Thread | None) -> None:
        self._server, self.app, self._thread = server, app, thread
        self.host, self.port = server.server_address[:2]

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:4420."""
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        """Stop serving, close the kept-alive connections and free the port."""
        self._server.shutdown()
        self._server.server_close()
        for connection in list(self._server.open_connections):  # type: ignore[attr-defined]
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_server(
    host: str = "127.0.0.1",
    port: int = 0,
    token: str | None = None,
    *,
    background: bool = True,
    spec_path: Path = SPEC_PATH,
    quiet: bool = True,
    fault: str | None = None,
) -> LocalServer:
    """Start a local server (port 0 picks a free one). With background=False, serve until interrupted."""
    app = TalosApp(token=token, spec_path=spec_path, fault=fault)
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler if quiet else _Handler)
    server.open_connections = set()  # type: ignore[attr-defined]
    if not background:
        handle = LocalServer(server, app, None)
        try:
            server.serve_forever()
        finally:
            server.server_close()
        return handle
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="talos-local-server", daemon=True
    )
    thread.start()
    return LocalServer(server, app, thread)

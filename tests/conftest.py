"""Shared fixtures: the shared data folder, the local Talos server, a canned-answer HTTP server."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from talos_dynamic import Client
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.server import start_server

ADMIN_TOKEN = "test-admin-token-0123456789"
pytest_plugins = ["tests.leak_guard"]


@pytest.fixture(scope="session", autouse=True)
def own_cache_folder(tmp_path_factory) -> Iterator[Path]:
    """The suite's $XDG_CACHE_HOME: the command line's completion index, parsed documents and Hypothesis data
    go to a temporary folder, never to the user's ~/.cache (commands run as subprocesses inherit it)."""
    folder = tmp_path_factory.mktemp("cache")
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared as named by TALOS_DYNAMIC_SHARED: skip when unset, fail when it names a missing folder."""
    value = os.environ.get("TALOS_DYNAMIC_SHARED")
    if not value:
        pytest.skip("TALOS_DYNAMIC_SHARED is not set: the shared specs folder is not available")
    path = Path(value)
    if not path.is_dir():
        pytest.fail(f"TALOS_DYNAMIC_SHARED={value} does not name a folder")
    return path


@pytest.fixture(scope="session")
def talos_server():
    """The bundled local Talos server on a free port, requiring ADMIN_TOKEN."""
    with start_server(token=ADMIN_TOKEN) as server:
        yield server


@pytest.fixture()
def talos(talos_server) -> Iterator[Client]:
    """A client for the bundled spec against the local server, validating responses strictly."""
    with Client(TALOS_SPEC, base_url=talos_server.url, token=ADMIN_TOKEN, response_validation="strict") as client:
        yield client


class CannedServer:
    """A real HTTP server on 127.0.0.1 that answers each path with a canned (status, headers, body)."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.queued: dict[str, list[tuple[int, dict[str, str], bytes]]] = {}
        self.requests: list[dict] = []
        canned = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                canned.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body,
                        "client_port": self.client_address[1],
                        "at": time.monotonic(),
                    }
                )
                queue = canned.queued.get(path)
                if queue:
                    canned.answers[path] = queue.pop(0)
                status, headers, payload = canned.answers.get(path, (404, {}, b""))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

            def log_message(self, *args: object) -> None:
                pass

        class QuietServer(ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:
                pass  # a client that timed out on purpose leaves a broken pipe behind

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def answer(
        self,
        path: str,
        status: int,
        body: object = b"",
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.answers[path] = (
            status,
            {"Content-Type": content_type, **(headers or {})}
            if payload or content_type != "application/json"
            else dict(headers or {}),
            payload,
        )

    def answer_in_turn(self, path: str, *answers: tuple) -> None:
        """Answer `path` with each (status, body[, headers]) in turn; the last one is kept for later requests."""
        for answer in answers:
            self.answer(path, answer[0], answer[1], headers=answer[2] if len(answer) > 2 else None)
            self.queued.setdefault(path, []).append(self.answers.pop(path))

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def canned() -> Iterator[CannedServer]:
    server = CannedServer()
    yield server
    server.stop()

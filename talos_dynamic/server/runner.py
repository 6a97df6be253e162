"""Run the local Talos server: in the foreground (serve) or on a background thread (demo, tests)."""

from __future__ import annotations

import threading
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import SPEC_PATH, TalosApp


class _Handler(WSGIRequestHandler):
    """HTTP/1.1, so clients keep their connections alive."""

    protocol_version = "HTTP/1.1"


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
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()
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

"""reload(): a spec server changes its document between calls; 8 threads keep calling without an error; the
new operation appears; a removed one raises a clear error naming the reload; nothing is half-updated."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml

from talos_dynamic import Client, SpecError
from talos_dynamic.bundled import TALOS_LATEST_SPEC, TALOS_SPEC
from talos_dynamic.reloading import OperationRemovedError
from talos_dynamic.server import start_server

from ...conftest import ADMIN_TOKEN

SEED = yaml.safe_load(TALOS_SPEC.read_text("utf-8"))
LATEST = yaml.safe_load(TALOS_LATEST_SPEC.read_text("utf-8"))


class SpecServer:
    """Serves one document at /openapi.json with an ETag, answering 304 to a matching If-None-Match."""

    def __init__(self, document: dict) -> None:
        self.set(document)
        self.statuses: list[int] = []
        spec = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body, etag = spec.body, spec.etag
                if self.headers.get("If-None-Match") == etag:
                    spec.statuses.append(304)
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                spec.statuses.append(200)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/openapi.json"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def set(self, document: dict) -> None:
        body = json.dumps(document).encode()
        self.body, self.etag = body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"'

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def spec_server() -> Iterator[SpecServer]:
    server = SpecServer(SEED)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def talos_latest():
    """The local server started with the newest API (it also answers the seed-era routes)."""
    with start_server(token=ADMIN_TOKEN, spec_path=TALOS_LATEST_SPEC) as server:
        yield server


def test_reload_under_8_calling_threads(spec_server, talos_latest, caplog):
    client = Client(spec_server.url, base_url=talos_latest.url, token=ADMIN_TOKEN, response_validation="strict")
    issued = client.admin_issue_api_key(actor_id="reloader", scopes=["read"])
    secret, key_id = issued.secret, issued.issued_api_key.key_id
    held_verify = client.admin_verify_api_key  # held across the reload: follows it
    held_revoke = client.admin_revoke_api_key  # held across the reload: removed by it
    assert not hasattr(client, "admin_import_api_key")

    stop, errors = threading.Event(), []
    calls = [[0, 0] for _ in range(8)]  # per thread: calls before and after the reload
    reloaded = threading.Event()

    def work(index: int) -> None:
        while not stop.is_set():
            try:
                assert client.admin_verify_api_key(credential=secret).is_valid is True
                assert held_verify(credential=secret).is_valid is True
                assert client.admin_get_issued_api_key(key_id=key_id).key_id == key_id
            except Exception as exc:  # noqa: BLE001 - every failure is a finding of this test
                errors.append(exc)
                return
            calls[index][1 if reloaded.is_set() else 0] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    _wait(lambda: all(before >= 3 for before, _ in calls))
    spec_server.set(LATEST)
    with caplog.at_level(logging.WARNING, logger="talos_dynamic"):
        assert client.reload() is True
    reloaded.set()
    _wait(lambda: all(after >= 3 for _, after in calls) or bool(errors))
    stop.set()
    for thread in threads:
        thread.join(timeout=10)

    assert errors == []
    assert client.spec.info["version"] == "v2alpha1-latest"
    imported = client.admin_import_api_key(raw_key="from-elsewhere-1", name="n", actor_id="a")  # the new operation
    assert imported.key_id
    for attempt in (lambda: client.admin_revoke_api_key, lambda: held_revoke(key_id=key_id)):
        with pytest.raises(OperationRemovedError, match=r"admin_revoke_api_key is no longer an operation: reload\(\)"):
            attempt()
    assert not hasattr(client, "admin_revoke_api_key")
    assert "breaks" in caplog.text and "operation-removed: admin_revoke_api_key" in caplog.text

    before = len(spec_server.statuses)
    assert client.reload() is False  # unchanged: the ETag answers 304
    assert spec_server.statuses[before:] == [304]


def test_an_unchanged_spec_costs_a_304_and_a_broken_one_keeps_the_current_spec(spec_server):
    client = Client(spec_server.url, base_url="http://127.0.0.1:9")
    assert client.reload() is False  # the same document: read once, its ETag kept
    assert client.reload() is False
    assert spec_server.statuses[-2:] == [200, 304]
    spec_server.body, spec_server.etag = b'{"openapi": "3.0.3", "paths": ', '"broken"'
    with pytest.raises(SpecError, match="not valid JSON or YAML"):
        client.reload()
    assert client.admin_revoke_api_key.operation.name == "AdminRevokeAPIKey"  # still the seed spec
    spec_server.set(LATEST)
    assert client.reload() is True
    assert client.spec.info["version"] == "v2alpha1-latest"


def test_background_refresh_picks_up_a_new_spec(spec_server, talos_latest):
    with Client(spec_server.url, base_url=talos_latest.url, token=ADMIN_TOKEN, refresh=0.05) as client:
        assert client.admin_verify_api_key(credential="nope").is_valid is False
        spec_server.set(LATEST)
        _wait(lambda: hasattr(client, "revoke_api_key"))
        assert client.revoke_api_key.operation.name == "revokeApiKey"
    refresher = client._refresher._thread
    refresher.join(timeout=5)
    assert not refresher.is_alive()  # close() stopped it


def test_reload_from_a_file_and_from_a_new_source(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SEED))
    client = Client(path, base_url="http://127.0.0.1:9")
    assert client.reload() is False  # same modification time and size
    path.write_text(json.dumps(SEED, indent=1))  # touched, same content
    assert client.reload() is False
    assert client.reload(TALOS_LATEST_SPEC) is True
    assert client.admin_revoke_issued_api_key.operation.name == "adminRevokeIssuedApiKey"
    with pytest.raises(ValueError, match="refresh is a number of seconds > 0"):
        Client(path, refresh=-1)


def _wait(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.01)

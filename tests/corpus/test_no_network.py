"""Loading, binding and documenting every real-world document opens no connection and looks up no host name:
every socket connection and DNS lookup except to 127.0.0.1 fails here, and is recorded."""

from __future__ import annotations

import contextlib
import inspect
import os
import socket
import warnings
from pathlib import Path

import pytest

from talos_dynamic import Client
from talos_dynamic.explore.docs import skeleton_arguments

from .documents import BASE_URL, corpus_documents

SPEC_SUFFIXES = (".json", ".yaml", ".yml")


def all_documents(shared: Path) -> list[Path]:
    """The corpus documents, and any other spec file lying in shared/specs or shared/talos/upstream."""
    found = corpus_documents(shared)
    for folder in (shared / "specs", shared / "talos" / "upstream"):
        found += [p for p in sorted(folder.iterdir()) if p.is_file() and p.suffix in SPEC_SUFFIXES]
    return list(dict.fromkeys(found))


def pytest_generate_tests(metafunc):
    if "document" in metafunc.fixturenames:
        shared = os.environ.get("TALOS_DYNAMIC_SHARED")
        documents = all_documents(Path(shared)) if shared and Path(shared).is_dir() else []
        metafunc.parametrize("document", documents or [None], ids=[d.name for d in documents] or ["none"])


@pytest.fixture()
def attempts(monkeypatch) -> list:
    """Block every connection and DNS lookup to anything but 127.0.0.1; the list of what was tried."""
    tried: list = []
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo
    real_create_connection = socket.create_connection

    def host_of(address: object) -> object:
        return address[0] if isinstance(address, tuple) else address

    def connect(self, address):
        if host_of(address) != "127.0.0.1":
            tried.append(("connect", address))
            raise OSError(f"network blocked: {address!r}")
        return real_connect(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if host != "127.0.0.1":
            tried.append(("getaddrinfo", host))
            raise socket.gaierror(f"DNS blocked: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def create_connection(address, *args, **kwargs):
        if host_of(address) != "127.0.0.1":
            tried.append(("create_connection", address))
            raise OSError(f"network blocked: {address!r}")
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return tried


def test_the_blocker_blocks(attempts):
    with pytest.raises(OSError):
        socket.create_connection(("example.com", 443), timeout=1)
    with pytest.raises(OSError):
        socket.getaddrinfo("example.com", 443)
    assert [kind for kind, _ in attempts] == ["create_connection", "getaddrinfo"]
    attempts.clear()


def test_loading_and_documenting_opens_no_connection(document, shared_dir, attempts):
    if document is None:
        pytest.fail("no corpus documents found")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # name clashes and spec warnings are reported by their own tests
        client = Client(document, base_url=BASE_URL)
    operations = client.operations
    for op in operations:
        inspect.signature(op)
        assert op.__doc__
        # validators compile here: a reference registry that fetched would show up in `attempts`; whether a
        # skeleton request is valid is test_corpus_walk's business
        with contextlib.suppress(Exception):
            op.prepare(**skeleton_arguments(op.arguments))
    assert attempts == [], f"{document.name} tried the network: {attempts[:5]}"

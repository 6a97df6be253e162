"""Every real-world document: load, bind, document and prepare one valid request per operation; then check
the wire requests against openapi-core's server-side request validator."""

from __future__ import annotations

import inspect
import random
import time

import pytest

from talos_dynamic.explore.docs import skeleton_arguments

from .documents import corpus_client, corpus_documents
from .reference import UNLOADABLE, allowed, complaints, reference_for

SAMPLE = 150  # operations checked against openapi-core per document (all of them in smaller documents)
# A document whose spec makes a valid request impossible: (document, operation) -> why
UNSATISFIABLE = {
    (
        "apisguru-linode.com.json",
        "create_firewalls",
    ): "label's pattern (?!--|__|..) forbids any two characters in a row, yet minLength is 3",
}
ROWS: list[tuple[str, int, int, float]] = []


def pytest_generate_tests(metafunc):
    if "document" in metafunc.fixturenames:
        import os
        from pathlib import Path

        shared = os.environ.get("TALOS_DYNAMIC_SHARED")
        documents = corpus_documents(Path(shared)) if shared and Path(shared).is_dir() else []
        metafunc.parametrize("document", documents or [None], ids=[d.name for d in documents] or ["none"])


def prepare_all(client):
    prepared, failures = {}, []
    for op in client.operations:
        inspect.signature(op)
        assert op.__doc__
        key = (client.spec.source.rsplit("/", 1)[-1], op.__name__)
        try:
            prepared[op.__name__] = op.prepare(**skeleton_arguments(op.arguments)).request
        except Exception as exc:
            if key not in UNSATISFIABLE:
                failures.append(f"{op.__name__}: {exc}")
    return prepared, failures


def test_walk_and_check_against_openapi_core(document, shared_dir):
    if document is None:
        pytest.fail("no corpus documents found")
    started = time.perf_counter()
    client = corpus_client(document)
    prepared, failures = prepare_all(client)
    elapsed = time.perf_counter() - started
    ROWS.append((document.name, len(client.operations), len(prepared), elapsed))
    assert not failures, "\n".join(failures)

    if document.name in UNLOADABLE:
        return
    reference = reference_for(client.spec)
    names = sorted(prepared)
    random.Random(document.name).shuffle(names)
    disagreements = []
    for name in names[:SAMPLE]:
        for complaint in complaints(reference, prepared[name]):
            if not allowed(document.name, name, complaint, prepared[name].headers.get("Content-Type", "")):
                disagreements.append(f"{name} {prepared[name].method} {prepared[name].masked_url()}: {complaint}")
    assert not disagreements, "\n".join(disagreements)


def test_documents_that_fail_validation_still_load_with_a_warning(shared_dir):
    from talos_dynamic import Client
    from talos_dynamic.errors import SpecValidationWarning

    for name, where in (
        ("jupyter_server-2.21.1-api.yaml", "jupyter_server-2.21.1-api.yaml:"),
        ("digitalocean/DigitalOcean-public.v2.yaml", "#/tags/0/description"),
    ):
        with pytest.warns(SpecValidationWarning, match="fails OpenAPI validation") as caught:
            client = Client(shared_dir / "specs" / name, base_url="http://127.0.0.1:9", validate_spec=True)
        assert where in str(caught[0].message) and len(client.operations) > 30


def test_a_document_whose_operations_cannot_be_built_fails_with_the_pointer():
    from talos_dynamic import Client, SpecError

    broken = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "parameters": [{"$ref": "#/components/parameters/Gone"}],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    with pytest.raises(SpecError) as caught:
        Client(broken, validate_spec=True)
    assert "cannot be built" in str(caught.value) and "/paths/~1a/get/parameters/0" in str(caught.value)

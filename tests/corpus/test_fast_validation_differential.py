"""The fast validation path (jsonschema-rs on the translated schema) and jsonschema agree: for every schema of
every document in ../shared (component schemas in both directions, and every parameter, request body and
response body schema), on a generated valid instance and the invalid ones made from it, the fast path never
calls valid what jsonschema calls invalid, and calls invalid only what it must leave to jsonschema."""

from __future__ import annotations

import warnings
from collections import Counter
from typing import Any

from talos_dynamic import Client, SpecError

from .differential import instances, schemas_of, slow_valid

COVERAGE = 0.99  # the share of a document's schemas that must have a fast path
STATS: list[tuple[str, Counter]] = []


def pytest_generate_tests(metafunc):
    if "document" in metafunc.fixturenames:
        import os
        from pathlib import Path

        from .documents import corpus_documents

        shared = os.environ.get("TALOS_DYNAMIC_SHARED")
        documents = corpus_documents(Path(shared)) if shared and Path(shared).is_dir() else []
        metafunc.parametrize("document", documents or [None], ids=[d.name for d in documents] or ["none"])


def ends_a_line(value: Any) -> bool:
    """A string ending in a newline somewhere in the value: Python's `$` (rfc3339-validator's date-time) also
    matches before it, the fast path's date-time does not; such a value goes to jsonschema, which decides."""
    if isinstance(value, str):
        return value.endswith("\n")
    if isinstance(value, dict):
        return any(ends_a_line(v) for v in value.values())
    if isinstance(value, list):
        return any(ends_a_line(v) for v in value)
    return False


def test_the_fast_path_agrees_with_jsonschema(document, shared_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client = Client(document, base_url="http://127.0.0.1:9")
    validators = client._validators
    counts: Counter = Counter()
    unsound, missed = [], []
    for schema, direction in schemas_of(client.spec):
        try:
            fast = validators._entry(schema, direction).fast
        except SpecError:
            counts["unusable schema"] += 1
            continue
        counts["schemas"] += 1
        if fast is None:
            counts["slow path only"] += 1
            continue
        for value in instances(client.spec, schema):
            try:
                slow = slow_valid(validators, schema, direction, value)
            except (SpecError, RecursionError):
                continue
            try:
                quick = fast(value)
            except Exception:
                quick = False
            counts["instances"] += 1
            counts["valid" if slow else "invalid"] += 1
            if quick and not slow:
                unsound.append(f"{schema.ref} ({direction}): {value!r:.200}")
            elif slow and not quick and not ends_a_line(value):
                missed.append(f"{schema.ref} ({direction}): {value!r:.200}")
    STATS.append((document.name, counts))
    assert unsound == [], f"the fast path calls valid what jsonschema refuses: {unsound[:5]}"
    assert missed == [], f"the fast path refuses what jsonschema accepts: {missed[:5]}"
    if counts["schemas"]:
        assert 1 - counts["slow path only"] / counts["schemas"] >= COVERAGE, counts
    assert counts["valid"] or not counts["instances"]

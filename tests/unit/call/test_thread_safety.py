"""One client shared by many threads: the first calls race to compile the same large schema, and strict
validation still refuses every invalid body (nothing reaches the transport)."""

import sys
import threading

import pytest

from talos_dynamic import Client, MockTransport, RequestValidationError, Response

FIELDS = 150


def big_spec():
    leaves = {
        f"Leaf{i}": {
            "type": "object",
            "required": ["n"],
            "properties": {
                "n": {"type": "integer", "minimum": 0},
                "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
            },
        }
        for i in range(FIELDS)
    }
    big = {
        "type": "object",
        "required": [f"f{i}" for i in range(FIELDS)],
        "properties": {f"f{i}": {"$ref": f"#/components/schemas/Leaf{i}"} for i in range(FIELDS)},
    }
    tag = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "maxLength": 5}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Big", "version": "1"},
        "paths": {
            "/big": {
                "post": {
                    "operationId": "createBig",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Big"}}},
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        "components": {"schemas": {"Big": big, "Tag": tag, **leaves}},
    }


def body(broken_field: int | None):
    value = {f"f{i}": {"n": i, "tags": [{"name": "ok"}]} for i in range(FIELDS)}
    if broken_field is not None:  # deep in the last-inlined part of the schema: a tag name too long
        value[f"f{broken_field}"]["tags"] = [{"name": "far-too-long"}]
    return value


def test_sixteen_threads_racing_to_compile_never_let_an_invalid_body_pass():
    # Without the compile lock this fails: threads validate against a half-inlined schema and send.
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, so the race is really run
    try:
        race(big_spec())
    finally:
        sys.setswitchinterval(previous)


def race(spec):
    for _round in range(15):
        transport = MockTransport(lambda request: Response(200))
        client = Client(spec, base_url="http://api.test", transport=transport)
        barrier = threading.Barrier(16)
        outcomes: list[str] = []

        def call(index: int, client=client, barrier=barrier, outcomes=outcomes) -> None:
            invalid = index % 2 == 0
            barrier.wait()
            try:
                client.create_big(body=body(FIELDS - 1 - index if invalid else None))
                outcomes.append("sent-invalid" if invalid else "sent-valid")
            except RequestValidationError as error:
                ok = invalid and [v.rule for v in error.violations] == ["maxLength"]
                outcomes.append("refused" if ok else f"wrongly refused: {error}")

        threads = [threading.Thread(target=call, args=(i,)) for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["refused"] * 8 + ["sent-valid"] * 8, outcomes
        assert len(transport.requests) == 8


@pytest.mark.parametrize("mode", ["strict", "warn", "off"])
def test_per_call_validation_does_not_touch_the_shared_client(mode):
    transport = MockTransport(lambda request: Response(200))
    client = Client(big_spec(), base_url="http://api.test", transport=transport)
    client.create_big(body=body(3), _validate=mode) if mode != "strict" else None
    assert client.request_validation == "strict"
    with pytest.raises(RequestValidationError):
        client.create_big(body=body(3))

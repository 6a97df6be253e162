"""A 200 whose JSON body is `null` is a value, checked against the schema, never an "empty body" (Prefect's
POST /flow_runs/lateness answers null where its spec declares a number or null)."""

from __future__ import annotations

import pytest

from talos_dynamic import Client, MockTransport, Response


def _spec(schema: dict) -> dict:
    ok = {"description": "ok", "content": {"application/json": {"schema": schema}}}
    operation = {"operationId": "lateness", "responses": {"200": ok}}
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/lateness": {"post": operation}}}


@pytest.mark.parametrize(
    ("schema", "content", "rules"),
    [
        ({"anyOf": [{"type": "number"}, {"type": "null"}]}, b"null", []),
        ({"type": "number"}, b"null", ["type"]),
        ({"anyOf": [{"type": "number"}, {"type": "null"}]}, b"", ["content"]),
    ],
)
def test_a_json_null_body_is_checked_as_a_value(schema, content, rules):
    answer = Response(200, {"Content-Type": "application/json"}, content)
    with Client(
        _spec(schema), base_url="http://127.0.0.1:9", transport=MockTransport(lambda _: answer), contract=True
    ) as client:
        client.lateness()
        assert [f.rule for f in client.contract.findings] == rules

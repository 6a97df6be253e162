"""Every JSON answer comes back with `.http`, bare numbers and booleans included."""

import json

import pytest

from talos_dynamic import Client, MockTransport, Response

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {"/count": {"get": {"operationId": "count", "responses": {"200": {"description": "any JSON"}}}}},
}


@pytest.mark.parametrize("answer", [42, 0, 2.5, True, False, "text", {"n": 1}, [1, 2]])
def test_every_json_answer_carries_http(answer):
    client = Client(SPEC, base_url="http://127.0.0.1:9", transport=MockTransport(lambda r: Response(200, json=answer)))
    result = client.count()
    assert (result.to_json() if isinstance(answer, list) else result) == answer and bool(result) == bool(answer)
    assert result.http.status == 200 and result.http.request.url == "http://127.0.0.1:9/count"
    if not isinstance(answer, str):
        assert json.dumps(result.to_json()) == json.dumps(answer)
    if isinstance(answer, bool | int | float):
        assert str(result) == str(answer) and repr(result) == f"<{type(result).__name__} 200 {answer}>"
    assert client.count.prepare().url.endswith("/count")

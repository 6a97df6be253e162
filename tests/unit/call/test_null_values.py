"""An unexpected null is one violation (OpenAPI 3.0 and Swagger 2.0 alike), in requests and in answers."""

import logging

import pytest

from talos_dynamic import Client, MockTransport, RequestValidationError, Response

ITEM = {"type": "object", "properties": {"name": {"type": "string"}, "size": {"type": "integer", "nullable": True}}}
OAS30 = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/items": {
            "post": {
                "operationId": "addItem",
                "requestBody": {"content": {"application/json": {"schema": ITEM}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": ITEM}}}},
            }
        }
    },
}
SWAGGER_ITEM = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "size": {"type": "integer", "x-nullable": True}},
}
SWAGGER = {
    "swagger": "2.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/items": {
            "post": {
                "operationId": "addItem",
                "parameters": [{"name": "item", "in": "body", "schema": SWAGGER_ITEM}],
                "responses": {"200": {"description": "ok", "schema": SWAGGER_ITEM}},
            }
        }
    },
}


@pytest.mark.parametrize("spec", [OAS30, SWAGGER], ids=["openapi-3.0", "swagger-2.0"])
def test_an_unexpected_null_is_reported_once(spec, caplog):
    answer = MockTransport(lambda request: Response(200, json={"name": None, "size": None}))
    client = Client(spec, base_url="http://127.0.0.1:9", transport=answer)
    with pytest.raises(RequestValidationError) as caught:
        client.add_item.prepare(name=None, size=None, body={"name": None})
    assert [(v.path, v.message) for v in caught.value.violations] == [("$.name", "None is not of type 'string'")]
    with caplog.at_level(logging.WARNING, logger="talos_dynamic"):
        client.add_item(size=1)
    found = [r.getMessage() for r in caplog.records if "$.name" in r.getMessage()]
    assert len(found) == 1 and found[0].endswith("None is not of type 'string' [type]"), found

"""The error-body contract check holds an error body to what the spec declares for its status (or default):
google.rpc.Status only where the spec says so, and every finding names the shape expected (issue 10,
point 10). The specs are fragments written for these tests."""

import pytest

from talos_dynamic import Client

FASTAPI_ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "array", "items": {"type": "object", "required": ["msg"]}}},
}
STATUS = {
    "type": "object",
    "properties": {"code": {"type": "integer"}, "message": {"type": "string"}, "details": {"type": "array"}},
}


def spec(responses: dict, schemas: dict | None = None) -> dict:
    ok = {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}
    operation = {"operationId": "getThing", "responses": {"200": ok, **responses}}
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/thing": {"get": operation}}}
    document["components"] = {"schemas": schemas or {}}
    return document


def json_error(schema: dict) -> dict:
    return {"description": "error", "content": {"application/json": {"schema": schema}}}


def findings(canned, document, status, body, content_type="application/json"):
    canned.answer("/thing", status, body, content_type=content_type)
    with Client(document, base_url=canned.url, contract=True, retries=0) as client:
        with pytest.raises(client.errors.ApiError):
            client.get_thing()
        return client.contract.findings


def test_a_fastapi_error_the_spec_declares_gives_no_finding(canned):
    document = spec(
        {"422": json_error({"$ref": "#/components/schemas/HTTPValidationError"})},
        {"HTTPValidationError": FASTAPI_ERROR},
    )
    assert findings(canned, document, 422, {"detail": [{"msg": "Field required", "loc": ["body", "name"]}]}) == []


def test_a_fastapi_detail_string_under_a_default_without_schema_gives_no_finding(canned):
    document = spec({"default": {"description": "any error"}})
    assert findings(canned, document, 404, {"detail": "Not Found"}) == []


def test_a_text_error_the_spec_declares_as_text_gives_no_finding(canned):
    document = spec({"default": {"description": "e", "content": {"text/plain": {"schema": {"type": "string"}}}}})
    assert findings(canned, document, 400, b"database is locked", "text/plain") == []


def test_a_body_against_a_declared_schema_says_which_schema_was_expected(canned):
    document = spec(
        {"422": json_error({"$ref": "#/components/schemas/HTTPValidationError"})},
        {"HTTPValidationError": FASTAPI_ERROR},
    )
    found = findings(canned, document, 422, {"detail": [{"loc": ["body"]}]})
    assert [(f.check, f.rule) for f in found] == [("error_body_conformance", "required")]
    assert "expected HTTPValidationError, as the spec declares for 422" in found[0].message


def test_status_is_expected_where_the_spec_declares_it_and_the_finding_says_so(canned):
    document = spec({"default": json_error({"$ref": "#/components/schemas/Status"})}, {"Status": STATUS})
    found = findings(canned, document, 404, {"detail": "Not Found"})
    assert [(f.check, f.rule, f.expected) for f in found] == [
        ("error_body_conformance", "google.rpc.Status", "google.rpc.Status")
    ]
    assert "expected google.rpc.Status Status, as the spec declares for default" in found[0].message
    assert "got a body in the fastapi shape" in found[0].message


def test_an_aip193_envelope_declared_inline_is_a_status_too(canned):
    envelope = {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {"type": "integer"},
                    "message": {"type": "string"},
                    "status": {"type": "string"},
                },
            }
        },
    }
    document = spec({"4XX": json_error(envelope)})
    found = findings(canned, document, 404, {"error": "not found"})
    assert [(f.check, f.path, f.rule) for f in found] == [
        ("error_body_conformance", "$.error", "type"),
        ("error_body_conformance", "$", "google.rpc.Status"),
    ]
    assert "as the spec declares for 4XX" in found[1].message and "got a body in the error shape" in found[1].message


def test_an_application_error_code_is_no_grpc_code_where_no_status_is_declared(canned):
    """{code, message} with the API's own codes (code 1 would be gRPC CANCELLED, 499) is not a mismatch."""
    error = {"type": "object", "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}}
    document = spec({"default": json_error({"$ref": "#/components/schemas/Error"})}, {"Error": error})
    assert findings(canned, document, 404, {"code": 1, "message": "pet not found"}) == []

"""ApiError.message is the server's own text, whatever common shape its error body has, and the decoded
body stays on the error (issue 10, point 11). Each body is a fragment written for this test."""

import pytest

from talos_dynamic import Client
from talos_dynamic.call.read import BodyText
from talos_dynamic.errors import ApiError
from talos_dynamic.rpc_status import decode_status

FASTAPI_LIST = {
    "detail": [
        {"type": "missing", "loc": ["body", "name"], "msg": "Field required", "input": {"pw": "hunter2-secret"}},
        {"type": "int_parsing", "loc": ["query", "limit"], "msg": "Input should be a valid integer", "input": "x"},
    ]
}
SHAPES = [
    ({"code": 5, "message": "key k1 not found", "details": []}, "google.rpc.Status", "key k1 not found"),
    ({"error": {"code": 404, "status": "NOT_FOUND", "message": "no such key"}}, "AIP-193", "no such key"),
    ({"error": {"code": 400, "status": "Bad Request", "message": "bad ttl"}}, "legacy-envelope", "bad ttl"),
    (
        {"type": "https://example.test/probs/out-of-stock", "title": "Out of stock", "status": 409, "detail": "0 left"},
        "problem+json",
        "Out of stock: 0 left",
    ),
    ({"title": "Not Found", "status": 404}, "problem+json", "Not Found"),
    ({"detail": "Variable not found."}, "fastapi", "Variable not found."),
    (FASTAPI_LIST, "fastapi", "body.name: Field required; query.limit: Input should be a valid integer"),
    ({"error": "quota exceeded"}, "error", "quota exceeded"),
    ({"error": "invalid_grant", "error_description": "the code expired"}, "error", "invalid_grant: the code expired"),
    (
        {"statusCode": 400, "message": ["name must be a string", "age must be positive"], "error": "Bad Request"},
        "error",
        "Bad Request: name must be a string; age must be positive",
    ),
    (
        {"message": "Validation failed", "documentation_url": "https://example.test/docs"},
        "message",
        "Validation failed",
    ),
    ({"errors": [{"message": "name is taken"}, {"detail": "slug is taken"}]}, "errors", "name is taken; slug is taken"),
    (
        {
            "exception_message": "Invalid request received.",
            "exception_detail": [{"loc": ["body", "v"], "msg": "too long"}],
        },
        "message",
        "Invalid request received.: body.v: too long",
    ),
    ({"errorMessage": "throttled", "requestId": "r-1"}, "message", "throttled"),
    ("upstream closed the connection", "text", "upstream closed the connection"),
]


@pytest.mark.parametrize(("body", "shape", "message"), SHAPES, ids=[s for _, s, _ in SHAPES])
def test_every_common_shape_gives_its_message(body, shape, message):
    status = decode_status(body, 400)
    assert (status.shape, status.message) == (shape, message)


def test_the_values_of_a_list_of_errors_are_never_read():
    assert "hunter2" not in decode_status(FASTAPI_LIST, 422).message


def test_html_and_broken_json_give_no_message():
    html = BodyText.of("<html><body>Bad gateway</body></html>", b"x" * 38, "text/html")
    broken = BodyText.of('{"detail": "cut', b"x" * 15, "application/json", parsed=False)
    assert decode_status(html, 502).message is None and decode_status(broken, 502).message is None


def test_a_long_message_is_cut():
    assert len(decode_status({"detail": "x" * 5000}, 400).message) == 500


def spec(content_type: str = "application/json") -> dict:
    error = {"description": "error", "content": {content_type: {"schema": {}}}}
    ok = {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}
    operation = {"operationId": "getThing", "responses": {"200": ok, "default": error}}
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/thing": {"get": operation}}}


@pytest.mark.parametrize(
    ("status", "body", "content_type", "message"),
    [
        (404, {"detail": "Variable not found."}, "application/json", "Variable not found."),
        (
            422,
            FASTAPI_LIST,
            "application/json",
            "body.name: Field required; query.limit: Input should be a valid integer",
        ),
        (
            409,
            {"title": "Conflict", "detail": "name taken", "status": 409},
            "application/problem+json",
            "Conflict: name taken",
        ),
        (503, b"maintenance until 10:00\n", "text/plain", "maintenance until 10:00"),
    ],
)
def test_api_error_carries_the_message_and_the_decoded_body(canned, status, body, content_type, message):
    canned.answer("/thing", status, body, content_type=content_type)
    with Client(spec(content_type), base_url=canned.url, retries=0) as client, pytest.raises(ApiError) as caught:
        client.get_thing()
    error = caught.value
    assert error.message == message and message in str(error)
    assert error.body == (body.decode() if isinstance(body, bytes) else body)

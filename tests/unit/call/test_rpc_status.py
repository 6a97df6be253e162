import pytest

from talos_dynamic.errors import ApiError, NotFound, ServerError, error_class_for
from talos_dynamic.rpc_status import decode_status

INFO = {
    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
    "reason": "API_KEY_NOT_FOUND",
    "domain": "www.ory.com/talos",
    "metadata": {"key_id": "k1"},
}


def test_bare_google_rpc_status():
    status = decode_status({"code": 5, "message": "not found", "details": [INFO]}, 404)
    assert (status.grpc_code, status.status, status.message) == (5, "NOT_FOUND", "not found")
    assert (status.reason, status.domain, status.metadata) == (
        "API_KEY_NOT_FOUND",
        "www.ory.com/talos",
        {"key_id": "k1"},
    )
    assert status.shape == "google.rpc.Status"


def test_aip193_envelope_uses_the_status_name_not_the_http_code():
    body = {"error": {"code": 404, "message": "gone", "status": "NOT_FOUND", "details": [INFO]}}
    status = decode_status(body, 404)
    assert (status.grpc_code, status.status, status.reason, status.shape) == (
        5,
        "NOT_FOUND",
        "API_KEY_NOT_FOUND",
        "AIP-193",
    )


def test_legacy_envelope_takes_reason_and_maps_http_status():
    body = {"error": {"code": 400, "status": "Bad Request", "message": "bad ttl", "reason": "TTL_INVALID"}}
    status = decode_status(body, 400)
    assert (status.grpc_code, status.status, status.message, status.reason) == (
        3,
        "INVALID_ARGUMENT",
        "bad ttl",
        "TTL_INVALID",
    )
    assert status.shape == "legacy-envelope"


@pytest.mark.parametrize("body", [None, "", b"<html>", [1, 2], {"unexpected": True}])
def test_bodies_that_are_not_a_status_still_give_a_code(body):
    status = decode_status(body, 503)
    assert (status.grpc_code, status.status, status.message) == (14, "UNAVAILABLE", None)


def test_error_classes_by_status():
    assert error_class_for(404) is NotFound
    assert issubclass(error_class_for(502), ServerError)
    assert error_class_for(418) is ApiError
    error = NotFound("Op", 404, {"code": 5, "message": "m", "details": [INFO]}, None)
    assert (error.http_status, error.grpc_code, error.status, error.reason) == (
        404,
        5,
        "NOT_FOUND",
        "API_KEY_NOT_FOUND",
    )
    assert "API_KEY_NOT_FOUND" in str(error) and "404" in str(error)

"""What crosses the wire, against purpose-built handlers on 127.0.0.1: error shapes, content types,
response validation, transport failures, logging, and specs loaded from a URL."""

import logging
import socket

import pytest

from talos_dynamic import (
    ApiError,
    BadRequest,
    Client,
    NotFound,
    ResponseValidationError,
    TransportError,
)
from talos_dynamic.errors import ServiceUnavailable, TooManyRequests

STATUS = {"type": "object", "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}}
THING = {
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"type": "string"}, "count": {"type": "integer"}, "secret": {"type": "string"}},
}


def api(extra_paths=None):
    json_ok = {"description": "ok", "content": {"application/json": {"schema": THING}}}
    paths = {
        "/thing": {
            "get": {
                "operationId": "getThing",
                "responses": {
                    "200": json_ok,
                    "default": {"description": "error", "content": {"application/json": {"schema": STATUS}}},
                },
            }
        },
        "/text": {
            "get": {
                "operationId": "getText",
                "responses": {"200": {"description": "t", "content": {"text/plain": {"schema": {"type": "string"}}}}},
            }
        },
        "/blob": {
            "get": {
                "operationId": "getBlob",
                "responses": {
                    "200": {
                        "description": "b",
                        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
                    }
                },
            }
        },
        "/gone": {"delete": {"operationId": "deleteThing", "responses": {"204": {"description": "gone"}}}},
    }
    paths.update(extra_paths or {})
    return {"openapi": "3.0.3", "info": {"title": "Wire", "version": "1"}, "paths": paths}


INFO = {
    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
    "reason": "THING_NOT_FOUND",
    "domain": "d",
    "metadata": {"id": "t1"},
}


@pytest.mark.parametrize(
    ("body", "status_name", "grpc_code", "reason"),
    [
        ({"code": 5, "message": "no thing", "details": [INFO]}, "NOT_FOUND", 5, "THING_NOT_FOUND"),
        (
            {"error": {"code": 404, "message": "no thing", "status": "NOT_FOUND", "details": [INFO]}},
            "NOT_FOUND",
            5,
            "THING_NOT_FOUND",
        ),
        (
            {"error": {"code": 404, "status": "Not Found", "message": "no thing", "reason": "THING_NOT_FOUND"}},
            "NOT_FOUND",
            5,
            "THING_NOT_FOUND",
        ),
    ],
)
def test_the_three_error_shapes(canned, body, status_name, grpc_code, reason):
    canned.answer("/thing", 404, body)
    client = Client(api(), base_url=canned.url)
    with pytest.raises(NotFound) as caught:
        client.get_thing()
    error = caught.value
    assert (error.http_status, error.status, error.grpc_code, error.reason, error.message) == (
        404,
        status_name,
        grpc_code,
        reason,
        "no thing",
    )
    assert error.response.status_code == 404


def test_other_error_statuses(canned):
    client = Client(api(), base_url=canned.url, retries=0)
    canned.answer("/thing", 400, {"code": 3, "message": "bad"})
    with pytest.raises(BadRequest):
        client.get_thing()
    canned.answer("/thing", 429, {"code": 8, "message": "slow down"}, headers={"Retry-After": "7"})
    with pytest.raises(TooManyRequests) as caught:
        client.get_thing()
    assert caught.value.retry_after == 7.0
    canned.answer("/thing", 503, b"<html>down</html>", content_type="text/html")
    with pytest.raises(ServiceUnavailable) as caught:
        client.get_thing()
    assert (caught.value.status, caught.value.grpc_code, caught.value.message) == ("UNAVAILABLE", 14, None)
    canned.answer("/thing", 418, {"code": 2})
    with pytest.raises(ApiError) as caught:
        client.get_thing()
    assert type(caught.value) is ApiError and caught.value.http_status == 418


def test_text_binary_and_empty_responses(canned):
    client = Client(api(), base_url=canned.url, response_validation="strict")
    canned.answer("/text", 200, "héllo".encode(), content_type="text/plain; charset=utf-8")
    text = client.get_text()
    assert text == "héllo" and text.http.status == 200
    canned.answer("/blob", 200, b"\x00\xff", content_type="application/octet-stream")
    blob = client.get_blob()
    assert blob == b"\x00\xff" and isinstance(blob, bytes)
    canned.answer("/gone", 204, b"")
    gone = client.delete_thing()
    assert gone == {} and gone.http.status == 204


def test_strict_response_validation_names_operation_status_path_and_value(canned):
    client = Client(api(), base_url=canned.url, response_validation="strict")
    canned.answer("/thing", 200, {"id": "t1", "count": "three"})
    with pytest.raises(ResponseValidationError) as caught:
        client.get_thing()
    error = caught.value
    assert (error.operation, error.status) == ("getThing", 200)
    assert [(v.path, v.rule, v.value) for v in error.violations] == [("$.count", "type", "three")]
    assert "getThing" in str(error) and "$.count" in str(error)
    canned.answer("/thing", 201, {"id": "t1"})
    # 201 falls to `default`, whose schema the body satisfies: declared, so no violation
    assert client.get_thing().http.status == 201
    canned.answer("/text", 202, b"x", content_type="text/plain")
    with pytest.raises(ResponseValidationError, match="status 202 is not declared"):
        client.get_text()
    canned.answer("/thing", 200, b"<html></html>", content_type="text/html")
    with pytest.raises(ResponseValidationError, match="Content-Type 'text/html' is not declared"):
        client.get_thing()


def test_warn_mode_logs_and_keeps_violations_with_secrets_masked(canned, caplog):
    client = Client(api(), base_url=canned.url)  # response_validation="warn" is the default
    canned.answer("/thing", 200, {"count": 1, "secret": 42})
    with caplog.at_level(logging.WARNING, logger="talos_dynamic"):
        result = client.get_thing()
    assert result.count == 1
    assert {(v.path, v.rule) for v in result.http.violations} == {("$", "required"), ("$.secret", "type")}
    assert "42" not in caplog.text and "$.secret" in caplog.text
    off = Client(api(), base_url=canned.url, response_validation="off")
    assert off.get_thing().http.violations == ()


def test_debug_log_has_one_line_each_way_with_secrets_masked(canned, caplog):
    spec = api(
        {
            "/login": {
                "post": {
                    "operationId": "login",
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "user": {"type": "string"},
                                        "pin": {"type": "string", "format": "password"},
                                        "credential": {"type": "string"},
                                    },
                                }
                            }
                        }
                    },
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": THING}}}},
                }
            }
        }
    )
    client = Client(spec, base_url=canned.url, token="bearer-token-value")
    canned.answer("/login", 200, {"id": "u1", "secret": "sk_response_secret"})
    with caplog.at_level(logging.DEBUG, logger="talos_dynamic"):
        client.login(user="alice", pin="4321", credential="cred-value")
    lines = [r.getMessage() for r in caplog.records if r.name == "talos_dynamic"]
    assert len(lines) == 2 and lines[0].startswith("-> POST") and lines[1].startswith("<- 200 POST")
    text = "\n".join(lines)
    for secret in ("bearer-token-value", "4321", "cred-value", "sk_response_secret"):
        assert secret not in text
    assert "alice" in text and "Bearer ***" in text
    sent = canned.requests[-1]
    assert sent["headers"]["Authorization"] == "Bearer bearer-token-value"


def test_connection_refused_names_the_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = Client(api(), base_url=f"http://127.0.0.1:{port}")
    with pytest.raises(TransportError) as caught:
        client.get_thing()
    assert f"127.0.0.1:{port}/thing" in str(caught.value)


def test_timeout_is_finite_and_reported(canned):
    import threading

    release = threading.Event()
    original = canned.server.RequestHandlerClass.do_GET

    def slow(handler):
        release.wait(2)
        original(handler)

    canned.server.RequestHandlerClass.do_GET = slow
    client = Client(api(), base_url=canned.url, timeout=0.2)
    with pytest.raises(TransportError, match="timed out after 0.2s"):
        client.get_thing()
    release.set()


def test_spec_from_a_url_with_relative_refs_and_servers(canned):
    import json

    root = api()
    root["servers"] = [{"url": "/api/v1"}]
    root["paths"]["/thing"]["get"]["responses"]["200"] = {"$ref": "parts/responses.json#/ThingOk"}
    canned.answer("/specs/openapi.json", 200, root)
    canned.answer(
        "/specs/parts/responses.json",
        200,
        {"ThingOk": {"description": "ok", "content": {"application/json": {"schema": THING}}}},
    )
    canned.answer("/api/v1/thing", 200, {"id": "t9"})
    client = Client(f"{canned.url}/specs/openapi.json", response_validation="strict")
    thing = client.get_thing()
    assert thing.id == "t9" and thing.http.response.url == f"{canned.url}/api/v1/thing"
    assert json.loads(json.dumps(client.spec.document)) == root


def test_schema_dollar_schema_and_unknown_urls_are_never_fetched(canned):
    spec = api()
    spec["paths"]["/thing"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {
        "$schema": f"{canned.url}/metaschema.json",
        "type": "object",
        "properties": {"id": {"$schema": f"{canned.url}/other.json", "type": "string"}},
    }
    canned.answer("/thing", 200, {"id": "t1"})
    client = Client(spec, base_url=canned.url, response_validation="strict")
    assert client.get_thing().id == "t1"
    assert [r["path"] for r in canned.requests] == ["/thing"]


def test_one_pooled_connection_per_client_and_a_finite_default_timeout(canned):
    canned.answer("/thing", 200, {"id": "t1"})
    with Client(api(), base_url=canned.url) as client:
        assert client.timeout == 30.0
        for _ in range(3):
            client.get_thing()
    assert len({r["client_port"] for r in canned.requests}) == 1


def test_large_downloads_can_be_streamed(canned, tmp_path):
    payload = bytes(range(256)) * 4096  # 1 MiB
    canned.answer("/blob", 200, payload, content_type="application/octet-stream")
    client = Client(api(), base_url=canned.url, response_validation="strict")
    with client.get_blob(_stream=True) as download:
        assert download.http.status == 200
        assert download.save(tmp_path / "blob.bin") == len(payload)
    assert (tmp_path / "blob.bin").read_bytes() == payload
    canned.answer("/blob", 200, b"<html>", content_type="text/html")
    with pytest.raises(ResponseValidationError, match="text/html"):
        client.get_blob(_stream=True)
    canned.answer("/blob", 404, {"code": 5, "message": "gone"})
    with pytest.raises(NotFound):
        client.get_blob(_stream=True)


def test_callbacks_links_and_webhooks_are_readable():
    spec = api(
        {
            "/subscribe": {
                "post": {
                    "operationId": "subscribe",
                    "callbacks": {
                        "onEvent": {"{$request.body#/url}": {"post": {"responses": {"200": {"description": "ok"}}}}}
                    },
                    "responses": {"201": {"description": "made", "links": {"self": {"operationId": "getThing"}}}},
                }
            }
        }
    )
    spec["openapi"] = "3.1.0"
    spec["webhooks"] = {"ping": {"post": {"responses": {"200": {"description": "ok"}}}}}
    client = Client(spec, base_url="http://127.0.0.1:9")
    operation = client.subscribe.operation
    assert list(operation.callbacks["onEvent"]) == ["{$request.body#/url}"]
    assert operation.responses["201"].links == {"self": {"operationId": "getThing"}}
    assert list(client.spec.webhooks) == ["ping"]

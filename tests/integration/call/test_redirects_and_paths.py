"""Redirects never carry credentials or a body to another origin; path values never change the path's shape.

Two CannedServers on 127.0.0.1 are two origins (different ports)."""

import asyncio
from email.utils import formatdate

import pytest

from talos_dynamic import AsyncClient, Client, NotFound, RequestValidationError, TransportError
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.errors import ServiceUnavailable, TooManyRequests

from ...conftest import ADMIN_TOKEN, CannedServer

OK = {"id": "t1"}


def api():
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}
    body = {"content": {"application/json": {"schema": {"type": "object"}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Redirects", "version": "1"},
        "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}}},
        "security": [{"key": []}],
        "paths": {
            "/thing": {
                "get": {"operationId": "getThing", "responses": ok},
                "post": {"operationId": "postThing", "requestBody": body, "responses": ok},
            }
        },
    }


@pytest.fixture()
def other():
    server = CannedServer()
    yield server
    server.stop()


def client(canned, **options):
    return Client(api(), base_url=canned.url, auth={"key": "KEY-SECRET"}, headers={"X-Team": "t"}, **options)


def lowered(request):
    return {k.lower(): v for k, v in request["headers"].items()}


def test_a_same_origin_redirect_keeps_the_credentials(canned):
    canned.answer("/thing", 302, b"", headers={"Location": "/moved"})
    canned.answer("/moved", 200, OK)
    assert client(canned).get_thing().http.status == 200
    assert lowered(canned.requests[1])["x-api-key"] == "KEY-SECRET"


def test_leaving_the_origin_drops_every_credential_and_header_the_client_added(canned, other):
    canned.answer("/thing", 302, b"", headers={"Location": f"{other.url}/landing"})
    other.answer("/landing", 200, OK)
    seen = []
    c = client(canned, token="BEARER-SECRET", hooks={"request": [lambda r: seen.append(r.url)]})
    assert c.get_thing().http.status == 200
    landed = lowered(other.requests[0])
    assert not {"x-api-key", "authorization", "x-team", "cookie"} & set(landed)
    assert landed["user-agent"].startswith("talos-dynamic/") and landed["accept"] == "application/json"
    assert seen == [f"{canned.url}/thing", f"{other.url}/landing"]


def test_a_body_is_never_re_sent_to_another_origin(canned, other):
    canned.answer("/thing", 307, b"", headers={"Location": f"{other.url}/landing"})
    with pytest.raises(TransportError) as caught:
        client(canned).post_thing(body={"credential": "BODY-SECRET"})
    assert caught.value.kind == "redirects" and "another origin" in str(caught.value)
    assert other.requests == []


def test_a_same_origin_307_re_sends_the_body_and_303_turns_into_a_get(canned):
    canned.answer("/thing", 307, b"", headers={"Location": "/again"})
    canned.answer("/again", 303, b"", headers={"Location": "/done"})
    canned.answer("/done", 200, OK)
    client(canned).post_thing(body={"a": 1})
    methods = [(r["method"], r["path"], r["body"]) for r in canned.requests]
    assert methods == [("POST", "/thing", b'{"a":1}'), ("POST", "/again", b'{"a":1}'), ("GET", "/done", b"")]


def test_redirects_can_be_turned_off_and_loops_end(canned):
    canned.answer("/thing", 302, b"", headers={"Location": "/thing"})
    result = client(canned, follow_redirects=False, response_validation="off").get_thing()
    assert result.http.status == 302 and len(canned.requests) == 1
    with pytest.raises(TransportError, match="more than 10 redirects"):
        client(canned).get_thing()


def test_async_redirects_follow_the_same_rules(canned, other):
    canned.answer("/thing", 302, b"", headers={"Location": f"{other.url}/landing"})
    other.answer("/landing", 200, OK)

    async def call():
        async with AsyncClient(api(), base_url=canned.url, auth={"key": "KEY-SECRET"}) as c:
            return await c.get_thing()

    assert asyncio.run(call()).http.status == 200
    assert "x-api-key" not in lowered(other.requests[0])


@pytest.mark.parametrize(
    ("key_id", "path"),
    [("..", "%2E%2E"), (".", "%2E"), ("a/b", "a%2Fb"), ("../x", "..%2Fx"), ("%2E%2E", "%252E%252E")],
)
def test_a_path_value_is_sent_as_one_encoded_segment(canned, key_id, path):
    canned.answer(f"/v2alpha1/admin/issuedApiKeys/{path}", 200, {"key_id": key_id})
    talos = Client(TALOS_SPEC, base_url=canned.url, token=ADMIN_TOKEN, response_validation="off")
    assert talos.admin_get_issued_api_key(key_id=key_id).key_id == key_id
    assert canned.requests[0]["path"] == f"/v2alpha1/admin/issuedApiKeys/{path}"


@pytest.mark.parametrize("key_id", ["..", ".", "a/b", "../issuedApiKeys", "%2E%2E"])
def test_a_path_value_cannot_change_the_paths_shape(talos_server, key_id):
    talos = Client(TALOS_SPEC, base_url=talos_server.url, token=ADMIN_TOKEN, retries=0)
    with pytest.raises(NotFound) as caught:
        talos.admin_get_issued_api_key(key_id=key_id)
    assert key_id in caught.value.message  # the server looked up exactly this key, not another path


def test_an_empty_required_path_value_is_refused(talos_server):
    talos = Client(TALOS_SPEC, base_url=talos_server.url, token=ADMIN_TOKEN)
    with pytest.raises(RequestValidationError, match="must not be empty"):
        talos.admin_get_issued_api_key(key_id="")


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_read_in_both_forms_on_429_and_503(canned, status):
    thing = {"get": {"operationId": "getThing", "responses": {"default": {"description": "e"}}}}
    spec = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/thing": thing}}
    c = Client(spec, base_url=canned.url, retries=0)
    canned.answer("/thing", status, {"code": 14}, headers={"Retry-After": "7"})
    with pytest.raises((TooManyRequests, ServiceUnavailable)) as caught:
        c.get_thing()
    assert caught.value.retry_after == 7.0
    import time

    canned.answer("/thing", status, {"code": 14}, headers={"Retry-After": formatdate(time.time() + 30, usegmt=True)})
    with pytest.raises((TooManyRequests, ServiceUnavailable)) as caught:
        c.get_thing()
    assert 28 <= caught.value.retry_after <= 30

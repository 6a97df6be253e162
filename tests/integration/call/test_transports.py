"""The shipped transports over real sockets on 127.0.0.1: httpx (sync), failures named as such, per-call
headers on the wire."""

import pytest
import requests

from talos_dynamic import Client, HttpxTransport, NotFound, RequestsTransport, TransportError
from talos_dynamic.bundled import TALOS_SPEC

from ...conftest import ADMIN_TOKEN
from .test_wire import api


def test_the_talos_flow_on_the_httpx_transport(talos_server):
    with Client(
        TALOS_SPEC,
        base_url=talos_server.url,
        token=ADMIN_TOKEN,
        transport=HttpxTransport(),
        response_validation="strict",
    ) as talos:
        out = talos.admin_issue_api_key(actor_id="user_httpx", scopes=["read"])
        assert talos.admin_verify_api_key(credential=out.secret).is_active
        with pytest.raises(NotFound) as caught:
            talos.admin_get_issued_api_key(key_id="nonexistent-id")
        assert caught.value.reason == "API_KEY_NOT_FOUND"
        with talos.get_jwks(_stream=True) as stream:
            assert b"keys" in b"".join(stream.iter_bytes(16))


@pytest.mark.parametrize("transport", [RequestsTransport, HttpxTransport])
def test_connection_refused_is_named_with_the_url(transport):
    client = Client(api(), base_url="http://127.0.0.1:9", transport=transport(), retries=0)
    with pytest.raises(TransportError) as caught:
        client.get_thing()
    error = caught.value
    assert error.kind == "connect" and error.url == "http://127.0.0.1:9/thing" and "connection" in str(error)


def test_a_proxy_that_cannot_be_reached_is_named_as_a_proxy_error(canned):
    session = requests.Session()
    session.proxies = {"http": "http://127.0.0.1:9"}
    client = Client(api(), base_url=canned.url, session=session, retries=0)
    with pytest.raises(TransportError) as caught:
        client.get_thing()
    assert caught.value.kind == "proxy" and "proxy error" in str(caught.value) and canned.requests == []


@pytest.mark.parametrize("transport", [RequestsTransport, HttpxTransport])
def test_per_call_headers_go_on_the_wire_and_not_on_the_next_call(canned, transport):
    canned.answer("/thing", 200, {"id": "t1"})
    client = Client(api(), base_url=canned.url, headers={"X-Team": "a"}, transport=transport())
    client.get_thing(_headers={"X-Trace": "t-1", "X-Team": "b"})
    client.get_thing()
    first, second = (r["headers"] for r in canned.requests)
    assert (first["X-Trace"], first["X-Team"]) == ("t-1", "b")
    assert "X-Trace" not in second and second["X-Team"] == "a"


def test_a_users_session_headers_are_kept(canned):
    canned.answer("/thing", 200, {"id": "t1"})
    session = requests.Session()
    session.headers["X-From-Session"] = "yes"
    Client(api(), base_url=canned.url, session=session).get_thing()
    assert canned.requests[0]["headers"]["X-From-Session"] == "yes"

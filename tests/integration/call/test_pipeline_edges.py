"""Edges of the call pipeline over real sockets: redirects, a user's session, headers that differ only in
case, bad input refused before sending, Retry-After limits, transports of the wrong kind, streamed errors."""

import asyncio
import math

import pytest
import requests

from talos_dynamic import (
    AsyncClient,
    AsyncHttpxTransport,
    Client,
    ConfigurationError,
    HttpxTransport,
    NotFound,
    RequestsTransport,
    RequestValidationError,
)
from talos_dynamic.errors import ServiceUnavailable

from .test_wire import api

OK = {"id": "t1"}


def body_api():
    spec = api()
    spec["paths"]["/things"] = {
        "post": {
            "operationId": "createThing",
            "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"200": {"description": "ok"}},
        }
    }
    return spec


@pytest.mark.parametrize("transport", [RequestsTransport, HttpxTransport])
def test_a_redirect_is_followed(canned, transport):
    canned.answer("/thing", 302, b"", headers={"Location": "/moved"})
    canned.answer("/moved", 200, OK)
    result = Client(api(), base_url=canned.url, transport=transport()).get_thing()
    assert result.id == "t1" and [r["path"] for r in canned.requests] == ["/thing", "/moved"]


def test_what_a_users_session_holds_is_sent(canned):
    canned.answer("/thing", 200, OK, headers={"Set-Cookie": "sid=abc; Path=/"})
    session = requests.Session()
    session.auth = ("user", "pass")
    session.params = {"tenant": "t1"}
    client = Client(api(), base_url=canned.url, session=session)
    client.get_thing()
    session.headers["X-Late"] = "1"
    client.get_thing()
    second = canned.requests[-1]
    assert second["headers"]["Cookie"] == "sid=abc" and second["headers"]["X-Late"] == "1"
    assert second["headers"]["Authorization"].startswith("Basic ") and second["path"] == "/thing?tenant=t1"


@pytest.mark.parametrize("transport", [RequestsTransport, HttpxTransport])
def test_header_names_differing_in_case_are_sent_once(canned, transport):
    canned.answer("/thing", 200, OK)
    client = Client(
        api(), base_url=canned.url, token="T1", headers={"accept": "application/json"}, transport=transport()
    )
    prepared = client.get_thing.prepare(_headers={"authorization": "Bearer OTHER"})
    assert [k.lower() for k in prepared.headers].count("authorization") == 1
    assert prepared.to_curl(mask=False).lower().count("authorization") == 1
    client.get_thing(_headers={"authorization": "Bearer OTHER"})
    sent = {name.lower(): value for name, value in canned.requests[0]["headers"].items()}
    assert sent["authorization"] == "Bearer OTHER" and sent["accept"] == "application/json"


@pytest.mark.parametrize("base_url", ["127.0.0.1:8080", "http://[::1", "ftp://host/x", "http://host:port"])
def test_a_base_url_that_cannot_work_is_refused_when_the_client_is_built(base_url):
    with pytest.raises(ConfigurationError, match="base_url"):
        Client(api(), base_url=base_url)


@pytest.mark.parametrize(
    ("headers", "rule"),
    [({"X-Bad:": "v"}, "header_name"), ({"X-Snow": "\u2603"}, "header_value"), ({"X-A": "a\r\nB: c"}, "header_value")],
)
def test_headers_that_cannot_be_sent_are_refused_and_nothing_is_sent(canned, headers, rule):
    canned.answer("/thing", 200, OK)
    with pytest.raises(RequestValidationError) as caught:
        Client(api(), base_url=canned.url).get_thing(_headers=headers)
    assert [v.rule for v in caught.value.violations] == [rule] and canned.requests == []


@pytest.mark.parametrize("value", [True, math.inf, -1, 0, "5"])
def test_a_timeout_that_is_not_a_positive_finite_number_is_refused(value):
    client = Client(api(), base_url="http://127.0.0.1:9")
    with pytest.raises(ConfigurationError, match="_timeout"):
        client.get_thing(_timeout=value)
    with pytest.raises(ConfigurationError, match="timeout"):
        Client(api(), base_url="http://127.0.0.1:9", timeout=value)


def test_a_number_json_cannot_carry_is_refused(canned):
    client = Client(body_api(), base_url=canned.url)
    with pytest.raises(RequestValidationError, match="not finite"):
        client.create_thing(body={"amount": float("nan")})
    assert canned.requests == []


def test_none_options_mean_the_clients_settings(canned):
    canned.answer("/thing", 503, {"code": 14}, headers={"Retry-After": "0"})
    client = Client(api(), base_url=canned.url, retries=0)
    with pytest.raises(ServiceUnavailable) as caught:
        client.get_thing(_retries=None, _timeout=None, _validate=None, _headers=None)
    assert caught.value.attempts == 1


@pytest.mark.parametrize("retry_after", ["86400", "\u00b2", "Wed, 01 Jan 2099 00:00:00 GMT"])
def test_a_retry_after_too_long_or_unreadable_ends_the_retries_at_once(canned, retry_after):
    canned.answer("/thing", 503, {"code": 14}, headers={"Retry-After": retry_after.encode().decode("latin-1")})
    client = Client(api(), base_url=canned.url, timeout=None)
    with pytest.raises(ServiceUnavailable) as caught:
        client.get_thing()
    assert caught.value.attempts in (1, 3)  # unreadable: backoff retries; too long: none
    assert caught.value.attempts == 1 or retry_after == "\u00b2"


def test_transports_of_the_wrong_kind_are_refused_when_the_client_is_built():
    with pytest.raises(ConfigurationError, match="async transport"):
        AsyncClient(api(), base_url="http://127.0.0.1:9", transport=RequestsTransport())
    with pytest.raises(ConfigurationError, match="sync transport"):
        Client(api(), base_url="http://127.0.0.1:9", transport=AsyncHttpxTransport())


def test_async_streamed_errors_are_decoded_and_streams_saved(canned, tmp_path):
    canned.answer("/thing", 404, {"code": 5, "message": "no thing"})
    canned.answer("/blob", 200, b"x" * 70_000, content_type="application/octet-stream")

    async def calls():
        async with AsyncClient(api(), base_url=canned.url) as client:
            with pytest.raises(NotFound) as caught:
                await client.get_thing(_stream=True)
            async with await client.get_blob(_stream=True) as stream:
                with pytest.raises(TypeError, match="asave"):
                    stream.save(tmp_path / "no")
                written = await stream.asave(tmp_path / "blob")
            return caught.value, written

    error, written = asyncio.run(calls())
    assert (error.message, error.body) == ("no thing", {"code": 5, "message": "no thing"})
    assert written == 70_000 and (tmp_path / "blob").read_bytes() == b"x" * 70_000


def test_result_http_repr_masks_secret_headers(canned):
    canned.answer("/thing", 200, OK, headers={"Set-Cookie": "sid=SECRET1", "X-Auth-Token": "SECRET2"})
    shown = repr(Client(api(), base_url=canned.url).get_thing().http)
    assert "SECRET" not in shown and "attempts=1" in shown

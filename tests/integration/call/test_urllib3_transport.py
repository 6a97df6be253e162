"""The default transport (urllib3, settings resolved once per client) over real sockets on 127.0.0.1: the
proxy environment read when the client is built, pooled keep-alive connections, cookies, limits and
failures named as RequestsTransport names them."""

from __future__ import annotations

import gzip

import pytest

from talos_dynamic import ApiError, Client, RequestsTransport, TransportError, Urllib3Transport

from .test_wire import api

OK = {"id": "t1"}
ENV = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy")


@pytest.fixture()
def clean_env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_default_transport_is_urllib3_and_a_session_keeps_requests():
    import requests

    assert isinstance(Client(api(), base_url="http://127.0.0.1:9").transport, Urllib3Transport)
    with_session = Client(api(), base_url="http://127.0.0.1:9", session=requests.Session())
    assert isinstance(with_session.transport, RequestsTransport)


def test_calls_reuse_one_pooled_connection(canned):
    canned.answer("/thing", 200, OK)
    client = Client(api(), base_url=canned.url)
    for _ in range(3):
        assert client.get_thing().id == "t1"
    assert len({r["client_port"] for r in canned.requests}) == 1


def test_the_proxy_environment_is_read_when_the_client_is_built(canned, clean_env):
    canned.answer("/thing", 200, OK)
    clean_env.setenv("HTTP_PROXY", canned.url)  # the canned server plays the proxy: it sees absolute URLs
    proxied = Client(api(), base_url="http://api.example.invalid", retries=0)
    clean_env.delenv("HTTP_PROXY")
    with pytest.raises(ApiError):  # the "proxy" answers 404 to an absolute URL it does not know
        proxied.get_thing()
    assert canned.requests[-1]["path"] == "http://api.example.invalid/thing"
    direct = Client(api(), base_url=canned.url)  # built without the variable: goes straight there
    clean_env.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    assert direct.get_thing().id == "t1" and canned.requests[-1]["path"] == "/thing"


def test_no_proxy_sends_straight_to_the_host(canned, clean_env):
    canned.answer("/thing", 200, OK)
    clean_env.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    clean_env.setenv("NO_PROXY", "127.0.0.1")
    assert Client(api(), base_url=canned.url, retries=0).get_thing().id == "t1"


def test_an_unreachable_proxy_from_the_environment_is_a_proxy_error(canned, clean_env):
    clean_env.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    with pytest.raises(TransportError) as caught:
        Client(api(), base_url=canned.url, retries=0).get_thing()
    assert caught.value.kind == "proxy" and "proxy error" in str(caught.value) and canned.requests == []


def test_a_cookie_the_server_sets_is_sent_on_later_calls_to_it(canned):
    canned.answer("/thing", 200, OK, headers={"Set-Cookie": "sid=abc; Path=/"})
    client = Client(api(), base_url=canned.url)
    client.get_thing()
    client.get_thing()
    assert "Cookie" not in canned.requests[0]["headers"] and canned.requests[1]["headers"]["Cookie"] == "sid=abc"


def test_connection_refused_is_a_connect_error_with_the_url():
    with pytest.raises(TransportError) as caught:
        Client(api(), base_url="http://127.0.0.1:9", retries=0).get_thing()
    error = caught.value
    assert error.kind == "connect" and error.url == "http://127.0.0.1:9/thing" and "connection refused" in str(error)


def test_a_body_over_the_limit_and_a_compression_bomb_are_refused(canned):
    canned.answer("/thing", 200, b'{"id": "' + b"x" * 5000 + b'"}')
    with pytest.raises(TransportError) as caught:
        Client(api(), base_url=canned.url, max_response_bytes=1000).get_thing()
    assert caught.value.kind == "size" and "1000 bytes" in str(caught.value)
    canned.answer("/thing", 200, gzip.compress(b" " * 20_000_000), headers={"Content-Encoding": "gzip"})
    with pytest.raises(TransportError) as caught:
        Client(api(), base_url=canned.url, transport=Urllib3Transport(1_000_000)).get_thing()
    assert caught.value.kind == "size"


def test_a_stream_left_unread_does_not_spoil_the_next_call(canned, tmp_path):
    canned.answer("/blob", 200, b"y" * 200_000, content_type="application/octet-stream")
    canned.answer("/thing", 200, OK)
    client = Client(api(), base_url=canned.url)
    with client.get_blob(_stream=True) as stream:
        assert len(next(stream.iter_bytes(10))) == 10
    assert client.get_thing().id == "t1"
    with client.get_blob(_stream=True) as stream:
        stream.save(tmp_path / "blob")
    assert (tmp_path / "blob").stat().st_size == 200_000 and client.get_thing().id == "t1"


def test_no_proxy_takes_cidr_blocks_as_requests_does(canned, clean_env):
    canned.answer("/thing", 200, OK)
    clean_env.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    clean_env.setenv("NO_PROXY", "10.0.0.0/8,127.0.0.0/8")
    assert Client(api(), base_url=canned.url, retries=0).get_thing().id == "t1"


def test_credentials_in_the_proxy_url_go_to_the_proxy(canned, clean_env):
    canned.answer("/thing", 200, OK)
    clean_env.setenv("HTTP_PROXY", canned.url.replace("http://", "http://proxy-user:p%40ss@"))
    with pytest.raises(ApiError):
        Client(api(), base_url="http://api.example.invalid", retries=0).get_thing()
    headers = {name.lower(): value for name, value in canned.requests[-1]["headers"].items()}
    assert headers["proxy-authorization"] == "Basic cHJveHktdXNlcjpwQHNz"  # proxy-user:p@ss

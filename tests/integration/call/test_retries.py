"""Retries against a real server on 127.0.0.1: when a call is repeated, how long it waits, and when it is not."""

import logging
import time
from email.utils import formatdate

import pytest

from talos_dynamic import Client, RequestValidationError, RetryPolicy, TransportError
from talos_dynamic.errors import ServiceUnavailable

OK = {"id": "t1"}
DOWN = {"code": 14, "message": "down"}
THING = {"type": "object", "properties": {"id": {"type": "string"}}}
JSON_OK = {"description": "ok", "content": {"application/json": {"schema": THING}}}


def api():
    body = {"content": {"application/json": {"schema": {"type": "object"}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Retries", "version": "1"},
        "paths": {
            "/thing": {
                "get": {"operationId": "getThing", "responses": {"200": JSON_OK, "default": {"description": "e"}}},
                "post": {"operationId": "createThing", "requestBody": body, "responses": {"200": JSON_OK}},
            },
            "/keyed": {
                "post": {
                    "operationId": "createKeyed",
                    "parameters": [{"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}}],
                    "requestBody": body,
                    "responses": {"200": JSON_OK},
                }
            },
        },
    }


def test_503_with_retry_after_is_retried_once_and_the_wait_honoured(canned, caplog):
    canned.answer_in_turn("/thing", (503, DOWN, {"Retry-After": "1"}), (200, OK))
    client = Client(api(), base_url=canned.url)
    with caplog.at_level(logging.INFO, logger="talos_dynamic"):
        result = client.get_thing()
    assert result.id == "t1" and result.http.attempts == 2
    first, second = canned.requests
    assert second["at"] - first["at"] >= 0.95  # Retry-After: 1 was waited out
    retry_lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert len(retry_lines) == 1 and "HTTP 503" in retry_lines[0] and "1.00s" in retry_lines[0]


def test_retry_after_as_an_http_date_is_honoured(canned):
    later = formatdate(time.time() + 2, usegmt=True)  # whole seconds: between 1 and 2 s from now
    canned.answer_in_turn("/thing", (429, DOWN, {"Retry-After": later}), (200, OK))
    result = Client(api(), base_url=canned.url).get_thing()
    assert result.http.attempts == 2
    first, second = canned.requests
    assert second["at"] - first["at"] >= 0.9


def test_a_post_without_an_idempotency_key_is_not_retried(canned):
    canned.answer_in_turn("/thing", (503, DOWN), (200, OK))
    client = Client(api(), base_url=canned.url)
    with pytest.raises(ServiceUnavailable) as caught:
        client.create_thing(body={"a": 1})
    assert caught.value.attempts == 1 and len(canned.requests) == 1


def test_a_post_with_an_idempotency_key_is_retried(canned):
    canned.answer_in_turn("/keyed", (502, DOWN, {"Retry-After": "0"}), (200, OK))
    result = Client(api(), base_url=canned.url).create_keyed(idempotency_key="k-1", body={"a": 1})
    assert result.http.attempts == 2
    assert [r["headers"]["Idempotency-Key"] for r in canned.requests] == ["k-1", "k-1"]


def test_talos_request_id_makes_a_post_repeatable(canned):
    canned.answer_in_turn("/thing", (503, DOWN, {"Retry-After": "0"}), (200, OK))
    result = Client(api(), base_url=canned.url).create_thing(body={"request_id": "r-1"})
    assert result.http.attempts == 2


def test_retries_can_be_turned_off_per_call_and_per_client(canned):
    canned.answer_in_turn("/thing", (503, DOWN, {"Retry-After": "0"}), (200, OK))
    with pytest.raises(ServiceUnavailable) as caught:
        Client(api(), base_url=canned.url).get_thing(_retries=0)
    assert caught.value.attempts == 1 and len(canned.requests) == 1
    canned.queued.clear()
    canned.answer_in_turn("/thing", (503, DOWN, {"Retry-After": "0"}), (200, OK))
    with pytest.raises(ServiceUnavailable):
        Client(api(), base_url=canned.url, retries=0).get_thing()
    assert len(canned.requests) == 2


def test_attempts_are_capped_and_the_last_answer_is_raised(canned):
    canned.answer("/thing", 503, DOWN, headers={"Retry-After": "0"})
    client = Client(api(), base_url=canned.url, retries=RetryPolicy(max_attempts=4))
    with pytest.raises(ServiceUnavailable) as caught:
        client.get_thing()
    assert caught.value.attempts == 4 and len(canned.requests) == 4


def test_a_wait_that_would_pass_the_deadline_is_not_taken(canned):
    canned.answer_in_turn("/thing", (503, DOWN, {"Retry-After": "30"}), (200, OK))
    with pytest.raises(ServiceUnavailable) as caught:
        Client(api(), base_url=canned.url, timeout=2).get_thing()
    assert caught.value.attempts == 1


def test_connection_refused_is_retried_with_backoff_then_reported():
    client = Client(api(), base_url="http://127.0.0.1:9", retries=RetryPolicy(max_attempts=3, base=0.01))
    with pytest.raises(TransportError) as caught:
        client.create_thing(body={})  # nothing was sent, so even a POST may be tried again
    assert caught.value.kind == "connect" and caught.value.attempts == 3


def test_a_callers_bug_is_never_sent_nor_retried(canned):
    canned.answer("/thing", 200, OK)
    client = Client(api(), base_url=canned.url)
    with pytest.raises(RequestValidationError, match="CR, LF or NUL"):
        client.get_thing(_headers={"X-Note": "a\r\nInjected: 1"})
    assert canned.requests == []


def test_backoff_is_full_jitter_capped():
    policy = RetryPolicy(max_backoff=20)
    waits = [policy.backoff(attempt) for attempt in range(1, 12) for _ in range(50)]
    assert all(0 <= w <= 20 for w in waits) and max(waits) > 10
    assert all(policy.backoff(1) <= 1 for _ in range(50))

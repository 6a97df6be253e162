"""The local server answers every bad request with a short 4xx google.rpc.Status, over real HTTP.

These are requests the client refuses to send, so they go out raw, with `requests`, to 127.0.0.1.
"""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from talos_dynamic.server import start_server
from talos_dynamic.server.app import MAX_BODY_BYTES

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "hardening-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
JSON = {**AUTH, "Content-Type": "application/json"}
ISSUE = "/v2alpha1/admin/issuedApiKeys"
VERIFY = "/v2alpha1/admin/apiKeys:verify"
BATCH = "/v2alpha1/admin/apiKeys:batchVerify"
DERIVE = "/v2alpha1/admin/apiKeys:derive"
JWKS = "/v2alpha1/derivedKeys/jwks.json"
GRPC = {
    "INVALID_ARGUMENT": 3,
    "NOT_FOUND": 5,
    "ALREADY_EXISTS": 6,
    "PERMISSION_DENIED": 7,
    "FAILED_PRECONDITION": 9,
    "UNIMPLEMENTED": 12,
    "INTERNAL": 13,
    "UNAUTHENTICATED": 16,
}


@pytest.fixture(scope="module")
def server() -> Iterator:
    with start_server(token=TOKEN) as running:
        yield running


@pytest.fixture(scope="module")
def url(server) -> str:
    return server.url


@pytest.fixture(scope="module")
def issued(url) -> dict:
    answer = requests.post(url + ISSUE, json={"actor_id": "hardening", "scopes": ["read"]}, headers=AUTH, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def assert_status(answer: requests.Response, http: int, grpc: str, reason: str | None = None) -> dict:
    """The answer is `http` with a google.rpc.Status body: numeric gRPC code, message, an ErrorInfo."""
    assert answer.status_code == http, answer.text[:500]
    assert answer.headers["Content-Type"].startswith("application/json")
    body = answer.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == GRPC[grpc] and isinstance(body["message"], str) and body["message"]
    info = [d for d in body["details"] if d["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"]
    assert len(info) == 1 and info[0]["domain"] and isinstance(info[0]["metadata"], dict)
    if reason is not None:
        assert info[0]["reason"] == reason, body
    assert "Traceback" not in answer.text and "<html" not in answer.text.lower()
    return body


def raw_exchange(server, data: bytes) -> tuple[int, bytes]:
    """Send bytes as they are; the status code and body of the answer."""
    with socket.create_connection((server.host, server.port), timeout=10) as conn:
        conn.sendall(data)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


# -- invalid UTF-8 ------------------------------------------------------------------------------------------
def test_invalid_utf8_body_is_400(url):
    answer = requests.post(url + ISSUE, data=b'{"actor_id": "\xff\xfe"}', headers=JSON, timeout=10)
    body = assert_status(answer, 400, "INVALID_ARGUMENT", "BODY_NOT_UTF8")
    assert "UTF-8" in body["message"]


def test_body_that_is_not_json_is_400(url):
    answer = requests.post(url + ISSUE, data=b'{"actor_id": ', headers=JSON, timeout=10)
    assert_status(answer, 400, "INVALID_ARGUMENT", "BODY_NOT_JSON")
    answer = requests.post(url + ISSUE, data=b'{"actor_id": "a", "metadata": {"x": NaN}}', headers=JSON, timeout=10)
    assert_status(answer, 400, "INVALID_ARGUMENT", "BODY_NOT_JSON")


# -- deep JSON ----------------------------------------------------------------------------------------------
def test_json_nested_100k_deep_is_400(url):
    deep = b"[" * 100_000 + b"]" * 100_000
    assert_status(
        requests.post(url + ISSUE, data=deep, headers=JSON, timeout=30), 400, "INVALID_ARGUMENT", "BODY_TOO_DEEP"
    )


def test_json_deeper_than_the_limit_is_400_but_ordinary_nesting_is_fine(url):
    nested = b'{"actor_id": "deep", "metadata": ' + b'{"a": ' * 40 + b"1" + b"}" * 41
    assert_status(
        requests.post(url + ISSUE, data=nested, headers=JSON, timeout=10), 400, "INVALID_ARGUMENT", "BODY_TOO_DEEP"
    )
    fine = {"actor_id": "deep", "metadata": {"a": {"b": [{"c": [1, 2]}]}}}
    answer = requests.post(url + ISSUE, json=fine, headers=AUTH, timeout=10)
    assert answer.status_code == 200 and answer.json()["issued_api_key"]["metadata"] == fine["metadata"]


# -- huge ttl -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("ttl", ["99999999999999h", "9" * 400 + "h", "2562048h"])
def test_huge_ttl_is_400_on_issue_rotate_and_derive(url, issued, ttl):
    body = assert_status(
        requests.post(url + ISSUE, json={"actor_id": "a", "ttl": ttl}, headers=AUTH, timeout=10),
        400,
        "INVALID_ARGUMENT",
        "TTL_INVALID",
    )
    assert "ttl" in body["message"] and len(body["message"]) < 200
    fresh = requests.post(url + ISSUE, json={"actor_id": "rotating"}, headers=AUTH, timeout=10).json()
    rotate = f"{ISSUE}/{fresh['issued_api_key']['key_id']}:rotate"
    assert_status(requests.post(url + rotate, json={"ttl": ttl}, headers=AUTH, timeout=10), 400, "INVALID_ARGUMENT")
    derive = {"credential": issued["secret"], "ttl": ttl}
    assert_status(requests.post(url + DERIVE, json=derive, headers=AUTH, timeout=10), 400, "INVALID_ARGUMENT")


def test_the_longest_ttl_go_can_express_is_accepted(url):
    answer = requests.post(url + ISSUE, json={"actor_id": "a", "ttl": "2562047h"}, headers=AUTH, timeout=10)
    assert answer.status_code == 200 and answer.json()["issued_api_key"]["expire_time"]


# -- no echo of bodies or secrets ---------------------------------------------------------------------------
def test_validation_errors_name_the_field_and_rule_without_echoing_the_body(url, issued):
    secret = issued["secret"]
    padding = "p" * 500_000
    request = {"requests": [{"credential": secret}, {"credential": 5}, {}], "padding": padding}
    answer = requests.post(url + BATCH, json=request, headers=AUTH, timeout=10)
    body = assert_status(answer, 400, "INVALID_ARGUMENT", "REQUEST_INVALID")
    assert secret not in answer.text and "ppppp" not in answer.text and len(answer.content) < 2_000
    assert "requests[1].credential must be a string" in body["message"]
    assert "requests[2].credential is required" in body["message"]
    assert body["details"][0]["metadata"] == {"field": "requests[1].credential", "rule": "type"}


def test_a_secret_is_never_quoted_back_whatever_field_it_is_in(url, issued):
    secret = issued["secret"]
    answer = requests.post(f"{url}/v2alpha1/admin/apiKeys/x:revoke", json={"reason": secret}, headers=AUTH, timeout=10)
    body = assert_status(answer, 400, "INVALID_ARGUMENT")
    assert secret not in answer.text and "reason must be one of" in body["message"]
    answer = requests.post(url + DERIVE, json={"credential": secret, "algorithm": "NOPE", "ttl": 5}, headers=AUTH)
    assert_status(answer, 400, "INVALID_ARGUMENT")
    assert secret not in answer.text


def test_echoed_values_are_capped(url):
    long_value = "v" * 5_000
    answer = requests.post(url + DERIVE, json={"credential": "c", "algorithm": long_value}, headers=AUTH, timeout=10)
    body = assert_status(answer, 400, "INVALID_ARGUMENT")
    assert "algorithm must be one of" in body["message"] and long_value not in answer.text
    assert len(answer.content) < 2_000
    answer = requests.get(f"{url}{ISSUE}/{'k' * 30_000}", headers=AUTH, timeout=10)
    assert_status(answer, 404, "NOT_FOUND", "API_KEY_NOT_FOUND")
    assert len(answer.content) < 1_000


# -- size limit ---------------------------------------------------------------------------------------------
def test_a_10_mb_body_is_413_with_a_short_status(url):
    body = json.dumps({"actor_id": "big", "name": "x" * (10 * 1024 * 1024)})
    answer = requests.post(url + ISSUE, data=body, headers=JSON, timeout=60)
    assert_status(answer, 413, "INVALID_ARGUMENT", "REQUEST_TOO_LARGE")
    assert len(answer.content) < 1_000


def test_a_chunked_body_over_the_limit_is_413(url):
    def chunks() -> Iterator[bytes]:
        yield b'{"actor_id": "big", "metadata": {"pad": "'
        for _ in range(3):
            yield b"x" * MAX_BODY_BYTES
        yield b'"}}'

    answer = requests.post(url + ISSUE, data=chunks(), headers=JSON, timeout=60)
    assert_status(answer, 413, "INVALID_ARGUMENT", "REQUEST_TOO_LARGE")


def test_a_body_just_under_the_limit_is_served(url):
    request = {"actor_id": "large", "metadata": {"pad": "x" * (MAX_BODY_BYTES - 100)}}
    answer = requests.post(url + ISSUE, json=request, headers=AUTH, timeout=30)
    assert answer.status_code == 200, answer.text[:300]


# -- AIP-158 paging -----------------------------------------------------------------------------------------
def test_empty_page_token_is_the_first_page(url):
    for i in range(3):
        requests.post(url + ISSUE, json={"actor_id": "pager", "name": f"k{i}"}, headers=AUTH, timeout=10)
    query = {"page_size": "2", "filter": 'actor_id="pager"'}
    first = requests.get(url + ISSUE, params=query, headers=AUTH, timeout=10)
    empty = requests.get(url + ISSUE, params={**query, "page_token": ""}, headers=AUTH, timeout=10)
    assert first.status_code == empty.status_code == 200, empty.text
    assert empty.json() == first.json() and first.json()["next_page_token"]
    second = requests.get(url + ISSUE, params={**query, "page_token": first.json()["next_page_token"]}, headers=AUTH)
    assert second.status_code == 200 and len(second.json()["issued_api_keys"]) == 1
    assert second.json()["next_page_token"] == ""


def test_an_empty_filter_means_no_filter(url):
    answer = requests.get(url + ISSUE, params={"filter": ""}, headers=AUTH, timeout=10)
    assert answer.status_code == 200 and isinstance(answer.json()["issued_api_keys"], list)


@pytest.mark.parametrize(
    "token",
    [
        base64.urlsafe_b64encode(b"-5").decode(),  # a negative offset
        base64.urlsafe_b64encode(b"abc").decode(),  # not a number
        "!!!not-base64!!!",
        "NTA",  # "50" without its padding
        base64.urlsafe_b64encode(b" 5").decode(),  # int() would take it
    ],
)
def test_a_malformed_or_negative_page_token_is_400(url, token):
    answer = requests.get(url + ISSUE, params={"page_token": token}, headers=AUTH, timeout=10)
    body = assert_status(answer, 400, "INVALID_ARGUMENT", "PAGE_TOKEN_INVALID")
    assert body["details"][0]["metadata"]["field"] == "page_token"


def test_a_negative_page_size_is_400(url):
    answer = requests.get(url + ISSUE, params={"page_size": "-1"}, headers=AUTH, timeout=10)
    body = assert_status(answer, 400, "INVALID_ARGUMENT")
    assert "page_size" in body["message"]


# -- 414, 405, 404 ------------------------------------------------------------------------------------------
def test_a_too_long_uri_is_414_as_a_status(url):
    answer = requests.get(url + ISSUE, params={"filter": "a" * 70_000}, headers=AUTH, timeout=10)
    body = assert_status(answer, 414, "INVALID_ARGUMENT", "URI_TOO_LONG")
    assert "aaaa" not in body["message"]


def test_malformed_request_lines_and_headers_are_statuses(server):
    for data, status in [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/9.9\r\n\r\n", 505),
        (b"GET " + ISSUE.encode() + b" HTTP/1.1\r\nX-Big: " + b"h" * 70_000 + b"\r\n\r\n", 431),
        (b"GET http://[::1/ HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    ]:
        code, body = raw_exchange(server, data)
        decoded = json.loads(body)
        assert code == status and isinstance(decoded["code"], int) and decoded["details"][0]["reason"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", ISSUE, "POST, GET"),
        ("DELETE", ISSUE, "POST, GET"),
        ("BREW", ISSUE, "POST, GET"),
        ("DELETE", ISSUE + "/some-key", "GET, PATCH"),
        ("GET", VERIFY, "POST"),
        ("POST", JWKS, "GET"),
    ],
)
def test_an_unknown_method_on_a_known_path_is_405_with_allow(url, method, path, allow):
    answer = requests.request(method, url + path, headers=AUTH, timeout=10)
    body = assert_status(answer, 405, "UNIMPLEMENTED", "METHOD_NOT_ALLOWED")
    assert answer.headers["Allow"] == allow and allow in body["message"]


@pytest.mark.parametrize("path", ["/", "/v2alpha1/admin/nothing", "/v2alpha1/admin/issuedApiKeys/a/b", "/x" * 2_000])
def test_an_unknown_path_is_404_as_a_status(url, path):
    answer = requests.get(url + path, headers=AUTH, timeout=10)
    assert_status(answer, 404, "NOT_FOUND", "ROUTE_NOT_FOUND")
    assert len(answer.content) < 1_000


# -- the admin token ----------------------------------------------------------------------------------------
def test_a_server_started_without_a_token_needs_none():
    with start_server(token=None) as open_server:
        answer = requests.post(open_server.url + ISSUE, json={"actor_id": "open"}, timeout=10)
        assert answer.status_code == 200, answer.text
        secret = answer.json()["secret"]
        answer = requests.post(open_server.url + VERIFY, json={"credential": secret}, headers={"Authorization": "x"})
        assert answer.status_code == 200 and answer.json()["is_valid"] is True
        assert requests.get(open_server.url + ISSUE, timeout=10).status_code == 200


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong"}, 401),
        ({"Authorization": f"Basic {TOKEN}"}, 401),
        ({"Authorization": f"Bearer {TOKEN}x"}, 401),
        ({"Authorization": f"Bearer {TOKEN}"}, 200),
        ({"Authorization": f"bearer {TOKEN}"}, 200),
    ],
)
def test_a_server_started_with_a_token_answers_401_without_it(url, headers, status):
    answer = requests.post(url + ISSUE, json={"actor_id": "auth"}, headers=headers, timeout=10)
    if status == 200:
        assert answer.status_code == 200, answer.text
        return
    body = assert_status(answer, 401, "UNAUTHENTICATED", "ADMIN_TOKEN_INVALID")
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert TOKEN not in body["message"]


def test_the_jwks_needs_no_token(url):
    answer = requests.get(url + JWKS, timeout=10)
    assert answer.status_code == 200 and answer.json()["jwks"]["keys"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(*args: str) -> tuple[subprocess.Popen, str, str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "talos_dynamic.cli", "serve", "--port", str(port), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(base + JWKS, timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.05)
    return process, line, base


def test_serve_without_token_needs_none_and_says_so():
    process, line, base = _serve()
    try:
        assert "no admin token required" in line
        answer = requests.post(base + ISSUE, json={"actor_id": "cli-open"}, timeout=10)
        assert answer.status_code == 200, answer.text
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_with_token_requires_it_and_does_not_print_it():
    process, line, base = _serve("--token", "cli-secret-token")
    try:
        assert "admin token required" in line and "no admin token" not in line and "cli-secret-token" not in line
        assert_status(requests.post(base + ISSUE, json={"actor_id": "c"}, timeout=10), 401, "UNAUTHENTICATED")
        answer = requests.post(
            base + ISSUE, json={"actor_id": "c"}, headers={"Authorization": "Bearer cli-secret-token"}, timeout=10
        )
        assert answer.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


# -- never a bare 500 ---------------------------------------------------------------------------------------
def test_an_unexpected_error_is_a_500_status_without_a_traceback():
    with start_server(token=None) as broken:

        def explode(key_id: str) -> dict:
            raise RuntimeError(f"boom with private detail {key_id}")

        broken.app.store.get = explode
        answer = requests.get(f"{broken.url}{ISSUE}/some-key", timeout=10)
        body = assert_status(answer, 500, "INTERNAL", "INTERNAL")
        assert "boom" not in body["message"] and "private detail" not in answer.text


ODD_BODIES: list[bytes] = [
    b"",
    b"null",
    b"[]",
    b'"text"',
    b"1e999",
    b"{}",
    b'{"credential": null}',
    b'{"credential": ""}',
    b'{"requests": [null]}',
    b'{"requests": [{"credential": []}]}',
    b'{"actor_id": "a", "ttl": "0h"}',
    b'{"actor_id": "a", "ttl": "1.5.5h"}',
    b'{"actor_id": "a", "scopes": [null]}',
    b'{"actor_id": "a", "request_id": 5}',
    b'{"reason": "REVOCATION_REASON_KEY_COMPROMISE", "description": "d"}',
    b'{"algorithm": "TOKEN_ALGORITHM_MACAROON", "credential": "x"}',
    b'{"name": "\\ud800"}',
    b'{"issued_api_key": {"key_id": 5}}',
    b"\xef\xbb\xbf{}",
]


def test_no_request_a_client_can_send_gets_a_500(url, issued):
    key_id = issued["issued_api_key"]["key_id"]
    paths = [ISSUE, f"{ISSUE}/{key_id}", f"{ISSUE}/{key_id}:rotate", f"/v2alpha1/admin/apiKeys/{key_id}:revoke"]
    paths += [VERIFY, BATCH, DERIVE, JWKS, f"{ISSUE}/nope", f"{ISSUE}/%FF"]
    queries = [{}, {"update_mask": "name,actor_id"}, {"page_size": "x"}, {"filter": "nonsense"}, {"page_token": "%"}]
    for path in paths:
        for method in ("GET", "POST", "PATCH"):
            for index, data in enumerate(ODD_BODIES):
                query = queries[index % len(queries)]
                answer = requests.request(method, url + path, params=query, data=data, headers=JSON, timeout=10)
                assert answer.status_code < 500, (method, path, data, answer.text[:300])
                if answer.status_code >= 400:
                    code = answer.json()["code"]
                    assert code in GRPC.values(), answer.text[:300]
                    assert_status(answer, answer.status_code, next(k for k, v in GRPC.items() if v == code))


# -- what held before still holds ---------------------------------------------------------------------------
def test_the_talos_flow_still_works_over_raw_http(url):
    issued = requests.post(
        url + ISSUE, json={"actor_id": "flow", "scopes": ["read"], "ttl": "720h", "request_id": "flow-1"}, headers=AUTH
    ).json()
    again = requests.post(url + ISSUE, json={"actor_id": "flow", "request_id": "flow-1"}, headers=AUTH).json()
    assert again["issued_api_key"]["key_id"] == issued["issued_api_key"]["key_id"]
    key_id, secret = issued["issued_api_key"]["key_id"], issued["secret"]
    assert requests.get(f"{url}{ISSUE}/{key_id}", headers=AUTH).json()["actor_id"] == "flow"
    assert requests.post(url + VERIFY, json={"credential": secret}, headers=AUTH).json()["is_valid"] is True
    invalid = requests.post(url + VERIFY, json={"credential": "nonsense"}, headers=AUTH)
    assert invalid.status_code == 200 and invalid.json()["error_code"] == "VERIFICATION_ERROR_INVALID_FORMAT"
    derived = requests.post(url + DERIVE, json={"credential": secret, "ttl": "5m"}, headers=AUTH)
    assert derived.status_code == 200 and derived.json()["token"]["token"].count(".") == 2
    patched = requests.patch(
        f"{url}{ISSUE}/{key_id}", params={"update_mask": "name"}, json={"name": "n2"}, headers=AUTH
    )
    assert patched.status_code == 200 and patched.json()["name"] == "n2"
    revoked = requests.post(f"{url}/v2alpha1/admin/apiKeys/{key_id}:revoke", json={}, headers=AUTH)
    assert revoked.status_code == 200 and revoked.json() == {}
    after = requests.post(url + VERIFY, json={"credential": secret}, headers=AUTH).json()
    assert after["is_valid"] is False and after["error_code"] == "VERIFICATION_ERROR_REVOKED"
    missing = requests.get(f"{url}{ISSUE}/nonexistent-id", headers=AUTH)
    body = assert_status(missing, 404, "NOT_FOUND", "API_KEY_NOT_FOUND")
    assert "nonexistent-id" in body["message"]
    assert_status(requests.post(url + ISSUE, json={}, headers=AUTH), 400, "INVALID_ARGUMENT", "REQUEST_INVALID")


@pytest.mark.parametrize(
    ("fault", "check"),
    [
        ("error-not-status", lambda answer: answer.json() == {"error": "not found"}),
        ("wrong-grpc-code", lambda answer: answer.json()["code"] == 3),
    ],
)
def test_fault_modes_still_change_404_answers(fault, check):
    with start_server(token=TOKEN, fault=fault) as faulty:
        answer = requests.get(f"{faulty.url}{ISSUE}/nope", headers=AUTH, timeout=10)
        assert answer.status_code == 404 and check(answer)

"""The masking rules one by one (talos_dynamic/masking.py's docstring): by name, by schema, by shape, remembered
values, and bodies that cannot be masked field by field; the log filter on urllib3 and httpx; the reprs and
messages that apply them. No network: MockTransport, or the functions themselves."""

from __future__ import annotations

import base64
import logging

import pytest

from talos_dynamic import Client, MockTransport, Response, ResponseValidationError
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.call.read import BodyText
from talos_dynamic.call.validation import QUOTE_LIMIT, quotable, secret_schema
from talos_dynamic.errors import ApiError, RequestValidationError, Violation
from talos_dynamic.logs import (
    THIRD_PARTY_LOGGERS,
    MaskingFilter,
    body_preview,
    install_masking_filters,
    learn_secret_names,
    remove_masking_filters,
)
from talos_dynamic.masking import (
    credential_values,
    describe,
    is_remembered,
    looks_secret,
    mask_headers,
    mask_json,
    mask_text,
    remember_secret,
    remembering,
    summarize_body,
)

TALOS_KEY = "sk_local_v1_5HueCGU8rMjxEXxiPuD5BD_3yVKBv7HuN4jQVF3Ue3SKdfAghcUjXBF2LRk8gnrx7XK"
JWT = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c2VyXzEyMyJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


# --- rule 3: shapes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (TALOS_KEY, "***"),
        (f"key {TALOS_KEY} was revoked", "key *** was revoked"),
        ("ghp_abcdefghijklmnop1234", "***"),
        ("xoxb-123456789012-abcdefABCDEF1234", "***"),
        (JWT, "***"),
        ("AKIAIOSFODNN7EXAMPLE", "***"),
        ("Authorization: Bearer abcdefgh123", "Authorization: Bearer ***"),
        ("https://user:pw@h/p?api_key=k1&page=2", "https://***@h/p?api_key=***&page=2"),
        ('"GET /p?apikey=XYZ123&x=1 HTTP/1.1" 200', '"GET /p?apikey=***&x=1 HTTP/1.1" 200'),
        ("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----", "***"),
    ],
)
def test_credential_shapes_are_masked_wherever_they_appear(text, masked):
    assert mask_text(text) == masked
    assert looks_secret(text)


@pytest.mark.parametrize(
    "text",
    [
        "VERIFICATION_ERROR_SIGNATURE_INVALID",
        "4eeb8720-c0ee-41ba-9486-1d3a48b909e4",
        "2026-11-29T16:30:58Z",
        "user_123",
        "issued_api_key",
        "basic authentication is off",
        "the token endpoint",
        "page=2&page_size=10",
        "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",  # a JWK's public x: starts with a digit, no key prefix
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert mask_text(text) == text
    assert not looks_secret(text)


def test_known_values_and_learned_names_are_masked_in_free_text():
    assert mask_text("token tok-123456 is not valid", values={"tok-123456"}) == "token *** is not valid"
    assert mask_text("GET /x?sig=abcdef&page=2", extra={"sig"}) == "GET /x?sig=***&page=2"
    assert mask_text("GET /x?sig=abcdef&page=2") == "GET /x?sig=abcdef&page=2"


def test_json_values_get_shape_and_remembered_masking_under_any_name():
    assert mask_json({"note": TALOS_KEY, "id": "k1", "link": "https://h/x?access_token=abc"}) == {
        "note": "***",
        "id": "k1",
        "link": "https://h/x?access_token=***",
    }
    plain = "unshaped-remembered-credential-for-test"
    assert mask_json({"anything": plain}) == {"anything": plain}
    remember_secret([{"x": plain}])  # outside a call: nothing to remember it for
    assert not is_remembered(plain)
    with remembering(set()) as memory:
        remember_secret([{"x": plain}])
        assert is_remembered(plain) and not is_remembered("unshaped")
        assert mask_json({"anything": plain, "list": [plain]}) == {"anything": "***", "list": ["***"]}
    assert len(memory) == 1 and not is_remembered(plain)
    assert mask_json({"anything": plain}) == {"anything": plain}


def test_headers_with_ordinary_names_are_shape_checked():
    assert mask_headers({"X-Debug": f"Bearer {TALOS_KEY}", "Accept": "application/json"}) == {
        "X-Debug": "Bearer ***",
        "Accept": "application/json",
    }


def test_credential_values_a_request_carries():
    basic = base64.b64encode(b"alice:s3cr3t-pass").decode()
    found = credential_values(
        {"Authorization": f"Basic {basic}", "Cookie": "sid=abcdef; theme=darkmode", "X-Sig": "sig-value"},
        "http://h/x?key=query-value&page=2",
        frozenset({"key", "x-sig"}),
    )
    assert {basic, "alice:s3cr3t-pass", "s3cr3t-pass", "abcdef", "darkmode", "sig-value", "query-value"} <= found
    assert "2" not in found


def test_descriptions_and_body_summaries_never_carry_content():
    assert describe("secret!") == "string, 7 characters" and describe("x", size=False) == "string"
    assert describe([1, 2]) == "array of 2 items" and describe({"a": 1}) == "object with 1 field"
    assert describe(None) == "null" and describe(True) == "boolean" and describe(1.5) == "number"
    assert summarize_body(b"<html>x</html>", "text/html; charset=utf-8") == "<14 bytes of text/html>"
    assert summarize_body(3, "", "not valid JSON") == "<3 bytes of unknown type, not valid JSON>"


# --- rule 5: bodies ----------------------------------------------------------------------------------------


def test_only_bodies_masked_field_by_field_are_previewed():
    assert body_preview(b'{"secret": "s", "id": 1}', "application/json") == '{"secret":"***","id":1}'
    assert body_preview(b'{"id": "' + TALOS_KEY.encode(), "application/json") == (
        f"<{len(TALOS_KEY) + 8} bytes of application/json, not valid JSON>"
    )
    assert body_preview(b"hello secret", "text/plain; charset=utf-8") == "<12 bytes of text/plain>"
    assert body_preview(b"<p>x</p>", "text/html") == "<8 bytes of text/html>"
    assert body_preview(f"password=p&note={TALOS_KEY}&n=1".encode(), "application/x-www-form-urlencoded") == (
        "password=***&note=***&n=1"
    )


def test_body_text_is_the_text_but_its_repr_is_a_summary():
    body = BodyText.of("<html>secret</html>", b"<html>secret</html>", "text/html", parsed=True)
    assert body == "<html>secret</html>" and str(body) == "<html>secret</html>"
    assert repr(body) == "<19 bytes of text/html>"
    broken = BodyText.of("{oops", b"{oops", "application/json", parsed=False)
    assert repr(broken) == "<5 bytes of application/json, not valid JSON>"


def mock_client(answer: Response, mode: str = "warn", spec: dict | None = None) -> Client:
    return Client(
        spec or TALOS_SPEC,
        base_url="https://talos.test",
        token="T0k3n-unit-test",
        transport=MockTransport(lambda request: answer),
        response_validation=mode,
    )


def test_a_body_that_does_not_parse_is_never_quoted():
    text = '{"issued_api_key": {}, "secret": "' + TALOS_KEY + '"'
    answer = Response(200, {"Content-Type": "application/json"}, text.encode())
    result = mock_client(answer).admin_issue_api_key(actor_id="a")
    assert str(result) == text  # the value is the body as it came
    assert repr(result) == f"<TextResult 200 application/json, {len(text)} characters>"
    (violation,) = result.http.violations
    assert violation.rule == "json" and TALOS_KEY not in str(violation) and TALOS_KEY not in repr(result.http)
    with pytest.raises(ResponseValidationError) as caught:
        mock_client(answer, "strict").admin_issue_api_key(actor_id="a")
    assert TALOS_KEY not in str(caught.value) and f"{len(text)} bytes of application/json" in str(caught.value)


def test_text_and_binary_results_show_a_summary():
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/t": {"get": {"operationId": "getT", "responses": {"200": {"description": "ok", "content": {}}}}},
        },
    }
    text = mock_client(Response(200, text="a secret text"), spec=spec).get_t()
    assert text == "a secret text" and repr(text) == "<TextResult 200 text/plain, 13 characters>"
    raw = mock_client(Response(200, {"Content-Type": "image/png"}, b"\x89PNG"), spec=spec).get_t()
    assert raw == b"\x89PNG" and repr(raw) == "<BytesResult 200 image/png, 4 bytes>"


# --- rule 2: by schema, in validation messages -------------------------------------------------------------


def test_secret_schemas():
    credential = {"type": "object", "properties": {"credential": {"type": "string"}}}
    password = {"type": "object", "properties": {"pin": {"type": "string", "format": "password"}}}
    assert secret_schema(credential) and secret_schema(password)
    assert secret_schema({"type": "array", "items": credential})
    assert secret_schema({"allOf": [{"type": "object"}, {"properties": {"x": {"writeOnly": True}}}]})
    assert secret_schema({"type": "object", "properties": {"wrap": {"type": "array", "items": password}}})
    assert secret_schema({"type": "object", "properties": {"pin": {}}}, frozenset({"pin"}))
    assert not secret_schema({"type": "object", "properties": {"name": {"type": "string"}}})
    assert not secret_schema({"type": "string", "enum": ["A", "B"]})


def test_what_a_message_may_quote():
    assert quotable(None) and quotable(3) and quotable("REVOCATION_REASON_SUPERSEDED") and quotable(["a", 1])
    assert not quotable("x" * (QUOTE_LIMIT + 1)) and not quotable(TALOS_KEY) and not quotable({"password": "p"})


def test_a_credential_in_place_of_an_object_that_holds_one_is_masked():
    """The issue's example: batch verify with a bare credential where {credential} objects belong."""
    client = Client(TALOS_SPEC, base_url="https://talos.test")
    plain = "no-shape-at-all-but-a-credential"
    for requests, shown in (
        ([plain], "$.requests[0]: *** (string) is not of type 'object'"),
        (plain, "$.requests: *** (string) is not of type 'array'"),
        ([[plain]], "$.requests[0]: *** (array) is not of type 'object'"),
        ([{"credential": 123456789}], "$.requests[0].credential: *** (integer) is not of type 'string'"),
        ([{"credentail": plain}], "$.requests[0]: 'credential' is a required property"),
    ):
        with pytest.raises(RequestValidationError) as caught:
            client.admin_batch_verify_api_keys(requests=requests)
        assert shown in str(caught.value)
        assert plain not in str(caught.value) and plain not in repr(caught.value.violations)
        assert all(v.value == "***" for v in caught.value.violations)
    # the value is remembered with that request: its curl line shows *** (and so does its log line)
    prepared = client.admin_batch_verify_api_keys.prepare(requests=[plain], _validate="warn")
    assert '"requests":["***"]' in prepared.to_curl() and plain in prepared.to_curl(mask=False)
    # ... and with that request only: the same text as an ordinary value elsewhere stays readable
    other = client.admin_issue_api_key.prepare(actor_id=plain, name="n")
    assert plain in other.to_curl()


def test_ordinary_values_are_quoted_and_long_or_secret_looking_ones_are_not():
    client = Client(TALOS_SPEC, base_url="https://talos.test")
    with pytest.raises(RequestValidationError) as caught:
        client.admin_revoke_api_key(key_id="k", reason="NOT_A_REASON")
    assert "'NOT_A_REASON' is not one of" in str(caught.value) and caught.value.violations[0].value == "NOT_A_REASON"
    with pytest.raises(RequestValidationError) as caught:
        client.admin_issue_api_key(actor_id="a", name="n" * 300)
    assert "$.name: *** (string, 300 characters) is too long" in str(caught.value)
    with pytest.raises(RequestValidationError) as caught:
        client.admin_issue_api_key(actor_id="a", ttl=TALOS_KEY)
    assert f"$.ttl: *** (string, {len(TALOS_KEY)} characters) does not match" in str(caught.value)
    assert TALOS_KEY not in str(caught.value) and caught.value.violations[0].value == "***"


def test_a_secret_named_parameter_is_masked_by_its_own_name():
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "p", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "operationId": "getX",
                    "parameters": [
                        {"name": "api_key", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]+$"}},
                        {"name": "pin", "in": "query", "schema": {"type": "string", "format": "password"}},
                        {"name": "X-Auth-Token", "in": "header", "schema": {"type": "string", "maxLength": 3}},
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    client = Client(spec, base_url="https://p.test")
    with pytest.raises(RequestValidationError) as caught:
        client.get_x(api_key="abc-secret", pin=1234567, x_auth_token="header-secret")
    text = str(caught.value) + repr(caught.value.violations)
    assert "abc-secret" not in text and "1234567" not in text and "header-secret" not in text
    assert {v.path for v in caught.value.violations} == {"api_key", "pin", "X-Auth-Token"}
    assert all(v.value == "***" for v in caught.value.violations)


def test_oneof_branch_messages_are_masked_too():
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "o", "version": "1"},
        "paths": {
            "/o": {
                "post": {
                    "operationId": "postO",
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "auth": {
                                            "oneOf": [
                                                {"type": "object", "properties": {"password": {"type": "string"}}},
                                                {"type": "integer"},
                                            ]
                                        }
                                    },
                                }
                            }
                        }
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    with pytest.raises(RequestValidationError) as caught:
        Client(spec, base_url="https://o.test").post_o(auth="oneof-secret-value")
    assert "oneof-secret-value" not in str(caught.value) and "matches none of the oneOf" in str(caught.value)


# --- messages of errors, reprs -----------------------------------------------------------------------------


def test_api_error_masks_an_echoed_credential_and_shapes():
    error = ApiError(
        "op", 401, {"code": 16, "message": f"token tok-abcdef bad; key {TALOS_KEY}"}, None, secrets={"tok-abcdef"}
    )
    assert error.message == "token *** bad; key ***" and "tok-abcdef" not in str(error) + repr(error)


def test_response_validation_error_lines_are_shape_masked():
    error = ResponseValidationError("op", 200, [Violation("body", "$.x", "custom", f"odd value {TALOS_KEY}")])
    assert TALOS_KEY not in str(error) and "odd value ***" in str(error)


def test_result_and_http_reprs_use_the_request_secret_names():
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "k", "version": "1"},
        "components": {"securitySchemes": {"k": {"type": "apiKey", "in": "header", "name": "X-Service"}}},
        "security": [{"k": []}],
        "paths": {
            "/r": {
                "get": {
                    "operationId": "getR",
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}},
                }
            }
        },
    }
    answer = Response(200, {"Content-Type": "application/json", "X-Service": "echoed"}, b'{"x-service": "sv-1"}')
    client = Client(
        spec, base_url="https://k.test", auth={"k": "service-key-1"}, transport=MockTransport(lambda r: answer)
    )
    result = client.get_r()
    assert '"x-service": "***"' in repr(result) and "'X-Service': '***'" in repr(result.http)
    prepared = client.get_r.prepare()
    assert "service-key-1" not in prepared.to_curl() + repr(prepared)


# --- the log filter ----------------------------------------------------------------------------------------


def record(name: str, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, logging.DEBUG, __file__, 1, msg, args, None)


def test_the_filter_masks_urllib3_and_httpx_lines_and_keeps_the_rest():
    masking = MaskingFilter()
    line = record(
        "urllib3.connectionpool",
        '%s://%s:%s "%s %s %s" %s %s',
        "http",
        "h",
        80,
        "GET",
        "/p?api_key=K1&page=2",
        "HTTP/1.1",
        200,
        5,
    )
    assert masking.filter(line) is True
    assert line.getMessage() == 'http://h:80 "GET /p?api_key=***&page=2 HTTP/1.1" 200 5'
    learn_secret_names(frozenset({"custom_sig"}))
    line = record("httpx", 'HTTP Request: %s %s "%s"', "GET", "http://h/p?custom_sig=v1", "HTTP/1.1 200 OK")
    masking.filter(line)
    assert line.getMessage() == 'HTTP Request: GET http://h/p?custom_sig=*** "HTTP/1.1 200 OK"'
    untouched = record("urllib3.connectionpool", "Starting new HTTP connection (%d): %s:%s", 1, "h", 80)
    masking.filter(untouched)
    assert untouched.args == (1, "h", 80)  # nothing to mask: the record is left as it was


def test_the_filters_are_installed_once_and_can_be_removed():
    names = (*THIRD_PARTY_LOGGERS, "talos_dynamic")
    count = [sum(getattr(f, "talos_dynamic_masking", False) for f in logging.getLogger(n).filters) for n in names]
    assert count == [1] * len(names)
    install_masking_filters()
    count = [sum(getattr(f, "talos_dynamic_masking", False) for f in logging.getLogger(n).filters) for n in names]
    assert count == [1] * len(names)
    try:
        remove_masking_filters(("urllib3.util.retry",))
        assert not logging.getLogger("urllib3.util.retry").filters
    finally:
        install_masking_filters()
    assert logging.getLogger("urllib3.connectionpool").level == logging.NOTSET  # levels are not touched


def test_an_ordinary_field_beside_a_secret_stays_readable_after_a_refused_request():
    from talos_dynamic import Client, RequestValidationError
    from talos_dynamic.bundled import TALOS_SPEC

    client = Client(TALOS_SPEC, base_url="http://api.test")
    with pytest.raises(RequestValidationError) as caught:  # the whole body, whose schema holds `credential`, fails
        client.admin_derive_token(algorithm="TOKEN_ALGORITHM_JWT")
    assert [v.path for v in caught.value.violations] == ["$"]
    curl = client.admin_derive_token.prepare(credential="another", algorithm="TOKEN_ALGORITHM_JWT").to_curl()
    assert "TOKEN_ALGORITHM_JWT" in curl and "another" not in curl

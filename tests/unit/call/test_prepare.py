"""From keyword arguments to the exact wire request: names, bodies, media types, auth, servers."""

import json

import pytest

from talos_dynamic import Client, ConfigurationError, MockTransport, NameClashWarning, RequestValidationError, Response
from talos_dynamic.explore.binding import AmbiguousOperationError

OK = {"200": {"description": "ok"}}


def spec(paths, components=None, **extra):
    doc = {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": paths, **extra}
    if components:
        doc["components"] = components
    return doc


ITEMS = spec(
    {
        "/items/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "put": {
                "operationId": "putItem",
                "parameters": [
                    {"name": "id", "in": "query", "schema": {"type": "integer"}},
                    {"name": "X-Request-Id", "in": "header", "schema": {"type": "string"}},
                    {"name": "body", "in": "query", "schema": {"type": "string"}},
                    {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                    {"name": "Accept", "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "x_request_id": {"type": "string"},
                                    "color": {"type": "string", "enum": ["red", "green"]},
                                },
                            }
                        }
                    },
                },
                "responses": OK,
            },
        },
    }
)


def test_parameter_names_locations_and_clash_rules():
    client = Client(ITEMS, base_url="http://h")
    names = set(client.put_item.arguments.by_name)
    # id in path and query clash -> location prefix; "body" is reserved -> prefix; Accept header is ignored.
    assert names == {"path_id", "query_id", "x_request_id", "query_body", "session", "name", "color"}
    prepared = client.put_item.prepare(
        path_id="a b", query_id=3, x_request_id="r-1", query_body="q", session="s1", name="n", color="red"
    )
    assert prepared.url == "http://h/items/a%20b?id=3&body=q"
    assert prepared.headers["X-Request-Id"] == "r-1"
    assert prepared.headers["Cookie"] == "session=s1"
    assert json.loads(prepared.body) == {"name": "n", "color": "red"}


def test_body_property_shadowed_by_a_parameter_goes_through_body():
    client = Client(ITEMS, base_url="http://h")
    prepared = client.put_item.prepare(
        path_id="a", body={"name": "n", "x_request_id": "in-body"}, x_request_id="in-header"
    )
    assert json.loads(prepared.body) == {"name": "n", "x_request_id": "in-body"}
    assert prepared.headers["X-Request-Id"] == "in-header"


def test_body_and_fields_merge_fields_win():
    client = Client(ITEMS, base_url="http://h")
    prepared = client.put_item.prepare(path_id="a", body={"name": "old", "color": "red"}, name="new")
    assert json.loads(prepared.body) == {"name": "new", "color": "red"}


def test_every_violation_is_reported_and_nothing_is_sent():
    transport = MockTransport(lambda request: Response(200))
    client = Client(ITEMS, base_url="http://h", transport=transport)
    with pytest.raises(RequestValidationError) as caught:
        client.put_item(query_id="three", colour="red", color="blue")
    rules = {(v.location, v.path, v.rule) for v in caught.value.violations}
    assert rules == {
        ("argument", "colour", "unknown"),
        ("path", "path_id", "required"),
        ("query", "id", "type"),
        ("body", "$", "required"),
        ("body", "$.color", "enum"),
    }
    assert "did you mean 'color'" in str(caught.value)
    assert "'blue' is not one of ['red', 'green']" in str(caught.value)
    assert transport.requests == []


def test_validation_modes():
    lenient = Client(ITEMS, base_url="http://h", request_validation="warn")
    assert lenient.put_item.prepare(path_id="a", name=5).body == b'{"name":5}'
    with pytest.raises(RequestValidationError, match="unknown"):
        Client(ITEMS, base_url="http://h", request_validation="off").put_item.prepare(path_id="a", nope=1)
    with pytest.raises(ConfigurationError):
        Client(ITEMS, request_validation="loud")


MEDIA = spec(
    {
        "/upload": {
            "post": {
                "operationId": "upload",
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "meta": {"type": "object"},
                                    "note": {"type": "string"},
                                },
                            },
                            "encoding": {"file": {"contentType": "image/png"}},
                        },
                    }
                },
                "responses": OK,
            }
        },
        "/form": {
            "post": {
                "operationId": "form",
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "name": {"type": "string"},
                                    "tags": {"type": "array", "items": {"type": "string"}},
                                },
                            }
                        }
                    }
                },
                "responses": OK,
            }
        },
        "/text": {
            "post": {
                "operationId": "text",
                "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}},
                "responses": OK,
            }
        },
        "/raw": {
            "put": {
                "operationId": "raw",
                "requestBody": {
                    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
                },
                "responses": OK,
            }
        },
        "/either": {
            "post": {
                "operationId": "either",
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
                        "application/merge-patch+json": {"schema": {"type": "object"}},
                    }
                },
                "responses": OK,
            }
        },
    }
)


def test_multipart_with_a_file_and_a_json_part(tmp_path):
    client = Client(MEDIA, base_url="http://h")
    prepared = client.upload.prepare(body={"file": ("pic.png", b"\x89PNG"), "meta": {"a": 1}, "note": "hi"})
    content_type = prepared.headers["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    body = prepared.body
    assert b'name="file"; filename="pic.png"' in body and b"Content-Type: image/png" in body
    assert b"\x89PNG" in body and b'{"a":1}' in body and b"hi" in body
    path = tmp_path / "doc.txt"
    path.write_text("from disk")
    assert b"from disk" in client.upload.prepare(file=path).body


def test_form_text_binary_and_media_type_choice(tmp_path):
    client = Client(MEDIA, base_url="http://h")
    form = client.form.prepare(name="a b", tags=["x", "y"])
    assert (form.headers["Content-Type"], form.body) == ("application/x-www-form-urlencoded", b"name=a+b&tags=x&tags=y")
    text = client.text.prepare(body="héllo")
    assert text.headers["Content-Type"] == "text/plain; charset=utf-8" and text.body == "héllo".encode()
    raw = client.raw.prepare(body=b"\x00\x01")
    assert (raw.headers["Content-Type"], raw.body) == ("application/octet-stream", b"\x00\x01")
    assert client.either.prepare(body={"a": 1}).headers["Content-Type"] == "application/merge-patch+json"
    chosen = client.either.prepare(body={"a": 1}, content_type="application/x-www-form-urlencoded")
    assert chosen.body == b"a=1"
    with pytest.raises(RequestValidationError, match="not offered"):
        client.either.prepare(body={"a": 1}, content_type="application/xml")


SECURED = spec(
    {
        "/a": {"get": {"operationId": "keyed", "responses": OK}},
        "/b": {"get": {"operationId": "basic", "security": [{"basic": []}], "responses": OK}},
        "/c": {"get": {"operationId": "open", "security": [], "responses": OK}},
        "/d": {
            "get": {"operationId": "either", "security": [{"bearer": []}, {"qkey": [], "ckey": []}], "responses": OK}
        },
    },
    {
        "securitySchemes": {
            "hkey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "qkey": {"type": "apiKey", "in": "query", "name": "api_key"},
            "ckey": {"type": "apiKey", "in": "cookie", "name": "sid"},
            "basic": {"type": "http", "scheme": "basic"},
            "bearer": {"type": "http", "scheme": "bearer"},
        }
    },
    security=[{"hkey": []}],
    servers=[
        {"url": "https://{region}.example.test/v1", "variables": {"region": {"default": "eu", "enum": ["eu", "us"]}}}
    ],
)


def test_security_schemes_apply_only_what_each_operation_asks():
    client = Client(SECURED, auth={"hkey": "K", "basic": ("u", "p"), "qkey": "Q", "ckey": "C"}, token="T")
    assert client.keyed.prepare().headers["X-API-Key"] == "K"
    assert client.basic.prepare().headers["Authorization"] == "Basic dTpw"
    opened = client.open.prepare()
    assert "Authorization" not in opened.headers and "X-API-Key" not in opened.headers
    assert client.either.prepare().headers["Authorization"] == "Bearer T"
    without_token = Client(SECURED, auth={"qkey": "Q", "ckey": "C"}).either.prepare()
    assert without_token.url.endswith("/d?api_key=Q") and without_token.headers["Cookie"] == "sid=C"
    assert "api_key=***" in without_token.to_curl()
    with pytest.raises(ConfigurationError, match="unknown security schemes"):
        Client(SECURED, auth={"nope": "x"})


def test_servers_and_variables():
    assert Client(SECURED).keyed.prepare().url == "https://eu.example.test/v1/a"
    assert Client(SECURED, server_variables={"region": "us"}).keyed.prepare().url == "https://us.example.test/v1/a"
    with pytest.raises(ConfigurationError, match="not one of"):
        Client(SECURED, server_variables={"region": "mars"}).keyed.prepare()
    with pytest.raises(ConfigurationError, match="base_url"):
        Client(ITEMS).put_item.prepare(path_id="a", name="n")


def test_name_clashes_are_reported_and_both_reachable():
    doc = spec(
        {
            "/u": {"get": {"operationId": "getUser", "responses": OK}},
            "/v": {"get": {"operationId": "GetUser", "responses": OK}},
            "/w": {"get": {"responses": OK}},
        }
    )
    with pytest.warns(NameClashWarning, match="get_user"):
        client = Client(doc, base_url="http://h")
    assert client.getUser.prepare().url.endswith("/u") and client.GetUser.prepare().url.endswith("/v")
    with pytest.raises(AmbiguousOperationError, match="get_user__get_u"):
        _ = client.get_user
    assert client.get_user__get_v.prepare().url.endswith("/v")
    assert client.get_w.prepare().url.endswith("/w")
    assert set(client.name_clashes["get_user"]) == {"get_user__get_u", "get_user__get_v"}


def test_talos_custom_method_paths_percent_encode_the_key_and_default_headers_apply():
    from talos_dynamic.bundled import TALOS_SPEC

    client = Client(TALOS_SPEC, base_url="http://h/prefix/", token="T", headers={"X-Trace": "t1"})
    prepared = client.admin_revoke_api_key.prepare(key_id="a/b:c d", reason="REVOCATION_REASON_SUPERSEDED")
    assert prepared.url == "http://h/prefix/v2alpha1/admin/apiKeys/a%2Fb%3Ac%20d:revoke"
    assert prepared.headers["X-Trace"] == "t1" and prepared.headers["Authorization"] == "Bearer T"
    assert "Bearer ***" in prepared.to_curl() and "Bearer T'" not in prepared.to_curl()


def test_secret_values_are_masked_in_validation_errors():
    from talos_dynamic.bundled import TALOS_SPEC

    client = Client(TALOS_SPEC, base_url="http://h")
    with pytest.raises(RequestValidationError) as caught:
        client.admin_verify_api_key(credential=["sk_live_super_secret"])
    assert "sk_live_super_secret" not in str(caught.value) and "sk_live_super_secret" not in repr(caught.value)
    assert caught.value.violations[0].value == "***"


def test_openapi_32_document_loads():
    doc = spec({"/q": {"query": {"operationId": "search", "responses": OK}}})
    doc["openapi"] = "3.2.0"
    assert Client(doc, base_url="http://h").search.prepare().method == "QUERY"

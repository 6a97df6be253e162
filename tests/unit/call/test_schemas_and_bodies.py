"""Schema rules as openapi-core applies them, and the body encodings real specs use."""

import io
import json

import pytest

from talos_dynamic import Client, NameClashWarning, RequestValidationError

OK = {"200": {"description": "ok"}}


def client_for(schema, media="application/json", version="3.0.3", **extra):
    doc = {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "post": {
                    "operationId": "send",
                    "requestBody": {"required": True, "content": {media: {"schema": schema, **extra}}},
                    "responses": OK,
                }
            }
        },
        "components": {
            "schemas": {
                "Cat": {
                    "type": "object",
                    "required": ["kind", "lives"],
                    "properties": {"kind": {"type": "string"}, "lives": {"type": "integer", "maximum": 9}},
                },
                "Dog": {
                    "type": "object",
                    "required": ["kind", "bark"],
                    "properties": {"kind": {"type": "string"}, "bark": {"type": "boolean"}},
                },
            }
        },
    }
    return Client(doc, base_url="http://h")


def violations(client, **kwargs):
    with pytest.raises(RequestValidationError) as caught:
        client.send.prepare(**kwargs)
    return {(v.path, v.rule): v.message for v in caught.value.violations}


def test_discriminator_with_mapping_and_implicit_names():
    mapped = client_for(
        {
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat", "dog": "Dog"}},
        }
    )
    mapped.send.prepare(body={"kind": "cat", "lives": 7})
    mapped.send.prepare(body={"kind": "dog", "bark": True})
    assert ("$.lives", "maximum") in violations(mapped, body={"kind": "cat", "lives": 10})
    implicit = client_for(
        {
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "kind"},
        }
    )
    implicit.send.prepare(body={"kind": "Dog", "bark": False})
    assert any("does not contain discriminating property" in m for m in violations(implicit, body={}).values())


def test_one_of_messages_name_the_failing_branches():
    client = client_for({"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]})
    found = violations(client, body={"kind": "cat"})
    message = found[("$", "oneOf")]
    assert "branch 0: 'lives' is a required property" in message and "branch 1: 'bark'" in message


def test_nullable_additional_properties_and_formats():
    client = client_for(
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "when": {"type": "string", "format": "date-time"},
                "id": {"type": "string", "format": "uuid"},
                "n": {"type": "integer", "format": "int32"},
                "note": {"type": "string", "nullable": True},
            },
        }
    )
    client.send.prepare(when="2024-01-01T00:00:00Z", id="00000000-0000-4000-8000-000000000000", n=1, note=None)
    found = violations(client, body={"when": "yesterday", "id": "nope", "n": 2**40, "extra": 1})
    assert set(found) == {("$.when", "format"), ("$.id", "format"), ("$.n", "format"), ("$", "additionalProperties")}


def test_read_only_is_not_required_in_requests_and_write_only_not_in_responses():
    for version in ("3.0.3", "3.1.0"):
        client = client_for(
            {
                "type": "object",
                "required": ["id", "name"],
                "properties": {"id": {"type": "string", "readOnly": True}, "name": {"type": "string"}},
            },
            version=version,
        )
        client.send.prepare(name="n")
        assert ("$.id", "readOnly") in violations(client, name="n", id="server-side")


def test_form_bodies_with_nested_objects_and_multipart_file_objects():
    form = client_for(
        {
            "type": "object",
            "properties": {"card": {"type": "object"}, "tags": {"type": "array", "items": {"type": "string"}}},
        },
        media="application/x-www-form-urlencoded",
        encoding={"card": {"style": "deepObject", "explode": True}, "tags": {"style": "form", "explode": False}},
    )
    prepared = form.send.prepare(card={"number": "4242", "exp": {"month": 1}}, tags=["a", "b"])
    assert prepared.body == b"card[number]=4242&card[exp][month]=1&tags=a,b"
    upload = client_for(
        {"type": "object", "properties": {"doc": {"type": "string", "format": "binary"}, "meta": {"type": "object"}}},
        media="multipart/form-data",
        encoding={"meta": {"contentType": "application/json"}},
    )
    handle = io.BytesIO(b"%PDF-1.7")
    handle.name = "/tmp/report.pdf"
    body = upload.send.prepare(doc=handle, meta={"a": 1}).body
    assert b'filename="report.pdf"' in body and b"Content-Type: application/pdf" in body and b"%PDF-1.7" in body
    assert b'Content-Type: application/json\r\n\r\n{"a":1}' in body


def test_problem_json_error_and_empty_201(canned):
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "post": {
                    "operationId": "make",
                    "responses": {
                        "201": {"description": "made", "content": {"application/json": {"schema": {}}}},
                        "400": {
                            "description": "bad",
                            "content": {
                                "application/problem+json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["title"],
                                        "properties": {"title": {"type": "string"}},
                                    }
                                }
                            },
                        },
                    },
                }
            }
        },
    }
    client = Client(doc, base_url=canned.url, response_validation="strict")
    canned.answer("/x", 201, b"", content_type="application/json")
    assert client.make().http.status == 201
    canned.answer(
        "/x", 400, json.dumps({"title": "bad input", "detail": "x"}).encode(), content_type="application/problem+json"
    )
    with pytest.raises(client.errors.BadRequest) as caught:
        client.make()
    assert caught.value.body == {"title": "bad input", "detail": "x"} and caught.value.violations == []


def test_servers_per_path_and_operation_oauth2_tokens_and_duplicate_operation_ids():
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://root.example.test"}],
        "components": {
            "securitySchemes": {
                "oauth": {
                    "type": "oauth2",
                    "flows": {"clientCredentials": {"tokenUrl": "https://auth.example.test/token", "scopes": {}}},
                },
                "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://auth.example.test/.well-known"},
            }
        },
        "paths": {
            "/a": {
                "servers": [{"url": "https://path.example.test"}],
                "get": {"operationId": "same", "security": [{"oauth": []}], "responses": OK},
                "post": {
                    "operationId": "same",
                    "servers": [{"url": "https://op.example.test"}],
                    "security": [{"oidc": []}],
                    "responses": OK,
                },
            },
            "/b": {"get": {"operationId": "other", "responses": OK}},
        },
    }
    with pytest.warns(NameClashWarning):
        client = Client(doc, token="tok")
    first, second = client.operation("GET /a").prepare(), client.operation("POST /a").prepare()
    assert first.url == "https://path.example.test/a" and second.url == "https://op.example.test/a"
    assert first.headers["Authorization"] == second.headers["Authorization"] == "Bearer tok"
    assert client.other.prepare().url == "https://root.example.test/b"
    assert set(client.name_clashes["same"]) == {"same__get_a", "same__post_a"}


def test_a_pattern_pythons_re_cannot_compile_is_skipped_with_a_warning(caplog):
    from talos_dynamic import MockTransport, RequestValidationError, Response

    params = [
        {"name": "q", "in": "query", "schema": {"type": "string", "pattern": "^\\p{Lu}+$"}},
        {"name": "r", "in": "query", "schema": {"type": "string", "pattern": "^[a-z]+$"}},
    ]
    paths = {"/a": {"get": {"operationId": "getA", "parameters": params, "responses": {"200": {"description": "ok"}}}}}
    spec = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}
    client = Client(spec, base_url="http://api.test", transport=MockTransport(lambda request: Response(200)))
    with caplog.at_level("WARNING", logger="talos_dynamic"):
        assert client.get_a(q="ÉTÉ").http.status == 200
    assert any("cannot be checked" in r.getMessage() for r in caplog.records)
    with pytest.raises(RequestValidationError, match="does not match"):
        client.get_a(r="ABC")

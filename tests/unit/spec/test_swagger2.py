"""Swagger 2.0 documents: each operation keeps its own wire format through the in-memory upgrade."""

import email.parser
import email.policy
import io
import json

import pytest
import yaml

from talos_dynamic import Client, RequestValidationError


def swagger(paths, **root):
    return {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "host": "127.0.0.1:9", "paths": paths, **root}


PATCH_BODY = {"name": "patch", "in": "body", "required": True, "schema": {"type": "object"}}
PATCH_TYPES = ["application/merge-patch+json", "application/json-patch+json", "application/strategic-merge-patch+json"]


def test_a_shared_body_parameter_takes_the_media_types_of_the_operation_that_uses_it():
    spec = swagger(
        {
            "/things/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "type": "string"}],
                "patch": {
                    "operationId": "patchThing",
                    "consumes": PATCH_TYPES,
                    "parameters": [{"$ref": "#/parameters/patch"}],
                    "responses": {"200": {"description": "ok"}},
                },
                "put": {
                    "operationId": "replaceThing",
                    "parameters": [{"$ref": "#/parameters/patch"}],
                    "responses": {"200": {"description": "ok"}},
                },
            }
        },
        consumes=["application/json", "application/yaml"],
        parameters={"patch": PATCH_BODY},
    )
    client = Client(spec)
    sent = client.patch_thing.prepare(id="a", body={"spec": {"replicas": 2}})
    assert sent.headers["Content-Type"] == "application/merge-patch+json"
    chosen = client.patch_thing.prepare(id="a", body={"metadata": {}}, content_type="application/json-patch+json")
    assert chosen.headers["Content-Type"] == "application/json-patch+json"
    with pytest.raises(RequestValidationError, match="not offered"):
        client.patch_thing.prepare(id="a", body={}, content_type="application/json")
    assert client.replace_thing.prepare(id="a", body={}).headers["Content-Type"] == "application/json"


UPLOAD = swagger(
    {
        "/upload": {
            "post": {
                "operationId": "upload",
                "consumes": ["multipart/form-data"],
                "parameters": [
                    {"name": "file", "in": "formData", "type": "file", "required": True},
                    {"name": "note", "in": "formData", "type": "string"},
                ],
                "responses": {"200": {"description": "ok"}},
            }
        }
    }
)


@pytest.mark.parametrize("mode", ["strict", "warn"])
def test_a_form_data_file_parameter_is_a_multipart_file_part(tmp_path, mode):
    client = Client(UPLOAD, request_validation=mode)
    path = tmp_path / "photo.png"
    path.write_bytes(b"PNG-BYTES")
    for given, filename, part_type in (
        (b"RAW-BYTES", "file", "application/octet-stream"),
        (path, "photo.png", "image/png"),
        (io.BytesIO(b"FROM-A-FILE"), "file", "application/octet-stream"),
        (("report.csv", b"a,b", "text/csv"), "report.csv", "text/csv"),
    ):
        sent = client.upload.prepare(file=given, note="hi")
        assert sent.headers["Content-Type"].startswith("multipart/form-data; boundary=")
        assert f'name="file"; filename="{filename}"'.encode() in sent.body
        assert f"Content-Type: {part_type}".encode() in sent.body
    assert b"PNG-BYTES" in client.upload.prepare(file=path).body
    if mode == "strict":
        with pytest.raises(RequestValidationError, match="'file' is a required property"):
            client.upload.prepare(note="no file")


def test_parameters_from_another_file_are_upgraded_like_the_roots(tmp_path):
    (tmp_path / "common.yaml").write_text(
        yaml.safe_dump(
            {
                "parameters": {
                    "ids": {
                        "name": "ids",
                        "in": "query",
                        "type": "array",
                        "items": {"type": "integer"},
                        "collectionFormat": "csv",
                    },
                    "tags": {"$ref": "#/parameters/tagList"},
                    "tagList": {"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}},
                    "patch": {"name": "patch", "in": "body", "schema": {"$ref": "#/definitions/Patch"}},
                },
                "definitions": {"Patch": {"type": "object", "properties": {"size": {"type": "integer"}}}},
                "responses": {"Thing": {"description": "ok", "schema": {"$ref": "#/definitions/Patch"}}},
            }
        )
    )
    (tmp_path / "paths.yaml").write_text(
        yaml.safe_dump(
            {
                "post": {
                    "operationId": "upload",
                    "parameters": [{"name": "doc", "in": "formData", "type": "file"}],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        )
    )
    spec = swagger(
        {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "parameters": [{"$ref": "common.yaml#/parameters/ids"}, {"$ref": "common.yaml#/parameters/tags"}],
                    "responses": {"200": {"$ref": "common.yaml#/responses/Thing"}},
                },
                "patch": {
                    "operationId": "patchThings",
                    "consumes": ["application/merge-patch+json"],
                    "parameters": [{"$ref": "common.yaml#/parameters/patch"}],
                    "responses": {"200": {"description": "ok"}},
                },
            },
            "/uploads": {"$ref": "paths.yaml"},
        },
        schemes=["http"],
    )
    (tmp_path / "api.json").write_text(json.dumps(spec))
    client = Client(tmp_path / "api.json")
    assert client.list_things.prepare(ids=[1, 2], tags=["a", "b"]).url.endswith("/things?ids=1,2&tags=a,b")
    with pytest.raises(RequestValidationError, match=r"query ids\[0\]: 'x' is not of type 'integer'"):
        client.list_things.prepare(ids=["x"])
    assert "list[int]" in str(client.list_things.__signature__)
    assert client.list_things.operation.responses["200"].content["application/json"].schema is not None
    sent = client.patch_things.prepare(size=3)
    assert (sent.headers["Content-Type"], sent.body) == ("application/merge-patch+json", b'{"size":3}')
    with pytest.raises(RequestValidationError, match="size"):
        client.patch_things.prepare(size="big")
    assert b'filename="file"' in client.upload.prepare(doc=b"x").body


def test_a_multipart_form_data_array_keeps_its_collection_format():
    field = {"in": "formData", "type": "array", "items": {"type": "integer"}}
    spec = swagger(
        {
            "/stats": {
                "post": {
                    "operationId": "stats",
                    "consumes": ["multipart/form-data"],
                    "parameters": [
                        {"name": "ids", **field},
                        {"name": "tags", **field, "collectionFormat": "pipes"},
                        {"name": "each", **field, "collectionFormat": "multi"},
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        }
    )
    sent = Client(spec).stats.prepare(ids=[1, 2], tags=[3, 4], each=[5, 6])
    head = f"Content-Type: {sent.headers['Content-Type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + sent.body)
    fields = [
        (part.get_param("name", header="content-disposition"), part.get_content()) for part in message.iter_parts()
    ]
    assert fields == [("ids", "1,2"), ("tags", "3|4"), ("each", "5"), ("each", "6")]

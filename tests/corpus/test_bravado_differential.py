"""Differential test against bravado-core, which reads Swagger 2.0 natively: for every operation of every
Swagger 2.0 document in ../shared, the same arguments (required only, and every optional one filled) give
the same method, URL path, query, parameter headers and body from both clients.

bravado-core marshals each parameter into a requests-style dict (as bravado's own client does); requests
then encodes it, as bravado's http client does. Our request comes from the upgraded OpenAPI 3 document.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import os
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
import requests
import yaml
from openapi_schema_validator._specifications import REGISTRY as META_SCHEMAS

from talos_dynamic import Client, RequestValidationError
from talos_dynamic.explore.docs import skeleton_arguments

bravado_spec = pytest.importorskip("bravado_core.spec")
bravado_param = pytest.importorskip("bravado_core.param")

# bravado-core's own deprecation notices and unregistered-format notices are its business, not this test's
pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning:bravado_core"),
    pytest.mark.filterwarnings("ignore:.*format is not registered with bravado-core"),
]


BASE_URL = "http://127.0.0.1:9/base"
FILE_CONTENT = b"file-content"
FILE_PART_TYPE = "application/octet-stream"
# Where bravado-core is wrong, the difference is named here and only that part of the request is set aside
# (the rest is still compared):
# - a file part without a type of its own: bravado (through requests) sends no Content-Type, we send
#   application/octet-stream, RFC 7578's default for a file; parts are compared with either as "(file default)".
# - formData without a file: bravado hands the fields to requests as `data=`, so they go out as
#   application/x-www-form-urlencoded even when the operation consumes only multipart/form-data; we send
#   what `consumes` offers. The fields themselves are compared.
FORM_AS_URLENCODED = "bravado sends formData urlencoded whatever consumes says"
# (document, operation) -> (part of the request, why)
EXPLAINED = {
    ("jupyter_server-2.21.1-api.yaml", "patch_api_contents_path"): (
        "path",
        "bravado-core keys an operation's parameters by name: the body parameter 'path' hides the path "
        "parameter 'path', so bravado leaves {path} in the URL",
    ),
}


def swagger2_documents() -> list[Path]:
    shared = os.environ.get("TALOS_DYNAMIC_SHARED")
    if not shared or not Path(shared).is_dir():
        return []
    specs = Path(shared) / "specs"
    rows = [row.split("\t") for row in (specs / "INDEX.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    return [specs / row[0] for row in rows if row[5] == "2.0"]


def pytest_generate_tests(metafunc):
    if "document" in metafunc.fixturenames:
        documents = swagger2_documents()
        metafunc.parametrize("document", documents or [None], ids=[d.name for d in documents] or ["none"])


class MetaSchemasOnly:
    """An http client for bravado-core that never touches the network. bravado-core walks every schema
    jsonschema knows, and openapi-schema-validator (imported by our client) registers OpenAPI 3.1's dialect,
    whose vocabularies would be downloaded: they are served from that package's registry instead, and any
    other URL is refused."""

    def request(self, params):
        url = params["url"]
        if url not in META_SCHEMAS:
            raise AssertionError(f"bravado-core tried to download {url}")
        return SimpleNamespace(result=lambda: SimpleNamespace(headers={}, json=lambda: META_SCHEMAS.contents(url)))


def bravado_operations(document: Path):
    raw = yaml.safe_load(document.read_text(encoding="utf-8"))
    raw = {**raw, "host": "127.0.0.1:9", "basePath": "/base", "schemes": ["http"]}
    config = {"validate_swagger_spec": False, "validate_requests": False, "use_models": False}
    spec = bravado_spec.Spec.from_dict(raw, document.as_uri(), MetaSchemasOnly(), config)
    return {
        (op.http_method.upper(), op.path_name): op
        for resource in spec.resources.values()
        for op in resource.operations.values()
    }


def bravado_request(op, values: dict) -> requests.PreparedRequest:
    """What bravado sends: each parameter marshalled by bravado-core, the request encoded by requests."""
    request = {"method": op.http_method.upper(), "url": BASE_URL + op.path_name, "params": {}, "headers": {}}
    for name, param in op.params.items():
        if name in values or param.required:
            bravado_param.marshal_param(param, values.get(name), request)
    return requests.Request(
        request["method"],
        request["url"],
        params=request["params"],
        headers=request["headers"],
        data=request.get("data"),
        files=request.get("files"),
    ).prepare()


def with_files(table, arguments: dict) -> dict:
    """The arguments with every binary (file) body field given real bytes."""
    out = dict(arguments)
    for name, argument in table.by_name.items():
        schema = table.resolver.resolve(argument.schema).value if argument.schema is not None else None
        if name in out and isinstance(schema, dict) and schema.get("format") == "binary":
            out[name] = FILE_CONTENT
    return out


def two_items(arguments: dict) -> dict:
    """The arguments with every array of one scalar given a second, different item (collectionFormat shows)."""
    out = dict(arguments)
    for name, value in arguments.items():
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str | int | float):
            first = value[0]
            out[name] = [first, first + 1 if isinstance(first, int | float) else first + "2"]
    return out


def bravado_values(table, arguments: dict, op) -> dict:
    """Our keyword arguments under bravado's parameter names (body fields gathered into the body parameter)."""
    values, fields = {}, {}
    for name, value in arguments.items():
        argument = table.by_name.get(name)
        if name == "body":
            fields = {**value, **fields} if isinstance(value, dict) else value
        elif argument.parameter is not None:
            values[argument.parameter.name] = value
        else:
            fields[argument.property_name] = value
    body = [p for p in op.params.values() if p.location == "body"]
    if body and ("body" in arguments or fields):
        values[body[0].name] = fields
    elif isinstance(fields, dict):
        values.update(fields)
    return values


def wire(method, url, headers, body, parameter_headers) -> dict:
    """The parts of a request both clients are responsible for, in comparable form."""
    parts = urlsplit(url)
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return {
        "method": method,
        "path": unquote(parts.path),
        "query": sorted(parse_qsl(parts.query, keep_blank_values=True)),
        "headers": {k: v for k, v in headers.items() if k.lower() in parameter_headers},
        "body": decoded_body(content_type, body),
    }


def decoded_body(content_type: str, body) -> object:
    if body is None or body == b"":
        return None
    data = body if isinstance(body, bytes) else body.encode()
    media = content_type.split(";")[0].strip().lower()
    if media.endswith("json"):
        return ("json", json.loads(data))
    if media == "application/x-www-form-urlencoded":
        return ("form", sorted(parse_qsl(data.decode(), keep_blank_values=True)))
    if media == "multipart/form-data":
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + data
        )
        parts = []
        for part in message.iter_parts():
            part_type = part.get("Content-Type")
            if part.get_filename() is not None and part_type in (None, FILE_PART_TYPE):
                part_type = "(file default)"
            parts.append(
                (
                    part.get_param("name", header="content-disposition"),
                    part.get_filename(),
                    part_type,
                    part.get_payload(decode=True),
                )
            )
        return ("multipart", sorted(parts, key=repr))
    return (media, data)


def test_same_requests_as_bravado_core(document, shared_dir):
    if document is None:  # shared_dir has skipped (unset) or failed (a missing folder) already
        pytest.fail(f"no Swagger 2.0 document listed in {shared_dir}/specs/INDEX.tsv")
    client = Client(document, base_url=BASE_URL)
    theirs = bravado_operations(document)
    differences, compared, explained = [], 0, set()
    for op in client.operations:
        table = op.arguments
        bravado_op = theirs[(op.operation.method, op.operation.path)]
        parameter_headers = {p.name.lower() for p in table.parameters if p.location == "header"}
        for which in ("required", "optional", "two items"):
            arguments = with_files(table, skeleton_arguments(table, optional=which != "required"))
            if which == "two items":
                arguments = two_items(arguments)
                try:
                    ours = op.prepare(**arguments)
                except RequestValidationError:
                    continue  # the schema takes one item only
            else:
                ours = op.prepare(**arguments)
            their = bravado_request(bravado_op, bravado_values(table, arguments, bravado_op))
            mine = wire(ours.method, ours.url, ours.headers, ours.body, parameter_headers | {"content-type"})
            other = wire(their.method, their.url, their.headers, their.body, parameter_headers | {"content-type"})
            for side in (mine, other):  # boundaries differ; the parts are compared in the body
                side["headers"] = {k: v.split(";")[0] for k, v in side["headers"].items()}
            compared += 1
            if mine["body"] and other["body"] and (mine["body"][0], other["body"][0]) == ("multipart", "form"):
                consumes = bravado_op.consumes or []
                if "application/x-www-form-urlencoded" not in consumes and not any(p[1] for p in mine["body"][1]):
                    explained.add(f"{op.__name__}: {FORM_AS_URLENCODED}")
                    mine["body"] = ("form", sorted((p[0], p[3].decode()) for p in mine["body"][1]))
                    mine["headers"].pop("Content-Type"), other["headers"].pop("Content-Type")
            set_aside = EXPLAINED.get((document.name, op.__name__))
            if set_aside is not None:
                explained.add(f"{op.__name__}: {set_aside[1]}")
                mine.pop(set_aside[0]), other.pop(set_aside[0])
            if mine != other:
                differences.append(f"{op.__name__} ({which}):\n  ours   {mine}\n  theirs {other}")
    print(f"\n{document.name}: {compared} requests compared with bravado-core, {len(differences)} differences")
    for line in sorted(explained):
        print(f"  explained: {line}")
    assert not differences, "\n".join(differences)

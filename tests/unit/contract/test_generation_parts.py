"""The pure parts of generated cases: OpenAPI to JSON Schema, size bounds, boundary values, link runtime
expressions, and keeping each finding's smallest reproduction."""

from __future__ import annotations

import dataclasses

from talos_dynamic.call.prepare import PreparedRequest
from talos_dynamic.call.transports import Response
from talos_dynamic.contract.findings import Finding
from talos_dynamic.contract.generation import smallest_per_key
from talos_dynamic.contract.random_values import plain
from talos_dynamic.contract.stateful import runtime_value
from talos_dynamic.contract.strategies import CUT, boundary_values, bounded, json_schema


def test_openapi_schemas_become_plain_json_schema_for_requests():
    schema = {
        "type": "object",
        "required": ["id", "name"],
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "name": {"type": "string", "nullable": True, "example": "x"},
            "age": {"type": "integer", "format": "int32", "minimum": 0, "exclusiveMinimum": True},
            "kind": {"type": "string", "enum": ["a"], "nullable": True},
        },
    }
    assert json_schema(schema) == {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": ["string", "null"]},
            "age": {"type": "integer", "format": "int32", "exclusiveMinimum": 0, "maximum": 2**31 - 1},
            "kind": {"type": ["string", "null"], "enum": ["a"]},  # null only when the enum lists it (OAS 3.0.3)
        },
    }
    assert "id" in json_schema(schema, "response")["properties"]


def test_random_cases_are_bounded_in_size():
    assert bounded({"type": "object"}) == {
        "type": "object",
        "additionalProperties": {"type": ["string", "integer", "boolean", "null"], "maxLength": 16},
        "maxProperties": 3,
    }
    assert bounded({"type": "object", "properties": {"a": {"type": "string"}}})["additionalProperties"] is False
    assert bounded({"type": "array", "minItems": 1, "maxItems": 100, "items": {"type": "string"}}) == {
        "type": "array",
        "minItems": 1,
        "maxItems": 5,
        "items": {"type": "string", "maxLength": 64},
    }
    assert bounded({"type": "array", "minItems": 8})["maxItems"] == 8
    assert "maxLength" not in bounded({"type": "string", "pattern": "^a+$"})


def test_boundary_values_are_the_edges_a_schema_allows():
    assert boundary_values({"type": "string", "minLength": 2, "maxLength": 4}) == ["aa", "zzzz"]
    assert boundary_values({"type": "integer", "minimum": 1, "exclusiveMaximum": 10}) == [1, 9]
    assert boundary_values({"type": "string", "enum": ["x", "y"]}) == ["x", "y"]
    assert boundary_values({"type": "string", "format": "uuid"}) == ["00000000-0000-4000-8000-000000000000"]
    assert boundary_values({"type": "array", "maxItems": 2, "items": {"type": "integer", "minimum": 3}}) == [[3, 3]]


def test_link_runtime_expressions():
    request = PreparedRequest("createPet", "POST", "http://h/pets?limit=5", {"X-Trace": "t1"}, b'{"name": "rex"}')
    response = Response(201, {"Location": "/pets/p1"}, b'{"id": "p1", "tags": [{"name": "a/b"}]}')
    exchange = (request, response, {"petId": "p0"})
    assert runtime_value("$response.body#/id", exchange) == "p1"
    assert runtime_value("$response.body#/tags/0/name", exchange) == "a/b"
    assert runtime_value("$response.header.Location", exchange) == "/pets/p1"
    assert runtime_value("$request.body#/name", exchange) == "rex"
    assert runtime_value("$request.query.limit", exchange) == "5"
    assert runtime_value("$request.path.petId", exchange) == "p0"
    assert runtime_value("$statusCode", exchange) == 201
    assert runtime_value("/owners/{$response.body#/id}/pets", exchange) == "/owners/p1/pets"
    assert runtime_value({"constant": 1}, exchange) == {"constant": 1}
    assert runtime_value("$response.body#/missing", exchange) is None


def test_each_finding_keeps_its_smallest_request():
    base = Finding(
        "not_a_server_error", "error", "op", "POST", "u", 500, "$", "5xx", "< 500", 500, "m", "curl -d 'xxxx'"
    )
    shorter = dataclasses.replace(base, curl="curl -d '30'")
    shrunk = dataclasses.replace(base, curl="curl -d '26'")
    other = dataclasses.replace(base, operation="other")
    assert smallest_per_key([base, other, shorter, shrunk]) == [shrunk, other]


def test_a_recursive_schema_is_cut_where_it_repeats():
    node: dict = {"type": "object", "properties": {"name": {"type": "string"}}}
    node["properties"]["children"] = {"type": "array", "items": node}  # what inlining a recursive $ref gives
    converted = json_schema(node)
    assert converted["properties"]["children"]["items"] == CUT  # any value, and not a plain schema
    assert not plain(bounded(converted))
    assert bounded(converted)["properties"]["children"]["maxItems"] == 5


def test_formats_the_format_checker_knows_get_only_values_it_accepts(monkeypatch):
    """hypothesis-jsonschema holds a custom format's values to jsonschema's FormatChecker, whose formats depend
    on the optional packages installed (isoduration adds 'duration', as pydantic's timedelta declares): a value
    it refuses stopped generation for that operation (InvalidArgument)."""
    import re

    import jsonschema
    from hypothesis import HealthCheck, given, settings

    from talos_dynamic.contract.strategies import value_strategy

    iso = re.compile(r"\AP(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?\Z")
    monkeypatch.setitem(jsonschema.FormatChecker.checkers, "duration", (lambda v: bool(iso.match(v)), ValueError))
    monkeypatch.setitem(jsonschema.FormatChecker.checkers, "x-even", (lambda v: len(v) % 2 == 0, ValueError))
    seen: list[tuple[str, str]] = []
    schema = {
        "type": "object",
        "properties": {"ttl": {"type": "string", "format": "duration"}, "tag": {"type": "string", "format": "x-even"}},
        "required": ["ttl", "tag"],
        "additionalProperties": False,
    }

    @settings(max_examples=30, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(value_strategy(schema))
    def draw(value):
        seen.append((value["ttl"], value["tag"]))

    draw()
    assert len(seen) >= 10
    assert all(iso.match(ttl) and len(tag) % 2 == 0 for ttl, tag in seen)


def test_boundary_arrays_of_objects_hold_valid_items():
    # Talos' batch verify: requests is an array of objects that each require a credential
    schema = {
        "type": "array",
        "minItems": 1,
        "maxItems": 3,
        "items": {
            "type": "object",
            "required": ["credential"],
            "properties": {"credential": {"type": "string", "minLength": 4}, "note": {"type": "string"}},
        },
    }
    assert boundary_values(schema) == [[{"credential": "xxxx"}], [{"credential": "xxxx"}] * 3]

"""diff(): each kind of change a Python caller can feel, marked breaking or not, in three formats."""

from __future__ import annotations

import copy
import json

from talos_dynamic import diff

BASE = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/things": {
            "get": {
                "operationId": "ListThings",
                "parameters": [
                    {"name": "page_size", "in": "query", "schema": {"type": "integer"}},
                    {"name": "color", "in": "query", "schema": {"type": "string", "enum": ["red", "blue"]}},
                    {"name": "legacy", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "things": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                                        "total": {"type": "integer"},
                                    },
                                }
                            }
                        },
                    },
                    "default": {
                        "description": "error",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                },
            },
            "post": {
                "operationId": "CreateThing",
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}
                    }
                },
                "responses": {"200": {"description": "ok"}},
            },
        },
        "/things/{id}": {
            "delete": {
                "operationId": "DeleteThing",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}},
            }
        },
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "size": {"type": "integer"},
                    "state": {"$ref": "#/components/schemas/State"},
                },
            },
            "State": {"type": "string", "enum": ["ON", "OFF", "BROKEN"]},
            "Error": {"type": "object", "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}},
        }
    },
}


def changed(edit) -> dict:
    spec = copy.deepcopy(BASE)
    edit(spec)
    return spec


def kinds(report):
    return {(c.kind, c.operation, c.subject, c.breaking) for c in report.changes}


def test_the_same_spec_has_no_changes():
    report = diff(BASE, copy.deepcopy(BASE))
    assert report.changes == [] and report.breaking == []


def test_operation_id_case_change_keeping_the_python_name_is_not_a_break():
    def edit(spec):
        spec["paths"]["/things"]["get"]["operationId"] = "listThings"

    report = diff(BASE, changed(edit))
    assert kinds(report) == {("operation-id-renamed", "list_things", "list_things", False)}
    assert "not a break" in report.changes[0].message


def test_renamed_at_the_same_route_and_removed_operations_break():
    def edit(spec):
        spec["paths"]["/things/{id}"]["delete"]["operationId"] = "RemoveThing"
        del spec["paths"]["/things"]["post"]

    report = diff(BASE, changed(edit))
    assert ("operation-renamed", "delete_thing", "delete_thing", True) in kinds(report)
    assert ("operation-removed", "create_thing", "create_thing", True) in kinds(report)
    renamed = report.of_kind("operation-renamed")[0]
    assert (renamed.old, renamed.new) == ("DeleteThing", "remove_thing")


def test_argument_changes():
    def edit(spec):
        params = spec["paths"]["/things"]["get"]["parameters"]
        params[0]["schema"] = {"type": "string"}  # page_size: int -> str
        params[0]["required"] = True
        params[1]["schema"]["enum"] = ["red", "green"]  # blue removed, green added
        del params[2]  # legacy removed
        params.append({"name": "owner", "in": "query", "required": True, "schema": {"type": "string"}})
        params.append({"name": "sort", "in": "query", "schema": {"type": "string"}})

    found = kinds(diff(BASE, changed(edit)))
    assert {
        ("argument-type-changed", "list_things", "page_size", True),
        ("argument-required", "list_things", "page_size", True),
        ("enum-value-removed", "list_things", "color", True),
        ("enum-value-added", "list_things", "color", False),
        ("argument-removed", "list_things", "legacy", True),
        ("argument-added", "list_things", "owner", True),
        ("argument-added", "list_things", "sort", False),
    } <= found


def test_answer_field_enum_and_error_shape_changes():
    def edit(spec):
        schemas = spec["components"]["schemas"]
        del schemas["Thing"]["properties"]["size"]
        schemas["Thing"]["properties"]["id"] = {"type": "integer"}
        schemas["Thing"]["properties"]["color"] = {"type": "string"}
        schemas["State"]["enum"] = ["ON", "OFF", "UNKNOWN"]
        schemas["Error"]["properties"] = {"error": {"type": "object", "properties": {"code": {"type": "integer"}}}}

    report = diff(BASE, changed(edit))
    found = kinds(report)
    assert {
        ("response-field-removed", "list_things", "things[].size", True),
        ("response-field-type-changed", "list_things", "things[].id", True),
        ("response-field-added", "list_things", "things[].color", False),
        ("enum-value-removed", None, "State", True),
        ("enum-value-added", None, "State", False),
        ("error-shape-changed", "list_things", "default", True),
    } <= found
    shape = report.of_kind("error-shape-changed")[0]
    assert "fields gone: code, message" in shape.message


def test_renaming_a_schema_changes_no_types_but_breaks_models():
    def edit(spec):
        schemas = spec["components"]["schemas"]
        schemas["THING"] = schemas.pop("Thing")
        body = spec["paths"]["/things"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        body["properties"]["things"]["items"]["$ref"] = "#/components/schemas/THING"

    assert kinds(diff(BASE, changed(edit))) == {("schema-renamed", None, "Thing", True)}


def test_text_markdown_and_json_reports():
    def edit(spec):
        del spec["paths"]["/things"]["post"]
        spec["paths"]["/things"]["get"]["operationId"] = "listThings"

    report = diff(BASE, changed(edit))
    text = report.to_text()
    assert text.splitlines()[0].endswith("2 changes, 1 breaking")
    assert text.splitlines()[1].strip().startswith("BREAKING operation-removed: create_thing")
    assert "| **breaking** | operation-removed | `create_thing` |" in report.to_markdown()
    data = json.loads(report.render("json"))
    assert data["breaking"] == 1
    assert {c["kind"] for c in data["changes"]} == {"operation-removed", "operation-id-renamed"}
    assert set(data["changes"][0]) == {"kind", "breaking", "message", "operation", "subject", "old", "new"}

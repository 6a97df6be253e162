"""A Kubernetes-size Swagger 2.0 document, generated (none ships in ../shared): about 3 MB of JSON with 700
definitions that refer to one another, 450 paths with 4 operations each, shared $ref'd parameters, a body
parameter used under several patch media types, and 3 produces per operation, as Kubernetes has."""

from __future__ import annotations

import random
from typing import Any


def kubernetes_like(definitions: int = 700, paths: int = 450, seed: int = 7) -> dict[str, Any]:
    """The document (deterministic for a seed)."""
    rnd = random.Random(seed)
    names = [f"io.k8s.api.group{i % 40}.v1.Kind{i}" for i in range(definitions)]
    return {
        "swagger": "2.0",
        "info": {"title": "Kubernetes-like", "version": "v1"},
        "paths": {f"/apis/group{p % 40}/v1/namespaces/{{namespace}}/kind{p}": _path(p, names) for p in range(paths)},
        "definitions": {name: _definition(i, names, rnd) for i, name in enumerate(names)},
        "parameters": {
            "body": {"name": "body", "in": "body", "required": True, "schema": {"$ref": f"#/definitions/{names[0]}"}},
            **{
                name: {"name": name, "in": "query", "type": kind, "description": f"{name} " * 10}
                for name, kind in (("pretty", "string"), ("labelSelector", "string"), ("limit", "integer"))
            },
            "dryRun": {"name": "dryRun", "in": "query", "type": "string", "description": "dry run " * 10},
        },
        "securityDefinitions": {"BearerToken": {"type": "apiKey", "in": "header", "name": "authorization"}},
        "security": [{"BearerToken": []}],
    }


def _definition(index: int, names: list[str], rnd: random.Random) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for j in range(14):
        kind = rnd.choice(["string", "integer", "boolean", "ref", "array", "map"])
        if kind == "ref":
            properties[f"field{j}"] = {"$ref": f"#/definitions/{rnd.choice(names)}"}
        elif kind == "array":
            properties[f"field{j}"] = {"type": "array", "items": {"$ref": f"#/definitions/{rnd.choice(names)}"}}
        elif kind == "map":
            properties[f"field{j}"] = {"type": "object", "additionalProperties": {"type": "string"}}
        else:
            properties[f"field{j}"] = {"type": kind, "description": "Lorem ipsum dolor sit amet " * 4}
    return {
        "type": "object",
        "description": "A kind. " * 20,
        "required": ["field0"],
        "properties": properties,
        "x-kubernetes-group-version-kind": [{"group": "g", "kind": f"Kind{index}", "version": "v1"}],
    }


def _path(index: int, names: list[str]) -> dict[str, Any]:
    kind = names[index % len(names)]
    item: dict[str, Any] = {
        "parameters": [
            {"$ref": "#/parameters/pretty"},
            {"name": "namespace", "in": "path", "required": True, "type": "string"},
        ]
    }
    for method in ("get", "put", "patch", "delete"):
        operation: dict[str, Any] = {
            "operationId": f"{method}Namespaced{index}",
            "tags": [f"group{index % 40}"],
            "description": "Operation. " * 10,
            "consumes": ["*/*"],
            "produces": ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"],
            "parameters": [{"$ref": "#/parameters/labelSelector"}, {"$ref": "#/parameters/limit"}],
            "responses": {
                "200": {"description": "OK", "schema": {"$ref": f"#/definitions/{kind}"}},
                "401": {"description": "Unauthorized"},
            },
        }
        if method == "patch":
            operation["consumes"] = [
                "application/json-patch+json",
                "application/merge-patch+json",
                "application/strategic-merge-patch+json",
            ]
        if method in ("put", "patch"):
            operation["parameters"] += [{"$ref": "#/parameters/body"}, {"$ref": "#/parameters/dryRun"}]
        item[method] = operation
    return item

"""A Swagger 2.0 document shaped like Kubernetes' (3.5 MB, 1,126 operations; the real one: 4 MB, 1,123), for
load and docs benchmarks: ../shared has no Kubernetes document, so one of its shape is generated (deterministic).

Like the real one: per resource a dozen operations (list, create, delete collection, read, replace, delete,
patch, the status subresource, watch, list in all namespaces), query parameters shared through the
top-level `parameters` section, `body` parameters, `consumes`/`produces` lists, `x-kubernetes-*`
extensions, and definitions that refer to one another (object metadata, containers, volumes...) with long
descriptions. Usage: kubernetes_like.py OUT.json
"""

from __future__ import annotations

import json
import random
import sys
from typing import Any

RESOURCES = 94  # 12 operations each, the last few cut: 1,126
WORDS = tuple(
    [
        "the",
        "object",
        "resource",
        "field",
        "value",
        "server",
        "client",
        "request",
        "list",
        "watch",
        "label",
        "selector",
        "namespace",
        "status",
        "spec",
        "condition",
        "version",
        "group",
        "kind",
        "metadata",
        "annotation",
        "container",
        "volume",
        "port",
        "probe",
        "policy",
        "replica",
        "template",
        "update",
        "delete",
        "create",
        "patch",
        "scheduling",
        "node",
        "pod",
        "service",
        "endpoint",
        "secret",
        "config",
        "map",
        "storage",
        "claim",
    ]
)
LIST_PARAMS = (
    "allowWatchBookmarks",
    "continue",
    "fieldSelector",
    "labelSelector",
    "limit",
    "resourceVersion",
    "resourceVersionMatch",
    "sendInitialEvents",
    "timeoutSeconds",
    "watch",
)


PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json"]


def path_parameter(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "type": "string", "description": description}


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def property_schema(rng: random.Random, shared: list[str]) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.25 and shared:
        return {"$ref": f"#/definitions/{rng.choice(shared)}", "description": sentence(rng, 25)}
    if roll < 0.4:
        return {"type": "array", "items": {"type": "string"}, "description": sentence(rng, 30)}
    if roll < 0.5:
        return {"type": "integer", "format": "int32", "description": sentence(rng, 20)}
    if roll < 0.55:
        return {"type": "object", "additionalProperties": {"type": "string"}, "description": sentence(rng, 20)}
    if roll < 0.6:
        return {"type": "boolean", "description": sentence(rng, 15)}
    return {"type": "string", "description": sentence(rng, rng.randint(30, 80))}


def definition(rng: random.Random, shared: list[str], count: int) -> dict[str, Any]:
    properties = {f"{rng.choice(WORDS)}{i}": property_schema(rng, shared) for i in range(count)}
    return {"description": sentence(rng, 40), "type": "object", "properties": properties}


def build(seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    definitions: dict[str, Any] = {}
    common = ["ObjectMeta", "ListMeta", "Status", "DeleteOptions", "Patch", "WatchEvent", "Time"]
    definitions["Time"] = {"type": "string", "format": "date-time", "description": sentence(rng, 20)}
    shared: list[str] = ["Time"]
    for name in ("Probe", "Port", "EnvVar", "Volume", "ResourceRequirements", "Affinity", "Toleration"):
        definitions[name] = definition(rng, shared, 12)
        shared.append(name)
    definitions["Container"] = definition(rng, shared, 30)
    shared.append("Container")
    for name in common[:6]:
        definitions[name] = definition(rng, ["Time"], 10)
    parameters = {
        name: {"name": name, "in": "query", "type": "string", "uniqueItems": True, "description": sentence(rng, 40)}
        for name in LIST_PARAMS
    }
    paths: dict[str, Any] = {}
    operations = 0
    for index in range(RESOURCES):
        kind = f"{rng.choice(WORDS).title()}{rng.choice(WORDS).title()}{index}"
        plural = kind.lower() + "s"
        group = f"/apis/{rng.choice(WORDS)}.k8s.io/v1"
        for suffix in ("Spec", "Status"):
            definitions[f"{kind}{suffix}"] = definition(rng, shared, rng.randint(18, 40))
        definitions[kind] = {
            "description": sentence(rng, 40),
            "type": "object",
            "properties": {
                "apiVersion": {"type": "string", "description": sentence(rng, 50)},
                "kind": {"type": "string", "description": sentence(rng, 50)},
                "metadata": {"$ref": "#/definitions/ObjectMeta"},
                "spec": {"$ref": f"#/definitions/{kind}Spec"},
                "status": {"$ref": f"#/definitions/{kind}Status"},
            },
            "x-kubernetes-group-version-kind": [{"group": group, "kind": kind, "version": "v1"}],
        }
        definitions[f"{kind}List"] = {
            "type": "object",
            "required": ["items"],
            "properties": {
                "items": {"type": "array", "items": {"$ref": f"#/definitions/{kind}"}},
                "metadata": {"$ref": "#/definitions/ListMeta"},
            },
        }

        def op(verb, name, response, body=None, params=(), kind=kind, group=group):  # noqa: ANN001, ANN202
            nonlocal operations
            operations += 1
            listed: list[dict[str, Any]] = [{"$ref": f"#/parameters/{p}"} for p in params]
            if body:
                schema = {"$ref": f"#/definitions/{body}"}
                listed.append({"name": "body", "in": "body", "required": True, "schema": schema})
            listed.append({"name": "dryRun", "in": "query", "type": "string", "description": sentence(rng, 30)})
            return {
                "description": sentence(rng, 12),
                "consumes": ["*/*"] if verb != "patch" else PATCH_TYPES,
                "produces": ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"],
                "schemes": ["https"],
                "tags": [group.strip("/").replace("/", "_")],
                "operationId": f"{name}{kind}",
                "parameters": listed,
                "responses": {
                    "200": {"description": "OK", "schema": {"$ref": f"#/definitions/{response}"}},
                    "401": {"description": "Unauthorized"},
                },
                "x-kubernetes-action": verb,
                "x-kubernetes-group-version-kind": {"group": group, "kind": kind, "version": "v1"},
            }

        namespace = path_parameter("namespace", sentence(rng, 15))
        name_param = path_parameter("name", sentence(rng, 10))
        base = f"{group}/namespaces/{{namespace}}/{plural}"
        paths[base] = {
            "get": op("list", "listNamespaced", f"{kind}List", params=LIST_PARAMS),
            "post": op("post", "createNamespaced", kind, body=kind),
            "delete": op("deletecollection", "deleteCollection", "Status", body="DeleteOptions", params=LIST_PARAMS),
            "parameters": [namespace],
        }
        paths[f"{base}/{{name}}"] = {
            "get": op("get", "readNamespaced", kind),
            "put": op("put", "replaceNamespaced", kind, body=kind),
            "delete": op("delete", "deleteNamespaced", "Status", body="DeleteOptions"),
            "patch": op("patch", "patchNamespaced", kind, body="Patch"),
            "parameters": [namespace, name_param],
        }
        paths[f"{base}/{{name}}/status"] = {
            "get": op("get", "readNamespacedStatus", f"{kind}Status"),
            "put": op("put", "replaceNamespacedStatus", kind, body=kind),
            "patch": op("patch", "patchNamespacedStatus", kind, body="Patch"),
            "parameters": [namespace, name_param],
        }
        if operations < 1123 - 2:
            paths[f"{group}/watch/namespaces/{{namespace}}/{plural}"] = {
                "get": op("watchlist", "watchNamespaced", "WatchEvent", params=LIST_PARAMS),
                "parameters": [namespace],
            }
            paths[f"{group}/{plural}"] = {"get": op("list", "listForAllNamespaces", f"{kind}List", params=LIST_PARAMS)}
        if operations >= 1123:
            break
    return {
        "swagger": "2.0",
        "info": {"title": "Kubernetes-like", "version": "v1.30.0"},
        "paths": paths,
        "definitions": definitions,
        "parameters": parameters,
        "securityDefinitions": {"BearerToken": {"type": "apiKey", "name": "authorization", "in": "header"}},
        "security": [{"BearerToken": []}],
    }


def main() -> None:
    document = build()
    text = json.dumps(document)
    with open(sys.argv[1], "w", encoding="utf-8") as handle:
        handle.write(text)
    count = sum(1 for item in document["paths"].values() for key in item if key != "parameters")
    print(f"{sys.argv[1]}: {len(text) / 1e6:.1f} MB, {count} operations, {len(document['definitions'])} definitions")


if __name__ == "__main__":
    main()

"""The spec the local server serves, any Talos version: which of its routes answer, and which document
openapi-core checks each request against.

A document of ../shared/talos/upstream (OpenAPI 3.0 or Swagger 2.0, upgraded in memory) or a bundled one is
read once; every (method, path) it declares must be a Talos operation this server implements (the table in
`TALOS_OPERATIONS`, keyed by method and path with the parameter names left out, since versions name them
differently). The seed-era routes of the bundled spec are served as well, checked against that spec, so a
client written for the seed page keeps working against a server started with a newer version.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openapi_core import OpenAPI

from ..bundled import TALOS_SPEC
from ..spec.swagger2 import is_swagger2, upgrade
from .openapi_core_compat import request_checker, without_dotted_path_names

_PARAMETER = re.compile(r"{[^{}]*}")
A = "/v2alpha1/admin"
# (method, path with "{}" for each parameter) -> (handler name, whether the admin token is required).
TALOS_OPERATIONS: dict[tuple[str, str], tuple[str, bool]] = {
    ("POST", f"{A}/issuedApiKeys"): ("issue", True),
    ("GET", f"{A}/issuedApiKeys"): ("list", True),
    ("GET", f"{A}/issuedApiKeys/{{}}"): ("get", True),
    ("PATCH", f"{A}/issuedApiKeys/{{}}"): ("update", True),
    ("POST", f"{A}/issuedApiKeys/{{}}:rotate"): ("rotate", True),
    ("POST", f"{A}/issuedApiKeys/{{}}:revoke"): ("revoke", True),
    ("POST", f"{A}/apiKeys/{{}}:revoke"): ("revoke_any", True),
    ("POST", f"{A}/apiKeys:verify"): ("verify", True),
    ("POST", f"{A}/apiKeys:batchVerify"): ("batch_verify", True),
    ("POST", f"{A}/apiKeys:derive"): ("derive", True),
    ("POST", f"{A}/importedApiKeys"): ("import_key", True),
    ("GET", f"{A}/importedApiKeys"): ("list_imported", True),
    ("GET", f"{A}/importedApiKeys/{{}}"): ("get_imported", True),
    ("PATCH", f"{A}/importedApiKeys/{{}}"): ("update_imported", True),
    ("DELETE", f"{A}/importedApiKeys/{{}}"): ("delete_imported", True),
    ("POST", f"{A}/importedApiKeys/{{}}:revoke"): ("revoke_imported", True),
    ("POST", f"{A}/importedApiKeys:batchImport"): ("batch_import", True),
    ("POST", f"{A}/importedApiKeys:batchCreate"): ("batch_create", True),
    ("POST", "/v2alpha1/apiKeys:selfRevoke"): ("self_revoke", False),  # the key's own secret is the proof
    ("GET", "/v2alpha1/derivedKeys/jwks.json"): ("jwks", False),
}
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Route:
    """One answered route: its method, a pattern capturing the path parameter (as key_id), the handler, and
    the openapi-core instance that checks its requests, with the path template and the path parameter's
    name as that instance knows them."""

    method: str
    pattern: re.Pattern[str]
    handler: str
    admin: bool
    checker: OpenAPI
    template: str
    parameter: str | None


def read_document(path: Path) -> dict[str, Any]:
    """A spec file (JSON or YAML) as an OpenAPI 3 dict: a Swagger 2.0 document is upgraded."""
    text = path.read_text("utf-8")
    document = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    if not isinstance(document, dict):
        raise ValueError(f"{path} is not an OpenAPI document (not a JSON/YAML object)")
    return upgrade(document) if is_swagger2(document) else document


def routes_for(spec_path: Path) -> list[Route]:
    """The routes of the served spec, then the seed-era bundled routes it lacks; ValueError for an operation
    this server does not implement."""
    served = _declared(read_document(spec_path), spec_path)
    routes = _routes(served)
    if spec_path.resolve() != TALOS_SPEC.resolve():
        known = {(r.method, r.pattern.pattern) for r in routes}
        seed = _routes(_declared(read_document(TALOS_SPEC), TALOS_SPEC))
        routes += [r for r in seed if (r.method, r.pattern.pattern) not in known]
    return routes


def _declared(document: dict[str, Any], source: Path) -> tuple[OpenAPI, list[tuple[str, str]]]:
    """The document's openapi-core checker and its (method, path template) pairs, as the checker names them."""
    for method, path in _operations(document):
        if (method, _PARAMETER.sub("{}", path)) not in TALOS_OPERATIONS:
            raise ValueError(f"{source}: {method} {path} is not a Talos operation this local server implements")
    document = _without_security(without_dotted_path_names(document))
    return request_checker(document), _operations(document)


def _operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, item in (document.get("paths") or {}).items()
        if isinstance(item, dict)
        for method in item
        if method in _METHODS
    ]


def _routes(declared: tuple[OpenAPI, list[tuple[str, str]]]) -> list[Route]:
    checker, operations = declared
    routes = []
    for method, path in operations:
        handler, admin = TALOS_OPERATIONS[(method, _PARAMETER.sub("{}", path))]
        pattern = re.compile("(?P<key_id>[^/:]+)".join(re.escape(part) for part in _PARAMETER.split(path)))
        names = _PARAMETER.findall(path)
        routes.append(Route(method, pattern, handler, admin, checker, path, names[0][1:-1] if names else None))
    return routes


def _without_security(document: dict[str, Any]) -> dict[str, Any]:
    """The document without security requirements: the app checks the admin token itself (when it has one)."""
    document.pop("security", None)
    for item in document.get("paths", {}).values():
        for operation in item.values() if isinstance(item, dict) else ():
            if isinstance(operation, dict):
                operation.pop("security", None)
    return document

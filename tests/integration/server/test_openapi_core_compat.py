"""The server's fast openapi-core request checker (server/openapi_core_compat.py) finds exactly the problems
stock openapi-core finds, and its hooks into openapi-core are really used: if an openapi-core release
renames or stops calling what they rely on, these tests fail."""

from __future__ import annotations

import copy
import itertools

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
from openapi_core.templating.paths.finders import APICallPathFinder
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from talos_dynamic.server import openapi_core_compat
from talos_dynamic.server.app import TalosApp, _OpenAPIRequest
from talos_dynamic.server.served_spec import Route

BODIES = [
    None,
    b"{}",
    b'{"actor_id": 5, "scopes": "read", "ttl": 3}',
    b'{"actor_id": "a", "name": "n", "scopes": ["read"], "ttl": "720h", "metadata": {"k": "v"}}',
    b'{"credential": null, "requests": [{"credential": 1}, null]}',
    b'{"algorithm": "TOKEN_ALGORITHM_NOPE", "credential": "c", "scopes": [1]}',
    b'{"reason": "REVOCATION_REASON_NOPE", "raw_key": 7, "issued_api_key": {"key_id": 5}}',
    b"[]",
    b'"text"',
]
QUERIES = ["", "page_size=abc", "page_size=", "page_size=5&filter=x", "page_size=-1", "update_mask=name", "x=1"]
CONTENT_TYPES = ["application/json", "text/plain"]


def requests_for(route: Route):
    """(werkzeug request, path parameters) for a spread of valid and invalid requests to the route."""
    template = route.template
    path = template if route.parameter is None else template.replace("{" + route.parameter + "}", "key-1")
    cases = itertools.product(BODIES, QUERIES[:4] if route.method == "POST" else QUERIES, CONTENT_TYPES[:1])
    for body, query, content_type in [*cases, (BODIES[3], "", CONTENT_TYPES[1])]:
        builder = EnvironBuilder(
            path=path, method=route.method, query_string=query, data=body, headers={"Content-Type": content_type}
        )
        request = Request(builder.get_environ())
        request.get_data(cache=True)
        yield request, route.pattern.fullmatch(request.path).groupdict()


def signature(errors: list[Exception]) -> list[tuple]:
    """What the server's 400 answers are built from: each error's type, text, cause and schema errors."""
    out = []
    for error in errors:
        cause = error.__cause__
        schema_errors = [
            (list(e.absolute_path), e.validator, str(e.validator_value), e.message)
            for e in getattr(cause, "schema_errors", None) or ()
        ]
        out.append((type(error).__name__, str(error), type(cause).__name__, str(cause), schema_errors))
    return out


@pytest.fixture(scope="module")
def app() -> TalosApp:
    return TalosApp()


# parameters declared on the path item, one of them overridden by the operation
PATH_LEVEL = """
openapi: 3.0.3
info: {title: path-level parameters, version: '1'}
paths:
  /v2alpha1/admin/issuedApiKeys/{key_id}:
    parameters:
      - {name: key_id, in: path, required: true, schema: {type: string, minLength: 5}}
      - {name: page_size, in: query, schema: {type: integer}}
    get:
      parameters:
        - {name: page_size, in: query, schema: {type: integer, maximum: 3}}
      responses: {'200': {description: ok}}
  /v2alpha1/admin/issuedApiKeys:
    parameters:
      - {name: filter, in: query, required: true, schema: {type: string}}
    get:
      responses: {'200': {description: ok}}
"""


@pytest.fixture(
    params=["bundled", "path-level", "talos-v3-2026-06-09-9a34117.json", "talos-v2-2026-06-09-9a34117.json"]
)
def served(request, tmp_path) -> TalosApp:
    """The bundled spec, one with path-level parameters, and the newest upstream documents (OpenAPI 3.0, and
    Swagger 2.0 upgraded)."""
    if request.param == "bundled":
        return TalosApp()
    if request.param == "path-level":
        (tmp_path / "path-level.yaml").write_text(PATH_LEVEL)
        return TalosApp(spec_path=tmp_path / "path-level.yaml")
    shared_dir = request.getfixturevalue("shared_dir")
    return TalosApp(spec_path=shared_dir / "talos" / "upstream" / request.param)


def test_every_route_finds_the_problems_stock_openapi_core_finds(served):
    app = served
    stock = {}
    compared = with_problems = 0
    for route in app.routes:
        document = route.checker.spec.read_value()
        if id(document) not in stock:
            stock[id(document)] = OpenAPI.from_dict(copy.deepcopy(document))
        plain = stock[id(document)]
        for request, params in requests_for(route):
            ours = list(route.checker.request_validator.iter_errors(_OpenAPIRequest(request, route, params)))
            theirs = list(plain.iter_request_errors(WerkzeugOpenAPIRequest(request)))
            assert signature(ours) == signature(theirs), (route.method, route.template, request.url, request.data)
            compared += 1
            with_problems += bool(ours)
    assert compared > 40 and 10 < with_problems < compared - 10, (compared, with_problems)


def test_the_route_table_replaces_openapi_core_path_finder(app, monkeypatch):
    found = []
    table_find = openapi_core_compat._TemplateTableFinder.find

    def counting(self, method, name):
        found.append((method, name))
        return table_find(self, method, name)

    def refuse(*args, **kwargs):
        raise AssertionError("openapi-core's own path finder ran")

    monkeypatch.setattr(openapi_core_compat._TemplateTableFinder, "find", counting)
    monkeypatch.setattr(APICallPathFinder, "find", refuse)
    route = next(r for r in app.routes if r.handler == "get")
    request, params = next(requests_for(route))
    assert list(route.checker.request_validator.iter_errors(_OpenAPIRequest(request, route, params))) == []
    assert found == [("get", f"http://localhost:80{route.template}")]


def test_parameters_are_listed_once_and_each_schema_validator_is_built_once(app, monkeypatch):
    listed = []
    parameters_of = openapi_core_compat._ListedParameters._parameters_of

    def counting(self, operation, path):
        listed.append(operation)
        return parameters_of(self, operation, path)

    monkeypatch.setattr(openapi_core_compat._ListedParameters, "_parameters_of", counting)
    route = next(r for r in app.routes if r.handler == "list")
    validator = route.checker.request_validator
    reused = validator.schema_validators_factory
    built = []
    factory = reused._factory

    class Counting:
        def create(self, *args, **kwargs):
            built.append(args[1])
            return factory.create(*args, **kwargs)

    monkeypatch.setattr(reused, "_factory", Counting())
    rounds = []
    for _ in range(2):
        for request, params in itertools.islice(requests_for(route), 5):
            list(validator.iter_errors(_OpenAPIRequest(request, route, params)))
        rounds.append(len(built))
    assert len(listed) == 10  # openapi-core asks the mix-in for the parameters of every request
    assert rounds[0] == rounds[1]  # the same requests again build no validator

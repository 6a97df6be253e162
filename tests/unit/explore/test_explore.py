"""Learning an API from Python's own tools: signatures, help, completion, views, models."""

import inspect
import pydoc

import jedi
import pytest

from talos_dynamic import Client, RequestValidationError
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.call.arguments import NOT_SENT


@pytest.fixture(scope="module")
def talos():
    return Client(TALOS_SPEC, base_url="http://127.0.0.1:9", token="T")


def test_signatures_are_real_and_typed(talos):
    assert str(inspect.signature(talos.admin_issue_api_key)) == (
        "(*, actor_id: str, name: str = NOT_SENT, scopes: list[str] = NOT_SENT, ttl: str = NOT_SENT, "
        "metadata: dict = NOT_SENT, request_id: str = NOT_SENT, body: dict = None)"
    )
    revoke = inspect.signature(talos.admin_revoke_api_key)
    assert revoke.parameters["key_id"].default is inspect.Parameter.empty
    assert revoke.parameters["reason"].annotation is talos.enums.RevocationReason
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in revoke.parameters.values())
    listing = inspect.signature(talos.admin_list_issued_api_keys).parameters
    assert (listing["page_size"].annotation, listing["page_size"].default) == (int, NOT_SENT)
    update = inspect.signature(talos.admin_update_issued_api_key).parameters
    assert list(update)[0] == "issued_api_key_key_id" and update["scopes"].annotation == list[str]


SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Shop", "version": "2"},
    "paths": {
        "/items": {
            "get": {
                "operationId": "listItems",
                "tags": ["catalog"],
                "summary": "List items",
                "description": "Lists **all** items; see [the guide](https://example.test/guide).<br>Paged.",
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "description": "Page size.",
                        "schema": {"type": "integer", "default": 20, "minimum": 1, "maximum": 100},
                    },
                    {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
                    {"name": "X-Tenant", "in": "header", "required": True, "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "The items.",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}
                            }
                        },
                    },
                    "404": {"description": "No such shop."},
                },
            },
        },
        "/bare": {"post": {"responses": {"204": {"description": ""}}}},
    },
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "required": ["sku"],
                "properties": {
                    "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
                    "price": {"type": "number"},
                    "password": {"type": "string", "format": "password"},
                },
            }
        }
    },
}


def test_spec_defaults_inline_enums_and_lazy_docstrings():
    shop = Client(SPEC, base_url="http://h")
    op = shop.list_items
    assert "_docstring" not in op.__dict__
    params = inspect.signature(op).parameters
    assert list(params) == ["x_tenant", "limit", "order"]
    assert params["limit"].default == 20
    assert params["order"].annotation is shop.enums.list_items_order
    assert shop.enums.list_items_order.desc == "desc"
    doc = op.__doc__
    assert "_docstring" in op.__dict__ and op.__doc__ is doc
    for expected in [
        "List items",
        "Lists all items; see the guide (https://example.test/guide).",
        "GET /items (operationId listItems; tag catalog)",
        "limit : int, query parameter, optional, default 20, >= 1, <= 100",
        "Page size.",
        "order : listItems_order" if False else "order : str, query parameter",
        "one of 'asc', 'desc'",
        "x_tenant : str, header parameter 'X-Tenant', required",
        "200 : list[Item] - The items.",
        "404 : no body - No such shop.",
        "Declared error answers: 404.",
        "client.list_items(x_tenant='string')",
    ]:
        assert expected in " ".join(doc.split()), expected
    assert "**" not in doc and "<br>" not in doc


def test_no_placeholder_text_when_the_spec_says_nothing():
    doc = Client(SPEC, base_url="http://h").post_bare.__doc__
    assert doc.startswith("POST /bare")
    for filler in ("None", "No description", "TODO", "Document"):
        assert filler not in doc


def test_example_calls_in_docstrings_are_valid_calls(talos):
    for op in talos.operations:
        call = op.__doc__.rsplit("\n", 2)[-2]
        assert call.startswith(f"client.{op.__name__}(")
        prepared = eval(call.replace("client.", "talos.", 1).replace("(", ".prepare(", 1))  # noqa: S307
        assert prepared.method == op.operation.method


def test_help_shows_signature_and_docstring(talos):
    text = pydoc.render_doc(talos.admin_revoke_api_key, renderer=pydoc.plaintext)
    flat = " ".join(text.split()).replace("( ", "(")  # Python 3.13's pydoc puts long signatures one per line
    assert "admin_revoke_api_key(*, key_id: str, reason: client.enums.RevocationReason = NOT_SENT" in flat
    assert "POST /v2alpha1/admin/apiKeys/{key_id}:revoke" in text and "REVOCATION_REASON_KEY_COMPROMISE" in text


def test_jedi_completes_operations_and_argument_names(talos):
    namespace = {"client": talos}
    source = "client.admin_issue_api_key(ac"
    assert [c.name for c in jedi.Interpreter(source, [namespace]).complete(1, len(source))] == ["actor_id="]
    source = "client.admin_revoke_api_key("
    names = {c.name for c in jedi.Interpreter(source, [namespace]).complete(1, len(source))}
    assert {"key_id=", "reason=", "description=", "body="} <= names
    source = "client.admin_ver"
    assert [c.name for c in jedi.Interpreter(source, [namespace]).complete(1, len(source))] == ["admin_verify_api_key"]


def test_dir_views_find_tags_and_repr(talos):
    names = dir(talos)
    assert {
        "admin_issue_api_key",
        "AdminIssueAPIKey",
        "find",
        "operations",
        "enums",
        "models",
        "StaticCredentials",
    } <= set(names)
    view = talos.operations
    assert len(view) == 10 and view[0].__name__ == "admin_issue_api_key" and view["GetJWKS"] is talos.get_jwks
    assert view.rows()[5] == {
        "python_name": "admin_revoke_api_key",
        "operation_id": "AdminRevokeAPIKey",
        "method": "POST",
        "path": "/v2alpha1/admin/apiKeys/{key_id}:revoke",
        "tag": "StaticCredentials",
        "summary": "Revoke an API key",
    }
    table = repr(view).splitlines()
    assert table[0] == "10 operations" and table[1].split() == [
        "python",
        "name",
        "operationId",
        "method",
        "path",
        "tag",
        "summary",
    ]
    assert [op.__name__ for op in talos.find("VERIFY")] == ["admin_verify_api_key", "admin_batch_verify_api_keys"]
    assert [op.__name__ for op in talos.find("jwks.json")] == ["get_jwks"]
    assert set(talos.tags) == {"StaticCredentials"} and len(talos.StaticCredentials) == 10
    assert talos.StaticCredentials.get_jwks is talos.get_jwks
    assert repr(talos).startswith("<Client 'Ory Talos Admin API' v2alpha1 from ") and "10 operations" in repr(talos)


def test_models_check_everything_at_once_and_serve_as_bodies(talos):
    request = talos.models.IssueAPIKeyRequest(actor_id="u1", scopes=["read"])
    assert repr(request) == 'IssueAPIKeyRequest(actor_id="u1", scopes=["read"])'
    assert talos.admin_issue_api_key.prepare(body=request).body == b'{"actor_id":"u1","scopes":["read"]}'
    with pytest.raises(RequestValidationError) as caught:
        talos.models.IssueAPIKeyRequest(name=7, request_id="x" * 40)
    assert {(v.path, v.rule) for v in caught.value.violations} == {
        ("$", "required"),
        ("$.name", "type"),
        ("$.request_id", "maxLength"),
    }
    assert repr(talos.models.VerifyAPIKeyRequest(credential="sk_secret")) == 'VerifyAPIKeyRequest(credential="***")'
    assert "IssueAPIKeyRequest" in dir(talos.models)
    assert str(inspect.signature(talos.models.AdminRevokeAPIKeyBody)) == (
        "(data: dict = None, /, *, reason: client.enums.RevocationReason = None, description: str = None)"
    )

"""An argument left out and an argument given as None are different requests."""

import inspect
import pydoc

import pytest

from talos_dynamic import Client
from talos_dynamic.call.arguments import NOT_SENT


def variables_spec(version, nullable_string):
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/variables": {
                "post": {
                    "operationId": "createVariable",
                    "parameters": [{"name": "dry_run", "in": "query", "schema": {"type": "boolean"}}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["name", "value"],
                                    "properties": {
                                        "name": {"type": "string"},
                                        "value": nullable_string,
                                        "note": nullable_string,
                                        "owner": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {"204": {"description": "done"}},
                }
            }
        },
    }


@pytest.mark.parametrize(
    "spec",
    [
        variables_spec("3.0.3", {"type": "string", "nullable": True}),
        variables_spec("3.1.0", {"type": ["string", "null"]}),
    ],
    ids=["3.0", "3.1"],
)
def test_none_is_json_null_where_the_schema_allows_it_and_left_out_arguments_are_not_sent(spec):
    create = Client(spec, base_url="http://127.0.0.1:9").create_variable
    assert create.prepare(name="x", value=None).body == b'{"name":"x","value":null}'
    assert create.prepare(name="x", value="v", note=None).body == b'{"name":"x","value":"v","note":null}'
    sent = create.prepare(name="x", value="v", note=NOT_SENT, owner=None, dry_run=None)
    assert (sent.body, sent.url) == (b'{"name":"x","value":"v"}', "http://127.0.0.1:9/variables")

    signature = inspect.signature(create)
    assert signature.parameters["note"].default is NOT_SENT
    assert "note: str = NOT_SENT" in pydoc.render_doc(create, renderer=pydoc.plaintext)

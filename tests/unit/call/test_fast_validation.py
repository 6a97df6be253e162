"""The fast validation path renders OpenAPI's dialect exactly: its verdict matches jsonschema's on the cases
where the two dialects differ, a valid answer is checked without jsonschema, and an invalid one still gets
jsonschema's detailed violations."""

from __future__ import annotations

import pytest

from talos_dynamic import Client, MockTransport, Response
from talos_dynamic.call.validation import PARAMETER, REQUEST, RESPONSE
from talos_dynamic.spec.refs import Located

from ...corpus.differential import slow_valid

SCHEMAS = {
    "Name": {"type": "string", "nullable": True, "maxLength": 3},
    "Key": {
        "type": "object",
        "required": ["id", "secret", "name"],
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "secret": {"type": "string", "writeOnly": True},
            "name": {"type": "string"},
        },
    },
    "Hidden": {"type": "object", "readOnly": True, "properties": {"a": {"type": "integer"}}},
    "Pet": {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}},
    },
    "Cat": {"type": "object", "required": ["kind", "claws"], "properties": {"claws": {"type": "integer"}}},
    "Dog": {"type": "object", "required": ["kind", "bark"], "properties": {"bark": {"type": "boolean"}}},
    "Count": {"type": "integer", "format": "int32"},
    "Step": {"type": "number", "multipleOf": 0.1},
    "Digits": {"type": "string", "pattern": "^\\d+$"},
    "When": {"type": "string", "format": "date-time"},
    "Tree": {
        "type": "object",
        "properties": {
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
            "n": {"type": "integer"},
        },
    },
}
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/keys": {
            "get": {
                "operationId": "getKey",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Key"}}},
                    }
                },
            }
        }
    },
    "components": {"schemas": SCHEMAS},
}

CASES = [
    ("Name", PARAMETER, None, True),
    ("Name", PARAMETER, "abcd", False),
    ("Key", REQUEST, {"secret": "s", "name": "n"}, True),  # readOnly id: not required in a request
    ("Key", REQUEST, {"id": "i", "secret": "s", "name": "n"}, False),  # ...nor allowed
    ("Key", RESPONSE, {"id": "i", "name": "n"}, True),  # writeOnly secret: not required in a response
    ("Key", RESPONSE, {"id": "i", "secret": "s", "name": "n"}, False),  # ...nor allowed
    ("Key", PARAMETER, {"name": "n"}, True),  # neither rule for parameters (3.0: both not required)
    ("Hidden", REQUEST, {"a": 1}, True),  # readOnly at the value's root is not reported
    ("Pet", RESPONSE, {"kind": "cat", "claws": 3}, True),
    ("Pet", RESPONSE, {"kind": "cat", "bark": True}, False),  # the mapping picks Cat, whatever else matches
    ("Pet", RESPONSE, {"kind": "Dog", "bark": True}, True),  # the implicit mapping: a branch's schema name
    ("Pet", RESPONSE, {"kind": "", "claws": 1}, False),
    ("Pet", RESPONSE, [], False),
    ("Count", RESPONSE, 2**31 - 1, True),
    ("Count", RESPONSE, 2**31, False),
    ("Step", RESPONSE, 0.5, True),
    ("Step", RESPONSE, 0.3, False),  # Python's float division: 0.3 / 0.1 is not a whole number
    ("Digits", RESPONSE, "\u0663\u0664", True),  # Python's \d takes Arabic-Indic digits
    ("Digits", RESPONSE, "12a", False),
    ("When", RESPONSE, "2026-11-27t16:37:50z", True),
    ("When", RESPONSE, "2026-02-30T00:00:00Z", False),
    ("When", RESPONSE, "2026-12-31T23:59:60Z", False),
    ("Tree", RESPONSE, {"children": [{"children": [{"n": 1}]}]}, True),
    ("Tree", RESPONSE, {"children": [{"children": [{"n": "1"}]}]}, False),
]


@pytest.fixture(scope="module")
def client():
    return Client(SPEC, base_url="http://api.test")


@pytest.mark.parametrize(("name", "direction", "value", "valid"), CASES)
def test_the_fast_verdict_is_jsonschemas(client, name, direction, value, valid):
    validators = client._validators
    schema = Located(client.spec.document, client.spec.uri, "").child("components", "schemas", name)
    fast = validators._entry(schema, direction).fast
    assert fast is not None
    assert slow_valid(validators, schema, direction, value) is valid
    assert fast(value) is valid


def test_a_valid_answer_needs_no_jsonschema_and_an_invalid_one_keeps_its_message():
    answers = iter([{"id": "k1", "name": "n"}, {"id": 5, "name": "n"}])
    transport = MockTransport(lambda request: Response(200, json=next(answers)))
    client = Client(SPEC, base_url="http://api.test", transport=transport)
    assert not client.get_key().http.violations
    assert all(entry.slow is None for entry in client._validators._cache.values())
    violations = client.get_key().http.violations
    assert [(v.path, v.rule, v.message) for v in violations] == [("$.id", "type", "5 is not of type 'string'")]


def test_the_fast_verdict_alone_says_invalid_only_where_jsonschema_would_agree():
    """negative cases ask fast_verdict whether a mutation breaks a rule; an "invalid" that only means "ask the
    slow path" (a discriminator, a pattern Python's re cannot compile) is no verdict."""
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Plain": {"type": "string", "pattern": "^[a-z]+$"},
                "Ecma": {"type": "string", "pattern": "^\\p{L}+$"},  # \p: not Python's; jsonschema skips it
                "Pet": {
                    "oneOf": [{"$ref": "#/components/schemas/Cat"}],
                    "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}},
                },
                "Cat": {"type": "object", "properties": {"kind": {"type": "string"}}},
            }
        },
    }
    client = Client(spec, base_url="http://api.test")
    validators = client._validators

    def verdict(name, value):
        return validators.fast_verdict(client.spec.root.child("components", "schemas", name), value, REQUEST)

    assert (verdict("Plain", "abc"), verdict("Plain", "123")) == (True, False)
    assert verdict("Ecma", "abc") is None and verdict("Pet", {"kind": "dog"}) is None
    assert all(entry.slow is None for entry in validators._cache.values())  # jsonschema was never asked
    ecma = client.spec.root.child("components", "schemas", "Ecma")
    assert slow_valid(validators, ecma, REQUEST, "abc")  # where the fast path said "invalid", jsonschema says valid

"""The positive phase's fast engine: which schemas it draws, that its values sit on the edges as well as
in between, that a seed repeats them, and how a failing call is shrunk."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import jsonschema
import pytest

from talos_dynamic import Client
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.call.arguments import ArgumentTable
from talos_dynamic.contract.random_values import RandomValues, plain
from talos_dynamic.contract.shrinking import shrink
from talos_dynamic.contract.strategies import ArgumentSchema, argument_schemas, bounded


def draws(schema, count=400, seed=1):
    values = RandomValues(random.Random(seed))
    return [values.value(schema) for _ in range(count)]


def test_every_talos_argument_is_plain():
    client = Client(TALOS_SPEC, base_url="http://127.0.0.1:9")
    for operation in client.spec.operations:
        for argument in argument_schemas(client, operation, ArgumentTable(operation)):
            assert plain(bounded(argument.schema)), (operation.name, argument.name)


@pytest.mark.parametrize(
    "schema",
    [
        {"allOf": [{"type": "string"}]},
        {"type": "object", "properties": {"a": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}},
        {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        {"type": "integer", "multipleOf": 5},
        {"type": "string", "format": "made-up"},
        {"type": "string", "pattern": "^a(?!b)"},
        {"type": "string", "enum": []},
        {"type": "string", "format": "date", "pattern": "^2"},
        {"not": {"type": "null"}},
        {"type": []},
        {"type": "integer", "minimum": 0.2, "maximum": 0.8},  # no integer there
        {"type": "number", "exclusiveMinimum": 1, "exclusiveMaximum": 1},
        {"type": "string", "format": "hostname", "maxLength": 5},  # a format has the length it has
        {"type": "string", "pattern": "^[a-z]{2,4}$", "minLength": 10},  # no string of the pattern is that long
        {"type": "string", "pattern": "^[a-z0-9]+$", "minLength": 12},  # nor of the repeats the generator draws
    ],
)
def test_schemas_beyond_the_plain_subset_are_left_to_hypothesis(schema):
    assert not plain(schema)


SCHEMAS = [
    {"type": "string", "minLength": 2, "maxLength": 9},
    {"type": "integer", "minimum": -3, "exclusiveMaximum": 7},
    {"type": "number", "exclusiveMinimum": 0.5, "maximum": 2},
    {"type": ["string", "null"], "format": "date-time"},
    {"type": "string", "pattern": r"^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$", "maxLength": 12},
    {"type": "array", "items": {"enum": ["a", "b"]}, "minItems": 1, "maxItems": 3},
    {"type": "object", "additionalProperties": {"type": "integer"}, "maxProperties": 2},
    {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string", "format": "uuid"}, "mail": {"type": "string", "format": "email"}},
        "additionalProperties": False,
        "minProperties": 2,
    },
    {"const": {"fixed": [1, 2]}},
    {},
    {"type": "object", "properties": {"a": {}, "b": {}, "c": {}}, "maxProperties": 1},
    {"type": "object", "required": ["x", "y"], "additionalProperties": {"type": "integer"}, "minProperties": 3},
    {"type": "object", "properties": {"a": {"type": "integer"}}, "minProperties": 3},
    {"type": "number", "minimum": -1.7e308, "maximum": 1.7e308},  # no overflow to infinity
    {"type": "string", "pattern": "^[a-z0-9]+(-[a-z]+)?$", "minLength": 3, "maxLength": 6},
]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_every_value_drawn_is_valid(schema):
    checker = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    invalid = [value for value in draws(schema) if not checker.is_valid(value)]
    assert not invalid, invalid[:5]


def test_sizes_and_bounds_reach_both_edges():
    lengths = {len(value) for value in draws(SCHEMAS[0])}
    assert {2, 9} <= lengths and len(lengths) == 8
    assert {-3, 6} <= set(draws(SCHEMAS[1]))  # exclusiveMaximum 7: 6 is the highest integer
    assert {1, 3} <= {len(value) for value in draws(SCHEMAS[5])}


def test_a_huge_maximum_is_not_drawn_whole():
    assert max(len(value) for value in draws({"type": "string", "format": "password", "maxLength": 2**31})) <= 64


def test_the_same_seed_draws_the_same_values_whatever_the_hash_seed():
    script = (
        "import random; from talos_dynamic.contract.random_values import RandomValues;"
        "v = RandomValues(random.Random(0));"
        "print([v.value({'type': 'object', 'required': ['alpha', 'beta', 'gamma', 'delta', 'eps']}) for _ in range(5)])"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1 and "alpha" in outputs.pop()


def test_the_same_seed_draws_the_same_values_and_another_seed_others():
    assert draws(SCHEMAS[7], 50, seed=4) == draws(SCHEMAS[7], 50, seed=4)
    assert draws(SCHEMAS[7], 50, seed=4) != draws(SCHEMAS[7], 50, seed=5)


PET = ArgumentSchema(
    "body",
    {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "age": {"type": "integer", "minimum": 0},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
        "additionalProperties": False,
    },
    True,
    "body",
)
VERBOSE = ArgumentSchema("verbose", {"type": "boolean"}, False, "query")


def judged(fails):
    """A still_fails that, like the sender, refuses (None: never sent) a call the schemas reject."""
    sent = []
    body = jsonschema.Draft202012Validator(PET.schema)

    def still_fails(kwargs):
        if not body.is_valid(kwargs["body"]):
            return None
        sent.append(kwargs)
        return fails(kwargs)

    return still_fails, sent


def test_a_failing_call_shrinks_to_the_boundary_where_the_failure_starts():
    still_fails, sent = judged(lambda kwargs: kwargs["body"].get("age", 0) > 25)
    start = {"body": {"name": "Rex the dog", "age": 88, "tags": ["a", "b"]}, "verbose": True}
    assert shrink(start, [PET, VERBOSE], still_fails, 100) == {"body": {"name": "x", "age": 26}}
    assert len(sent) < 40


def test_shrinking_spends_no_more_than_its_budget_and_refused_calls_cost_nothing():
    still_fails, sent = judged(lambda kwargs: True)
    start = {"body": {"name": "Rex the dog", "age": 88, "tags": ["a", "b"]}, "verbose": True}
    assert shrink(start, [PET, VERBOSE], still_fails, 1) == {
        "body": {"name": "Rex the dog", "age": 88, "tags": ["a", "b"]}
    }
    assert len(sent) == 1  # one call sent; the refused ones (name "", before it) cost nothing

"""The nesting check on parsed JSON (spec documents and answers) agrees with a plain recursive count."""

from __future__ import annotations

import json
import random

import pytest

from talos_dynamic.json_depth import JsonTooDeep, deeper_than, loads_bounded


def depth_of(value: object) -> int:
    """Levels of objects and arrays: an atom is 0, [] is 1, [[1]] is 2."""
    if isinstance(value, dict):
        return 1 + max((depth_of(member) for member in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth_of(member) for member in value), default=0)
    return 0


def random_value(rng: random.Random, levels: int) -> object:
    if levels == 0 or rng.random() < 0.2:
        return rng.choice([1, "text", None, True, 2.5, {}, [], {"a": 1}, ["x"], {"a": {"b": "c"}}])
    if rng.random() < 0.5:
        return {f"k{i}": random_value(rng, levels - 1) for i in range(rng.randint(0, 3))}
    return [random_value(rng, levels - 1) for _ in range(rng.randint(0, 3))]


def test_deeper_than_agrees_with_a_recursive_count_on_random_json():
    rng = random.Random(7)
    for _ in range(3000):
        value = json.loads(json.dumps(random_value(rng, rng.randint(0, 10))))  # built as json.loads builds
        depth = depth_of(value)
        for limit in range(0, 12):
            assert deeper_than(value, limit) == (depth > limit), (value, limit)


@pytest.mark.parametrize("leaf", ["{}", '{"a": 1}', "[]", '["a"]'])
def test_loads_bounded_refuses_one_level_past_the_limit_whatever_the_innermost_value(leaf):
    text = '{"x": [' + leaf + "]}"  # three levels
    assert loads_bounded(text, 3) == json.loads(text)
    with pytest.raises(JsonTooDeep):
        loads_bounded(text, 2)

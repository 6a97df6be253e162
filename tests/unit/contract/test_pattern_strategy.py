"""Strings for a schema's pattern, drawn from the pattern's parse tree: each contains a match (checked with
Python's own `re`), lengths hold, and what the plain subset cannot draw is left to st.from_regex."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from talos_dynamic.contract.pattern_strategy import pattern_strategy
from talos_dynamic.contract.strategies import value_strategy

PATTERNS = [
    r"^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$",  # Talos' ttl (a Go duration)
    r"\A[!-~]([ -~]{0,30}[!-~])?\Z",  # header text
    r"^/v1/tax/calculations/[^/]+/line_items",  # Stripe: a negated set, anchored at the start only
    r"[a-f0-9]{8}-[a-f0-9]{4}",  # not anchored: padding on both sides
    r"^(?:[a-z]+|\d{2,3})\.(com|org)$",
    r"^\w+@\w+\.[a-z]{2,}?$",
    r"^[^\"\\]*$",
    r"(?i)^abc$",
    r"^$",
    r"",
]


def drawn(strategy: st.SearchStrategy[str], count: int = 60) -> list[str]:
    values: list[str] = []

    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate], derandomize=True)
    @given(strategy)
    def collect(value: str) -> None:
        values.append(value)

    collect()
    return values


@pytest.mark.parametrize("pattern", PATTERNS)
def test_every_string_drawn_contains_a_match(pattern):
    strategy = pattern_strategy(pattern)
    assert strategy is not None, pattern
    values = drawn(strategy)
    assert values
    assert all(re.search(pattern, value) for value in values), [v for v in values if not re.search(pattern, v)]


def test_the_draws_vary_over_the_pattern():
    values = drawn(pattern_strategy(r"^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$"), 100)
    assert len(set(values)) > 50
    assert any("." in v for v in values) and any(re.fullmatch(r"(\d+(\.\d+)?[a-z]+){2,}", v) for v in values)
    assert {re.search(r"[a-z]+$", v).group() for v in values} == {"ns", "us", "ms", "s", "m", "h"}


@pytest.mark.parametrize(
    "pattern",
    [
        r"^[a-zA-Z]((?!--|__)[a-zA-Z0-9-_])+$",  # a lookahead
        r"^(a)\1$",  # a backreference
        r"^(?P<x>a)(?(x)b|c)$",  # a conditional
        r"\bword\b",  # a word boundary
        r"^a^b$",  # an anchor inside
        r"^[\W]$",  # a category beyond the ASCII subset
        r"^x*+y$",  # a possessive repeat matches fewer strings than a greedy one
        r"^(?>a|ab)c$",  # so does an atomic group: "abc" does not match
        "^[\ud800-\udbff][\udc00-\udfff]$",  # surrogates only: nothing UTF-8 can carry
        r"([",  # not a regular expression
    ],
)
def test_what_the_subset_cannot_draw_is_none(pattern):
    assert pattern_strategy(pattern) is None


@settings(max_examples=40, database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_a_string_schema_with_a_pattern_and_lengths_holds_both(data):
    schema = {"type": "string", "pattern": r"^[a-z]+(-[a-z0-9]+)*$", "minLength": 3, "maxLength": 12}
    value = data.draw(value_strategy(schema))
    assert re.search(schema["pattern"], value) and 3 <= len(value) <= 12


@settings(max_examples=20, database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_a_pattern_beyond_the_subset_still_generates_through_from_regex(data):
    schema = {"type": "string", "pattern": r"^[a-z]((?!--)[a-z-])+$"}
    value = data.draw(value_strategy(schema))
    assert re.search(schema["pattern"], value)

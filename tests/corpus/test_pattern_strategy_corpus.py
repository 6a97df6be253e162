"""Every `pattern` of every document in ../shared: the strings pattern_strategy draws all contain a match,
by Python's own `re` (an implementation that shares none of the drawing); the few patterns beyond its
subset are left to st.from_regex."""

from __future__ import annotations

import re
import warnings

from hypothesis import HealthCheck, Phase, given, settings

from talos_dynamic import Client
from talos_dynamic.contract.pattern_strategy import pattern_strategy
from talos_dynamic.contract.strategies import keyword_values

from .documents import corpus_documents


def test_every_pattern_in_the_corpus_draws_only_matching_strings(shared_dir):
    patterns: set[str] = set()
    for path in corpus_documents(shared_dir):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            patterns |= keyword_values(dict(Client(path, base_url="http://127.0.0.1:9").spec.document), "pattern")
    drawn = {p: pattern_strategy(p) for p in sorted(patterns)}
    supported = {p: s for p, s in drawn.items() if s is not None}
    assert len(patterns) > 80 and len(supported) >= 0.9 * len(patterns), sorted(set(drawn) - set(supported))
    wrong: list[tuple[str, str]] = []
    for pattern, strategy in supported.items():
        check_draws(pattern, strategy, wrong)
    assert not wrong, wrong[:5]


def check_draws(pattern: str, strategy: object, wrong: list[tuple[str, str]]) -> None:
    """Draw from the strategy; note each string in which Python's re finds no match."""
    compiled = re.compile(pattern)

    @settings(
        max_examples=15,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def check(value: str) -> None:
        if not compiled.search(value):
            wrong.append((pattern, value))

    check()

"""Strings for a schema's `pattern`, drawn from the regular expression's parse tree: as a Hypothesis
strategy built of plain strategies (constants, sampled characters, text, lists, one_of), or at random.

Hypothesis' own st.from_regex is general but slow to draw: about 6 ms a value for a Go duration pattern
such as `^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$`, which made it the largest cost of a generated run. The
plain subset of regular expressions (literals, character sets and their negation, `.`, groups, alternation,
bounded or unbounded greedy or lazy repeats, anchors at the ends) is read here into a small plan instead;
anything else (lookarounds, backreferences, conditionals, word boundaries, anchors inside, atomic groups,
possessive repeats, \\D \\W \\S) gives None and the caller uses st.from_regex. Every string drawn contains a
match, by construction: the characters drawn are a subset of what the pattern accepts (ASCII for \\d \\w \\s,
no newline for `.`, no surrogates).
"""

from __future__ import annotations

import functools
import random
import re
import string
from dataclasses import dataclass
from re import _constants as sre  # the parse tree's opcodes (Python 3.11+)
from re import _parser as sre_parse
from typing import Any

MAX_EXTRA_REPEATS = 8  # a repeated character (`[0-9]+`, `a*`, `\w{2,}`) at most this many beyond its minimum
MAX_EXTRA_GROUPS = 3  # a repeated group or alternation, likewise
MAX_SAMPLED = 512  # a character set this small is a list of characters; a larger range draws code points
MAX_PADDING = 4  # characters drawn around a pattern that is not anchored at that end (JSON Schema searches)

CATEGORIES = {
    sre.CATEGORY_DIGIT: string.digits,
    sre.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    sre.CATEGORY_SPACE: " \t\n\r\f\v",
}
STARTS = (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING)
ENDS = (sre.AT_END, sre.AT_END_STRING)
REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT)  # not possessive ones, nor atomic groups: they match fewer strings
CHARACTER = (sre.LITERAL, sre.NOT_LITERAL, sre.IN)
ANY_BUT_NEWLINE = ("\n",)
SURROGATES = (0xD800, 0xDFFF)


# -- the plan: what to draw, read from the parse tree ------------------------------------------------------
@dataclass(frozen=True)
class Chars:
    """One character: from `chosen`, from one of `ranges` (code points), or (`excluded` set) any but those."""

    chosen: tuple[str, ...] = ()
    ranges: tuple[tuple[int, int], ...] = ()
    excluded: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Repeat:
    """`item` between `low` and `high` times."""

    low: int
    high: int
    item: Any


@dataclass(frozen=True)
class Alternatives:
    options: tuple[Any, ...]


@dataclass(frozen=True)
class Sequence:
    parts: tuple[Any, ...]  # str constants and other plan nodes


class _Unsupported(Exception):
    """The pattern uses something beyond the plain subset."""


@functools.lru_cache(maxsize=1024)
def pattern_plan(pattern: str) -> Sequence | None:
    """The plan of strings that contain a match of `pattern` (JSON Schema's rule: padding where the pattern
    is not anchored), or None when the pattern is beyond the plain subset (or not a regular expression).
    Cached: a plan is immutable, and the engines ask for the same patterns again and again."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    nodes = list(parsed)
    anchored_start = bool(nodes) and nodes[0][0] is sre.AT and nodes[0][1] in STARTS
    anchored_end = bool(nodes) and nodes[-1][0] is sre.AT and nodes[-1][1] in ENDS
    reader = _Reader(ignore_case=bool(parsed.state.flags & re.IGNORECASE))
    try:
        body = reader.sequence(nodes[int(anchored_start) : len(nodes) - int(anchored_end)])
    except _Unsupported:
        return None
    padding = Repeat(0, MAX_PADDING, Chars(excluded=ANY_BUT_NEWLINE))
    return Sequence((*([] if anchored_start else [padding]), body, *([] if anchored_end else [padding])))


class _Reader:
    """The plan of one parse tree."""

    def __init__(self, ignore_case: bool) -> None:
        self.ignore_case = ignore_case  # a negated set then excludes both cases: left to st.from_regex

    def sequence(self, nodes: list[Any]) -> Sequence:
        parts: list[Any] = []
        for opcode, value in nodes:
            if opcode is sre.LITERAL and parts and isinstance(parts[-1], str):
                parts[-1] += chr(value)  # a run of literal characters is one constant
            else:
                parts.append(chr(value) if opcode is sre.LITERAL else self.node(opcode, value))
        return Sequence(tuple(parts))

    def node(self, opcode: Any, value: Any) -> Any:
        if opcode in CHARACTER:
            return self.character(opcode, value)
        if opcode is sre.ANY:
            return Chars(excluded=ANY_BUT_NEWLINE)
        if opcode is sre.BRANCH:
            return Alternatives(tuple(self.sequence(list(branch)) for branch in value[1]))
        if opcode is sre.SUBPATTERN:
            _group, add_flags, _del_flags, item = value
            if add_flags & re.IGNORECASE:
                self.ignore_case = True
            return self.sequence(list(item))
        if opcode in REPEATS:
            low, high, item = value
            item = list(item)
            single = len(item) == 1 and item[0][0] in CHARACTER
            extra = MAX_EXTRA_REPEATS if single else MAX_EXTRA_GROUPS
            high = low + extra if high is sre.MAXREPEAT else min(high, low + extra)
            return Repeat(low, high, self.character(*item[0]) if single else self.sequence(item))
        raise _Unsupported(str(opcode))

    def character(self, opcode: Any, value: Any) -> Chars:
        """A literal or a set: its literals, ranges and the ASCII part of \\d \\w \\s; for a negated one
        ([^/]), any character but those."""
        if opcode is sre.LITERAL:
            return Chars((chr(value),))
        negated = opcode is sre.NOT_LITERAL or (bool(value) and value[0][0] is sre.NEGATE)
        if negated and self.ignore_case:
            raise _Unsupported("a negated set that ignores case")
        if opcode is sre.NOT_LITERAL:
            return Chars(excluded=(chr(value), "\n"))
        chosen, ranges = _members(value[1:] if negated else value, negated)
        if negated:
            return Chars(excluded=(*chosen, "\n"))
        chosen = [c for c in chosen if not SURROGATES[0] <= ord(c) <= SURROGATES[1]]  # no lone surrogates
        ranges = [part for low, high in ranges for part in _without_surrogates(low, high)]
        if not chosen and not ranges:
            raise _Unsupported("no character but surrogates, which UTF-8 cannot carry")
        return Chars(tuple(chosen), tuple(ranges))


def _without_surrogates(low: int, high: int) -> list[tuple[int, int]]:
    """A range of code points less the surrogates (D800-DFFF), as up to two ranges."""
    parts = [(low, min(high, SURROGATES[0] - 1)), (max(low, SURROGATES[1] + 1), high)]
    return [(start, end) for start, end in parts if start <= end]


def _members(items: list[Any], negated: bool) -> tuple[list[str], list[tuple[int, int]]]:
    """The characters of a set's items (literals, small ranges, \\d \\w \\s in ASCII) and its large ranges. A
    negated set must name every character it excludes: no categories (\\d excludes more than ASCII digits)
    and no large ranges."""
    chosen: list[str] = []
    ranges: list[tuple[int, int]] = []
    for kind, value in items:
        if kind is sre.LITERAL:
            chosen.append(chr(value))
        elif kind is sre.RANGE and (value[1] - value[0] < MAX_SAMPLED or not negated):
            low, high = value
            if high - low < MAX_SAMPLED:
                chosen += [chr(code) for code in range(low, high + 1)]
            else:
                ranges.append((low, high))
        elif kind is sre.CATEGORY and value in CATEGORIES and not negated:
            chosen += CATEGORIES[value]
        else:
            raise _Unsupported(str(kind))
    return list(dict.fromkeys(chosen)), ranges


# -- drawing with Hypothesis -------------------------------------------------------------------------------
def pattern_strategy(pattern: str) -> Any | None:
    """A Hypothesis strategy for strings that contain a match of `pattern`, or None (see pattern_plan)."""
    plan = pattern_plan(pattern)
    if plan is None:
        return None
    from hypothesis import strategies as st

    return _strategy(plan, st)


def _strategy(plan: Any, st: Any) -> Any:
    if isinstance(plan, str):
        return st.just(plan)
    if isinstance(plan, Chars):
        return _characters(plan, st)
    if isinstance(plan, Alternatives):
        return st.one_of([_strategy(option, st) for option in plan.options])
    if isinstance(plan, Repeat):
        if isinstance(plan.item, Chars):  # a run of characters: one draw
            return st.text(_characters(plan.item, st), min_size=plan.low, max_size=plan.high)
        if (plan.low, plan.high) == (0, 1):  # an optional part
            return st.one_of(st.just(""), _strategy(plan.item, st))
        return st.lists(_strategy(plan.item, st), min_size=plan.low, max_size=plan.high).map("".join)
    parts = [part for part in plan.parts if part != ""]
    if len(parts) == 1:
        return _strategy(parts[0], st)
    return st.tuples(*[_strategy(part, st) for part in parts]).map("".join) if parts else st.just("")


def _characters(chars: Chars, st: Any) -> Any:
    if chars.excluded is not None:
        return st.characters(codec="utf-8", exclude_characters="".join(chars.excluded))
    options = [st.sampled_from(chars.chosen)] if chars.chosen else []
    options += [st.characters(min_codepoint=low, max_codepoint=high, codec="utf-8") for low, high in chars.ranges]
    return options[0] if len(options) == 1 else st.one_of(options)


# -- drawing at random -------------------------------------------------------------------------------------
ODD_CHARACTERS = "é中😀\u200b\t'\"<>&%/\\"  # what a server may mishandle: accents, CJK, astral, zero width, quoting


def random_text(plan: Any, rng: random.Random, extreme: str = "") -> str:
    """One string of a plan, drawn with `rng`; with `extreme` "short" (or "long") every repeat is drawn its
    fewest (most) times and every alternation takes its shortest (longest) option."""
    if isinstance(plan, str):
        return plan
    if isinstance(plan, Chars):
        return random_character(plan, rng)
    if isinstance(plan, Alternatives):
        if extreme:
            pick = min if extreme == "short" else max
            return random_text(pick(plan.options, key=lambda option: lengths(option)[extreme == "long"]), rng, extreme)
        return random_text(rng.choice(plan.options), rng)
    if isinstance(plan, Repeat):
        if extreme:
            count = plan.low if extreme == "short" else plan.high
        else:
            count = rng.choice((plan.low, plan.high)) if rng.random() < 0.25 else rng.randint(plan.low, plan.high)
        return "".join(random_text(plan.item, rng, extreme) for _ in range(count))
    return "".join(random_text(part, rng, extreme) for part in plan.parts)


def lengths(plan: Any) -> tuple[int, int]:
    """The lengths of the shortest and the longest string of a plan."""
    if isinstance(plan, str):
        return len(plan), len(plan)
    if isinstance(plan, Chars):
        return 1, 1
    if isinstance(plan, Alternatives):
        found = [lengths(option) for option in plan.options]
        return min(low for low, _ in found), max(high for _, high in found)
    if isinstance(plan, Repeat):
        low, high = lengths(plan.item)
        return plan.low * low, plan.high * high
    found = [lengths(part) for part in plan.parts]
    return sum(low for low, _ in found), sum(high for _, high in found)


def random_character(chars: Chars, rng: random.Random) -> str:
    if chars.excluded is not None:
        for attempt in range(1000):  # printable ASCII mostly, now and then a character servers trip over
            if attempt > 20:  # a set that excludes most of those: anywhere in the Basic Multilingual Plane
                text = chr(rng.randint(0xA0, 0xD7FF))
            else:
                text = rng.choice(ODD_CHARACTERS) if rng.random() < 0.1 else chr(rng.randint(0x20, 0x7E))
            if text not in chars.excluded:
                return text
        raise ValueError("no character outside the excluded set was found")
    if chars.ranges and (not chars.chosen or rng.random() < 0.5):
        low, high = rng.choice(chars.ranges)  # surrogates are never in a range
        return chr(rng.randint(low, high))
    return rng.choice(chars.chosen)

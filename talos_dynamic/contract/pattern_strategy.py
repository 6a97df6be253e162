"""Strings for a schema's `pattern`, drawn from the regular expression's parse tree with Hypothesis' plain
strategies (constants, sampled characters, text, lists, one_of).

Hypothesis' own st.from_regex is general but slow to draw: about 6 ms a value for a Go duration pattern
such as `^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$`, which made it the largest cost of a generated run. The
plain subset of regular expressions (literals, character sets and their negation, `.`, groups, alternation,
bounded or unbounded repeats, anchors at the ends) is built here instead, four times faster; anything else
(lookarounds, backreferences, conditionals, word boundaries, anchors inside, \\D \\W \\S) gives None and the
caller uses st.from_regex. Every string drawn contains a match, by construction: the characters drawn are a
subset of what the pattern accepts (ASCII for \\d \\w \\s, no newline for `.`); shrinking works as for any
Hypothesis strategy.
"""

from __future__ import annotations

import re
import string
from re import _constants as sre  # the parse tree's opcodes (Python 3.11+)
from re import _parser as sre_parse
from typing import Any

MAX_EXTRA_REPEATS = 8  # a repeated character (`[0-9]+`, `a*`, `\w{2,}`) at most this many beyond its minimum
MAX_EXTRA_GROUPS = 3  # a repeated group or alternation, likewise
MAX_SAMPLED = 512  # a character set this small is sampled from a list; a larger range draws code points
MAX_PADDING = 4  # characters drawn around a pattern that is not anchored at that end (JSON Schema searches)

CATEGORIES = {
    sre.CATEGORY_DIGIT: string.digits,
    sre.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    sre.CATEGORY_SPACE: " \t\n\r\f\v",
}
STARTS = (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING)
ENDS = (sre.AT_END, sre.AT_END_STRING)
REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
CHARACTER = (sre.LITERAL, sre.NOT_LITERAL, sre.IN)


class _Unsupported(Exception):
    """The pattern uses something beyond the plain subset."""


def pattern_strategy(pattern: str) -> Any | None:
    """A strategy for strings that contain a match of `pattern` (JSON Schema's rule), or None when the pattern
    is beyond the plain subset (or not a Python regular expression)."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    from hypothesis import strategies as st

    nodes = list(parsed)
    anchored_start = bool(nodes) and nodes[0][0] is sre.AT and nodes[0][1] in STARTS
    anchored_end = bool(nodes) and nodes[-1][0] is sre.AT and nodes[-1][1] in ENDS
    builder = _Builder(st, ignore_case=bool(parsed.state.flags & re.IGNORECASE))
    try:
        body = builder.sequence(nodes[int(anchored_start) : len(nodes) - int(anchored_end)])
    except _Unsupported:
        return None
    padding = st.text(st.characters(codec="utf-8", exclude_characters="\n"), max_size=MAX_PADDING)
    parts = [*([] if anchored_start else [padding]), body, *([] if anchored_end else [padding])]
    return parts[0] if len(parts) == 1 else st.tuples(*parts).map("".join)


class _Builder:
    """Strategies for the nodes of one parse tree."""

    def __init__(self, st: Any, ignore_case: bool) -> None:
        self.st = st
        self.ignore_case = ignore_case  # a negated set then excludes both cases: left to st.from_regex

    def sequence(self, nodes: list[Any]) -> Any:
        parts, text = [], ""
        for opcode, value in nodes:
            if opcode is sre.LITERAL:  # a run of literal characters is one constant
                text += chr(value)
                continue
            if text:
                parts.append(self.st.just(text))
                text = ""
            parts.append(self.node(opcode, value))
        if text:
            parts.append(self.st.just(text))
        if len(parts) == 1:
            return parts[0]
        return self.st.tuples(*parts).map("".join) if parts else self.st.just("")

    def node(self, opcode: Any, value: Any) -> Any:
        st = self.st
        if opcode in CHARACTER:
            return self.character(opcode, value)
        if opcode is sre.ANY:
            return st.characters(codec="utf-8", exclude_characters="\n")
        if opcode is sre.BRANCH:
            return st.one_of([self.sequence(list(branch)) for branch in value[1]])
        if opcode is sre.SUBPATTERN:
            _group, add_flags, _del_flags, item = value
            if add_flags & re.IGNORECASE:
                self.ignore_case = True
            return self.sequence(list(item))
        if opcode is sre.ATOMIC_GROUP:
            return self.sequence(list(value))
        if opcode in REPEATS:
            low, high, item = value
            item = list(item)
            if len(item) == 1 and item[0][0] in CHARACTER:  # a run of characters: one draw
                return st.text(self.character(*item[0]), min_size=low, max_size=_most(low, high, MAX_EXTRA_REPEATS))
            if (low, high) == (0, 1):  # an optional part
                return st.one_of(st.just(""), self.sequence(item))
            return st.lists(self.sequence(item), min_size=low, max_size=_most(low, high, MAX_EXTRA_GROUPS)).map("".join)
        raise _Unsupported(str(opcode))

    def character(self, opcode: Any, value: Any) -> Any:
        """One character of a literal or a set: its literals, ranges and the ASCII part of \\d \\w \\s; any
        character but a few for a negated one ([^/]). Also an alphabet for st.text."""
        st = self.st
        if opcode is sre.LITERAL:
            return st.just(chr(value))
        negated = opcode is sre.NOT_LITERAL or (bool(value) and value[0][0] is sre.NEGATE)
        if negated and self.ignore_case:
            raise _Unsupported("a negated set that ignores case")
        if opcode is sre.NOT_LITERAL:
            return st.characters(codec="utf-8", exclude_characters=chr(value) + "\n")
        chosen, ranges = _members(value[1:] if negated else value, negated)
        if negated:
            return st.characters(codec="utf-8", exclude_characters="".join(chosen) + "\n")
        chosen = [c for c in chosen if not 0xD800 <= ord(c) <= 0xDFFF]  # no lone surrogates
        options = [st.sampled_from(chosen)] if chosen else []
        options += [st.characters(min_codepoint=low, max_codepoint=high, codec="utf-8") for low, high in ranges]
        if not options:
            raise _Unsupported("an empty character set")
        return options[0] if len(options) == 1 else st.one_of(options)


def _most(low: int, high: Any, extra: int) -> int:
    return low + extra if high is sre.MAXREPEAT else min(high, low + extra)


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

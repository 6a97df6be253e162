"""A short string matching a regular expression (for placeholder values of `pattern` schemas)."""

from __future__ import annotations

import re

try:  # Python 3.11+
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

CATEGORY_SAMPLES = {
    sre_constants.CATEGORY_DIGIT: "0",
    sre_constants.CATEGORY_NOT_DIGIT: "a",
    sre_constants.CATEGORY_WORD: "a",
    sre_constants.CATEGORY_NOT_WORD: "-",
    sre_constants.CATEGORY_SPACE: " ",
    sre_constants.CATEGORY_NOT_SPACE: "a",
}


def regex_sample(pattern: str) -> str | None:
    """A string that re.search(pattern, ...) accepts, or None when the pattern is beyond this generator."""
    try:
        text = _render(sre_parse.parse(pattern))
        return text if re.search(pattern, text) else None
    except (re.error, _Unsupported, RecursionError, OverflowError, TypeError, ValueError, StopIteration):
        return None


class _Unsupported(Exception):
    pass


def _render(parsed) -> str:  # noqa: ANN001 - sre_parse.SubPattern
    return "".join(_token(op, arg) for op, arg in parsed)


def _token(op, arg) -> str:  # noqa: ANN001, C901
    if op is sre_constants.LITERAL:
        return chr(arg)
    if op is sre_constants.NOT_LITERAL:
        return "a" if chr(arg) != "a" else "b"
    if op is sre_constants.ANY:
        return "a"
    if op is sre_constants.AT:
        return ""
    if op is sre_constants.IN:
        return _in(arg)
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None)):
        low, _, item = arg
        return _render(item) * max(low, 0)
    if op is sre_constants.SUBPATTERN:
        return _render(arg[-1])
    if op is getattr(sre_constants, "ATOMIC_GROUP", None):
        return _render(arg)
    if op is sre_constants.BRANCH:
        return _render(arg[1][0])
    if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return ""
    if op is sre_constants.CATEGORY:
        return CATEGORY_SAMPLES.get(arg, "a")
    raise _Unsupported(op)


def _in(items) -> str:  # noqa: ANN001
    negated = bool(items) and items[0][0] is sre_constants.NEGATE
    if negated:
        excluded = set()
        for op, arg in items[1:]:
            if op is sre_constants.LITERAL:
                excluded.add(chr(arg))
            elif op is sre_constants.RANGE:
                excluded.update(chr(c) for c in range(arg[0], min(arg[1], 0x2FF) + 1))
        return next(c for c in "abcxyz0123456789-_" if c not in excluded)
    for op, arg in items:
        if op is sre_constants.LITERAL:
            return chr(arg)
        if op is sre_constants.RANGE:
            low, high = arg
            for preferred in "a0A":
                if low <= ord(preferred) <= high:
                    return preferred
            return chr(low)
        if op is sre_constants.CATEGORY:
            return CATEGORY_SAMPLES.get(arg, "a")
    raise _Unsupported("empty class")

"""A dict whose values are built on first read: how a Swagger 2.0 document is upgraded lazily, each path item
and each component the first time something reads it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

_ABSENT = object()


class _Source:
    """A value not built yet: what it is built from."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class DeferredDict(dict):  # type: ignore[type-arg]
    """A dict whose values are built, each once and completely, the first time they are read.

    Each key starts with its source; `build(source)` makes the value under `lock`, and only the finished value
    is stored, so a thread finds a value either not built yet (and builds it, under the lock) or complete,
    never half built. Reading one value (d[key], d.get(key)) builds that one; whatever reads every value
    (values(), items(), ==, repr, copy, pickling, json.dumps, dict(d), {**d}) builds them all first. Keys,
    len() and `in` build nothing. To every reader it is the dict an eager build would have made (copies and
    pickles are plain dicts).
    """

    __slots__ = ("_build", "_lock")

    def __init__(
        self,
        sources: Iterable[tuple[Any, Any]] = (),
        build: Callable[[Any], Any] | None = None,
        lock: threading.RLock | None = None,
    ) -> None:
        super().__init__((key, _Source(value)) for key, value in sources)
        self._build = build or (lambda value: value)
        self._lock = lock or threading.RLock()

    def __getitem__(self, key: Any) -> Any:
        value = dict.__getitem__(self, key)
        return self._settle(key) if type(value) is _Source else value

    def get(self, key: Any, default: Any = None) -> Any:
        value = dict.get(self, key, _ABSENT)
        if value is _ABSENT:
            return default
        return self._settle(key) if type(value) is _Source else value

    def _settle(self, key: Any) -> Any:
        with self._lock:
            value = dict.__getitem__(self, key)
            if type(value) is _Source:
                value = self._build(value.value)
                dict.__setitem__(self, key, value)
            return value

    def unbuilt(self) -> list[Any]:
        """The keys whose values are not built yet."""
        return [key for key in list(dict.keys(self)) if type(dict.get(self, key)) is _Source]

    def settle(self) -> None:
        """Build every value not built yet."""
        for key in list(dict.keys(self)):
            self[key]

    def __iter__(self) -> Iterator[Any]:
        # defined here so that dict(d), {**d} and d1.update(d) read the values through __getitem__ (CPython
        # copies a dict's storage directly only when its type iterates like dict itself)
        return dict.__iter__(self)

    def values(self) -> Any:
        self.settle()
        return dict.values(self)

    def items(self) -> Any:
        self.settle()
        return dict.items(self)

    def copy(self) -> dict[Any, Any]:
        self.settle()
        return dict.copy(self)

    def __or__(self, other: Any) -> Any:
        self.settle()
        return dict.__or__(self, other)

    def __eq__(self, other: object) -> bool:
        self.settle()
        if isinstance(other, DeferredDict):
            other.settle()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        self.settle()
        if isinstance(other, DeferredDict):
            other.settle()
        return dict.__ne__(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        self.settle()
        return dict.__repr__(self)

    def __reduce__(self) -> tuple[Any, ...]:
        # copy.copy, copy.deepcopy and pickle: a plain dict of the built values
        return dict, (dict(self.items()),)

    def pop(self, key: Any, *default: Any) -> Any:
        if key in self:
            self[key]
        return dict.pop(self, key, *default)

    def popitem(self) -> tuple[Any, Any]:
        self.settle()
        return dict.popitem(self)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key in self:
            return self[key]
        return dict.setdefault(self, key, default)

"""Read-only results: attribute and item access to the JSON, plus `.http` for the exchange itself."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self, TypeAlias

from ..masking import mask_headers, mask_json

if TYPE_CHECKING:
    import datetime

    from ..errors import Violation
    from .prepare import PreparedRequest
    from .transports import Response


@dataclass(frozen=True)
class HttpInfo:
    """The HTTP side of a result: status, headers, elapsed time, the Response, any violations, how many
    attempts the call took, and the PreparedRequest that was sent."""

    status: int
    headers: Any
    elapsed: datetime.timedelta
    response: Response = field(repr=False)
    violations: tuple[Violation, ...] = ()
    attempts: int = 1
    request: PreparedRequest | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        headers = mask_headers(dict(self.headers or {}), _secret_names(self))
        return (
            f"HttpInfo(status={self.status}, attempts={self.attempts}, elapsed={self.elapsed}, "
            f"headers={headers}, violations={list(self.violations)})"
        )


def wrap(value: Any, http: HttpInfo | None = None, name: str | None = None) -> Any:
    """Wrap JSON objects and arrays in read-only views. A whole answer (`http` given) that is a number or a
    boolean becomes a NumberResult or BoolResult carrying `.http`; scalars inside a result stay plain."""
    if isinstance(value, dict):
        return Result(value, http, name)
    if isinstance(value, list):
        return ResultList(value, http)
    if http is not None and isinstance(value, bool):
        return BoolResult(value, http)
    if http is not None and isinstance(value, int | float):
        number = (IntResult if isinstance(value, int) else FloatResult)(value)
        number.http = http
        return number
    return value


class IntResult(int):
    """A JSON integer answer, with `.http`; it is the number (`r + 1`, `r == 3`)."""

    http: HttpInfo | None = None

    def to_json(self) -> int:
        """The number as a plain int."""
        return int(self)

    def __str__(self) -> str:
        return int.__repr__(self)

    def __repr__(self) -> str:
        return _scalar_summary("IntResult", self.http, int.__repr__(self))


class FloatResult(float):
    """A JSON number answer with a fraction, with `.http`; it is the number."""

    http: HttpInfo | None = None

    def to_json(self) -> float:
        """The number as a plain float."""
        return float(self)

    def __str__(self) -> str:
        return float.__repr__(self)

    def __repr__(self) -> str:
        return _scalar_summary("FloatResult", self.http, float.__repr__(self))


class BoolResult(int):
    """A JSON true/false answer, with `.http`. Python's bool cannot be subclassed, so this is an int of 1 or 0
    that is truthy or falsy and equal to True or False (`if r:`, `r == True`); `to_json()` gives the bool."""

    http: HttpInfo | None = None

    def __new__(cls, value: bool, http: HttpInfo | None = None) -> BoolResult:
        self = super().__new__(cls, bool(value))
        self.http = http
        return self

    def to_json(self) -> bool:
        """The answer as a plain bool."""
        return bool(self)

    def __str__(self) -> str:
        return str(bool(self))

    def __repr__(self) -> str:
        return _scalar_summary("BoolResult", self.http, str(bool(self)))


def _scalar_summary(kind: str, http: HttpInfo | None, value: str) -> str:
    return f"<{kind} {http.status} {value}>" if http is not None else f"<{kind} {value}>"


_MUTATING = ("pop", "popitem", "setdefault", "update", "clear")


class _FieldFirst:
    """A dict method name on Result: the field of that name when the JSON has one, else the method.

    `items` stays callable even then (json.dumps calls it): a list field named "items" comes back as a
    ResultList that can also be called, returning the dict's items.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: Result | None, owner: type) -> Any:
        if self.name == "items":
            method = Result._items
        elif self.name in _MUTATING:
            method = Result._read_only
        else:
            method = getattr(dict, self.name)
        if instance is None or not dict.__contains__(instance, self.name):
            return method if instance is None else method.__get__(instance, owner)
        value = dict.__getitem__(instance, self.name)
        if self.name != "items":
            return wrap(value)
        if isinstance(value, list):
            return _ItemsField(value, instance)
        return method.__get__(instance, owner)


class Result(dict):  # a dict subclass so that json.dumps(result) works; read-only
    """A JSON object from the API: `r.field`, `r["field"]`, iteration over keys, `to_json()` for the raw data;
    `json.dumps(r)` writes the JSON as the server sent it.

    Reserved attributes: `http`, `get` and `to_json` (use `r["http"]` for a field of that name); a field that
    is not a list but is named `items` is read as `r["items"]` (`r.items()` is the dict method json.dumps
    needs). Values are never defaulted: the JSON is exactly what the server sent, unknown fields included.
    """

    __slots__ = ("_http", "_name")

    def __init__(self, data: dict[str, Any], http: HttpInfo | None = None, name: str | None = None) -> None:
        dict.__init__(self, data)
        object.__setattr__(self, "_http", http)
        object.__setattr__(self, "_name", name)

    @property
    def http(self) -> HttpInfo | None:
        """Status, headers, elapsed time and the underlying response (top-level results only)."""
        return self._http

    @property
    def _data(self) -> dict[str, Any]:
        return dict(self)

    def to_json(self) -> dict[str, Any]:
        """A deep copy of the JSON object as the server sent it."""
        return copy.deepcopy(dict(self))

    def __getattr__(self, name: str) -> Any:
        if dict.__contains__(self, name):
            return wrap(dict.__getitem__(self, name))
        if name.startswith("__"):
            raise AttributeError(name)
        fields = ", ".join(sorted(self)) or "none"
        raise AttributeError(f"{self._label()} has no field {name!r} (fields: {fields})")

    def __getitem__(self, key: str) -> Any:
        return wrap(dict.__getitem__(self, key))

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        """The field's value, or `default` when the server did not send it."""
        return wrap(dict.__getitem__(self, key)) if dict.__contains__(self, key) else default

    def _items(self) -> list[tuple[str, Any]]:
        return [(key, wrap(value)) for key, value in dict.items(self)]

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._label()} is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{self._label()} is read-only")

    def _read_only(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{self._label()} is read-only (to_json() gives a copy you can change)")

    __setitem__ = __delitem__ = __ior__ = _read_only  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        return dict.__eq__(self, other) if isinstance(other, dict) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        return type(self), (dict(self), None, self._name)

    def __copy__(self) -> Result:
        return type(self)(dict(self), self._http, self._name)

    def __deepcopy__(self, memo: dict[int, Any]) -> Result:
        return type(self)(copy.deepcopy(dict(self), memo), self._http, self._name)

    def __dir__(self) -> list[str]:
        return sorted({*self, "http", "to_json", "get"})

    def _label(self) -> str:
        return self._name or "result"

    def __repr__(self) -> str:
        body = json.dumps(mask_json(dict(self), _secret_names(self._http)), ensure_ascii=False, default=str)
        if len(body) > 2000:
            body = body[:1997] + "..."
        status = f" {self._http.status}" if self._http else ""
        return f"<{self._name or 'Result'}{status} {body}>"


for _name in ("keys", "values", "items", "copy", *_MUTATING):
    setattr(Result, _name, _FieldFirst(_name))
del _name


class ResultList(tuple[Any, ...]):
    """A read-only JSON array; objects inside are Results."""

    _raw: list[Any]
    _http: HttpInfo | None

    def __new__(cls, data: list[Any], http: HttpInfo | None = None) -> Self:
        self = super().__new__(cls, (wrap(v) for v in data))
        self._raw = data
        self._http = http
        return self

    @property
    def http(self) -> HttpInfo | None:
        """Status, headers, elapsed time and the underlying response (top-level results only)."""
        return self._http

    def to_json(self) -> list[Any]:
        """A deep copy of the JSON array as the server sent it."""
        return copy.deepcopy(self._raw)

    def __repr__(self) -> str:
        return tuple.__repr__(self)  # items are scalars or Results, whose reprs mask secrets


class TextResult(str):
    """A text response body, with `.http`. It is the text (`str(result)`, `print(result)`); its repr is a
    summary (status, media type, size), as a body that cannot be masked field by field is never shown."""

    http: HttpInfo | None = None

    def __repr__(self) -> str:
        return _summary("TextResult", self.http, f"{len(self)} character{'' if len(self) == 1 else 's'}")


class BytesResult(bytes):
    """A binary response body, with `.http`; its repr is a summary (status, media type, size)."""

    http: HttpInfo | None = None

    def __repr__(self) -> str:
        return _summary("BytesResult", self.http, f"{len(self)} byte{'' if len(self) == 1 else 's'}")


def _summary(kind: str, http: HttpInfo | None, size: str) -> str:
    if http is None:
        return f"<{kind} {size}>"
    content_type = (http.headers or {}).get("Content-Type") or "unknown type"
    return f"<{kind} {http.status} {content_type.split(';', 1)[0].strip()}, {size}>"


def _secret_names(http: HttpInfo | None) -> frozenset[str]:
    """The secret names of the request that was sent (the spec's writeOnly / password fields, apiKey names)."""
    request = http.request if http is not None else None
    return request.secret_names if request is not None else frozenset()


class StreamResult:
    """A response body read as it arrives (call with `_stream=True`), for large downloads.

    Use as a context manager, or call close(); `iter_bytes()` yields chunks, `save(path)` writes them to a file.
    """

    def __init__(self, http: HttpInfo) -> None:
        self.http = http

    def iter_bytes(self, chunk_size: int = 65536) -> Iterator[bytes]:
        """The body, chunk by chunk."""
        return self.http.response.iter_bytes(chunk_size)

    def aiter_bytes(self, chunk_size: int = 65536) -> AsyncIterator[bytes]:
        """The body, chunk by chunk, with AsyncClient: `async for chunk in result.aiter_bytes()`."""
        return self.http.response.aiter_bytes(chunk_size)

    def save(self, path: str | os.PathLike[str], chunk_size: int = 65536) -> int:
        """Write the body to a file; returns the number of bytes written."""
        if self.http.response.is_async:
            raise TypeError("this body arrives asynchronously: use `await result.asave(path)`")
        written = 0
        with open(path, "wb") as handle:
            for chunk in self.iter_bytes(chunk_size):
                written += handle.write(chunk)
        return written

    async def asave(self, path: str | os.PathLike[str], chunk_size: int = 65536) -> int:
        """save(), with AsyncClient."""
        written = 0
        with open(path, "wb") as handle:
            async for chunk in self.aiter_bytes(chunk_size):
                written += handle.write(chunk)
        return written

    def close(self) -> None:
        """Release the connection."""
        self.http.response.close()

    async def aclose(self) -> None:
        """Release the connection (AsyncClient)."""
        await self.http.response.aclose()

    def __enter__(self) -> StreamResult:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> StreamResult:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        kind = self.http.headers.get("Content-Type", "unknown type")
        return f"<StreamResult {self.http.status} {kind}>"


class _ItemsField(ResultList):
    """A list field named "items": the list for `r.items`, and `r.items()` still the dict's items."""

    _owner: Result

    def __new__(cls, data: list[Any], owner: Result) -> Self:
        self = super().__new__(cls, data)
        self._owner = owner
        return self

    def __call__(self) -> list[tuple[str, Any]]:
        return self._owner._items()


# What a call returns, by the body the server sent: a JSON object (or no body at all: an empty Result whose
# `.http` has the status), an array, a number, true/false, text (a JSON string too), or binary data. Every one
# carries `.http` and `to_json()` but BytesResult and TextResult (they are the body). `_stream=True` gives a
# StreamResult instead.
Answer: TypeAlias = Result | ResultList | IntResult | FloatResult | BoolResult | TextResult | BytesResult

# A value read from inside a result (a field, an array element, an item of items()): objects and arrays as
# Result and ResultList, scalars as plain Python values.
ResultValue: TypeAlias = Result | ResultList | str | int | float | bool | None

"""OpenAPI parameter serialization (style and explode) for path, query, header and cookie values."""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from ..spec.operations import Parameter

RESERVED = ":/?#[]@!$&'()*+,;="


def scalar_text(value: Any) -> str:
    """The text form of a primitive: true/false for booleans, the value for enums, '' for None."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return scalar_text(value.value)
    try:
        return str(value)
    except RecursionError:  # a list nested thousands deep; ValueError is what a value that cannot be sent raises
        raise ValueError("a value nests too deeply to be written as text") from None


def _encoder(param: Parameter):
    safe = RESERVED if param.allow_reserved else ""

    def encode(value: Any) -> str:
        return quote(scalar_text(value), safe=safe)

    return encode


def _shape(param: Parameter, value: Any) -> Any:
    if param.media_type is not None:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=scalar_text)
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return value


def serialize_path(param: Parameter, value: Any) -> str:
    """The text that replaces {name} in the path, percent-encoded (simple, label or matrix style).

    No value can change the path's shape: "/" is encoded, and a value of only dots ("." or "..", which
    clients and servers would read as dot segments) has its dots encoded too."""
    text = _path_text(param, value)
    if param.style == "label" and len(text) > 1 and not text.strip("."):
        return "." + text[1:].replace(".", "%2E")  # the first dot is the label's own
    if param.style != "label" and text and not text.strip("."):
        return text.replace(".", "%2E")
    return text


def _path_text(param: Parameter, value: Any) -> str:
    value, enc, name = _shape(param, value), _encoder(param), quote(param.name, safe="")
    style, explode = param.style, param.explode
    if style == "label":
        return "." + _join(value, enc, "." if explode else ",", explode)
    if style == "matrix":
        if isinstance(value, list):
            if explode:
                return "".join(f";{name}={enc(v)}" for v in value)
            return f";{name}=" + ",".join(enc(v) for v in value)
        if isinstance(value, Mapping):
            if explode:
                return "".join(f";{enc(k)}={enc(v)}" for k, v in value.items())
            return f";{name}=" + _join(value, enc, ",", False)
        return f";{name}={enc(value)}" if value not in ("", None) else f";{name}"
    return _join(value, enc, ",", explode)


def _join(value: Any, enc, separator: str, explode: bool) -> str:
    if isinstance(value, list):
        return separator.join(enc(v) for v in value)
    if isinstance(value, Mapping):
        if explode:
            return separator.join(f"{enc(k)}={enc(v)}" for k, v in value.items())
        return ",".join(f"{enc(k)},{enc(v)}" for k, v in value.items())
    return enc(value)


def serialize_query(param: Parameter, value: Any) -> list[str]:
    """Encoded `name=value` pieces for the query string."""
    value, enc, name = _shape(param, value), _encoder(param), quote(param.name, safe="[]")
    style, explode = param.style, param.explode
    if style == "deepObject" and isinstance(value, Mapping | list):
        # OpenAPI defines deepObject for flat objects; nested objects and arrays use the bracket
        # convention servers such as Stripe, Rails and PHP read: a[b][c]=x, a[0]=x, a[0][b]=x
        return [f"{name}{key}={enc(leaf)}" for key, leaf in _deep_items(value, enc)]
    if isinstance(value, list):
        if not value:
            return []
        if explode and style == "form":
            return [f"{name}={enc(v)}" for v in value]
        separator = {"spaceDelimited": "%20", "pipeDelimited": "|"}.get(style, ",")
        return [f"{name}=" + separator.join(enc(v) for v in value)]
    if isinstance(value, Mapping):
        if explode and style == "form":
            return [f"{enc(k)}={enc(v)}" for k, v in value.items()]
        separator = {"spaceDelimited": "%20", "pipeDelimited": "|"}.get(style, ",")
        return [f"{name}=" + separator.join(f"{enc(k)}{separator}{enc(v)}" for k, v in value.items())]
    return [f"{name}={enc(value)}"]


def _deep_items(value: Mapping[str, Any] | list[Any], enc, prefix: str = ""):
    pairs = value.items() if isinstance(value, Mapping) else enumerate(value)
    for key, leaf in pairs:
        path = f"{prefix}[{enc(key)}]"
        if isinstance(leaf, Mapping | list | tuple):
            yield from _deep_items(list(leaf) if isinstance(leaf, tuple) else leaf, enc, path)
        else:
            yield path, leaf


def serialize_header(param: Parameter, value: Any) -> str:
    """A header value (simple style; no percent-encoding)."""
    value = _shape(param, value)
    if isinstance(value, list):
        return ",".join(scalar_text(v) for v in value)
    if isinstance(value, Mapping):
        if param.explode:
            return ",".join(f"{scalar_text(k)}={scalar_text(v)}" for k, v in value.items())
        return ",".join(f"{scalar_text(k)},{scalar_text(v)}" for k, v in value.items())
    return scalar_text(value)


def serialize_cookie(param: Parameter, value: Any) -> list[str]:
    """`name=value` pieces for the Cookie header (form style)."""
    value, enc, name = _shape(param, value), _encoder(param), param.name
    if isinstance(value, list):
        if param.explode:
            return [f"{name}={enc(v)}" for v in value]
        return [f"{name}=" + ",".join(enc(v) for v in value)]
    if isinstance(value, Mapping):
        if param.explode:
            return [f"{k}={enc(v)}" for k, v in value.items()]
        return [f"{name}=" + ",".join(f"{enc(k)},{enc(v)}" for k, v in value.items())]
    return [f"{name}={enc(value)}"]

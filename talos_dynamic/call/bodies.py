"""Request bodies: pick the media type, convert the value once for the wire, and encode it."""

from __future__ import annotations

import io
import json
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from urllib3.fields import RequestField
from urllib3.filepost import encode_multipart_formdata

from ..spec.operations import Parameter, RequestBody
from .convert import to_wire
from .serialize import scalar_text, serialize_query

JSON, FORM, MULTIPART, TEXT, BINARY = "json", "form", "multipart", "text", "binary"


@dataclass(frozen=True)
class EncodedBody:
    """Bytes for the wire and the Content-Type header that goes with them."""

    content: bytes
    content_type: str


def media_kind(media_type: str) -> str:
    """What kind of encoding a media type needs: json, form, multipart, text or binary."""
    base = media_type.split(";", 1)[0].strip().lower()
    if base == "application/json" or base.endswith("+json") or base in ("*/*", "application/*"):
        return JSON
    if base == "application/x-www-form-urlencoded":
        return FORM
    if base.startswith("multipart/"):
        return MULTIPART
    if base.startswith("text/") or base in ("application/xml", "application/yaml", "application/x-yaml"):
        return TEXT
    return BINARY


def choose_media_type(body: RequestBody, requested: str | None, value: Any) -> str | None:
    """The media type to send: the one asked for, else JSON when offered, else the first declared.

    A content_type that is not text names no media type: its type's name in brackets comes back, which no
    spec offers, so the call is refused as asking for a media type the operation does not take."""
    if requested and not isinstance(requested, str):
        return f"<{type(requested).__name__}>"
    if requested:
        return requested
    names = list(body.content)
    if not names:
        return "application/json" if _structured(value) else "application/octet-stream"
    for name in names:
        if media_kind(name) == JSON and "*" not in name:
            return name
    if _structured(value):
        for name in names:
            if media_kind(name) in (JSON, FORM, MULTIPART):
                return name
    return names[0]


def _structured(value: Any) -> bool:
    return isinstance(value, Mapping | list | tuple)


def is_file_like(value: Any) -> bool:
    """Bytes, a Path, an open file, or a (filename, data[, content_type]) tuple."""
    return (
        isinstance(value, bytes | bytearray | Path)
        or hasattr(value, "read")
        or (isinstance(value, tuple) and len(value) in (2, 3) and isinstance(value[0], str))
    )


def wire_body(media_type: str, value: Any, schema: Any) -> Any:
    """The body as it will be encoded: JSON values converted once (see convert.to_wire); files in form and
    multipart bodies, and text and binary bodies, stay as they are."""
    kind = media_kind(media_type)
    if kind in (FORM, MULTIPART):
        if callable(getattr(value, "to_json", None)):
            value = value.to_json()
        if isinstance(value, Mapping):
            properties = schema.get("properties") if isinstance(schema, dict) else None
            properties = properties if isinstance(properties, dict) else {}
            return {str(k): v if _is_files(v) else to_wire(v, properties.get(k)) for k, v in value.items()}
        if kind == FORM and isinstance(value, list):  # [name, value] pairs, for a form whose schema is an array
            return to_wire(value, schema)
        return value
    if kind == JSON:
        return to_wire(value, schema)
    return value


def _is_files(value: Any) -> bool:
    return is_file_like(value) or (isinstance(value, list) and bool(value) and all(map(is_file_like, value)))


def validation_view(kind: str, value: Any) -> Any:
    """What the schema sees of a wire body: a file is an empty string (format: binary)."""
    if kind in (FORM, MULTIPART) and isinstance(value, Mapping):
        return {k: ("" if is_file_like(v) else ["" for _ in v] if _is_files(v) else v) for k, v in value.items()}
    if kind == BINARY or is_file_like(value):
        return ""
    return value


def encode_body(media_type: str, value: Any, encoding: Mapping[str, Any]) -> EncodedBody:
    """Encode a body for the wire according to its media type (and per-property `encoding`)."""
    kind = media_kind(media_type)
    if kind == JSON:
        try:
            data = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
        except RecursionError:  # ValueError, as for the other bodies that cannot be sent
            raise ValueError("the body nests too deeply to be encoded") from None
        return EncodedBody(data, "application/json" if "*" in media_type else media_type)
    if kind == FORM:
        return EncodedBody(_form(value, encoding).encode("ascii"), media_type)
    if kind == MULTIPART:
        body, content_type = encode_multipart_formdata(_parts(value, encoding))
        return EncodedBody(body, content_type)
    if kind == TEXT and isinstance(value, str):
        return EncodedBody(value.encode(), media_type if "charset" in media_type else f"{media_type}; charset=utf-8")
    return EncodedBody(_read_bytes(value), media_type)


def form_pairs(value: Any) -> list[tuple[str, Any]] | None:
    """The (name, value) fields of a form body: a mapping, or a list of (name, value) pairs (an array
    schema); None for anything a form cannot carry."""
    if isinstance(value, Mapping):
        return [(str(k), v) for k, v in value.items()]
    if isinstance(value, list | tuple) and all(
        isinstance(p, list | tuple) and len(p) == 2 and isinstance(p[0], str) for p in value
    ):
        return [(p[0], p[1]) for p in value]
    return None


FORM_SHAPE = "a form body is a mapping of field names to values, or a list of [name, value] pairs"


def _form(value: Any, encoding: Mapping[str, Any]) -> str:
    fields = form_pairs(value)
    if fields is None:
        raise TypeError(FORM_SHAPE)
    pieces = []
    for name, item in fields:
        spec = encoding.get(name) if isinstance(encoding.get(name), dict) else {}
        if isinstance(item, Mapping) and spec.get("contentType", "").endswith("json"):
            item = json.dumps(item, separators=(",", ":"), allow_nan=False)
        style = spec.get("style", "form")
        explode = spec.get("explode", style == "form")
        param = Parameter(
            name=name,
            location="query",
            required=False,
            schema=None,
            style=style,
            explode=bool(explode),
            allow_reserved=spec.get("allowReserved") is True,
        )
        pieces.extend(serialize_query(param, item))
    return "&".join(pieces).replace("%20", "+")


def _parts(value: Any, encoding: Mapping[str, Any]) -> list[RequestField]:
    if not isinstance(value, Mapping):
        raise TypeError("a multipart body must be a mapping of part names to values")
    parts = []
    for name, item in value.items():
        spec = encoding.get(name) if isinstance(encoding.get(name), dict) else {}
        items = item if isinstance(item, list) and all(is_file_like(i) or not _structured(i) for i in item) else [item]
        if len(items) > 1 and _joined(spec) and not any(map(is_file_like, items)):
            items = [_joined(spec).join(scalar_text(i) for i in items)]  # an explicit non-exploded style: one part
        for one in items:
            parts.append(_part(str(name), one, spec.get("contentType")))
    return parts


def _joined(spec: Mapping[str, Any]) -> str | None:
    """The separator that joins an array into one multipart part: only when the Encoding Object says
    explode: false explicitly (OpenAPI 3.1 applies style to multipart; a Swagger 2.0 collectionFormat
    upgrades to it). None: one part per item."""
    if spec.get("explode") is not False:
        return None
    return {"spaceDelimited": " ", "pipeDelimited": "|"}.get(spec.get("style", "form"), ",")


def _part(name: str, value: Any, allowed: Any) -> RequestField:
    if is_file_like(value):
        filename, data, given, guessed = _file_fields(value)
        field = RequestField(name=name, data=data, filename=filename)
        field.make_multipart(content_type=part_media_type(name, allowed, given, guessed, "application/octet-stream"))
        return field
    if _structured(value):
        data, default_type = json.dumps(value, separators=(",", ":"), allow_nan=False), "application/json"
    else:
        data, default_type = scalar_text(value), None
    field = RequestField(name=name, data=data)
    field.make_multipart(content_type=part_media_type(name, allowed, None, default_type, default_type))
    return field


def part_media_type(name: str, allowed: Any, given: str | None, guessed: str | None, default: str | None) -> str | None:
    """The one Content-Type of a multipart part. An Encoding Object's `contentType` lists the types the
    part may have (`image/png, image/jpeg`, `image/*`): the caller's type when it is one of them (another
    one is refused with ValueError), else the type guessed from the file name (or JSON's, for a structured
    value) when allowed, else the first concrete type listed, else application/octet-stream. Without a
    list: the caller's type, else the guessed one, else the default."""
    options = [t.strip() for t in allowed.split(",") if t.strip()] if isinstance(allowed, str) else []
    if not options:
        return given or guessed or default
    if given:
        if not _allowed(given, options):
            raise ValueError(f"part {name!r}: content type {given!r} is not allowed (allowed: {', '.join(options)})")
        return given
    if guessed and _allowed(guessed, options):
        return guessed
    return next((t for t in options if "*" not in t), "application/octet-stream")


def _allowed(media_type: str, options: list[str]) -> bool:
    """Whether a media type is one of `options`, where `image/*` and `*/*` stand for a range."""
    base = media_type.split(";", 1)[0].strip().lower()
    for option in options:
        wanted = option.split(";", 1)[0].strip().lower()
        if wanted in ("*/*", "*", base) or (wanted.endswith("/*") and base.startswith(wanted[:-1])):
            return True
    return False


def _file_fields(value: Any) -> tuple[str, bytes, str | None, str | None]:
    """(file name, bytes, the caller's content type, the one guessed from the name)."""
    if isinstance(value, tuple):
        filename, data = value[0], _read_bytes(value[1])
        return filename, data, value[2] if len(value) == 3 else None, mimetypes.guess_type(filename)[0]
    if isinstance(value, Path):
        return value.name, value.read_bytes(), None, mimetypes.guess_type(value.name)[0]
    if isinstance(value, bytes | bytearray):
        return "file", bytes(value), None, None
    filename = Path(getattr(value, "name", "file") or "file").name
    return filename, _read_bytes(value), None, mimetypes.guess_type(filename)[0]


def _read_bytes(value: Any) -> bytes:
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, Path):
        return value.read_bytes()
    if isinstance(value, io.IOBase) or hasattr(value, "read"):
        data = value.read()
        return data.encode() if isinstance(data, str) else data
    raise TypeError(f"cannot send a {type(value).__name__} as a binary body; pass bytes, a Path or a file")

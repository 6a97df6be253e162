"""kwargs -> PreparedRequest: map names, validate everything, serialize parameters, encode the body. No I/O."""

from __future__ import annotations

import difflib
import shlex
from dataclasses import dataclass, field
from typing import Any

from ..errors import Violation
from ..logs import body_preview
from ..masking import mask_headers, mask_url
from ..spec.operations import Operation, Parameter
from .arguments import ArgumentTable
from .auth import AuthParts
from .bodies import FORM, JSON, MULTIPART, choose_media_type, encode_body, jsonable, media_kind, validation_view
from .serialize import serialize_cookie, serialize_header, serialize_path, serialize_query
from .validation import PARAMETER, REQUEST, SchemaValidators

_MISSING = object()


@dataclass(frozen=True)
class PreparedRequest:
    """The exact request that will go on the wire."""

    operation: str
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None = None
    secret_names: frozenset[str] = field(default=frozenset(), repr=False)

    def masked_headers(self) -> dict[str, str]:
        """Headers with credentials masked."""
        return mask_headers(self.headers, self.secret_names)

    def masked_url(self) -> str:
        """The URL with secret query values masked."""
        return mask_url(self.url, self.secret_names)

    def to_curl(self) -> str:
        """A curl command line for this request, secrets masked."""
        words = ["curl", "-X", self.method, self.masked_url()]
        for name, value in self.masked_headers().items():
            words += ["-H", f"{name}: {value}"]
        if self.body:
            words += [
                "--data-binary",
                body_preview(self.body, self.headers.get("Content-Type", ""), self.secret_names, limit=None),
            ]
        return " ".join(shlex.quote(w) for w in words)

    def __repr__(self) -> str:
        return f"<PreparedRequest {self.operation}: {self.method} {self.masked_url()}>"


def bind_arguments(
    table: ArgumentTable, kwargs: dict[str, Any]
) -> tuple[dict[Parameter, Any], Any, str | None, list[Violation]]:
    """Sort keyword arguments into parameter values and the body; unknown or missing ones are violations."""
    violations: list[Violation] = []
    values: dict[Parameter, Any] = {}
    body = kwargs.pop("body", _MISSING)
    content_type = kwargs.pop("content_type", None)
    properties: dict[str, Any] = {}
    arguments = table.by_name
    for key, value in kwargs.items():
        argument = arguments.get(key)
        if argument is None:
            close = difflib.get_close_matches(key, [*arguments, "body", "content_type"], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            accepted = ", ".join(sorted(arguments)) or "none"
            violations.append(
                Violation(
                    "argument", key, "unknown", f"unknown argument{hint} (accepted: {accepted}, body, content_type)"
                )
            )
        elif value is None:
            continue
        elif argument.parameter is not None:
            values[argument.parameter] = value
        else:
            properties[argument.property_name] = value
    if properties:
        base = jsonable(body) if body is not _MISSING and body is not None else {}
        if isinstance(base, dict):
            body = {**base, **properties}
        else:
            violations.append(
                Violation(
                    "body",
                    "$",
                    "type",
                    "body= is not an object, so body fields cannot be passed as keyword arguments too",
                )
            )
    for argument in arguments.values():
        if argument.parameter is not None and argument.required and argument.parameter not in values:
            violations.append(
                Violation(
                    argument.parameter.location,
                    argument.python_name,
                    "required",
                    f"missing required {argument.parameter.location} parameter {argument.parameter.name!r}",
                )
            )
    return values, (None if body is _MISSING else body), content_type, violations


def check_request(
    operation: Operation,
    table: ArgumentTable,
    validators: SchemaValidators,
    values: dict[Parameter, Any],
    body: Any,
    content_type: str | None,
) -> tuple[list[Violation], str | None]:
    """Schema violations of parameter values and the body; also picks the body's media type."""
    violations: list[Violation] = []
    secrets = table.secrets
    for param, value in values.items():
        violations += validators.check(param.schema, jsonable(value), PARAMETER, param.location, param.name, secrets)
    spec_body = operation.request_body
    if spec_body is None:
        if body is not None:
            violations.append(Violation("body", "$", "requestBody", "this operation takes no request body"))
        return violations, None
    if body is None:
        if spec_body.required:
            names = [a.python_name for a in table.by_name.values() if a.property_name and a.required]
            hint = f" (pass body= or its fields: {', '.join(names)})" if names else " (pass body=)"
            violations.append(Violation("body", "$", "required", f"the request body is required{hint}"))
        return violations, None
    media_type = choose_media_type(spec_body, content_type, body)
    media = spec_body.content.get(media_type) if media_type else None
    if content_type and spec_body.content and media is None:
        offered = ", ".join(spec_body.content)
        violations.append(
            Violation("body", "$", "content_type", f"content_type {content_type!r} is not offered (offered: {offered})")
        )
    kind = media_kind(media_type or "")
    if media is not None and kind in (JSON, FORM, MULTIPART):
        violations += validators.check(media.schema, validation_view(kind, body), REQUEST, "body", "$", secrets)
    return violations, media_type


def build_request(
    operation: Operation,
    table: ArgumentTable,
    values: dict[Parameter, Any],
    body: Any,
    media_type: str | None,
    base_url: str,
    auth: AuthParts,
    default_headers: dict[str, str],
) -> PreparedRequest:
    """Serialize parameters, apply credentials and encode the body into a PreparedRequest."""
    path = operation.path
    query: list[str] = []
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for param, value in values.items():
        if param.location == "path":
            path = path.replace("{" + param.name + "}", serialize_path(param, value))
        elif param.location == "query":
            query += serialize_query(param, value)
        elif param.location == "header":
            headers[param.name] = serialize_header(param, value)
        else:
            cookies += serialize_cookie(param, value)
    accept = operation.accept
    merged = {**({"Accept": accept} if accept else {}), **default_headers, **auth.headers, **headers}
    cookies += auth.cookies
    if cookies:
        merged["Cookie"] = "; ".join(cookies)
    content = None
    if body is not None and media_type is not None:
        spec_body = operation.request_body
        media = spec_body.content.get(media_type) if spec_body else None
        encoded = encode_body(media_type, body, media.encoding if media else {})
        content = encoded.content
        merged["Content-Type"] = encoded.content_type
    url = base_url.rstrip("/") + path
    query += auth.query
    if query:
        url += "?" + "&".join(query)
    return PreparedRequest(
        operation.name, operation.method, url, merged, content, table.secrets | frozenset(auth.secret_names)
    )

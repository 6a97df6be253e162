"""kwargs -> PreparedRequest, with no I/O: sort the arguments, convert each ONCE to its wire value, validate
that value, serialize that same value. The body's media type is chosen once, here."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from ..errors import Violation
from ..logs import body_preview
from ..masking import mask_headers, mask_url, remembering
from ..spec.operations import Operation, Parameter
from .arguments import NOT_SENT, Argument, ArgumentTable
from .auth import AuthParts
from .bodies import FORM, JSON, MULTIPART, choose_media_type, encode_body, media_kind, validation_view
from .convert import to_wire
from .serialize import serialize_cookie, serialize_header, serialize_path, serialize_query
from .validation import PARAMETER, REQUEST, SchemaValidators

USER_AGENT = "talos-dynamic/0.1"
ACCEPT_ENCODING = "gzip, deflate"
IDEMPOTENCY_HEADERS = frozenset({"idempotency-key", "x-idempotency-key"})
IDEMPOTENCY_FIELDS = ("request_id", "requestId", "idempotency_key", "idempotencyKey")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})

_MISSING = object()


@dataclass(frozen=True)
class PreparedRequest:
    """The exact request that goes on the wire: the transport sends method, url, headers and body unchanged.

    `repeatable` says whether sending it twice is safe (an idempotent method, or an idempotency key).
    """

    operation: str
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None = None
    secret_names: frozenset[str] = field(default=frozenset(), repr=False)
    repeatable: bool = field(default=False, repr=False)
    # digests of values masked while this call was prepared (masking rule 4), shared by its redirect hops
    remembered: set[bytes] = field(default_factory=set, repr=False, compare=False)

    @property
    def content(self) -> bytes:
        """The body bytes (b"" when there is none)."""
        return self.body or b""

    def json(self) -> Any:
        """The body parsed as JSON (for MockTransport handlers and hooks)."""
        return json.loads(self.body) if self.body else None

    def masked_headers(self) -> dict[str, str]:
        """Headers with credentials masked."""
        return mask_headers(self.headers, self.secret_names)

    def masked_url(self) -> str:
        """The URL with secret query values masked."""
        return mask_url(self.url, self.secret_names)

    def to_curl(self, mask: bool = True) -> str:
        """A curl command line that sends these bytes; secrets masked unless `mask=False`."""
        with remembering(self.remembered):
            return self._curl(mask)

    def _curl(self, mask: bool) -> str:
        headers = self.masked_headers() if mask else self.headers
        # -X HEAD would wait for a body that never comes; -I sends the same HEAD request
        words = ["curl", "-I"] if self.method == "HEAD" else ["curl", "-X", self.method]
        words.append(self.masked_url() if mask else self.url)
        if any(c in self.url for c in "[]{}"):
            words.append("-g")  # curl would read brackets and braces as a URL glob
        if any(s in (".", "..") for s in urlsplit(self.url).path.split("/")):
            words.append("--path-as-is")  # curl would squash dot segments
        for name, value in headers.items():
            words += ["-H", f"{name}: {value}" if value else f"{name};"]
        present = {name.lower() for name in headers}
        for name in ("Accept", "User-Agent", *(("Content-Type",) if self.body is not None else ())):
            if name.lower() not in present:
                words += ["-H", f"{name}:"]  # curl adds its own unless told not to
        if self.body is not None:
            if not mask:
                data = self.body.decode("utf-8", "surrogateescape")
            else:
                data = body_preview(self.body, self.headers.get("Content-Type", ""), self.secret_names, limit=None)
            # --data-binary @x reads the file x; --data-raw sends a leading @ as it is
            words += ["--data-raw" if data.startswith("@") else "--data-binary", data]
        return " ".join(shlex.quote(w) for w in words)

    def __repr__(self) -> str:
        return f"<PreparedRequest {self.operation}: {self.method} {self.masked_url()}>"


@dataclass
class Arguments:
    """One call's arguments sorted out: parameter values and the body, as wire values."""

    values: dict[Parameter, Any]
    body: Any
    content_type: str | None
    violations: list[Violation]


def bind_arguments(table: ArgumentTable, kwargs: dict[str, Any], validators: SchemaValidators) -> Arguments:
    """Sort keyword arguments into parameter values and the body, each converted once to its wire value.

    Unknown and missing arguments are violations.
    """
    violations: list[Violation] = []
    values: dict[Parameter, Any] = {}
    body = kwargs.pop("body", _MISSING)
    content_type = kwargs.pop("content_type", None)
    properties: dict[str, Any] = {}
    arguments = table.by_name
    for key, value in kwargs.items():
        argument = arguments.get(key)
        if argument is None:
            import difflib  # only for the 'did you mean' of an unknown argument

            close = difflib.get_close_matches(key, [*arguments, "body", "content_type"], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            accepted = ", ".join(sorted(arguments)) or "none"
            violations.append(
                Violation(
                    "argument", key, "unknown", f"unknown argument{hint} (accepted: {accepted}, body, content_type)"
                )
            )
        elif value is NOT_SENT or (value is None and not _sends_null(argument, validators)):
            continue
        elif argument.parameter is not None:
            param = argument.parameter
            values[param] = value if type(value) is str else to_wire(value, validators.inlined(param.schema))
            if param.location == "path" and values[param] in ("", [], {}):
                violations.append(
                    Violation("path", param.name, "empty", f"path parameter {param.name!r} must not be empty", "")
                )
        else:
            properties[argument.property_name] = value
    body = None if body is _MISSING else body
    if properties:
        base = body.to_json() if callable(getattr(body, "to_json", None)) else body
        if base is None or isinstance(base, Mapping):
            body = {**(base or {}), **properties}
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
    return Arguments(values, body, content_type, violations)


def _sends_null(argument: Argument, validators: SchemaValidators) -> bool:
    """A body field given as None is sent as JSON null when its schema allows null; any other None argument
    (a parameter, a field that may not be null) is left out, as if not given."""
    if argument.property_name is None or argument.schema is None:
        return False
    return not validators.check(argument.schema, None, REQUEST, "body")


def body_media_type(operation: Operation, arguments: Arguments) -> tuple[str | None, list[Violation]]:
    """The one media type the body is sent as (None without a body), and what is wrong with the choice."""
    spec_body, body = operation.request_body, arguments.body
    if spec_body is None:
        if body is not None:
            return None, [Violation("body", "$", "requestBody", "this operation takes no request body")]
        return None, []
    if body is None:
        return None, []
    if arguments.content_type is not None and not isinstance(arguments.content_type, str):
        kind = type(arguments.content_type).__name__
        return None, [Violation("argument", "content_type", "type", f"content_type must be a str, not {kind}")]
    media_type = choose_media_type(spec_body, arguments.content_type, body)
    if arguments.content_type and spec_body.content and media_type not in spec_body.content:
        offered = ", ".join(spec_body.content)
        return media_type, [
            Violation(
                "body",
                "$",
                "content_type",
                f"content_type {arguments.content_type!r} is not offered (offered: {offered})",
            )
        ]
    return media_type, []


def check_request(
    operation: Operation,
    table: ArgumentTable,
    validators: SchemaValidators,
    arguments: Arguments,
    media_type: str | None,
) -> list[Violation]:
    """Schema violations of the parameter values and the body, as they will be sent."""
    violations: list[Violation] = []
    secrets = table.secrets
    for param, value in arguments.values.items():
        violations += validators.check(param.schema, value, PARAMETER, param.location, param.name, secrets)
    spec_body = operation.request_body
    if spec_body is None:
        return violations
    if arguments.body is None:
        if spec_body.required:
            names = [a.python_name for a in table.by_name.values() if a.property_name and a.required]
            hint = f" (pass body= or its fields: {', '.join(names)})" if names else " (pass body=)"
            violations.append(Violation("body", "$", "required", f"the request body is required{hint}"))
        return violations
    media = spec_body.content.get(media_type) if media_type else None
    kind = media_kind(media_type or "")
    if media is not None and kind in (JSON, FORM, MULTIPART):
        view = validation_view(kind, arguments.body)
        violations += validators.check(media.schema, view, REQUEST, "body", "$", secrets)
    return violations


def header_violations(headers: dict[str, str]) -> list[Violation]:
    """Headers that cannot be sent as they are: a caller's bug, never sent. A name must be an RFC 9110 token;
    a value Latin-1 text without CR, LF or NUL (which would split the request)."""
    found = []
    for name, value in headers.items():
        if not _TOKEN.fullmatch(name):
            found.append(Violation("header", name, "header_name", "not a valid header name (RFC 9110 token)"))
        elif any(c in value for c in "\r\n\0"):
            found.append(Violation("header", name, "header_value", "a header value contains CR, LF or NUL"))
        elif not value.isascii() and not _latin1(value):
            found.append(Violation("header", name, "header_value", "a header value must be Latin-1 text"))
    return found


_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def merge_headers(*layers: Mapping[str, str]) -> dict[str, str]:
    """Later layers win, whatever the case of a name (HTTP header names are case-insensitive)."""
    merged: dict[str, tuple[str, str]] = {}
    for layer in layers:
        for name, value in layer.items():
            merged[name.lower()] = (name, value)
    return dict(merged.values())


def build_request(
    operation: Operation,
    table: ArgumentTable,
    arguments: Arguments,
    media_type: str | None,
    base_url: str,
    auth: AuthParts,
    default_headers: Mapping[str, str],
    call_headers: Mapping[str, str] = {},  # noqa: B006 - read only
) -> PreparedRequest:
    """Serialize the wire values, apply credentials and encode the body into the PreparedRequest.

    Headers, later ones winning whatever their case: the defaults (User-Agent, Accept-Encoding, Accept), the
    client's `headers=`, credentials, header parameters, then this call's `_headers`.
    """
    path = operation.path
    query: list[str] = []
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for param, value in arguments.values.items():
        if param.location == "path":
            path = path.replace("{" + param.name + "}", serialize_path(param, value))
        elif param.location == "query":
            query += serialize_query(param, value)
        elif param.location == "header":
            headers[param.name] = serialize_header(param, value)
        else:
            cookies += serialize_cookie(param, value)
    accept = operation.accept
    merged = merge_headers(
        {"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING, **({"Accept": accept} if accept else {})},
        default_headers,
        auth.headers,
        headers,
        call_headers,
    )
    cookies += auth.cookies
    if cookies:
        _put(merged, "Cookie", "; ".join(cookies))
    content = None
    body = arguments.body
    if body is not None and media_type is not None:
        media = operation.request_body.content.get(media_type) if operation.request_body else None
        encoded = encode_body(media_type, body, media.encoding if media else {})
        content = encoded.content
        _put(merged, "Content-Type", encoded.content_type)
    if content is not None or operation.method in ("POST", "PUT", "PATCH"):
        _put(merged, "Content-Length", str(len(content or b"")))
    url = base_url.rstrip("/") + _request_target(path)
    query += auth.query
    if query:
        url += "?" + _request_target("&".join(query), "?")
    return PreparedRequest(
        operation.name,
        operation.method,
        url,
        merged,
        content,
        table.secrets | frozenset(auth.secret_names),
        repeatable=_repeatable(operation.method, merged, body),
    )


_TARGET_SAFE = "!$&'()*+,;=:@/%"  # RFC 3986 sub-delims, ":", "@" and "/"; "%" starts the escapes kept
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def _request_target(text: str, extra: str = "") -> str:
    """A path or query with everything a request target may not carry raw percent-encoded (RFC 3986), so
    the URL is sent as it is: requests/urllib3 would re-encode "[", "]", "|", "^"... and cut the query at "#"."""
    text = quote(_STRAY_PERCENT.sub("%25", text), safe=_TARGET_SAFE + extra)
    return _ESCAPE.sub(lambda m: m.group(0).upper(), text)


def _put(headers: dict[str, str], name: str, value: str) -> None:
    """Set a header, replacing one of the same name in any case."""
    for key in [k for k in headers if k.lower() == name.lower()]:
        del headers[key]
    headers[name] = value


def _repeatable(method: str, headers: dict[str, str], body: Any) -> bool:
    """An idempotent method, or a request carrying an idempotency key (header or body field)."""
    if method in SAFE_METHODS:
        return True
    if any(name.lower() in IDEMPOTENCY_HEADERS and value for name, value in headers.items()):
        return True
    return isinstance(body, dict) and any(body.get(name) for name in IDEMPOTENCY_FIELDS)

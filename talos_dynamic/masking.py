"""Hide secrets (credentials, API-key secrets, Authorization headers) before anything is shown or logged.

The rules, applied to every log line, message, repr, report and curl line the package produces:

1. By name: the value of a field, header, query or form parameter whose name is a secret name (SECRET_FIELDS,
   SECRET_HEADERS, the spec's writeOnly / `format: password` properties, the `name` of each apiKey scheme).
2. By schema (validation messages): a value validated against a schema that is writeOnly or `format: password`,
   or that has (own or nested: items, allOf/anyOf/oneOf, additionalProperties) such a property or a
   secret-named one, is a secret: shown as `*** (string)`, its JSON type only.
3. By shape: text that looks like a credential (a JWT, a `sk_live_...`-style prefixed key, an AWS access key id,
   a PEM private key, the token after `Bearer`/`Basic`, `user:password@` in a URL) is masked wherever it
   appears, whatever its field is named.
4. Remembered: a value rule 2 masked while a call is prepared, sent or read, and the value of every
   secret-named field of its request body, are remembered for that call only (SHA-256 digests, never the text,
   kept with the PreparedRequest), so the same text is masked as a JSON value under any name in that call's
   DEBUG lines, curl line, contract findings and errors (a request sent in `warn` mode, a credential repeated
   in an undeclared field, a server echoing it). Other calls, before or after, are not affected.
5. Bodies that cannot be parsed and masked field by field (text, HTML, binary, JSON that does not parse) are
   never shown: they are summarised as `<N bytes of TYPE>`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

MASK = "***"

SECRET_FIELDS = frozenset(
    {
        "secret",
        "credential",
        "credentials",
        "password",
        "passwd",
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "api_key",
        "apikey",
        "private_key",
    }
)
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "x-auth-token"}
)


def is_secret_name(name: str, extra: Iterable[str] = ()) -> bool:
    """True when a field, header or query name carries a secret."""
    lowered = name.lower()
    return lowered in SECRET_FIELDS or lowered in SECRET_HEADERS or lowered in extra


def mask_json(value: Any, extra: frozenset[str] = frozenset()) -> Any:
    """A copy of a JSON value with every secret field's scalar value replaced by MASK.

    A secret-named field that holds an object or array (a derive answer's `token` object) is searched,
    not hidden whole, so its other fields stay readable. Any string that is a remembered secret is replaced
    by MASK, and credential-shaped text inside other strings is masked (see mask_text).
    """
    if isinstance(value, Mapping):
        return {
            k: MASK if isinstance(k, str) and is_secret_name(k, extra) and _is_secret_scalar(v) else mask_json(v, extra)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_json(v, extra) for v in value]
    if isinstance(value, str) and value:
        return MASK if is_remembered(value) else mask_text(value, extra)
    return value


def _is_secret_scalar(value: Any) -> bool:
    return value not in (None, "") and not isinstance(value, Mapping | list | tuple | bool)


def mask_headers(headers: Mapping[str, str], extra: frozenset[str] = frozenset()) -> dict[str, str]:
    """Headers with secret values masked; the auth scheme word of Authorization is kept. Other values keep
    only what mask_text leaves (a credential-shaped value under an ordinary name is masked too)."""
    masked = {}
    for name, value in headers.items():
        if is_secret_name(name, extra):
            scheme, _, rest = str(value).partition(" ")
            masked[name] = f"{scheme} {MASK}" if rest and name.lower().endswith("authorization") else MASK
        else:
            masked[name] = mask_text(value, extra) if isinstance(value, str) else value
    return masked


def mask_url(url: str, extra: frozenset[str] = frozenset()) -> str:
    """The URL with secret query values (and any user:password) masked."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
    if not parts.query:
        return urlunsplit(parts._replace(netloc=netloc))
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(is_secret_name(k, extra) for k, _ in pairs):
        return urlunsplit(parts._replace(netloc=netloc))
    query = urlencode([(k, MASK if is_secret_name(k, extra) else v) for k, v in pairs], safe="*")
    return urlunsplit(parts._replace(netloc=netloc, query=query))


# --- rule 3: credential shapes, wherever they appear --------------------------------------------------------

_JWT = r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"
_AWS_KEY_ID = r"(?:AKIA|ASIA)[0-9A-Z]{16}"
_PREFIXED_KEY = r"[a-z]{2,10}[_-][A-Za-z0-9_-]{16,}"  # sk_live_..., ghp_..., xoxb-..., sk_local_v1_..._...
_SHAPES = re.compile(rf"(?<![A-Za-z0-9_.-])(?:{_JWT}|{_AWS_KEY_ID}|{_PREFIXED_KEY})(?![A-Za-z0-9_-])")
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)")
_AUTH_WORD = re.compile(r"\b(Bearer|bearer|BEARER|Basic|basic|BASIC|Digest|Token|token)(\s+)([A-Za-z0-9._~+/=:-]{8,})")
_USERINFO = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*://)[^/\s@'\"<>]+@")
_PAIR = re.compile(r"(^|[?&;\s\"'(])([^=&;?#\s\"'<>()]+)=([^&;#\s\"'<>()]*)")
_SEGMENT = re.compile(r"[_-]")


def _random_looking(segment: str) -> bool:
    """A long run of letters and digits, or of mixed-case letters: how generated keys look, words do not."""
    if len(segment) < 16:
        return False
    digits = any(c.isdigit() for c in segment)
    letters = any(c.isalpha() for c in segment)
    return (digits and letters) or (any(c.isupper() for c in segment) and any(c.islower() for c in segment))


def _shape(match: re.Match[str]) -> str:
    text = match.group(0)
    if text.startswith("eyJ") and "." in text or text[:4] in ("AKIA", "ASIA"):
        return MASK
    return MASK if any(_random_looking(s) for s in _SEGMENT.split(text)[1:]) else text


def _auth_word(match: re.Match[str]) -> str:
    token = match.group(3)
    looks = len(token) >= 20 or any(c.isdigit() or c in "+/=" for c in token)
    return f"{match.group(1)}{match.group(2)}{MASK}" if looks else match.group(0)


def mask_text(text: str, extra: Iterable[str] = (), values: Iterable[str] = ()) -> str:
    """Free text (a log line, a message, a string value) with the secrets it may carry masked: the given
    known credential values, PEM private keys, the token after Bearer/Basic, `user:password@` in URLs,
    `name=value` pairs whose name is a secret name, and credential-shaped words (rule 3)."""
    if not text:
        return text
    names = frozenset(extra)
    for value in sorted({v for v in values if v and len(v) >= 4}, key=len, reverse=True):
        if value in text:
            text = text.replace(value, MASK)
    if len(text) < 8:
        return text
    if "PRIVATE KEY" in text:
        text = _PEM.sub(MASK, text)
    text = _AUTH_WORD.sub(_auth_word, text)
    if "://" in text:
        text = _USERINFO.sub(rf"\1{MASK}@", text)
    if "=" in text:
        text = _PAIR.sub(
            lambda m: (
                f"{m.group(1)}{m.group(2)}={MASK}"
                if m.group(3) and is_secret_name(unquote(m.group(2)), names)
                else m.group(0)
            ),
            text,
        )
    return _SHAPES.sub(_shape, text)


def looks_secret(text: str, extra: Iterable[str] = ()) -> bool:
    """True when text is a remembered secret or carries something mask_text would mask."""
    return is_remembered(text) or mask_text(text, extra) != text


# --- rule 4: values found in secret positions, remembered by digest for one call -------------------------

REMEMBER_MIN_LENGTH = 8  # shorter strings are too likely to be ordinary words to be masked wherever they occur
_call_memory: ContextVar[set[bytes] | None] = ContextVar("talos_dynamic_call_memory", default=None)


@contextmanager
def remembering(memory: set[bytes]) -> Iterator[set[bytes]]:
    """Within the block, remember_secret adds to (and is_remembered reads) this call's `memory`."""
    token = _call_memory.set(memory)
    try:
        yield memory
    finally:
        _call_memory.reset(token)


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def _string_leaves(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):
                yield key
            yield from _string_leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _string_leaves(item)


def remember_secret(value: Any) -> None:
    """Remember, for the current call, the strings of a value found in a secret position (by SHA-256 digest).
    Outside a call (see remembering) nothing is remembered."""
    memory = _call_memory.get()
    if memory is not None:
        memory.update(_digest(s) for s in _string_leaves(value) if len(s) >= REMEMBER_MIN_LENGTH)


def remember_secret_fields(value: Any, extra: Iterable[str] = ()) -> None:
    """Remember, for the current call, the values of a body's secret-named fields, so that the same text
    elsewhere in the call (an undeclared field, an echo) is masked too. Iterative; each node seen once."""
    if _call_memory.get() is None:
        return
    names = frozenset(extra)
    stack, seen = [value], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, Mapping):
            for key, item in node.items():
                if isinstance(key, str) and is_secret_name(key, names) and isinstance(item, str):
                    remember_secret(item)
                elif isinstance(item, Mapping | list | tuple):
                    stack.append(item)
        elif isinstance(node, list | tuple):
            stack.extend(item for item in node if isinstance(item, Mapping | list | tuple))


def is_remembered(text: str) -> bool:
    """True when this exact string was found in a secret position earlier in the current call."""
    memory = _call_memory.get()
    return bool(memory) and len(text) >= REMEMBER_MIN_LENGTH and _digest(text) in memory


# --- descriptions and summaries: what is shown instead of a masked value ------------------------------------


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def describe(value: Any, size: bool = True) -> str:
    """A value's JSON type (and size), never its content: 'string, 34 characters', 'array of 2 items'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return f"string, {_count(len(value), 'character')}" if size else "string"
    if isinstance(value, bytes | bytearray):
        return _count(len(value), "byte") if size else "bytes"
    if isinstance(value, Mapping):
        return f"object with {_count(len(value), 'field')}" if size else "object"
    if isinstance(value, list | tuple):
        return f"array of {_count(len(value), 'item')}" if size else "array"
    return type(value).__name__


def summarize_body(content: bytes | str | int, content_type: str = "", note: str = "") -> str:
    """A body (or its size in bytes) shown by its size and media type only: '<57 bytes of text/html>'."""
    if isinstance(content, int):
        size = content
    else:
        size = len(content.encode("utf-8", "surrogatepass")) if isinstance(content, str) else len(content)
    base = content_type.split(";", 1)[0].strip().lower() or "unknown type"
    return f"<{_count(size, 'byte')} of {base}{', ' + note if note else ''}>"


def credential_values(headers: Mapping[str, str], url: str = "", extra: Iterable[str] = ()) -> frozenset[str]:
    """The credentials a request carries (secret-named header, cookie and query values; for Basic the
    password too), to mask wherever the server echoes them back."""
    names = frozenset(extra)
    found: list[str] = []
    for name, value in headers.items():
        if not is_secret_name(name, names) or not isinstance(value, str):
            continue
        lowered = name.lower()
        if lowered in ("cookie", "set-cookie"):
            found += [part.partition("=")[2].strip() for part in value.split(";")]
        elif lowered.endswith("authorization"):
            scheme, _, rest = value.partition(" ")
            rest = rest.strip()
            found.append(rest or scheme)
            if scheme.lower() == "basic" and rest:
                try:
                    user_password = base64.b64decode(rest, validate=True).decode("utf-8", "replace")
                except (binascii.Error, ValueError):
                    user_password = ""
                found += [user_password, user_password.partition(":")[2]]
        else:
            found.append(value)
    query = urlsplit(url).query if url else ""
    for key, value in parse_qsl(query, keep_blank_values=True):
        if is_secret_name(key, names):
            found.append(value)
    return frozenset(v for v in found if len(v) >= 4)

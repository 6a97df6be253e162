"""Hide secrets (credentials, API-key secrets, Authorization headers) before anything is shown or logged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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
    not hidden whole, so its other fields stay readable.
    """
    if isinstance(value, Mapping):
        return {
            k: MASK if isinstance(k, str) and is_secret_name(k, extra) and _is_secret_scalar(v) else mask_json(v, extra)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_json(v, extra) for v in value]
    return value


def _is_secret_scalar(value: Any) -> bool:
    return value not in (None, "") and not isinstance(value, Mapping | list | tuple | bool)


def mask_headers(headers: Mapping[str, str], extra: frozenset[str] = frozenset()) -> dict[str, str]:
    """Headers with secret values masked; the auth scheme word of Authorization is kept."""
    masked = {}
    for name, value in headers.items():
        if is_secret_name(name, extra):
            scheme, _, rest = str(value).partition(" ")
            masked[name] = f"{scheme} {MASK}" if rest and name.lower().endswith("authorization") else MASK
        else:
            masked[name] = value
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

"""Redirects, followed by the pipeline (not the transport) so every hop is a PreparedRequest the hooks see.

Leaving the origin (scheme, host or port) drops every header the client added but the harmless ones, so
credentials (auth schemes, `token=`, `headers=`, cookies) never follow a redirect to another origin, and a
request body is never re-sent there: a 307/308 of a request with a body to another origin is refused.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from ..errors import TransportError

if TYPE_CHECKING:
    from .prepare import PreparedRequest
    from .transports import Response

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_HOPS = 10
KEPT_ACROSS_ORIGINS = frozenset({"user-agent", "accept", "accept-encoding", "accept-language"})
BODY_HEADERS = frozenset({"content-type", "content-length"})


def next_hop(request: PreparedRequest, response: Response) -> PreparedRequest | None:
    """The request a redirect asks for, or None when the response is not a redirect to follow."""
    location = response.headers.get("Location")
    if response.status_code not in REDIRECT_STATUSES or not location:
        return None
    url = urljoin(request.url, location.strip()).split("#", 1)[0]
    target = urlsplit(url)
    if target.scheme not in ("http", "https") or not target.hostname:
        raise _refusal(request, "a redirect to a URL that is not http(s)")
    method, body = request.method, request.body
    if response.status_code == 303 and method != "HEAD" or response.status_code in (301, 302) and method == "POST":
        method, body = "GET", None
    headers = dict(request.headers)
    if _origin(url) != _origin(request.url):
        if body is not None:
            raise _refusal(request, f"a {response.status_code} redirect would re-send the body to another origin")
        headers = {k: v for k, v in headers.items() if k.lower() in KEPT_ACROSS_ORIGINS}
    if body is None:
        headers = {k: v for k, v in headers.items() if k.lower() not in BODY_HEADERS}
    return dataclasses.replace(request, method=method, url=url, headers=headers, body=body)


def too_many(request: PreparedRequest) -> TransportError:
    """The error for a redirect chain longer than MAX_HOPS."""
    return _refusal(request, f"more than {MAX_HOPS} redirects")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def _refusal(request: PreparedRequest, why: str) -> TransportError:
    return TransportError(f"not followed: {why}", url=request.masked_url(), method=request.method, kind="redirects")

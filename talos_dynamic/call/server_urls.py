"""The base URL of a call: the user's base_url, else the operation's servers with variables filled in.

A spec that declares no servers has the default server "/" (OpenAPI 3); a Swagger 2.0 document without
`host` is served by the host that served the document. Either way a relative server URL resolves against
the URL the spec was loaded from, so `Client("http://host/openapi.json")` needs no base_url.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..errors import ConfigurationError
from ..spec.operations import Operation

_VARIABLE = re.compile(r"{([^{}]+)}")
DEFAULT_SERVER: dict[str, Any] = {"url": "/"}  # OpenAPI 3: what a spec without servers means


def server_url(operation: Operation, variables: Mapping[str, str]) -> str:
    """The first server in force for the operation, variables filled, relative URLs joined to the spec's."""
    server = operation.servers[0] if operation.servers else DEFAULT_SERVER
    url = fill_variables(server["url"], server.get("variables") or {}, variables)
    if urlsplit(url).scheme in ("http", "https"):
        return url
    spec_uri = operation.spec.uri
    if urlsplit(spec_uri).scheme in ("http", "https"):
        return urljoin(spec_uri, url)
    if server is DEFAULT_SERVER:
        raise ConfigurationError(
            f"{operation.name}: the spec declares no servers and was not loaded from a URL;"
            " pass base_url= to the client"
        )
    raise ConfigurationError(
        f"{operation.name}: the server URL {url!r} is relative and the spec was not "
        "loaded from a URL; pass base_url= to the client"
    )


def fill_variables(url: str, declared: Mapping[str, Any], given: Mapping[str, str]) -> str:
    """Replace {name} in a server URL with the given value or the declared default (enum checked)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        spec = declared.get(name) if isinstance(declared.get(name), dict) else {}
        if name in given:
            chosen = str(given[name])
            allowed = spec.get("enum")
            if isinstance(allowed, list) and allowed and chosen not in [str(a) for a in allowed]:
                raise ConfigurationError(f"server variable {name}={chosen!r} is not one of {allowed}")
            return chosen
        if "default" in spec:
            return str(spec["default"])
        raise ConfigurationError(f"server URL {url!r} needs a value for {{{name}}}: pass server_variables=")

    return _VARIABLE.sub(value, url)


def check_base_url(url: str) -> str:
    """An absolute http(s) URL with a host, or ConfigurationError naming what is wrong."""
    if not isinstance(url, str):
        raise ConfigurationError(f"base_url must be a string, not {type(url).__name__}")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise ConfigurationError(f"base_url {url!r} is not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"base_url {url!r} must be an absolute http:// or https:// URL with a host")
    return url

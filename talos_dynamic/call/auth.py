"""Credentials: apply what each operation's security requirements ask for, and nothing else."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ..errors import ConfigurationError
from ..spec.model import Spec
from ..spec.operations import Operation

TOKEN_SCHEMES = ("oauth2", "openIdConnect")


@dataclass
class AuthParts:
    """What credentials add to one request."""

    headers: dict[str, str] = field(default_factory=dict)
    query: list[str] = field(default_factory=list)
    cookies: list[str] = field(default_factory=list)
    secret_names: set[str] = field(default_factory=set)


class Credentials:
    """`token=` (a bearer token) and `auth=` (scheme name -> credential) for one client."""

    def __init__(self, spec: Spec, token: str | None = None, auth: Mapping[str, Any] | None = None) -> None:
        self.spec = spec
        self.token = token
        self.auth = dict(auth or {})
        schemes = spec.root.get("components")
        schemes = spec.resolver.follow(schemes, "securitySchemes") if schemes is not None else None
        self.schemes: dict[str, dict[str, Any]] = {}
        if schemes is not None and isinstance(schemes.value, dict):
            for name in schemes.value:
                resolved = spec.resolver.resolve(schemes.child(name)).value
                if isinstance(resolved, dict):
                    self.schemes[name] = resolved
        unknown = sorted(set(self.auth) - set(self.schemes))
        if unknown:
            known = ", ".join(sorted(self.schemes)) or "none declared"
            raise ConfigurationError(f"auth= names unknown security schemes {unknown}; the spec declares: {known}")

    def _credential(self, name: str) -> Any:
        if name in self.auth:
            return self.auth[name]
        scheme = self.schemes.get(name, {})
        takes_token = (
            scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer"
        ) or scheme.get("type") in TOKEN_SCHEMES
        return self.token if takes_token else None

    def parts_for(self, operation: Operation) -> AuthParts:
        """The headers, query pieces and cookies that authenticate this operation."""
        parts = AuthParts()
        requirements = operation.security
        if requirements is None or (not self.schemes and requirements):
            if self.token:
                parts.headers["Authorization"] = f"Bearer {self.token}"
            return parts
        for requirement in requirements:
            if requirement and all(self._credential(name) is not None for name in requirement):
                for name in requirement:
                    self._apply(name, self._credential(name), parts)
                return parts
        return parts

    def _apply(self, name: str, credential: Any, parts: AuthParts) -> None:
        scheme = self.schemes.get(name, {})
        kind = scheme.get("type")
        if kind == "apiKey":
            key, where = str(scheme.get("name", "")), scheme.get("in")
            parts.secret_names.add(key.lower())
            if where == "header":
                parts.headers[key] = str(credential)
            elif where == "query":
                parts.query.append(f"{quote(key, safe='')}={quote(str(credential), safe='')}")
            elif where == "cookie":
                parts.cookies.append(f"{key}={quote(str(credential), safe='')}")
        elif kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
            if not (isinstance(credential, tuple | list) and len(credential) == 2):
                raise ConfigurationError(f"auth[{name!r}] is http basic: pass a (username, password) pair")
            raw = f"{credential[0]}:{credential[1]}".encode()
            parts.headers["Authorization"] = f"Basic {base64.b64encode(raw).decode()}"
        elif kind == "http":
            word = str(scheme.get("scheme", "bearer"))
            word = "Bearer" if word.lower() == "bearer" else word
            parts.headers["Authorization"] = f"{word} {credential}"
        elif kind in TOKEN_SCHEMES:
            parts.headers["Authorization"] = f"Bearer {credential}"

"""Derived tokens: EdDSA-signed JWTs whose public key GetJWKS publishes."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

ISSUER = "talos-dynamic-local"


class TokenSigner:
    """One Ed25519 key pair per server run."""

    def __init__(self) -> None:
        self._key = Ed25519PrivateKey.generate()
        self.kid = secrets.token_hex(8)

    def jwks(self) -> dict[str, Any]:
        """The public key set: {"keys": [JWK]}."""
        jwk = json.loads(OKPAlgorithm.to_jwk(self._key.public_key()))
        jwk.update(kid=self.kid, use="sig", alg="EdDSA")
        return {"keys": [jwk]}

    def sign(
        self, subject: str, key_id: str, scopes: list[str], ttl: dt.timedelta
    ) -> tuple[str, dict[str, Any], dt.datetime]:
        """A signed JWT, its claims and its expiry."""
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        expires = now + ttl
        claims = {
            "iss": ISSUER,
            "sub": subject,
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "jti": str(uuid.uuid4()),
            "key_id": key_id,
            "scopes": scopes,
        }
        token = jwt.encode(claims, self._key, algorithm="EdDSA", headers={"kid": self.kid})
        return token, claims, expires

"""API-key secrets in the Talos v1 format: {prefix}_v1_{base58 identifier}_{base58 HMAC-SHA256 checksum}."""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
PREFIX = "sk_local"


def b58encode(data: bytes) -> str:
    """Base58 (Bitcoin alphabet)."""
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = ALPHABET[rest] + out
    return ALPHABET[0] * (len(data) - len(data.lstrip(b"\0"))) + out


class SecretFactory:
    """Makes and checks secrets with a server-side HMAC key."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def _checksum(self, identifier: str) -> str:
        return b58encode(hmac.new(self._key, identifier.encode(), hashlib.sha256).digest())

    def new(self) -> tuple[str, str]:
        """A fresh (identifier, secret) pair."""
        identifier = b58encode(secrets.token_bytes(16))
        return identifier, f"{PREFIX}_v1_{identifier}_{self._checksum(identifier)}"

    def parse(self, credential: str) -> tuple[str | None, str | None]:
        """(identifier, None) for a well-formed secret with a good checksum, else (None, error code)."""
        head, sep, rest = credential.rpartition("_v1_")
        identifier, _, checksum = rest.partition("_")
        if (
            not sep
            or not head
            or not identifier
            or not checksum
            or any(c not in ALPHABET for c in identifier + checksum)
        ):
            return None, "VERIFICATION_ERROR_INVALID_FORMAT"
        if not hmac.compare_digest(checksum, self._checksum(identifier)):
            return None, "VERIFICATION_ERROR_SIGNATURE_INVALID"
        return identifier, None

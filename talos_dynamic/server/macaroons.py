"""Derived macaroons: the HMAC-SHA256 chain of libmacaroons, in its version 2 binary format, base64url.

A macaroon is an identifier, first-party caveats (predicates that narrow what it grants) and a signature:
signature = HMAC(derived key, identifier), then for each caveat signature = HMAC(signature, caveat), where the
derived key is HMAC("macaroons-key-generator", root key), as libmacaroons (and so every macaroon library that
interoperates with it) turns a root key into the chain's first key. Whoever holds the root key can check the
chain; anyone can add a caveat (narrowing it further), nobody can remove one.

The caveats name the key the macaroon was derived from, its actor, the scopes it grants (a JSON array) and
its expiry (`time < RFC 3339 UTC`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import uuid
from typing import Any

LOCATION = "talos-dynamic-local"
VERSION = 2
# field types of the version 2 binary format (libmacaroons doc/format.txt)
END, LOCATION_FIELD, IDENTIFIER_FIELD, SIGNATURE_FIELD = 0, 1, 2, 6
KEY_GENERATOR = b"macaroons-key-generator"


class MacaroonMinter:
    """One random root key per server run."""

    def __init__(self, root_key: bytes | None = None) -> None:
        self.root_key = root_key or secrets.token_bytes(32)

    def mint(
        self, actor_id: str, key_id: str, scopes: list[str], ttl: dt.timedelta
    ) -> tuple[str, dict[str, Any], dt.datetime]:
        """A serialized macaroon, its claims (location, identifier, caveats) and its expiry."""
        expires = dt.datetime.now(dt.UTC).replace(microsecond=0) + ttl
        identifier = str(uuid.uuid4())
        caveats = [
            f"key_id = {key_id}",
            f"actor_id = {actor_id}",
            f"scopes = {json.dumps(scopes, separators=(',', ':'))}",
            f"time < {expires.isoformat().replace('+00:00', 'Z')}",
        ]
        token = serialize(LOCATION, identifier, caveats, chain_signature(self.root_key, identifier, caveats))
        return token, {"location": LOCATION, "identifier": identifier, "caveats": caveats}, expires


def chain_signature(root_key: bytes, identifier: str, caveats: list[str]) -> bytes:
    """The signature over the identifier and then each first-party caveat, in order."""
    signature = _hmac(_hmac(KEY_GENERATOR, root_key), identifier.encode())
    for caveat in caveats:
        signature = _hmac(signature, caveat.encode())
    return signature


def serialize(location: str, identifier: str, caveats: list[str], signature: bytes) -> str:
    """The version 2 binary form, base64url without padding."""
    data = bytearray([VERSION])
    _field(data, LOCATION_FIELD, location.encode())
    _field(data, IDENTIFIER_FIELD, identifier.encode())
    data.append(END)
    for caveat in caveats:
        _field(data, IDENTIFIER_FIELD, caveat.encode())
        data.append(END)
    data.append(END)
    _field(data, SIGNATURE_FIELD, signature)
    return base64.urlsafe_b64encode(bytes(data)).decode("ascii").rstrip("=")


def _field(data: bytearray, kind: int, value: bytes) -> None:
    data.extend(_uvarint(kind) + _uvarint(len(value)) + value)


def _uvarint(number: int) -> bytes:
    """Unsigned LEB128, as Go's encoding/binary writes it."""
    out = bytearray()
    while number >= 0x80:
        out.append(number & 0x7F | 0x80)
        number >>= 7
    out.append(number)
    return bytes(out)


def _hmac(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()

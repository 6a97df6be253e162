"""The Go SDK page's whole flow, from Python: issue, verify, batch verify, revoke, derive a JWT, errors."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from ..bundled import TALOS_SPEC
from ..client import Client
from ..errors import NotFound
from ..masking import MASK


def masked_secret(secret: str) -> str:
    """Enough of a secret to recognise it, never enough to use it."""
    return f"{secret[:12]}{MASK}"


def run_demo(base_url: str, token: str | None, spec: str = str(TALOS_SPEC), say: Callable[[str], None] = print) -> int:
    """Run every step of the seed flow against a Talos server and print what each returned."""
    with Client(spec, base_url=base_url, token=token) as talos:
        say(f"Client: {talos!r}")
        issued = talos.admin_issue_api_key(name="my-service", actor_id="user_123", scopes=["read", "write"], ttl="720h")
        key_id, secret = issued.issued_api_key.key_id, issued.secret
        say("1. Issue an API key")
        say(f"   Key ID: {key_id}")
        say(f"   Secret: {masked_secret(secret)} (shown once; masked here)")

        say("2. Verify a credential")
        verified = talos.admin_verify_api_key(credential=secret)
        if verified.is_active:
            say(f"   Key is valid, owner: {verified.actor_id}")
        else:
            say(f"   Key is invalid: {verified.error_message}")

        say("3. Batch verify")
        batch = talos.admin_batch_verify_api_keys(
            requests=[{"credential": secret}, {"credential": "invalid-key-for-testing"}]
        )
        for i, result in enumerate(batch.results):
            say(
                f"   Key {i}: is_active={str(result.is_active).lower()}"
                + (f" ({result.error_code})" if not result.is_active else "")
            )

        say("4. Derive a JWT token")
        algorithm = talos.enums.TokenAlgorithm.TOKEN_ALGORITHM_JWT
        derived = talos.admin_derive_token(credential=secret, algorithm=algorithm, ttl="1h", scopes=["read"])
        jwt_text = derived.token.token
        say(f"   JWT: {jwt_text[:24]}... ({len(jwt_text)} characters, {jwt_text.count('.') + 1} parts)")
        keys = talos.get_jwks().jwks["keys"]
        say(f"   Signing keys published by GetJWKS: {', '.join(k['kid'] for k in keys)}")

        say("5. Revoke the key")
        reason = talos.enums.RevocationReason.REVOCATION_REASON_KEY_COMPROMISE
        talos.admin_revoke_api_key(key_id=key_id, reason=reason)
        say("   Key revoked successfully")
        after = talos.admin_verify_api_key(credential=secret)
        say(f"   Verify after revoke: is_active={str(after.is_active).lower()} ({after.error_code})")

        say("6. Error handling")
        try:
            talos.admin_get_issued_api_key(key_id="nonexistent-id")
        except NotFound as error:
            say(f"   gRPC code: {error.grpc_code} ({error.status})")
            say(f"   HTTP status: {error.http_status}")
            say(f"   Message: {error.message}")
            say(f"   Reason: {error.reason}")
        else:
            say("   unexpected: the unknown key was found")
            return 1
    say("Done: every step of the flow worked.")
    return 0


def new_token() -> str:
    """A random admin token for a local server."""
    return secrets.token_urlsafe(24)

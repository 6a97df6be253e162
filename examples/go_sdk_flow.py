"""The Talos Go SDK page, in Python, with no generated code.

Run it against a Talos server:   TALOS_URL=http://127.0.0.1:4420 TALOS_TOKEN=secret python examples/go_sdk_flow.py
or with no TALOS_URL, against the bundled local server, started and stopped here.
"""

import os
import sys
from contextlib import ExitStack
from pathlib import Path

from talos_dynamic import Client, NotFound
from talos_dynamic.server import start_server

SPEC = Path(__file__).resolve().parent.parent / "specs" / "talos.openapi-v3.yaml"


def main() -> int:
    with ExitStack() as stack:
        talos_url, token = os.environ.get("TALOS_URL"), os.environ.get("TALOS_TOKEN")
        if not talos_url:
            token = "example-admin-token"
            talos_url = stack.enter_context(start_server(token=token)).url

        # Initialize the client: the spec is read now; every operation becomes a method.
        talos = stack.enter_context(Client(SPEC, base_url=talos_url, token=token))

        # Issue an API key. The secret is only available at creation time.
        issued = talos.admin_issue_api_key(name="my-service", actor_id="user_123", scopes=["read", "write"], ttl="720h")
        key_id, secret = issued.issued_api_key.key_id, issued.secret
        print("Key ID:", key_id)
        print("Secret:", secret[:12] + "***")

        # Verify a credential: a failed verification is a 200 with is_active false, not an exception.
        verified = talos.admin_verify_api_key(credential=secret)
        if verified.is_active:
            print("Key is valid, owner:", verified.actor_id)
        else:
            print("Key is invalid:", verified.error_message)

        # Batch verify: one result per credential, in order.
        batch = talos.admin_batch_verify_api_keys(
            requests=[{"credential": secret}, {"credential": "invalid-key-for-testing"}]
        )
        for i, result in enumerate(batch.results):
            print(f"Key {i}: is_active={result.is_active}")

        # Derive a JWT token. Enum fields take constants, which travel as their string names.
        algorithm = talos.enums.TokenAlgorithm.TOKEN_ALGORITHM_JWT
        derived = talos.admin_derive_token(credential=secret, algorithm=algorithm, ttl="1h", scopes=["read"])
        print("JWT:", derived.token.token[:24] + "...")

        # Revoke the key.
        reason = talos.enums.RevocationReason.REVOCATION_REASON_KEY_COMPROMISE
        talos.admin_revoke_api_key(key_id=key_id, reason=reason)
        print("Key revoked successfully")

        # Error handling: every non-2xx answer raises a typed error carrying the decoded google.rpc.Status.
        try:
            talos.admin_get_issued_api_key(key_id="nonexistent-id")
        except NotFound as error:
            print("gRPC code:", error.grpc_code)  # 5 = NOT_FOUND
            print("HTTP status:", error.http_status)  # 404
            print("Message:", error.message)
            print("Reason:", error.reason)  # stable; switch on this
    return 0


if __name__ == "__main__":
    sys.exit(main())

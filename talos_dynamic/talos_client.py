"""TalosClient: a Client for the bundled Talos spec whose operations editors, jedi and type checkers know.

The operations are still bound from the spec when the client is built, as for any Client; the annotations
below only name them (a test checks that they are exactly the bundled spec's operations).
"""

from __future__ import annotations

from typing import Any

from .bundled import TALOS_SPEC
from .client import BoundOperation, Client


class TalosClient(Client):
    """`TalosClient(base_url=..., token=...)`: `Client(TALOS_SPEC, ...)` with its operations declared."""

    admin_issue_api_key: BoundOperation
    admin_list_issued_api_keys: BoundOperation
    admin_get_issued_api_key: BoundOperation
    admin_update_issued_api_key: BoundOperation
    admin_rotate_issued_api_key: BoundOperation
    admin_revoke_api_key: BoundOperation
    admin_verify_api_key: BoundOperation
    admin_batch_verify_api_keys: BoundOperation
    admin_derive_token: BoundOperation
    get_jwks: BoundOperation

    def __init__(self, *, base_url: str | None = None, token: str | None = None, **options: Any) -> None:
        super().__init__(TALOS_SPEC, base_url=base_url, token=token, **options)

    def __enter__(self) -> TalosClient:
        return self

"""TalosClient: a Client for the bundled Talos spec whose operations editors, jedi and type checkers know.

The operations are still bound from the spec when the client is built, as for any Client; the annotations
below only name them and what they answer (tests check that they are exactly the bundled spec's operations,
and that each declares a JSON object as its success answer: a Result, whose items() are Results too). A
server that breaks the contract is caught with `response_validation="strict"`; under "warn" or "off" its
answer is read as it came (a TextResult for a text body, say), whatever the annotation says.
"""

from __future__ import annotations

from typing import Any

from .bundled import TALOS_SPEC
from .call.results import Result
from .client import BoundOperation, Client

TalosOperation = BoundOperation[Result, Result]  # answers a JSON object; lists hold objects


class TalosClient(Client):
    """`TalosClient(base_url=..., token=...)`: `Client(TALOS_SPEC, ...)` with its operations declared."""

    admin_issue_api_key: TalosOperation
    admin_list_issued_api_keys: TalosOperation
    admin_get_issued_api_key: TalosOperation
    admin_update_issued_api_key: TalosOperation
    admin_rotate_issued_api_key: TalosOperation
    admin_revoke_api_key: TalosOperation
    admin_verify_api_key: TalosOperation
    admin_batch_verify_api_keys: TalosOperation
    admin_derive_token: TalosOperation
    get_jwks: TalosOperation

    def __init__(self, *, base_url: str | None = None, token: str | None = None, **options: Any) -> None:
        super().__init__(TALOS_SPEC, base_url=base_url, token=token, **options)

    def __enter__(self) -> TalosClient:
        return self

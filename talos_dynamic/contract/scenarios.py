"""Scenarios: ordered steps a real user makes. The built-in one walks a Talos key through its whole life and
calls every operation of the Talos spec at least once."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..call.arguments import ArgumentTable
from ..client import AsyncBoundOperation, AsyncClient, BoundOperation, Client
from ..errors import BadRequest, NotFound

if TYPE_CHECKING:
    import asyncio

Step = Callable[[Client, dict[str, Any]], None]


@dataclass
class CaseResult:
    """One scenario step or test: its outcome, time and the message of a failure."""

    name: str
    outcome: str  # "passed", "failed", "skipped", or "error": the tool broke (generation), not the server
    seconds: float
    message: str | None = None
    findings: list[Any] = field(default_factory=list)


def operation(client: Client, *names: str) -> BoundOperation:
    """The first of several Python names the spec has (Talos renamed some operations across releases)."""
    for name in names:
        if name in client._names:
            return getattr(client, name)
    raise AssertionError(f"the spec has none of the operations {names}")


def _issue(client: Client, state: dict[str, Any], **extra: Any) -> Any:
    created = operation(client, "admin_issue_api_key")(
        name="contract-lifecycle",
        actor_id=state["actor"],
        scopes=["read", "write"],
        ttl="3600s",
        request_id=str(uuid.uuid4()),
        **extra,
    )
    state.setdefault("created", []).append(created.issued_api_key.key_id)
    return created


def step_issue(client: Client, state: dict[str, Any]) -> None:
    created = _issue(client, state)
    assert created.secret, "issue returned no secret"
    state["key_id"], state["secret"] = created.issued_api_key.key_id, created.secret


def step_get(client: Client, state: dict[str, Any]) -> None:
    key = operation(client, "admin_get_issued_api_key")(key_id=state["key_id"])
    assert key.key_id == state["key_id"] and key.actor_id == state["actor"], "get returned another key"
    assert "secret" not in key, "get returned the secret, which must be shown only once"


def step_list_and_page(client: Client, state: dict[str, Any]) -> None:
    for _ in range(2):
        _issue(client, state)
    listing = operation(client, "admin_list_issued_api_keys")
    seen, token, pages = [], None, 0
    while pages < 20:
        page = listing(page_size=2, page_token=token, filter=f'actor_id="{state["actor"]}"')
        seen += [key.key_id for key in page.issued_api_keys]
        pages += 1
        token = page.get("next_page_token")
        if not token:
            break
    assert set(state["created"]) <= set(seen), f"paging missed keys: {set(state['created']) - set(seen)}"
    assert pages >= 2, "three keys at page_size=2 must take two pages"


def _active(result: Any) -> bool:
    return bool(result.get("is_active", result.get("is_valid")))


def step_update(client: Client, state: dict[str, Any]) -> None:
    update = operation(client, "admin_update_issued_api_key")
    spec_operation = next(op for op in client.spec.operations if op.python_name == "admin_update_issued_api_key")
    path_name = next(
        name
        for name, argument in ArgumentTable(spec_operation).by_name.items()
        if argument.parameter is not None and argument.parameter.location == "path"
    )
    updated = update(**{path_name: state["key_id"]}, name="contract-lifecycle-renamed", update_mask="name")
    assert updated.name == "contract-lifecycle-renamed", f"update did not rename the key: {updated.get('name')!r}"
    key = operation(client, "admin_get_issued_api_key")(key_id=state["key_id"])
    assert key.name == "contract-lifecycle-renamed", "the update is not visible to get"


def step_verify(client: Client, state: dict[str, Any]) -> None:
    result = operation(client, "admin_verify_api_key")(credential=state["secret"])
    assert _active(result), f"a fresh key does not verify: {result.get('error_code')}"


def step_batch_verify(client: Client, state: dict[str, Any]) -> None:
    batch = operation(client, "admin_batch_verify_api_keys")(
        requests=[{"credential": state["secret"]}, {"credential": "not-a-talos-key"}]
    )
    assert [_active(r) for r in batch.results] == [True, False], "batch results are not in request order"


def step_derive_jwt(client: Client, state: dict[str, Any]) -> None:
    import jwt  # PyJWT, only for this step

    derived = operation(client, "admin_derive_token")(
        credential=state["secret"], algorithm="TOKEN_ALGORITHM_JWT", ttl="60s", scopes=["read"]
    )
    token = derived.token.token
    keys = operation(client, "get_jwks")().jwks["keys"].to_json()
    kid = jwt.get_unverified_header(token).get("kid")
    matching = [k for k in keys if k.get("kid") == kid] or keys
    assert matching, "GetJWKS published no key"
    algorithm = matching[0].get("alg") or jwt.get_unverified_header(token)["alg"]
    claims = jwt.decode(token, jwt.PyJWK(matching[0]).key, algorithms=[algorithm], options={"verify_aud": False})
    assert claims.get("sub") == state["actor"], "the JWT's subject is not the key's actor"


def step_rotate(client: Client, state: dict[str, Any]) -> None:
    rotated = operation(client, "admin_rotate_issued_api_key")(key_id=state["key_id"], body={})
    state["created"].append(rotated.issued_api_key.key_id)
    verify = operation(client, "admin_verify_api_key")
    assert _active(verify(credential=rotated.secret)), "the rotated secret does not verify"
    assert not _active(verify(credential=state["secret"])), "the old secret still verifies after rotation"
    state["key_id"], state["secret"] = rotated.issued_api_key.key_id, rotated.secret


def step_revoke(client: Client, state: dict[str, Any]) -> None:
    revoke = operation(client, "admin_revoke_api_key", "admin_revoke_issued_api_key")
    revoke(key_id=state["key_id"], reason="REVOCATION_REASON_KEY_COMPROMISE")
    state["revoked"] = {state["key_id"]}
    result = operation(client, "admin_verify_api_key")(credential=state["secret"])
    assert not _active(result) and result.get("error_code") == "VERIFICATION_ERROR_REVOKED", (
        f"a revoked key verifies as {result.get('error_code')}"
    )


def step_unknown_key_is_404(client: Client, state: dict[str, Any]) -> None:
    try:
        operation(client, "admin_get_issued_api_key")(key_id=f"unknown-{uuid.uuid4()}")
    except NotFound as error:
        assert error.reason, "the 404 carries no ErrorInfo reason"
        return
    raise AssertionError("getting an unknown key did not answer 404")


def step_malformed_request_is_400(client: Client, state: dict[str, Any]) -> None:
    try:  # send what the spec forbids, on purpose
        operation(client, "admin_issue_api_key")(
            body={"name": 12345, "actor_id": ["not", "a", "string"]}, _validate={"request": "off"}
        )
    except BadRequest:
        return
    raise AssertionError("a malformed issue request did not answer 400")


def cleanup(client: Client, state: dict[str, Any]) -> None:
    """Revoke every key the scenario created and has not revoked yet."""
    revoke = operation(client, "admin_revoke_api_key", "admin_revoke_issued_api_key")
    for key_id in state.get("created", []):
        if key_id not in state.get("revoked", set()):
            key = operation(client, "admin_get_issued_api_key")(key_id=key_id)
            if key.get("status") == "KEY_STATUS_ACTIVE":
                revoke(key_id=key_id, reason="REVOCATION_REASON_SUPERSEDED")


TALOS_LIFECYCLE: list[tuple[str, Step]] = [
    ("issue", step_issue),
    ("get", step_get),
    ("list and page through", step_list_and_page),
    ("update the name (update_mask)", step_update),
    ("verify", step_verify),
    ("batch verify", step_batch_verify),
    ("derive a JWT and check it against GetJWKS", step_derive_jwt),
    ("rotate", step_rotate),
    ("revoke, then verify shows revoked", step_revoke),
    ("unknown key answers 404 with an ErrorInfo reason", step_unknown_key_is_404),
    ("malformed request answers 400", step_malformed_request_is_400),
    ("cleanup", cleanup),
]
SCENARIOS = {"talos-lifecycle": TALOS_LIFECYCLE}


def run_scenario(
    client: Client, steps: list[tuple[str, Step]], progress: Callable[[int, int, CaseResult], None] | None = None
) -> list[CaseResult]:
    """Run the steps in order; a step whose own expectation fails (or that raises) stops the ones after it,
    as they depend on it, but cleanup always runs."""
    assert client.contract is not None, "run scenarios on a contract-mode client (contract=True)"
    state: dict[str, Any] = {"actor": f"contract_{uuid.uuid4().hex[:10]}"}
    results: list[CaseResult] = []
    failed = False
    for index, (name, step) in enumerate(steps, 1):
        if failed and step is not cleanup:
            result = CaseResult(name, "skipped", 0.0, "an earlier step failed")
        else:
            result = _run_step(client, name, step, state)
            failed = failed or result.outcome == "failed"
        results.append(result)
        if progress:
            progress(index, len(steps), result)
    return results


async def run_scenario_async(
    client: AsyncClient,
    steps: list[tuple[str, Step]],
    progress: Callable[[int, int, CaseResult], None] | None = None,
) -> list[CaseResult]:
    """run_scenario for an AsyncClient: the steps run in a worker thread, and every call they make is
    awaited by the AsyncClient on this event loop."""
    import asyncio  # loaded for async scenarios only

    blocking = _Blocking(client, asyncio.get_running_loop())
    return await asyncio.to_thread(run_scenario, blocking, steps, progress)  # type: ignore[arg-type]


class _Blocking:
    """An AsyncClient seen from a worker thread: calling an operation runs it on the client's event loop."""

    def __init__(self, client: AsyncClient, loop: asyncio.AbstractEventLoop) -> None:
        self._client, self._loop = client, loop

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._client, name)
        if not isinstance(value, AsyncBoundOperation):
            return value
        loop = self._loop

        def call(**kwargs: Any) -> Any:
            import asyncio

            return asyncio.run_coroutine_threadsafe(value(**kwargs), loop).result()

        return call


def _run_step(client: Client, name: str, step: Step, state: dict[str, Any]) -> CaseResult:
    client.contract.case = name
    started = time.perf_counter()
    message = None
    try:
        step(client, state)
    except AssertionError as exc:
        message = str(exc) or "assertion failed"
    except Exception as exc:  # any error is the step's failure, reported, not a crash of the run
        message = f"{type(exc).__name__}: {exc}"
    finally:
        client.contract.case = None
    # findings do not stop the scenario (every broken promise gets reported); the report fails the step
    # when one of its findings is at error severity and not in the baseline
    return CaseResult(
        name,
        "failed" if message else "passed",
        time.perf_counter() - started,
        message,
        client.contract.findings_for(name),
    )

"""AsyncClient: the Talos flow, the error shapes and contract mode, over real HTTP on 127.0.0.1."""

import asyncio
import inspect

import jwt
import pytest

from talos_dynamic import AsyncClient, Client, ContractConfig, MockTransport, NotFound, RequestValidationError, Response
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.contract.scenarios import TALOS_LIFECYCLE, run_scenario_async
from talos_dynamic.errors import ServiceUnavailable, Unauthorized

from ...conftest import ADMIN_TOKEN
from .test_wire import INFO, api


def run(coroutine):
    return asyncio.run(coroutine)


def test_the_go_sdk_flow_runs_async(talos_server):
    async def flow():
        async with AsyncClient(
            TALOS_SPEC, base_url=talos_server.url, token=ADMIN_TOKEN, response_validation="strict"
        ) as talos:
            out = await talos.admin_issue_api_key(
                name="my-service", actor_id="user_async", scopes=["read", "write"], ttl="720h"
            )
            key_id = out.issued_api_key.key_id
            assert out.secret not in repr(out) and out.http.status == 200 and out.http.attempts == 1
            fetched = await talos.admin_get_issued_api_key(key_id=key_id)
            assert fetched.key_id == key_id and "secret" not in fetched
            # the session's server holds other tests' keys: list this test's actor only
            listed = await talos.admin_list_issued_api_keys(page_size=10, filter='actor_id="user_async"')
            assert key_id in [k.key_id for k in listed.issued_api_keys]
            assert (await talos.admin_verify_api_key(credential=out.secret)).is_active
            batch = await talos.admin_batch_verify_api_keys(
                requests=[{"credential": out.secret}, {"credential": "invalid-key-for-testing"}]
            )
            assert [r.is_active for r in batch.results] == [True, False]
            derived = await talos.admin_derive_token(
                credential=out.secret, algorithm=talos.enums.TokenAlgorithm.TOKEN_ALGORITHM_JWT, ttl="1h"
            )
            keys = (await talos.get_jwks()).jwks["keys"].to_json()
            header = jwt.get_unverified_header(derived.token.token)
            key = next(k for k in keys if k["kid"] == header["kid"])
            assert jwt.decode(derived.token.token, jwt.PyJWK(key).key, algorithms=["EdDSA"])["sub"] == "user_async"
            reason = talos.enums.RevocationReason.REVOCATION_REASON_KEY_COMPROMISE
            assert await talos.admin_revoke_api_key(key_id=key_id, reason=reason) == {}
            after = await talos.admin_verify_api_key(credential=out.secret)
            assert after.error_code == "VERIFICATION_ERROR_REVOKED"
            with pytest.raises(RequestValidationError):
                await talos.admin_revoke_api_key(key_id=key_id, reason="BECAUSE")
            with pytest.raises(NotFound) as caught:
                await talos.admin_get_issued_api_key(key_id="nonexistent-id")
            assert (caught.value.grpc_code, caught.value.reason) == (5, "API_KEY_NOT_FOUND")
            calls = [talos.admin_verify_api_key(credential=out.secret) for _ in range(20)]
            assert {r.error_code for r in await asyncio.gather(*calls)} == {"VERIFICATION_ERROR_REVOKED"}

    run(flow())


def test_unauthenticated_async_call_is_a_typed_error(talos_server):
    async def call():
        async with AsyncClient(TALOS_SPEC, base_url=talos_server.url) as anonymous:
            assert (await anonymous.get_jwks()).jwks["keys"][0]["kty"] == "OKP"
            with pytest.raises(Unauthorized) as caught:
                await anonymous.admin_list_issued_api_keys()
            return caught.value

    error = run(call())
    assert (error.http_status, error.grpc_code, error.reason) == (401, 16, "ADMIN_TOKEN_INVALID")


@pytest.mark.parametrize(
    "body",
    [
        {"code": 5, "message": "no thing", "details": [INFO]},
        {"error": {"code": 404, "message": "no thing", "status": "NOT_FOUND", "details": [INFO]}},
        {"error": {"code": 404, "status": "Not Found", "message": "no thing", "reason": "THING_NOT_FOUND"}},
    ],
)
def test_the_three_error_shapes_async(canned, body):
    canned.answer("/thing", 404, body)

    async def call():
        async with AsyncClient(api(), base_url=canned.url) as client:
            with pytest.raises(NotFound) as caught:
                await client.get_thing()
            return caught.value

    error = run(call())
    assert (error.http_status, error.status, error.grpc_code, error.reason, error.message) == (
        404,
        "NOT_FOUND",
        5,
        "THING_NOT_FOUND",
        "no thing",
    )
    assert error.response.status_code == 404 and error.response.json() == body


def test_async_retries_honour_retry_after(canned):
    canned.answer_in_turn("/thing", (503, {"code": 14}, {"Retry-After": "1"}), (200, {"id": "t1"}))

    async def call():
        async with AsyncClient(api(), base_url=canned.url) as client:
            return await client.get_thing()

    result = run(call())
    assert result.http.attempts == 2 and canned.requests[1]["at"] - canned.requests[0]["at"] >= 0.95
    canned.queued.clear()
    canned.answer("/thing", 503, {"code": 14})

    async def without_retries():
        async with AsyncClient(api(), base_url=canned.url) as client:
            with pytest.raises(ServiceUnavailable) as caught:
                await client.get_thing(_retries=0)
            return caught.value

    assert run(without_retries()).attempts == 1


def test_contract_lifecycle_runs_async(talos_server):
    async def lifecycle():
        async with AsyncClient(
            TALOS_SPEC, base_url=talos_server.url, token=ADMIN_TOKEN, contract=ContractConfig()
        ) as client:
            results = await run_scenario_async(client, TALOS_LIFECYCLE)
            return client, results

    client, results = run(lifecycle())
    assert [r.outcome for r in results] == ["passed"] * len(TALOS_LIFECYCLE), [r.message for r in results]
    assert client.contract.findings == []
    coverage = client.contract.coverage()
    assert coverage["operations_exercised"] == 10  # every operation of the Talos spec, update included
    seen = {row["operation"]: row["statuses_seen"] for row in coverage["operations"]}
    assert seen["AdminGetIssuedAPIKey"]["404"] == 1 and seen["AdminIssueAPIKey"]["400"] == 1


def test_async_contract_mode_records_findings_instead_of_raising(canned):
    canned.answer("/thing", 200, {"id": 7})

    async def call():
        async with AsyncClient(api(), base_url=canned.url, contract=True) as client:
            result = await client.get_thing()
            return client, result

    client, result = run(call())
    assert result.id == 7
    assert [(f.check, f.path, f.rule) for f in client.contract.findings] == [
        ("response_schema_conformance", "$.id", "type")
    ]


def test_async_client_has_the_same_names_signatures_and_docs():
    sync, aio = (
        Client(TALOS_SPEC, base_url="http://127.0.0.1:9"),
        AsyncClient(TALOS_SPEC, base_url="http://127.0.0.1:9"),
    )
    assert [op.__name__ for op in sync.operations] == [op.__name__ for op in aio.operations]
    for op in sync.operations:
        twin = getattr(aio, op.__name__)
        assert str(inspect.signature(twin)) == str(inspect.signature(op)) and twin.__doc__ == op.__doc__
    assert aio.AdminIssueAPIKey is aio.admin_issue_api_key
    assert inspect.iscoroutine(coroutine := aio.get_jwks()) and coroutine.close() is None
    assert inspect.signature(AsyncClient) == inspect.signature(Client)


def test_async_streaming_and_an_async_mock_handler():
    seen = []

    async def handler(request):
        seen.append((request.method, request.url))
        await asyncio.sleep(0)
        return Response(200, {"Content-Type": "application/octet-stream"}, b"x" * 100_000)

    spec = api()

    async def call():
        async with AsyncClient(spec, base_url="http://api.test", transport=MockTransport(handler)) as client:
            async with await client.get_blob(_stream=True) as stream:
                chunks = [chunk async for chunk in stream.aiter_bytes(4096)]
            return chunks

    chunks = run(call())
    assert b"".join(chunks) == b"x" * 100_000 and len(chunks) == 25
    assert seen == [("GET", "http://api.test/blob")]

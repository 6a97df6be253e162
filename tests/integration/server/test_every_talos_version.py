"""The local server serves every Talos version: each operation of the spec it was started with answers, as
that spec says (strict response validation), and the seed page's flow works against it whatever the version."""

from __future__ import annotations

import pytest

from talos_dynamic import Client
from talos_dynamic.bundled import TALOS_LATEST_SPEC, TALOS_SPEC
from talos_dynamic.server import start_server

from ...conftest import ADMIN_TOKEN

NEWEST, OLDEST = "talos-v3-2026-06-09-9a34117.json", "talos-v3-2026-05-18-e546876.json"
SWAGGER2 = "talos-v2-2026-06-09-9a34117.json"
OLDEST_SWAGGER2 = "talos-v2-2026-05-18-e546876.json"


def upstream(shared_dir, name):
    path = shared_dir / "talos" / "upstream" / name
    if not path.is_file():
        pytest.fail(f"missing upstream spec {path}")
    return path


def every_operation(client: Client) -> list[str]:
    """Call each operation of the client's spec once, in an order that makes each call valid; the names called."""
    names = {op.__name__ for op in client.operations}
    called: list[str] = []

    def run(operation: str, /, **kwargs):
        result = getattr(client, operation)(**kwargs)
        assert result.http.status == 200 and result.http.violations == (), operation
        called.append(operation)
        return result

    first = run("admin_issue_api_key", name="svc", actor_id="user_1", scopes=["read", "write"], ttl="3600s")
    key_id, secret = first.issued_api_key.key_id, first.secret
    run("admin_list_issued_api_keys", page_size=1)
    assert run("admin_get_issued_api_key", key_id=key_id).key_id == key_id
    run("admin_update_issued_api_key", issued_api_key_key_id=key_id, update_mask="name", name="renamed")
    assert run("admin_verify_api_key", credential=secret).is_valid is True
    results = run("admin_batch_verify_api_keys", requests=[{"credential": secret}, {"credential": "nope"}]).results
    assert [r.is_valid for r in results] == [True, False]
    assert run("admin_derive_token", credential=secret, algorithm="TOKEN_ALGORITHM_JWT", ttl="60s").token.token
    assert run("get_jwks").jwks["keys"]
    rotated = run("admin_rotate_issued_api_key", key_id=key_id, scopes=["read"])
    assert rotated.old_issued_api_key.status == "KEY_STATUS_REVOKED"

    raw = "legacy-system-key-0001"
    imported = run("admin_import_api_key", raw_key=raw, name="legacy", actor_id="user_2", scopes=["read"])
    imported_id = imported.key_id
    assert client.admin_verify_api_key(credential=raw).is_valid is True  # the imported key's own verify path
    batch_name = (
        "admin_batch_create_imported_api_keys"
        if "admin_batch_create_imported_api_keys" in names
        else ("admin_batch_import_api_keys")
    )
    batch = run(
        batch_name,
        requests=[
            {"raw_key": "legacy-2", "name": "b", "actor_id": "u"},
            {"raw_key": raw, "name": "dup", "actor_id": "u"},
        ],
    )
    assert (batch.success_count, batch.failure_count) == (1, 1)
    assert batch.results[1].error_code.endswith("_ERROR_ALREADY_EXISTS")
    run("admin_list_imported_api_keys", page_size=10)
    assert run("admin_get_imported_api_key", key_id=imported_id).name == "legacy"
    run("admin_update_imported_api_key", imported_api_key_key_id=imported_id, update_mask="name", name="old")
    if "admin_revoke_imported_api_key" in names:  # the split revoke
        run("admin_revoke_imported_api_key", key_id=imported_id, reason="REVOCATION_REASON_KEY_COMPROMISE")
        run("admin_revoke_issued_api_key", key_id=rotated.issued_api_key.key_id, reason="REVOCATION_REASON_SUPERSEDED")
    else:  # one revoke for both kinds
        run("admin_revoke_api_key", key_id=imported_id, reason="REVOCATION_REASON_KEY_COMPROMISE")
    assert client.admin_verify_api_key(credential=raw).error_code == "VERIFICATION_ERROR_REVOKED"
    run("admin_delete_imported_api_key", key_id=batch.results[0].imported_api_key.key_id)

    holder = client.admin_issue_api_key(name="self", actor_id="user_3")
    run("revoke_api_key", credential=holder.secret, reason="REVOCATION_REASON_KEY_COMPROMISE")
    assert client.admin_verify_api_key(credential=holder.secret).error_code == "VERIFICATION_ERROR_REVOKED"
    return called


@pytest.mark.parametrize("name", [NEWEST, OLDEST, SWAGGER2, OLDEST_SWAGGER2])
def test_every_operation_of_an_upstream_spec_answers_as_it_says(shared_dir, name):
    spec = upstream(shared_dir, name)
    with start_server(token=ADMIN_TOKEN, spec_path=spec) as server:
        client = Client(spec, base_url=server.url, token=ADMIN_TOKEN, response_validation="strict")
        called = every_operation(client)
    assert sorted(set(called)) == sorted(op.__name__ for op in client.operations)
    assert len(set(called)) == (17 if "05-18" in name else 18)


def test_every_operation_of_the_bundled_latest_spec_answers_as_it_says():
    with start_server(token=ADMIN_TOKEN, spec_path=TALOS_LATEST_SPEC) as server:
        client = Client(TALOS_LATEST_SPEC, base_url=server.url, token=ADMIN_TOKEN, response_validation="strict")
        called = every_operation(client)
    assert len(set(called)) == len(client.operations) == 18


def test_self_revoke_needs_no_admin_token_but_the_key_itself(shared_dir):
    spec = upstream(shared_dir, NEWEST)
    with start_server(token=ADMIN_TOKEN, spec_path=spec) as server:
        admin = Client(spec, base_url=server.url, token=ADMIN_TOKEN)
        holder = Client(spec, base_url=server.url)  # no admin token
        secret = admin.admin_issue_api_key(name="k", actor_id="u").secret
        with pytest.raises(holder.errors.Unauthorized):
            holder.admin_verify_api_key(credential=secret)
        with pytest.raises(holder.errors.NotFound):
            holder.revoke_api_key(credential=secret[:-2] + "zz")
        with pytest.raises(holder.errors.BadRequest):  # admin-only reason
            holder.revoke_api_key(credential=secret, reason="REVOCATION_REASON_PRIVILEGE_WITHDRAWN")
        holder.revoke_api_key(credential=secret)
        assert admin.admin_verify_api_key(credential=secret).error_code == "VERIFICATION_ERROR_REVOKED"


@pytest.mark.parametrize("name", [NEWEST, OLDEST, SWAGGER2])
def test_requests_are_checked_against_the_served_spec(shared_dir, name):
    """openapi-core checks each request against the document the server was started with."""
    spec = upstream(shared_dir, name)
    with start_server(token=ADMIN_TOKEN, spec_path=spec) as server:
        client = Client(spec, base_url=server.url, token=ADMIN_TOKEN, request_validation="off")
        with pytest.raises(client.errors.BadRequest) as caught:
            client.admin_list_issued_api_keys(page_size="many")
        assert caught.value.reason == "REQUEST_INVALID"


def test_a_route_only_a_newer_version_has_is_not_served_by_an_older_one(shared_dir):
    with start_server(token=ADMIN_TOKEN, spec_path=upstream(shared_dir, OLDEST)) as server:
        newest = Client(upstream(shared_dir, NEWEST), base_url=server.url, token=ADMIN_TOKEN)
        with pytest.raises(newest.errors.NotFound) as caught:
            newest.admin_batch_create_imported_api_keys(requests=[{"raw_key": "k", "name": "n", "actor_id": "a"}])
        assert caught.value.reason == "ROUTE_NOT_FOUND"


def test_a_document_with_an_operation_the_server_lacks_is_refused(tmp_path):
    spec = tmp_path / "other.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /pets:\n    get:\n      responses: {}\n")
    with pytest.raises(ValueError, match="GET /pets is not a Talos operation"):
        start_server(spec_path=spec)


def seed_flow(client: Client) -> None:
    """The seed page's flow, with the seed's names: issue, verify, batch verify, derive, revoke, errors."""
    out = client.admin_issue_api_key(name="my-service", actor_id="user_123", scopes=["read", "write"], ttl="720h")
    assert client.admin_verify_api_key(credential=out.secret).is_active is True
    batch = client.admin_batch_verify_api_keys(requests=[{"credential": out.secret}, {"credential": "invalid"}])
    assert [r.is_active for r in batch.results] == [True, False]
    algorithm = client.enums.TokenAlgorithm.TOKEN_ALGORITHM_JWT
    assert client.admin_derive_token(credential=out.secret, algorithm=algorithm, ttl="1h", scopes=["read"]).token.token
    reason = client.enums.RevocationReason.REVOCATION_REASON_KEY_COMPROMISE
    client.admin_revoke_api_key(key_id=out.issued_api_key.key_id, reason=reason)
    assert client.admin_verify_api_key(credential=out.secret).error_code == "VERIFICATION_ERROR_REVOKED"
    with pytest.raises(client.errors.NotFound) as caught:
        client.admin_get_issued_api_key(key_id="nonexistent-id")
    assert (caught.value.grpc_code, caught.value.http_status) == (5, 404)


@pytest.mark.parametrize(
    "name", [NEWEST, OLDEST, SWAGGER2, OLDEST_SWAGGER2, "talos-v3-2026-06-02-2e2295d.json", "bundled-latest"]
)
def test_the_seed_flow_is_unchanged_against_every_version(shared_dir, name):
    spec = TALOS_LATEST_SPEC if name == "bundled-latest" else upstream(shared_dir, name)
    with start_server(token=ADMIN_TOKEN, spec_path=spec) as server:
        seed_flow(Client(TALOS_SPEC, base_url=server.url, token=ADMIN_TOKEN, response_validation="strict"))


def test_serve_command_takes_a_spec_and_refuses_a_foreign_one(tmp_path, capsys):
    from talos_dynamic.cli.main import main

    spec = tmp_path / "other.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /pets:\n    get:\n      responses: {}\n")
    assert main(["serve", "--port", "0", "--spec", str(spec)]) == 2
    assert "GET /pets is not a Talos operation" in capsys.readouterr().err
    assert main(["serve", "--port", "0", "--spec", str(tmp_path / "missing.json")]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize("spec", [TALOS_SPEC, TALOS_LATEST_SPEC], ids=["seed", "latest"])
def test_bundled_specs_pass_openapi_spec_validator(spec):
    import yaml
    from openapi_spec_validator import validate

    validate(yaml.safe_load(spec.read_text("utf-8")))

"""Every operation of the Go SDK page and of the bundled spec, against the local Talos server over HTTP."""

import jwt
import pytest

from talos_dynamic import Client, NotFound, RequestValidationError, Unauthorized
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.call.results import Result

from ...conftest import ADMIN_TOKEN


def issue(talos, **extra):
    return talos.admin_issue_api_key(
        name="my-service", actor_id="user_123", scopes=["read", "write"], ttl="720h", **extra
    )


def test_issue_returns_key_and_secret_once(talos):
    out = issue(talos)
    assert out.issued_api_key.key_id == out["issued_api_key"]["key_id"]
    assert out.issued_api_key.status == "KEY_STATUS_ACTIVE"
    assert out.issued_api_key.scopes == ("read", "write")
    assert out.secret.startswith("sk_local_v1_") and out.secret.count("_") == 4
    assert out.http.status == 200 and out.http.elapsed.total_seconds() > 0
    assert out.secret not in repr(out) and "***" in repr(out)
    fetched = talos.admin_get_issued_api_key(key_id=out.issued_api_key.key_id)
    assert "secret" not in fetched and fetched.key_id == out.issued_api_key.key_id


def test_verify_success_and_failure_are_both_results(talos):
    out = issue(talos)
    ok = talos.admin_verify_api_key(credential=out.secret)
    assert (ok.is_active, ok.actor_id, ok.key_id) == (True, "user_123", out.issued_api_key.key_id)
    bad = talos.admin_verify_api_key(credential="invalid-key-for-testing")
    assert bad.is_active is False and bad.error_code == "VERIFICATION_ERROR_INVALID_FORMAT"
    forged = talos.admin_verify_api_key(credential=out.secret[:-3] + "abc")
    assert forged.error_code == "VERIFICATION_ERROR_SIGNATURE_INVALID"


def test_batch_verify_answers_in_request_order(talos):
    out = issue(talos)
    batch = talos.admin_batch_verify_api_keys(
        requests=[{"credential": out.secret}, {"credential": "invalid-key-for-testing"}, {"credential": out.secret}]
    )
    assert [r.is_active for r in batch.results] == [True, False, True]


def test_revoke_with_enum_then_verify_shows_revoked(talos):
    out = issue(talos)
    reason = talos.enums.RevocationReason.REVOCATION_REASON_KEY_COMPROMISE
    assert reason == "REVOCATION_REASON_KEY_COMPROMISE"
    revoked = talos.admin_revoke_api_key(key_id=out.issued_api_key.key_id, reason=reason)
    assert revoked == {} and revoked.http.status == 200
    after = talos.admin_verify_api_key(credential=out.secret)
    assert (after.is_active, after.error_code) == (False, "VERIFICATION_ERROR_REVOKED")
    key = talos.admin_get_issued_api_key(key_id=out.issued_api_key.key_id)
    assert (key.status, key.revocation_reason) == ("KEY_STATUS_REVOKED", reason)


def test_an_enum_value_not_in_the_list_is_refused_before_sending(talos):
    out = issue(talos)
    with pytest.raises(RequestValidationError) as caught:
        talos.admin_revoke_api_key(key_id=out.issued_api_key.key_id, reason="BECAUSE")
    assert [(v.path, v.rule) for v in caught.value.violations] == [("$.reason", "enum")]
    assert talos.admin_verify_api_key(credential=out.secret).is_active


def test_derived_jwt_is_signed_by_a_key_that_jwks_publishes(talos):
    out = issue(talos)
    derived = talos.admin_derive_token(
        credential=out.secret, algorithm=talos.enums.TokenAlgorithm.TOKEN_ALGORITHM_JWT, ttl="1h", scopes=["read"]
    )
    token = derived.token.token
    keys = talos.get_jwks().jwks["keys"].to_json()
    header = jwt.get_unverified_header(token)
    key = next(k for k in keys if k["kid"] == header["kid"])
    claims = jwt.decode(token, jwt.PyJWK(key).key, algorithms=["EdDSA"])
    assert (claims["sub"], claims["scopes"], claims["key_id"]) == ("user_123", ["read"], out.issued_api_key.key_id)
    assert claims["exp"] - claims["iat"] == 3600


def test_get_jwks_is_public(talos_server):
    anonymous = Client(TALOS_SPEC, base_url=talos_server.url)
    assert anonymous.get_jwks().jwks["keys"][0]["kty"] == "OKP"
    with pytest.raises(Unauthorized) as caught:
        anonymous.admin_list_issued_api_keys()
    assert (caught.value.http_status, caught.value.grpc_code, caught.value.reason) == (401, 16, "ADMIN_TOKEN_INVALID")


def test_unknown_key_raises_not_found_with_error_info(talos):
    with pytest.raises(talos.errors.NotFound) as caught:
        talos.admin_get_issued_api_key(key_id="nonexistent-id")
    error = caught.value
    assert isinstance(error, NotFound)
    assert (error.http_status, error.grpc_code, error.status, error.reason) == (
        404,
        5,
        "NOT_FOUND",
        "API_KEY_NOT_FOUND",
    )
    assert error.details[0]["@type"].endswith("google.rpc.ErrorInfo") and error.domain
    assert error.response.status_code == 404 and "nonexistent-id" in error.message


def test_request_id_makes_issue_idempotent(talos):
    first = issue(talos, request_id="req-0001")
    again = issue(talos, request_id="req-0001")
    assert again.issued_api_key.key_id == first.issued_api_key.key_id
    with pytest.raises(RequestValidationError, match="maxLength"):
        issue(talos, request_id="x" * 37)


def test_list_pages_through_every_key(talos_server):
    with Client(TALOS_SPEC, base_url=talos_server.url, token=ADMIN_TOKEN) as talos:
        actor = "pager-actor"
        created = {talos.admin_issue_api_key(actor_id=actor, name=f"k{i}").issued_api_key.key_id for i in range(5)}
        seen, token, pages = [], None, 0
        while True:
            page = talos.admin_list_issued_api_keys(page_size=2, page_token=token, filter=f'actor_id="{actor}"')
            seen += [k.key_id for k in page.issued_api_keys]
            pages += 1
            token = page.next_page_token
            if not token:
                break
        assert (set(seen), len(seen), pages) == (created, 5, 3)


def test_update_with_dotted_path_parameter(talos):
    out = issue(talos)
    updated = talos.admin_update_issued_api_key(
        issued_api_key_key_id=out.issued_api_key.key_id, update_mask="name,scopes", name="renamed", scopes=["read"]
    )
    assert (updated.name, updated.scopes, updated.actor_id) == ("renamed", ("read",), "user_123")


def test_rotate_issues_a_new_secret_and_revokes_the_old_key(talos):
    out = issue(talos)
    rotated = talos.admin_rotate_issued_api_key(key_id=out.issued_api_key.key_id, body={})
    assert rotated.secret != out.secret and rotated.issued_api_key.key_id != out.issued_api_key.key_id
    assert rotated.old_issued_api_key.revocation_reason == "REVOCATION_REASON_SUPERSEDED"
    assert talos.admin_verify_api_key(credential=rotated.secret).is_active
    assert talos.admin_verify_api_key(credential=out.secret).error_code == "VERIFICATION_ERROR_REVOKED"


def test_results_are_read_only_and_keep_unknown_fields(talos):
    out = issue(talos, metadata={"env": "prod", "nested": {"a": [1, 2]}})
    assert isinstance(out, Result)
    with pytest.raises(AttributeError, match="read-only"):
        out.secret = "x"
    assert out.issued_api_key.metadata.nested.a == (1, 2)
    raw = out.to_json()
    raw["secret"] = "changed"
    assert out.secret != "changed"
    with pytest.raises(AttributeError, match="no field 'nope'"):
        _ = out.nope
    # the server's extra field (is_valid) is kept as sent, nothing defaulted
    verified = talos.admin_verify_api_key(credential=out.secret)
    assert "is_valid" in verified and "error_message" not in verified

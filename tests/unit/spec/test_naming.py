import pytest

from talos_dynamic.spec.naming import argument_name, constant_name, operation_name_from_route, snake_case


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("AdminIssueAPIKey", "admin_issue_api_key"),
        ("adminIssueApiKey", "admin_issue_api_key"),
        ("AdminIssueApiKey", "admin_issue_api_key"),
        ("AdminListIssuedAPIKeys", "admin_list_issued_api_keys"),
        ("AdminBatchVerifyAPIKeys", "admin_batch_verify_api_keys"),
        ("GetJWKS", "get_jwks"),
        ("getJwks", "get_jwks"),
        ("OAuth2Token", "oauth2_token"),
        ("getOAuth2Token", "get_oauth2_token"),
        ("IPv6Address", "ipv6_address"),
        ("listIPv6Ranges", "list_ipv6_ranges"),
        ("ListAPIs", "list_apis"),
        ("GetIDsForUser", "get_ids_for_user"),
        ("HTTPSProxy", "https_proxy"),
        ("users/get-by-id", "users_get_by_id"),
        ("repos.list", "repos_list"),
        ("snake_already", "snake_already"),
        ("import", "import_"),
        ("class", "class_"),
        ("2faEnable", "_2fa_enable"),
    ],
)
def test_snake_case_is_acronym_aware(name, expected):
    assert snake_case(name) == expected


def test_renamed_talos_operations_keep_their_python_name():
    old = ["AdminIssueAPIKey", "AdminVerifyAPIKey", "AdminListIssuedAPIKeys", "GetJWKS"]
    new = ["adminIssueApiKey", "adminVerifyApiKey", "adminListIssuedApiKeys", "getJwks"]
    assert [snake_case(n) for n in old] == [snake_case(n) for n in new]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("issued_api_key.key_id", "issued_api_key_key_id"),
        ("X-Request-Id", "x_request_id"),
        ("page_size", "page_size"),
        ("pageSize", "pageSize"),
        ("from", "from_"),
        ("$orderBy", "order_by"),
        ("filter[name]", "filter_name"),
    ],
)
def test_argument_names(name, expected):
    assert argument_name(name) == expected


def test_route_names_and_constants():
    assert operation_name_from_route("GET", "/users/{id}/repos") == "get_users_id_repos"
    assert operation_name_from_route("delete", "/api/contents/{path}") == "delete_api_contents_path"
    assert constant_name("REVOCATION_REASON_SUPERSEDED") == "REVOCATION_REASON_SUPERSEDED"
    assert constant_name("application/json") == "APPLICATION_JSON"
    assert constant_name("2xx") == "V2XX"
    assert constant_name("_id") == "V_ID"
    assert constant_name("class") == "class_"

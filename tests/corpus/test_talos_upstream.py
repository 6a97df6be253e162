"""Every published Talos spec loads; the newest one's operations run against the local server."""

import pytest

from talos_dynamic import Client
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.explore.docs import skeleton_arguments

from ..conftest import ADMIN_TOKEN


@pytest.fixture(scope="module")
def upstream(shared_dir):
    folder = shared_dir / "talos" / "upstream"
    files = sorted(folder.glob("talos-*.json"))
    if not files:
        pytest.fail(f"no Talos specs in {folder}")
    return files


def test_every_openapi3_talos_spec_loads_and_binds(upstream):
    v3 = [f for f in upstream if f.name.startswith("talos-v3-")]
    assert len(v3) == 6
    for path in v3:
        client = Client(path, base_url="http://127.0.0.1:9")
        names = {op.__name__ for op in client.operations}
        assert {"admin_issue_api_key", "admin_verify_api_key", "get_jwks"} <= names, path.name
        assert len(names) == len(client.operations), path.name
        for op in client.operations:
            required = {n for n, a in op.arguments.by_name.items() if a.required and a.parameter is not None}
            op.prepare(**{n: "k1" for n in required}, **({"body": {}} if op.operation.request_body else {}))


def full_arguments(op):
    """A value for every argument (optional ones too), generated from its schema."""
    from talos_dynamic.explore.samples import sample

    resolver = op.arguments.resolver
    return {name: sample(resolver, argument.schema) for name, argument in op.arguments.by_name.items()}


def test_swagger2_and_openapi3_documents_of_each_commit_agree_on_the_wire(upstream):
    import inspect

    pairs = [(f, f.with_name(f.name.replace("talos-v2-", "talos-v3-"))) for f in upstream if "talos-v2-" in f.name]
    assert len(pairs) == 6
    for v2, v3 in pairs:
        old = {op.__name__: op for op in Client(v2, base_url="http://h", token="T").operations}
        new = {op.__name__: op for op in Client(v3, base_url="http://h", token="T").operations}
        assert set(old) == set(new), v2.name
        for name, op in new.items():
            # the same parameters (the documents list body properties in different orders)
            old_params = {k: str(v) for k, v in inspect.signature(old[name]).parameters.items()}
            assert old_params == {k: str(v) for k, v in inspect.signature(op).parameters.items()}, name
            for kwargs in (skeleton_arguments(op.arguments), full_arguments(op)):
                a, b = old[name].prepare(**kwargs), op.prepare(**kwargs)
                assert (a.method, a.url, a.headers, a.body) == (b.method, b.url, b.headers, b.body), (v2.name, name)


def test_snake_case_names_survive_the_operationid_renames(upstream):
    oldest = Client(upstream[[f.name for f in upstream].index("talos-v3-2026-05-18-e546876.json")])
    newest = Client([f for f in upstream if f.name.startswith("talos-v3-")][-1])
    assert oldest.AdminIssueAPIKey.__name__ == newest.adminIssueApiKey.__name__ == "admin_issue_api_key"
    shared = {o.__name__ for o in oldest.operations} & {o.__name__ for o in newest.operations}
    assert len(shared) >= 15


def calls_for(secret, key_id, other_key_id):
    """Valid arguments for each operation of the newest spec, by Python name."""
    return {
        "admin_issue_api_key": {"name": "corpus", "actor_id": "corpus_actor", "scopes": ["read"], "ttl": "3600s"},
        "admin_list_issued_api_keys": {"page_size": 2},
        "admin_get_issued_api_key": {"key_id": key_id},
        "admin_update_issued_api_key": {"issued_api_key_key_id": key_id, "update_mask": "name", "name": "renamed"},
        "admin_verify_api_key": {"credential": secret},
        "admin_batch_verify_api_keys": {"requests": [{"credential": secret}, {"credential": "nope"}]},
        "admin_derive_token": {"credential": secret, "algorithm": "TOKEN_ALGORITHM_JWT", "ttl": "60s"},
        "get_jwks": {},
        "admin_rotate_issued_api_key": {"key_id": other_key_id, "body": {}},
    }


def test_newest_spec_calls_every_operation_the_local_server_has(upstream, talos_server):
    newest = [f for f in upstream if f.name.startswith("talos-v3-")][-1]
    ours = Client(TALOS_SPEC)
    served = {(op.operation.method, op.operation.path) for op in ours.operations}
    with Client(TALOS_SPEC, base_url=talos_server.url, token=ADMIN_TOKEN) as setup:
        first = setup.admin_issue_api_key(actor_id="corpus_actor", scopes=["read"])
        second = setup.admin_issue_api_key(actor_id="corpus_actor")
    client = Client(newest, base_url=talos_server.url, token=ADMIN_TOKEN, response_validation="strict")
    plans = calls_for(first.secret, first.issued_api_key.key_id, second.issued_api_key.key_id)
    called = []
    for op in client.operations:
        if (op.operation.method, op.operation.path) not in served:
            continue
        result = op(**plans[op.__name__])
        assert result.http.status == 200 and result.http.violations == (), op.__name__
        called.append(op.__name__)
    assert sorted(called) == sorted(plans)

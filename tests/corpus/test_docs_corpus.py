"""Signatures, docstrings and example calls for every operation of the Talos specs and of GitHub's."""

import inspect
import time
import warnings

import jedi
import pytest

from talos_dynamic import Client
from talos_dynamic.explore.docs import skeleton_arguments


def check_every_operation(client: Client) -> int:
    for op in client.operations:
        signature = inspect.signature(op)
        doc = op.__doc__
        assert f"{op.operation.method} {op.operation.path}" in doc, op.__name__
        assert doc.rstrip().endswith(")"), op.__name__
        required = {n for n, p in signature.parameters.items() if p.default is inspect.Parameter.empty}
        kwargs = skeleton_arguments(op.arguments)
        assert required <= set(kwargs), op.__name__
        op.prepare(**kwargs)  # the documented example is a valid call
    return len(client.operations)


def test_every_talos_spec(shared_dir):
    for path in sorted((shared_dir / "talos" / "upstream").glob("talos-v3-*.json")):
        client = Client(path, base_url="http://127.0.0.1:9")
        assert check_every_operation(client) >= 17, path.name
        revoke = next(
            op for op in client.operations if "revoke" in op.__name__ and "key_id" in inspect.signature(op).parameters
        )
        assert inspect.signature(revoke).parameters["reason"].annotation.__name__ == "RevocationReason"
        source = "client.admin_issue_api_key(act"
        completions = jedi.Interpreter(source, [{"client": client}]).complete(1, len(source))
        assert [c.name for c in completions] == ["actor_id="], path.name


@pytest.fixture(scope="module")
def github(shared_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Client(shared_dir / "specs" / "github-api.github.com.json", base_url="http://127.0.0.1:9")


def test_github_loads_lazily_then_documents_every_operation(github):
    assert github._bound == {} and github._validators._cache == {}
    assert all("parameters" not in op.__dict__ for op in github.spec.operations)
    started = time.perf_counter()
    assert check_every_operation(github) == 1223
    print(f"\nGitHub: 1223 signatures, docstrings and valid example calls in {time.perf_counter() - started:.2f}s")
    create = github.repos_create_for_authenticated_user
    assert inspect.signature(create).parameters["name"].annotation is str
    assert "POST /user/repos" in create.__doc__


def test_jedi_completion_on_github(github):
    source = "client.repos_get(ow"
    completions = jedi.Interpreter(source, [{"client": github}]).complete(1, len(source))
    assert [c.name for c in completions] == ["owner="]

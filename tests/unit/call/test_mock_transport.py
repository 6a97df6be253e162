"""MockTransport as users use it to test their own code: the README's example, and that preparation,
validation, reading and hooks all still run."""

import re
from pathlib import Path

import pytest

from talos_dynamic import (
    Client,
    MockTransport,
    NotFound,
    RequestValidationError,
    Response,
    ResponseValidationError,
    TransportError,
)
from talos_dynamic.bundled import TALOS_SPEC

README = Path(__file__).resolve().parents[3] / "README.md"


def readme_block(after_heading: str) -> str:
    text = README.read_text()
    section = text[text.index(after_heading) :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_runs_as_written():
    namespace: dict = {}
    exec(compile(readme_block("### Testing your own code without a server"), "README.md", "exec"), namespace)
    namespace["test_issue_key_for"]()  # the user's test passes against the mock


def test_the_readme_example_catches_a_bug_in_the_code_under_test():
    namespace: dict = {}
    code = readme_block("### Testing your own code without a server").replace('scopes=["read"]', 'scopes="read"')
    exec(compile(code, "README.md", "exec"), namespace)
    with pytest.raises(RequestValidationError, match=r"\$\.scopes"):
        namespace["test_issue_key_for"]()


def talos_client(handler, **options):
    transport = MockTransport(handler)
    return Client(TALOS_SPEC, base_url="https://talos.test", transport=transport, **options), transport


def test_invalid_arguments_never_reach_the_handler():
    client, transport = talos_client(lambda request: Response(200, json={}))
    with pytest.raises(RequestValidationError):
        client.admin_revoke_api_key(key_id="k1", reason="BECAUSE")
    assert transport.requests == []


def test_answers_are_read_and_checked_as_real_ones():
    def handler(request):
        if request.url.endswith("/missing"):
            return Response(404, json={"code": 5, "message": "no key", "details": []})
        return Response(200, json={"key_id": 7})  # key_id must be a string

    client, _ = talos_client(handler, response_validation="strict")
    with pytest.raises(NotFound) as caught:
        client.admin_get_issued_api_key(key_id="missing")
    assert (caught.value.grpc_code, caught.value.message) == (5, "no key")
    with pytest.raises(ResponseValidationError) as broken:
        client.admin_get_issued_api_key(key_id="k1")
    assert ("$.key_id", "type") in [(v.path, v.rule) for v in broken.value.violations]


def test_a_handler_can_act_out_a_network_failure_and_hooks_see_every_exchange():
    seen = []

    def handler(request):
        raise TransportError("connection refused", url=request.url, method=request.method, kind="connect")

    client, transport = talos_client(
        handler, retries=0, hooks={"request": [lambda r: seen.append(("request", r.method))]}
    )
    with pytest.raises(TransportError) as caught:
        client.get_jwks()
    assert caught.value.kind == "connect" and seen == [("request", "GET")]
    ok, _ = talos_client(
        lambda request: Response(200, json={"jwks": {"keys": []}}),
        hooks={"response": [lambda req, resp: seen.append(("response", resp.status_code, req.url))]},
    )
    assert ok.get_jwks().jwks == {"keys": []}
    assert seen[-1][:2] == ("response", 200) and seen[-1][2].startswith("https://talos.test/")
    assert ok.last_response.status_code == 200 and ok.history[-1].json() == {"jwks": {"keys": []}}


def test_a_handler_must_return_a_response():
    client, _ = talos_client(lambda request: {"jwks": {}})
    with pytest.raises(TypeError, match="must return talos_dynamic.Response"):
        client.get_jwks()

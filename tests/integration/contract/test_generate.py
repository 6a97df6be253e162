"""Generated contract cases against the local Talos server: each --fault is found with no scenario, the
clean server gives nothing, the same seed sends the same requests, the budget holds, curl lines are masked."""

from __future__ import annotations

import pytest

from talos_dynamic import Client
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.contract.generation import generate
from talos_dynamic.server import start_server
from talos_dynamic.server.faults import FAULTS
from tests.conftest import ADMIN_TOKEN

# fault -> (check, operation) that must fire
EXPECTED = {
    "drop-required-field": ("response_schema_conformance", "AdminGetIssuedAPIKey"),
    "wrong-type": ("response_schema_conformance", "AdminGetIssuedAPIKey"),
    "undeclared-status": ("status_code_conformance", "GetJWKS"),
    "html-content-type": ("content_type_conformance", "AdminVerifyAPIKey"),
    "error-not-status": ("error_body_conformance", "AdminGetIssuedAPIKey"),
    "wrong-grpc-code": ("status_code_matches_error_code", "AdminGetIssuedAPIKey"),
}
BUDGET = 60  # requests per run: about 3 s against the local server


def _run(fault: str | None, **options):
    with (
        start_server(token=ADMIN_TOKEN, fault=fault) as server,
        Client(TALOS_SPEC, base_url=server.url, token=ADMIN_TOKEN, contract=True, retries=0) as client,
    ):
        return generate(client, **{"seed": 0, "max_cases": BUDGET, **options})


def test_every_fault_has_an_expectation():
    assert set(EXPECTED) == set(FAULTS)


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_generate_alone_finds_each_fault(fault):
    run = _run(fault)
    found = {(f.check, f.operation) for f in run.findings if f.severity == "error"}
    assert EXPECTED[fault] in found, f"{fault}: found only {sorted(found)}"
    assert run.requests <= BUDGET


def test_the_clean_server_gives_no_finding():
    run = _run(None, max_cases=150)
    assert [str(f) for f in run.findings] == []
    assert {c.name.split(":")[0] for c in run.cases} == {"examples", "stateful", "auth", "negative", "positive"}
    chain = run.chains[0]
    assert chain["source"] == "inferred" and chain["statuses"][:2] == [200, 200]
    assert chain["name"].startswith("chain: AdminIssueAPIKey -> AdminGetIssuedAPIKey")


def _sent(seed: int) -> list[tuple[str, str, bytes | None]]:
    with (
        start_server(token=ADMIN_TOKEN) as server,
        Client(TALOS_SPEC, base_url=server.url, token=ADMIN_TOKEN, contract=True, retries=0) as client,
    ):
        sent = []
        client.hooks["request"].append(lambda request: sent.append((request.method, request.url, request.body)))
        generate(client, seed=seed, max_cases=30, phases=["positive"], operations=["AdminIssueAPIKey"])
        return [(method, url.split("/", 3)[3], body) for method, url, body in sent]


def test_the_same_seed_sends_the_same_requests():
    first, again, other = _sent(7), _sent(7), _sent(8)
    assert len(first) == 30
    assert first == again
    assert first != other


def test_the_budget_holds():
    assert _run(None, max_cases=12).requests <= 12
    run = _run(None, max_cases=None, max_time=1.0)
    assert run.seconds < 4


def test_each_finding_has_a_masked_curl_line():
    run = _run("undeclared-status")
    finding = next(f for f in run.findings if f.operation == "GetJWKS")
    assert (
        finding.curl.startswith("curl -X GET http://127.0.0.1:") and "/v2alpha1/derivedKeys/jwks.json " in finding.curl
    )
    masked = next(f for f in _run("error-not-status").findings if f.operation == "AdminGetIssuedAPIKey")
    assert "Bearer ***" in masked.curl and ADMIN_TOKEN not in masked.curl


def test_unknown_phases_and_budgets_are_refused():
    with Client(TALOS_SPEC, base_url="http://127.0.0.1:9", contract=True) as client:
        with pytest.raises(ValueError, match="unknown phases"):
            generate(client, phases=["fuzz"])
        with pytest.raises(ValueError, match="max_cases"):
            generate(client, max_cases=0)
    with Client(TALOS_SPEC, base_url="http://127.0.0.1:9") as client, pytest.raises(ValueError, match="contract-mode"):
        generate(client)

"""The pytest plugin's --contract-generate: one test per operation of the spec, running `contract --generate`'s
cases once for the session; a test fails with its operation's findings, -k selects operations, and the
session ends with the coverage and findings as for hand-written tests."""

from __future__ import annotations

import json

import pytest

from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.server import start_server
from tests.conftest import ADMIN_TOKEN

pytest_plugins = ["pytester"]

PLUGIN = ["-p", "no:cacheprovider", "-p", "no:talos_dynamic", "-p", "talos_dynamic.contract.pytest_plugin"]


def _run(pytester, url: str, *extra: str):
    options = ["--spec", str(TALOS_SPEC), "--base-url", url, "--token", ADMIN_TOKEN, "--contract-generate"]
    ini = pytester.makeini("[pytest]\n")  # the project's own ini (its testpaths) and rootdir stay out
    options += ["-c", str(ini), "--rootdir", str(pytester.path), "--contract-seed", "5"]
    return pytester.runpytest_subprocess(*PLUGIN, *options, *extra, timeout=300)


def test_each_operation_is_a_test_that_fails_with_its_findings(pytester):
    report = pytester.path / "contract.json"
    with start_server(token=ADMIN_TOKEN, fault="wrong-type") as server:
        result = _run(pytester, server.url, "--contract-max-cases", "60", "--contract-report-json", str(report))
    out = result.stdout.str()
    result.assert_outcomes(failed=1, passed=9)
    assert "FAILED generated::AdminGetIssuedAPIKey" in out or "generated::AdminGetIssuedAPIKey FAILED" in out
    assert "AdminGetIssuedAPIKey: the server broke the contract in generated cases (1 finding, seed 5):" in out
    assert "response_schema_conformance" in out and "curl -X GET" in out and ADMIN_TOKEN not in out
    assert "Coverage: 10/10 operations" in out
    data = json.loads(report.read_text())
    assert [(f["check"], f["operation"]) for f in data["findings"]] == [
        ("response_schema_conformance", "AdminGetIssuedAPIKey")
    ]
    assert any(case["name"].startswith("positive: ") for case in data["cases"])


def test_k_selects_operations_and_a_healthy_server_passes(pytester):
    pytester.makepyfile(test_mine="def test_mine():\n    assert True\n")
    with start_server(token=ADMIN_TOKEN) as server:
        result = _run(pytester, server.url, "--contract-max-cases", "40", "-k", "JWKS or mine", "-v")
    result.assert_outcomes(passed=2, deselected=9)
    result.stdout.fnmatch_lines(["*collected 11 items / 9 deselected / 2 selected"])
    result.stdout.fnmatch_lines(["*test_mine.py::test_mine PASSED*", "*generated::GetJWKS PASSED*"])
    assert "warning" not in result.stdout.str().splitlines()[-1]


def test_a_test_whose_generation_broke_is_an_error_not_a_pass(pytester):
    pytester.makeconftest(
        "from talos_dynamic.contract import generation\n"
        "generation.RandomValues.value = lambda _self, _schema: {}.missing_helper()\n"
    )
    with start_server(token=ADMIN_TOKEN) as server:
        result = _run(pytester, server.url, "--contract-max-cases", "200", "-k", "AdminIssueAPIKey")
    result.assert_outcomes(failed=1, deselected=9)
    result.stdout.fnmatch_lines(["*generation broke in positive: AdminIssueAPIKey: *AttributeError*missing_helper*"])


@pytest.mark.parametrize("value", ["0", "-3"])
def test_a_budget_under_one_is_a_usage_error(pytester, value):
    result = pytester.runpytest_subprocess(*PLUGIN, "--contract-generate", "--contract-max-cases", value)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--contract-max-cases must be at least 1*"])

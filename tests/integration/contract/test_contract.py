"""Contract mode against the local Talos server, faithful and deliberately broken, and the reports."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from talos_dynamic import Client
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.contract import CHECKS, ContractConfig
from talos_dynamic.contract.reports import SCHEMA_PATH
from talos_dynamic.contract.scenarios import TALOS_LIFECYCLE, run_scenario
from talos_dynamic.server import start_server

from ...conftest import ADMIN_TOKEN

ROOT = Path(__file__).resolve().parents[3]


def contract_client(url, **config):
    return Client(TALOS_SPEC, base_url=url, token=ADMIN_TOKEN, contract=ContractConfig(**config))


def test_lifecycle_scenario_passes_with_no_finding(talos_server):
    client = contract_client(talos_server.url)
    results = run_scenario(client, TALOS_LIFECYCLE)
    assert [r.outcome for r in results] == ["passed"] * len(TALOS_LIFECYCLE), [r.message for r in results]
    assert client.contract.findings == []
    coverage = client.contract.coverage()
    assert coverage["operations_exercised"] == 10 and coverage["operations_total"] == 10
    seen = {row["operation"]: row["statuses_seen"] for row in coverage["operations"]}
    assert seen["AdminGetIssuedAPIKey"]["404"] == 1 and seen["AdminIssueAPIKey"]["400"] == 1


@pytest.fixture()
def faulty():
    servers = []

    def start(fault):
        server = start_server(token=ADMIN_TOKEN, fault=fault)
        servers.append(server)
        return contract_client(server.url)

    yield start
    for server in servers:
        server.stop()


def only_finding(client):
    assert len(client.contract.findings) == 1, [str(f) for f in client.contract.findings]
    return client.contract.findings[0]


def issued_key(client):
    return client.admin_issue_api_key(actor_id="fault-actor", scopes=["read", "write"]).issued_api_key.key_id


def test_fault_drop_required_field(faulty):
    client = faulty("drop-required-field")
    client.admin_get_issued_api_key(key_id=issued_key(client))
    finding = only_finding(client)
    assert (finding.check, finding.operation, finding.status, finding.path, finding.rule, finding.expected) == (
        "response_schema_conformance",
        "AdminGetIssuedAPIKey",
        200,
        "$",
        "required",
        "actor_id",
    )
    assert finding.severity == "error" and finding.curl.startswith("curl -X GET")
    assert "Bearer ***" in finding.curl and ADMIN_TOKEN not in finding.curl


def test_fault_wrong_type(faulty):
    client = faulty("wrong-type")
    client.admin_get_issued_api_key(key_id=issued_key(client))
    finding = only_finding(client)
    assert (finding.check, finding.path, finding.rule, finding.expected, finding.actual) == (
        "response_schema_conformance",
        "$.scopes",
        "type",
        "array",
        "read,write",
    )


def test_fault_undeclared_status(faulty):
    client = faulty("undeclared-status")
    client.get_jwks()
    finding = only_finding(client)
    assert (finding.check, finding.operation, finding.status, finding.actual) == (
        "status_code_conformance",
        "GetJWKS",
        202,
        202,
    )


def test_fault_html_content_type(faulty):
    client = faulty("html-content-type")
    client.admin_verify_api_key(credential="not-a-key")
    finding = only_finding(client)
    assert (finding.check, finding.operation, finding.actual) == (
        "content_type_conformance",
        "AdminVerifyAPIKey",
        "text/html; charset=utf-8",
    )


def test_fault_error_body_not_a_status(faulty):
    client = faulty("error-not-status")
    with pytest.raises(client.errors.NotFound):
        client.admin_get_issued_api_key(key_id="nope")
    finding = only_finding(client)
    assert (finding.check, finding.status, finding.rule, finding.actual) == (
        "error_body_conformance",
        404,
        "google.rpc.Status",
        {"error": "not found"},
    )


def test_fault_404_with_grpc_code_3(faulty):
    client = faulty("wrong-grpc-code")
    with pytest.raises(client.errors.NotFound):
        client.admin_get_issued_api_key(key_id="nope")
    finding = only_finding(client)
    assert (finding.check, finding.status, finding.path, finding.expected, finding.actual) == (
        "status_code_matches_error_code",
        404,
        "$.code",
        [400, 413, 414, 431],
        404,
    )


def test_checks_can_be_warnings_or_off_and_response_time_is_opt_in(faulty):
    server = start_server(token=ADMIN_TOKEN, fault="wrong-type")
    try:
        warned = contract_client(server.url, severities={"response_schema_conformance": "warning"})
        warned.admin_get_issued_api_key(key_id=issued_key(warned))
        assert [f.severity for f in warned.contract.findings] == ["warning"]
        off = contract_client(server.url, severities={"response_schema_conformance": "off"})
        off.admin_get_issued_api_key(key_id=issued_key(off))
        assert off.contract.findings == []
        slow = contract_client(server.url, max_response_time=0.0)
        slow.get_jwks()
        assert [f.check for f in slow.contract.findings] == ["max_response_time"]
    finally:
        server.stop()
    assert set(CHECKS) >= {"not_a_server_error", "response_headers_conformance"}


@pytest.mark.parametrize(
    ("status", "body", "fires"),
    [
        (405, {"code": 12, "message": "Method Not Allowed"}, False),
        (413, {"code": 3, "message": "too large"}, False),
        (404, {"code": 3, "message": "bad"}, True),
    ],
)
def test_routing_statuses_travel_with_their_grpc_codes(canned, status, body, fires):
    fields = {"code": {"type": "integer"}, "message": {"type": "string"}, "details": {"type": "array"}}
    error = {"description": "e", "content": {"application/json": {"schema": {"type": "object", "properties": fields}}}}
    thing = {"get": {"operationId": "getThing", "responses": {"default": error}}}
    spec = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/thing": thing}}
    client = Client(spec, base_url=canned.url, contract=True, retries=0)
    canned.answer("/thing", status, body)
    with pytest.raises(client.errors.ApiError):
        client.get_thing()
    checks = {f.check for f in client.contract.findings}
    assert ("status_code_matches_error_code" in checks) is fires


def test_header_and_server_error_checks(canned):
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "h", "version": "1"},
        "paths": {
            "/h": {
                "get": {
                    "operationId": "head",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "headers": {
                                "X-Rate-Remaining": {"required": True, "schema": {"type": "integer", "minimum": 0}},
                                "X-Trace": {"schema": {"type": "string", "maxLength": 4}},
                            },
                        },
                        "default": {
                            "description": "error",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                    },
                }
            }
        },
    }
    client = Client(spec, base_url=canned.url, contract=True, retries=0)
    canned.answer("/h", 200, b"", headers={"X-Trace": "too-long"})
    client.head()
    assert {(f.check, f.path, f.rule) for f in client.contract.findings} == {
        ("response_headers_conformance", "X-Rate-Remaining", "required"),
        ("response_headers_conformance", "X-Trace", "maxLength"),
    }
    canned.answer("/h", 200, b"", headers={"X-Rate-Remaining": "-1"})
    client.contract.findings.clear()
    client.head()
    assert [(f.path, f.rule, f.actual) for f in client.contract.findings] == [("X-Rate-Remaining", "minimum", -1)]
    canned.answer("/h", 503, {"code": 14, "message": "down"})
    client.contract.findings.clear()
    with pytest.raises(client.errors.ServiceUnavailable):
        client.head()
    assert [f.check for f in client.contract.findings] == ["not_a_server_error"]


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "talos_dynamic.cli", "contract", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def test_contract_command_reports_validate(tmp_path, talos_server):
    json_path, junit_path = tmp_path / "report.json", tmp_path / "report.xml"
    done = run_cli(
        "--base-url",
        talos_server.url,
        "--token",
        ADMIN_TOKEN,
        "--report-json",
        str(json_path),
        "--report-junit",
        str(junit_path),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASSED  issue" in done.stdout and "Coverage: 10/10 operations (100.0%)" in done.stdout
    report = json.loads(json_path.read_text())
    jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text())).validate(report)
    suite = ET.parse(junit_path).getroot().find("testsuite")
    assert suite.get("tests") == str(len(TALOS_LIFECYCLE)) and suite.get("failures") == "0"
    assert [c.get("name") for c in suite.findall("testcase")] == [name for name, _ in TALOS_LIFECYCLE]
    assert run_cli("--base-url", talos_server.url, "--token", ADMIN_TOKEN, "--fail-under", "100").returncode == 0


def test_contract_command_fails_on_a_broken_server_unless_baselined(tmp_path):
    server = start_server(token=ADMIN_TOKEN, fault="wrong-type")
    try:
        first = tmp_path / "first.json"
        done = run_cli(
            "--base-url",
            server.url,
            "--token",
            ADMIN_TOKEN,
            "--report-json",
            str(first),
            "--report-junit",
            str(tmp_path / "junit.xml"),
        )
        assert done.returncode == 1
        assert "response_schema_conformance: AdminGetIssuedAPIKey GET" in done.stdout and "$.scopes" in done.stdout
        report = json.loads(first.read_text())
        jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text())).validate(report)
        assert report["summary"]["new_errors"] >= 1
        failures = ET.parse(tmp_path / "junit.xml").getroot().findall(".//failure")
        assert failures and "$.scopes" in failures[0].text
        again = run_cli("--base-url", server.url, "--token", ADMIN_TOKEN, "--baseline", str(first))
        assert again.returncode == 0, again.stdout
        assert "(baselined)" in again.stdout
        warned = run_cli(
            "--base-url", server.url, "--token", ADMIN_TOKEN, "--check", "response_schema_conformance=warning"
        )
        assert warned.returncode == 0 and "[warning] response_schema_conformance" in warned.stdout
        assert run_cli("--base-url", server.url, "--check", "nonsense=off").returncode == 2
    finally:
        server.stop()


USER_TESTS = """
def test_issue_and_get(api):
    key = api.admin_issue_api_key(actor_id="plugin-user").issued_api_key
    assert api.admin_get_issued_api_key(key_id=key.key_id).key_id == key.key_id
"""


def test_pytest_plugin_fails_a_test_whose_calls_broke_the_contract(tmp_path):
    (tmp_path / "test_user.py").write_text(USER_TESTS)
    server = start_server(token=ADMIN_TOKEN, fault="drop-required-field")
    try:
        broken = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                str(tmp_path),
                "-p",
                "no:cacheprovider",
                "-p",
                "no:talos_dynamic",  # an install that still declares the old pytest11 entry point
                "-p",
                "talos_dynamic.contract.pytest_plugin",
                "--base-url",
                server.url,
                "--token",
                ADMIN_TOKEN,
                "--spec",
                str(TALOS_SPEC),
                "--contract-report-json",
                str(tmp_path / "r.json"),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,
        )
    finally:
        server.stop()
    assert broken.returncode == 1, broken.stdout
    assert "test_user.py:4: the server broke the contract in this call (1 finding)" in broken.stdout
    assert "response_schema_conformance: AdminGetIssuedAPIKey" in broken.stdout
    assert "Coverage: 2/10 operations" in broken.stdout
    report = json.loads((tmp_path / "r.json").read_text())
    assert [c["outcome"] for c in report["cases"]] == ["failed"]
    healthy = subprocess.run(
        [sys.executable, "-m", "talos_dynamic.cli", "contract", "--tests", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert "1 passed" in healthy.stdout and "PASSED: no new error-severity finding" in healthy.stdout

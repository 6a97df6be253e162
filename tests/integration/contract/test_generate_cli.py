"""`talos-dynamic contract --generate`: the command line, its JSON/JUnit/HTML reports and its seed."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from talos_dynamic import Client
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.cli.main import main
from talos_dynamic.contract.html_report import render_html
from talos_dynamic.server import start_server
from tests.conftest import ADMIN_TOKEN


def test_generate_from_the_command_line_finds_the_fault_and_writes_every_report(tmp_path, capsys):
    paths = {kind: tmp_path / f"report.{kind}" for kind in ("json", "xml", "html")}
    with start_server(token=ADMIN_TOKEN, fault="wrong-type") as server:
        code = main(
            [
                "contract",
                "--base-url",
                server.url,
                "--token",
                ADMIN_TOKEN,
                "--generate",
                "--seed",
                "5",
                "--max-cases",
                "60",
                "--report-json",
                str(paths["json"]),
                "--report-junit",
                str(paths["xml"]),
                "--report-html",
                str(paths["html"]),
            ]
        )
    out = capsys.readouterr().out
    assert code == 1 and "FAILED: 1 error-severity finding(s) not in the baseline" in out
    assert "(seed 5)" in out
    report = json.loads(paths["json"].read_text())
    assert report["generation"]["seed"] == 5 and report["generation"]["requests"] <= 60
    (finding,) = report["findings"]
    assert (finding["check"], finding["operation"], finding["path"]) == (
        "response_schema_conformance",
        "AdminGetIssuedAPIKey",
        "$.scopes",
    )
    suite = ET.parse(paths["xml"]).getroot().find("testsuite")
    assert suite.get("failures") == "1"
    page = paths["html"].read_text()
    assert "Seed" not in page and "<th>seed</th><td>5</td>" in page
    assert "response_schema_conformance" in page and "AdminGetIssuedAPIKey" in page
    assert "Authorization: Bearer ***" in page and ADMIN_TOKEN not in page
    assert "<script" not in page


def test_the_html_report_escapes_what_the_server_sent():
    report = {
        "spec": {"source": "s.yaml", "title": "<b>T</b>"},
        "base_url": "http://127.0.0.1:1",
        "started": "2026-01-01T00:00:00Z",
        "duration_seconds": 1,
        "cases": [{"name": "c", "outcome": "failed", "duration_seconds": 0.1, "message": "<img src=x>"}],
        "findings": [
            {
                "check": "response_schema_conformance",
                "severity": "error",
                "operation": "op",
                "method": "GET",
                "url": "http://127.0.0.1:1/x",
                "status": 200,
                "path": "$.a",
                "rule": "type",
                "expected": "string",
                "actual": "<script>alert(1)</script>",
                "message": "<script>",
                "curl": "curl -X GET 'http://127.0.0.1:1/x'",
                "case": "c",
            }
        ],
        "coverage": {
            "operations_total": 1,
            "operations_exercised": 1,
            "operations_percent": 100.0,
            "statuses_declared": 1,
            "statuses_exercised": 1,
            "operations": [
                {
                    "operation": "op",
                    "method": "GET",
                    "path": "/x",
                    "statuses_declared": ["200"],
                    "statuses_seen": {"200": 1},
                    "declared_statuses_seen": ["200"],
                }
            ],
        },
        "summary": {"cases": 1, "cases_failed": 1, "errors": 1, "warnings": 0, "new_errors": 1},
    }
    page = render_html(report)
    assert "<script" not in page and "<img" not in page and "<b>T</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "FAILED" in page


def test_the_scenario_runner_writes_an_html_report_too(tmp_path, capsys):
    page = tmp_path / "scenario.html"
    assert main(["contract", "--report-html", str(page)]) == 0
    assert "talos-lifecycle" not in capsys.readouterr().err
    text = page.read_text()
    assert "PASSED" in text and "issue" in text and "AdminIssueAPIKey" in text


@pytest.mark.parametrize(
    "arguments",
    [
        ["--generate", "--tests", "x"],
        ["--generate", "--scenario", "talos-lifecycle"],
        ["--generate", "--max-cases", "0"],
    ],
)
def test_generate_refuses_options_that_do_not_go_with_it(arguments, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["contract", *arguments])
    assert exit_info.value.code == 2


PLUGIN_TEST = """
from talos_dynamic.contract.generation import generate


def test_generated_cases(api):
    run = generate(api, seed=0, max_cases=60)
    assert run.errors == [], "\\n".join(str(f) for f in run.errors)
"""


def test_generate_from_the_pytest_plugin(tmp_path):
    (tmp_path / "test_api.py").write_text(PLUGIN_TEST)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    with start_server(token=ADMIN_TOKEN, fault="html-content-type") as server:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                str(tmp_path),
                "-q",
                "-p",
                "no:cacheprovider",
                "-p",
                "talos_dynamic.contract.pytest_plugin",
            ]
            + ["--base-url", server.url, "--token", ADMIN_TOKEN],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )
    assert done.returncode == 1, done.stdout[-2000:]
    assert "content_type_conformance: AdminVerifyAPIKey" in done.stdout
    assert "1 failed" in done.stdout


def test_a_generated_report_with_domain_findings_follows_the_report_schema(tmp_path):
    import jsonschema

    from talos_dynamic.contract.generation import run_generated
    from talos_dynamic.contract.reports import SCHEMA_PATH

    from .pets_api import API_KEY, PetsServer

    path = tmp_path / "pets.json"
    with PetsServer("accept-negative", "resurrect") as server, open(os.devnull, "w") as quiet:
        code = run_generated(
            spec=server.spec,
            base_url=server.url,
            token=None,
            headers={"X-API-Key": API_KEY},
            max_cases=120,
            report_json=str(path),
            out=quiet,
        )
    report = json.loads(path.read_text())
    assert code == 1
    assert {"negative_data_accepted", "use_after_delete"} <= {f["check"] for f in report["findings"]}
    jsonschema.validate(report, json.loads(SCHEMA_PATH.read_text()))


def test_the_domain_checks_take_a_severity_on_the_command_line():
    from talos_dynamic.cli.commands import parse_severities

    values = ["ignored_auth=off", "use_after_delete=warning", "negative_data_accepted=error"]
    assert parse_severities(values) == {
        "ignored_auth": "off",
        "use_after_delete": "warning",
        "negative_data_accepted": "error",
    }


@pytest.mark.parametrize("engine", ["random", "hypothesis"])
def test_an_exception_inside_generation_is_an_error_of_the_run_not_a_pass(tmp_path, capsys, monkeypatch, engine):
    """A library clash (here: drawing a value raises) ends that case as an error: exit 5, the report, JUnit
    and HTML say so, and the other cases still run; with either engine of the positive phase."""
    from hypothesis import strategies as st

    from talos_dynamic.contract import generation

    def clash(_arguments):
        return st.just(None).map(lambda _: {}.missing_helper())  # AttributeError, as a changed internal API gives

    if engine == "hypothesis":
        monkeypatch.setattr(generation, "plain", lambda _schema: False)  # every schema to Hypothesis
        monkeypatch.setattr(generation, "arguments_strategy", clash)
    else:
        monkeypatch.setattr(generation.RandomValues, "value", lambda _self, _schema: {}.missing_helper())
    paths = {kind: tmp_path / f"report.{kind}" for kind in ("json", "xml", "html")}
    with start_server(token=ADMIN_TOKEN) as server:
        code = main(
            ["contract", "--base-url", server.url, "--token", ADMIN_TOKEN, "--generate", "--max-cases", "200"]
            + ["--report-json", str(paths["json"]), "--report-junit", str(paths["xml"])]
            + ["--report-html", str(paths["html"])]
        )
    out = capsys.readouterr().out
    report = json.loads(paths["json"].read_text())
    broken = [case for case in report["cases"] if case["outcome"] == "error"]
    assert code == generation.EXIT_BROKEN == 5
    assert broken and {case["name"].split(":")[0] for case in broken} == {"positive"}
    assert all("generation broke: AttributeError:" in case["message"] for case in broken)
    assert "missing_helper" in broken[0]["message"] and "test_generate_cli.py" in broken[0]["message"]
    assert report["summary"]["cases_errored"] == len(broken)
    assert any(case["outcome"] == "passed" for case in report["cases"])  # the other phases ran
    assert f"ERROR: generation broke in {len(broken)} case(s)" in out and "PASSED" not in out.splitlines()[-1]
    assert ET.parse(paths["xml"]).getroot().find("testsuite").get("errors") == str(len(broken))
    assert "ERROR</span>" in paths["html"].read_text()


def test_generate_leaves_no_hypothesis_folder_in_the_working_directory(tmp_path):
    """What Hypothesis computes once is kept in the user's cache, not in a `.hypothesis` of the project."""
    work, cache = tmp_path / "project", tmp_path / "cache"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"}
    env.update(XDG_CACHE_HOME=str(cache), PYTHONPATH=os.pathsep.join(sys.path))
    # the Talos spec with one schema beyond the plain ones, so that Hypothesis generates for that operation
    document = copy.deepcopy(Client(TALOS_SPEC).spec.document)
    media = document["paths"]["/v2alpha1/admin/apiKeys:verify"]["post"]["requestBody"]["content"]["application/json"]
    media["schema"] = {"allOf": [media["schema"], {"not": {"required": ["unused"]}}]}
    spec = tmp_path / "talos-with-allof.json"
    spec.write_text(json.dumps(document))
    with start_server(token=ADMIN_TOKEN) as server:
        command = [sys.executable, "-m", "talos_dynamic.cli", "contract", "--base-url", server.url, "--spec", str(spec)]
        command += ["--token", ADMIN_TOKEN, "--generate", "--max-cases", "300"]
        done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1) and "Generated " in done.stdout, done.stdout + done.stderr
    assert list(work.iterdir()) == []
    assert (cache / "talos-dynamic" / "hypothesis").is_dir()

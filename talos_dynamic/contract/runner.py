"""`talos-dynamic contract`: run a scenario (or the user's pytest tests) and report what the server broke."""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

from ..client import Client
from .findings import ContractConfig
from .reports import build_report, coverage_table, findings_text, load_baseline, write_json, write_junit
from .scenarios import SCENARIOS, CaseResult, run_scenario


class Progress:
    """A progress bar on a terminal, plain lines otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()

    def __call__(self, index: int, total: int, result: CaseResult) -> None:
        if self.tty:
            filled = int(30 * index / total)
            self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {index}/{total} {result.name[:40]:<40}")
            if index == total:
                self.stream.write("\n")
        else:
            self.stream.write(
                f"{result.outcome.upper():<7} {result.name} ({result.seconds * 1000:.0f} ms)"
                + (f": {result.message}" if result.message and result.outcome != "passed" else "")
                + "\n"
            )
        self.stream.flush()


def run_contract(
    *,
    spec: str,
    base_url: str,
    token: str | None,
    headers: dict[str, str],
    scenario: str | None,
    tests: str | None,
    report_json: str | None,
    report_junit: str | None,
    baseline: str | None,
    fail_under: float | None,
    max_response_time: float | None,
    severities: dict[str, str] | None = None,
    out: TextIO = sys.stdout,
) -> int:
    """Run, report, and return the exit code: 1 when a case failed, an error-severity finding is not in the
    baseline, or operation coverage is under fail_under; else 0."""
    started, clock = dt.datetime.now(dt.UTC), time.perf_counter()
    accepted = load_baseline(baseline)
    if tests:
        report = _run_pytest(spec, base_url, token, headers, tests, max_response_time, report_junit, severities or {})
        report = _rebaseline(report, accepted)
    else:
        config = ContractConfig(severities=severities or {}, max_response_time=max_response_time)
        with Client(spec, base_url=base_url, token=token, headers=headers, contract=config) as client:
            cases = run_scenario(client, SCENARIOS[scenario or "talos-lifecycle"], Progress(out))
            report = build_report(
                client.contract,
                cases,
                spec_source=client.spec.source,
                title=str(client.spec.info.get("title", "")),
                base_url=base_url,
                started=started,
                seconds=time.perf_counter() - clock,
                baseline=accepted,
            )
        if report_junit:
            write_junit(report, report_junit, scenario or "talos-lifecycle")
    if report_json:
        write_json(report, report_json)
    out.write(coverage_table(report) + "\n" + findings_text(report) + "\n")
    summary = report["summary"]
    percent = report["coverage"]["operations_percent"]
    problems = []
    if summary["cases_failed"]:
        problems.append(f"{summary['cases_failed']} case(s) failed")
    if summary["new_errors"]:
        problems.append(f"{summary['new_errors']} error-severity finding(s) not in the baseline")
    if fail_under is not None and percent < fail_under:
        problems.append(f"operation coverage {percent}% is under --fail-under {fail_under}%")
    out.write(("FAILED: " + "; ".join(problems) if problems else "PASSED: no new error-severity finding") + "\n")
    return 1 if problems else 0


def _run_pytest(
    spec: str,
    base_url: str,
    token: str | None,
    headers: dict[str, str],
    tests: str,
    max_response_time: float | None,
    report_junit: str | None,
    severities: dict[str, str],
) -> dict[str, Any]:
    import pytest

    with tempfile.TemporaryDirectory() as folder:
        json_path = Path(folder) / "contract.json"
        # the plugin is loaded through its pytest11 entry point
        args = [tests, "--spec", spec, "--base-url", base_url, "--contract-report-json", str(json_path), "-q"]
        if token:
            args += ["--token", token]
        for name, value in headers.items():
            args += ["--contract-header", f"{name}: {value}"]
        for name, severity in severities.items():
            args += ["--contract-check", f"{name}={severity}"]
        if max_response_time is not None:
            args += ["--max-response-time", str(max_response_time)]
        if report_junit:
            args += ["--junitxml", report_junit]
        code = pytest.main(args)
        if not json_path.exists():
            raise SystemExit(f"pytest exited with {code} before writing the contract report")
        return json.loads(json_path.read_text(encoding="utf-8"))


def _rebaseline(report: dict[str, Any], accepted: set[str]) -> dict[str, Any]:
    for finding in report["findings"]:
        finding["baselined"] = finding["key"] in accepted
    for case in report["cases"]:
        new = [
            f
            for f in report["findings"]
            if f["case"] == case["name"] and f["severity"] == "error" and not f["baselined"]
        ]
        if case["outcome"] == "failed" and case["message"] and "contract finding" in case["message"] and not new:
            case["outcome"], case["message"] = "passed", None
    report["summary"]["cases_failed"] = sum(1 for c in report["cases"] if c["outcome"] == "failed")
    report["summary"]["new_errors"] = sum(
        1 for f in report["findings"] if f["severity"] == "error" and not f["baselined"]
    )
    return report

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
from ..errors import ConfigurationError
from .findings import CHECKS, SEVERITIES, ContractConfig
from .reports import (
    build_report,
    coverage_table,
    effective_outcome,
    findings_text,
    load_baseline,
    write_json,
    write_junit,
)
from .scenarios import SCENARIOS, CaseResult, run_scenario

PLUGIN = "talos_dynamic.contract.pytest_plugin"


class Progress:
    """A rich progress bar on a terminal, plain lines otherwise. A step's outcome is the one the report
    gives it: a step whose answers broke a check at error severity (not baselined) is FAILED here too."""

    def __init__(self, stream: TextIO, baseline: set[str]) -> None:
        self.stream = stream
        self.baseline = baseline
        self.bar: Any = None
        if stream.isatty():
            from rich.console import Console
            from rich.progress import Progress as Bar

            self.bar = Bar(console=Console(file=stream), transient=True)
            self.task = self.bar.add_task("contract", total=None)
            self.bar.start()

    def __call__(self, index: int, total: int, result: CaseResult) -> None:
        outcome, message = effective_outcome(result, self.baseline)
        line = f"{outcome.upper():<7} {result.name} ({result.seconds * 1000:.0f} ms)" + (
            f": {message}" if message and outcome != "passed" else ""
        )
        if self.bar is not None:
            self.bar.update(self.task, total=total, completed=index, description=result.name)
            self.bar.console.print(line, highlight=False, markup=False)
            if index == total:
                self.bar.stop()
            return
        self.stream.write(line + "\n")
        self.stream.flush()


def run_contract(
    *,
    spec: str,
    base_url: str | None,
    token: str | None,
    headers: dict[str, str],
    scenario: str | None,
    tests: str | None,
    report_json: str | None,
    report_junit: str | None,
    baseline: set[str] | str | None,
    fail_under: float | None,
    max_response_time: float | None,
    severities: dict[str, str] | None = None,
    out: TextIO = sys.stdout,
) -> int:
    """Run, report, and return the exit code: 1 when a case failed, an error-severity finding is not in the
    baseline, or operation coverage is under fail_under; else 0. `base_url=None` uses the spec's servers;
    `baseline` is a set of finding keys or the path of a previous report. With `tests`, pytest prints the
    coverage and findings (once); else they are printed here."""
    started, clock = dt.datetime.now(dt.UTC), time.perf_counter()
    accepted = baseline if isinstance(baseline, set) else load_baseline(baseline)
    for name, severity in (severities or {}).items():
        if name not in CHECKS or severity not in SEVERITIES:
            raise ConfigurationError(
                f"check {name}={severity}: expected one of {', '.join(CHECKS)} = error|warning|off"
            )
    if tests:
        report = _run_pytest(
            spec, base_url, token, headers, tests, max_response_time, report_junit, severities or {}, accepted
        )
    else:
        config = ContractConfig(severities=severities or {}, max_response_time=max_response_time)
        with Client(spec, base_url=base_url, token=token, headers=headers, contract=config) as client:
            cases = run_scenario(client, SCENARIOS[scenario or "talos-lifecycle"], Progress(out, accepted))
            report = build_report(
                client.contract,
                cases,
                spec_source=client.spec.source,
                title=str(client.spec.info.get("title", "")),
                base_url=base_url or "the spec's servers",
                started=started,
                seconds=time.perf_counter() - clock,
                baseline=accepted,
            )
        if report_junit:
            write_junit(report, report_junit, scenario or "talos-lifecycle")
        out.write(coverage_table(report) + "\n" + findings_text(report) + "\n")
    if report_json:
        write_json(report, report_json)
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
    base_url: str | None,
    token: str | None,
    headers: dict[str, str],
    tests: str,
    max_response_time: float | None,
    report_junit: str | None,
    severities: dict[str, str],
    baseline: set[str],
) -> dict[str, Any]:
    import pytest

    with tempfile.TemporaryDirectory() as folder:
        json_path, baseline_path = Path(folder) / "contract.json", Path(folder) / "baseline.json"
        baseline_path.write_text(json.dumps(sorted(baseline)), encoding="utf-8")
        # an install of an older version declared the plugin as the pytest11 entry point "talos_dynamic":
        # blocking that name keeps the module from being registered twice
        args = [tests, "-p", "no:talos_dynamic", "-p", PLUGIN, "--spec", spec, "--contract-report-json", str(json_path)]
        # -rN: no "short test summary info" (under CI=true pytest writes each failure's whole message there,
        # a second copy of the findings the summary below lists once)
        args += ["-q", "-rN"]
        args += ["--contract-baseline", str(baseline_path), "-p", "no:cacheprovider"]
        if base_url:
            args += ["--base-url", base_url]
        if token:
            args.append(f"--token={token}")  # a token may start with "-"
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

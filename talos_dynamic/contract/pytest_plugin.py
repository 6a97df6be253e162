"""The talos-dynamic pytest plugin: a contract-mode `api` fixture, per-test findings, a session summary.

Active only where it is asked for: `pytest -p talos_dynamic.contract.pytest_plugin`, `addopts = -p
talos_dynamic.contract.pytest_plugin` in an ini file, or `pytest_plugins = ["talos_dynamic.contract.pytest_plugin"]`
in a conftest.py (the package declares no pytest11 entry point, so other projects' sessions never load it).

Options: --spec (default: the bundled Talos spec), --base-url (default with the bundled spec: a local Talos
server started for the session), --token, --contract-header, --contract-check NAME=error|warning|off,
--max-response-time, --contract-report-json, --contract-baseline. A test fails when one of its calls broke a
check at error severity that the baseline does not accept; the failure is a few lines: the test's line that
made the call, each finding, and its curl.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
import traceback
from collections.abc import Iterator
from typing import Any

import pytest

from ..bundled import TALOS_SPEC
from ..client import Client
from ..errors import ConfigurationError
from .findings import CHECKS, SEVERITIES, ContractConfig, Finding
from .recorder import ContractRecorder
from .reports import build_report, coverage_table, findings_text, load_baseline, write_json
from .scenarios import CaseResult

_STATE: dict[str, Any] = {}


def _add(group: Any, *names: str, **kwargs: Any) -> None:
    with contextlib.suppress(ValueError):  # another plugin (pytest-base-url) owns the name; its value is used
        group.addoption(*names, **kwargs)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("talos-dynamic", "contract testing a live server against its OpenAPI spec")
    _add(group, "--spec", default=None, help="spec path or URL (default: the bundled Talos spec)")
    _add(group, "--base-url", default=None, help="the API's base URL")
    _add(group, "--token", default=None, help="bearer token")
    _add(group, "--contract-header", action="append", default=[], help="extra header 'Name: value'")
    _add(group, "--max-response-time", type=float, default=None, help="seconds; slower answers are findings")
    _add(group, "--contract-check", action="append", default=[], help="NAME=error|warning|off for one check")
    _add(group, "--contract-report-json", default=None, help="write the JSON contract report here")
    _add(group, "--contract-baseline", default=None, help="a previous JSON report: its findings do not fail")


def _option(config: pytest.Config, name: str) -> Any:
    try:
        return config.getoption(name)
    except ValueError:
        return None


def pytest_configure(config: pytest.Config) -> None:
    """Check the options once, before any test runs: a wrong one is a usage error, never ignored."""
    severities = {}
    for value in _option(config, "--contract-check") or []:
        name, _, severity = value.partition("=")
        if name not in CHECKS or severity not in SEVERITIES:
            raise pytest.UsageError(
                f"--contract-check {value!r}: expected NAME=error|warning|off, NAME one of {', '.join(CHECKS)}"
            )
        severities[name] = severity
    try:
        baseline = load_baseline(_option(config, "--contract-baseline"))
    except ConfigurationError as exc:
        raise pytest.UsageError(f"--contract-baseline: {exc}") from None
    _STATE.clear()
    _STATE.update(severities=severities, baseline=baseline, locations={}, cases=[])


@pytest.fixture(scope="session")
def contract_report(request: pytest.FixtureRequest) -> ContractRecorder:
    """The session's findings and coverage."""
    if "recorder" not in _STATE:
        config = ContractConfig(
            severities=_STATE.get("severities", {}), max_response_time=_option(request.config, "--max-response-time")
        )
        _STATE["recorder"] = ContractRecorder(config)
    return _STATE["recorder"]


def _locate(recorder: ContractRecorder, start: int) -> None:
    """Remember, for the findings from index `start` on, the line of the running test that made the call."""
    item = _STATE.get("item")
    if item is None or start >= len(recorder.findings):
        return
    test_file = str(item.path)
    frames = [f for f in traceback.extract_stack() if f.filename == test_file]
    if frames:
        where = (item.path.name, frames[-1].lineno, (frames[-1].line or "").strip())
        for index in range(start, len(recorder.findings)):
            _STATE["locations"][index] = where


@pytest.fixture(scope="session")
def _contract_client(request: pytest.FixtureRequest, contract_report: ContractRecorder) -> Iterator[Client]:
    config = request.config
    spec = _option(config, "--spec") or str(TALOS_SPEC)
    base_url, token = _option(config, "--base-url"), _option(config, "--token")
    headers = dict(h.split(":", 1) for h in _option(config, "--contract-header") or [])
    server = None
    if not base_url and spec == str(TALOS_SPEC):
        from ..cli.demo import new_token
        from ..server import start_server

        token = new_token()
        server = start_server(token=token)
        base_url = server.url
    client = Client(
        spec,
        base_url=base_url,
        token=token,
        headers={k.strip(): v.strip() for k, v in headers.items()},
        contract=contract_report,
    )
    seen = {"count": 0}

    def locate(request: Any, response: Any) -> None:  # runs after the recorder's own hook
        _locate(contract_report, seen["count"])
        seen["count"] = len(contract_report.findings)

    client.hooks["response"].append(locate)
    _STATE.update(client=client, base_url=base_url or "", started=dt.datetime.now(dt.UTC), clock=time.perf_counter())
    yield client
    client.close()
    if server is not None:
        server.stop()


@pytest.fixture()
def api(
    request: pytest.FixtureRequest, _contract_client: Client, contract_report: ContractRecorder
) -> Iterator[Client]:
    """A contract-mode client; the calls a test makes are attributed to it."""
    contract_report.case = request.node.nodeid
    _STATE["item"] = request.node
    yield _contract_client
    contract_report.case = None
    _STATE["item"] = None


def _new_errors(item: pytest.Item) -> list[tuple[int, Finding]]:
    recorder: ContractRecorder | None = _STATE.get("recorder")
    if recorder is None:
        return []
    baseline = _STATE.get("baseline", set())
    return [
        (index, f)
        for index, f in enumerate(recorder.findings)
        if f.case == item.nodeid and f.severity == "error" and f.key not in baseline
    ]


def failure_text(errors: list[tuple[int, Finding]]) -> str:
    """The failure of a test whose calls broke the contract: per call site, the line, the findings, the curl."""
    by_place: dict[Any, list[Finding]] = {}
    for index, finding in errors:
        by_place.setdefault(_STATE["locations"].get(index), []).append(finding)
    lines = []
    for place, findings in by_place.items():
        count = f"{len(findings)} finding{'s' if len(findings) > 1 else ''}"
        if place is None:
            lines.append(f"the server broke the contract ({count}):")
        else:
            name, number, source = place
            lines += [f"{name}:{number}: the server broke the contract in this call ({count}):", f"    {source}"]
        for finding in findings:
            lines += [f"  {finding}", f"    {finding.curl}"]
    return "\n".join(lines)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or "api" not in getattr(item, "fixturenames", ()):
        return
    errors = _new_errors(item)
    if errors:
        text = failure_text(errors)
        if report.passed:
            report.outcome, report.longrepr = "failed", text
        else:
            report.sections.append(("talos-dynamic contract", text))
    message = None
    if not report.passed:
        message = failure_text(errors).splitlines()[0] if errors else str(report.longrepr).splitlines()[-1]
    _STATE.setdefault("cases", []).append(
        CaseResult(
            item.nodeid,
            "passed" if report.passed else "failed" if report.failed else "skipped",
            report.duration,
            message[:500] if message else None,
        )
    )


def _report() -> dict[str, Any] | None:
    recorder, client = _STATE.get("recorder"), _STATE.get("client")
    if recorder is None or client is None:
        return None
    cases = _STATE.get("cases", [])
    for case in cases:
        case.findings = recorder.findings_for(case.name)
    return build_report(
        recorder,
        cases,
        spec_source=client.spec.source,
        title=str(client.spec.info.get("title", "")),
        base_url=_STATE["base_url"],
        started=_STATE["started"],
        seconds=time.perf_counter() - _STATE["clock"],
        baseline=_STATE.get("baseline", set()),
    )


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    report = _report()
    if report is None:
        return
    terminalreporter.write_sep("=", "talos-dynamic contract")
    for line in (coverage_table(report) + "\n" + findings_text(report)).splitlines():
        terminalreporter.write_line(line)
    path = _option(config, "--contract-report-json")
    if path:
        write_json(report, path)
        terminalreporter.write_line(f"contract report: {path}")
    _STATE.clear()

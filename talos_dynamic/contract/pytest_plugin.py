"""The talos-dynamic pytest plugin: contract-mode `api` fixture, per-test findings, a session summary.

Options: --spec (default: the bundled Talos spec), --base-url (default with the bundled spec: a local Talos
server started for the session), --token, --contract-header, --max-response-time, --contract-report-json.
A test fails when one of its calls broke a check at error severity; the failure lists the findings.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest

from ..bundled import TALOS_SPEC
from ..client import Client
from .findings import ContractConfig
from .recorder import ContractRecorder
from .reports import build_report, coverage_table, findings_text, write_json
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


def _option(config: pytest.Config, name: str) -> Any:
    try:
        return config.getoption(name)
    except ValueError:
        return None


@pytest.fixture(scope="session")
def contract_report(request: pytest.FixtureRequest) -> ContractRecorder:
    """The session's findings and coverage."""
    if "recorder" not in _STATE:
        _STATE["recorder"] = ContractRecorder(
            ContractConfig(max_response_time=_option(request.config, "--max-response-time"))
        )
    return _STATE["recorder"]


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
    yield _contract_client
    contract_report.case = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    outcome = yield
    recorder = _STATE.get("recorder")
    if recorder is None or "api" not in getattr(item, "fixturenames", ()):
        return
    errors = [f for f in recorder.findings_for(item.nodeid) if f.severity == "error"]
    if errors and outcome.excinfo is None:
        text = "\n".join(f"  {f}\n    {f.curl}" for f in errors)
        outcome.force_exception(AssertionError(f"the server broke the contract ({len(errors)} finding(s)):\n{text}"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and "api" in getattr(item, "fixturenames", ()):
        _STATE.setdefault("cases", []).append(
            CaseResult(
                item.nodeid,
                "passed" if report.passed else "failed" if report.failed else "skipped",
                report.duration,
                None if report.passed else str(report.longrepr).splitlines()[-1][:500],
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
        baseline=set(),
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

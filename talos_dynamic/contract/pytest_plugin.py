"""The talos-dynamic pytest plugin: a contract-mode `api` fixture, per-test findings, a session summary.

Active only where it is asked for: `pytest -p talos_dynamic.contract.pytest_plugin`, `addopts = -p
talos_dynamic.contract.pytest_plugin` in an ini file, or `pytest_plugins = ["talos_dynamic.contract.pytest_plugin"]`
in a conftest.py (the package declares no pytest11 entry point, so other projects' sessions never load it).

Options: --spec (default: the bundled Talos spec), --base-url (default with the bundled spec: a local Talos
server started for the session), --token, --contract-header, --contract-check NAME=error|warning|off,
--max-response-time, --contract-report-json, --contract-baseline. A test fails when one of its calls broke a
check at error severity that the baseline does not accept; the failure is a few lines: the test's line that
made the call, each finding, and its curl.

--contract-generate (with --contract-seed, --contract-max-cases, --contract-max-time) adds one test per
operation of the spec, `generated::<operation>`: `contract --generate`'s cases, run once for the session,
and each test fails with its own operation's findings (or generation breaking in one of its cases).
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
from .generate_options import DEFAULT_MAX_CASES
from .recorder import ContractRecorder
from .reports import build_report, coverage_table, findings_text, load_baseline, write_json
from .scenarios import CaseResult

_STATE: dict[str, Any] = {}
_SERVER: dict[str, Any] = {}  # the local server started for the session (kept apart: the summary clears _STATE)


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
    group.addoption(
        "--contract-generate",
        action="store_true",
        help="add one test per operation of --spec: generated cases (as `contract --generate`), failing with "
        "that operation's findings",
    )
    group.addoption("--contract-seed", type=int, default=0, help="with --contract-generate: the seed")
    group.addoption(
        "--contract-max-cases",
        type=int,
        default=DEFAULT_MAX_CASES,
        help="with --contract-generate: at most N requests in all",
    )
    group.addoption("--contract-max-time", type=float, default=None, help="with --contract-generate: seconds")


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
    if _option(config, "--contract-generate") and (_option(config, "--contract-max-cases") or 0) < 1:
        raise pytest.UsageError("--contract-max-cases must be at least 1")
    _STATE.clear()
    _STATE.update(severities=severities, baseline=baseline, locations={}, cases=[])


@pytest.fixture(scope="session")
def contract_report(request: pytest.FixtureRequest) -> ContractRecorder:
    """The session's findings and coverage."""
    return _recorder(request.config)


def _recorder(config: pytest.Config) -> ContractRecorder:
    if "recorder" not in _STATE:
        settings = ContractConfig(
            severities=_STATE.get("severities", {}), max_response_time=_option(config, "--max-response-time")
        )
        _STATE["recorder"] = ContractRecorder(settings)
    return _STATE["recorder"]


def _open_client(config: pytest.Config, recorder: ContractRecorder, **options: Any) -> Client:
    """A contract-mode client from the options (with the bundled spec and no base URL, on a local server
    started for the session and stopped at its end)."""
    spec = _option(config, "--spec") or str(TALOS_SPEC)
    base_url, token = _option(config, "--base-url"), _option(config, "--token")
    headers = dict(h.split(":", 1) for h in _option(config, "--contract-header") or [])
    if not base_url and spec == str(TALOS_SPEC):
        if not _SERVER:
            from ..cli.demo import new_token
            from ..server import start_server

            _SERVER["token"] = new_token()
            _SERVER["server"] = start_server(token=_SERVER["token"])
        token, base_url = _SERVER["token"], _SERVER["server"].url
    client = Client(
        spec,
        base_url=base_url,
        token=token,
        headers={k.strip(): v.strip() for k, v in headers.items()},
        contract=recorder,
        **options,
    )
    _STATE.setdefault("client", client)
    _STATE.setdefault("base_url", base_url or "")
    _STATE.setdefault("started", dt.datetime.now(dt.UTC))
    _STATE.setdefault("clock", time.perf_counter())
    return client


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
    client = _open_client(request.config, contract_report)
    seen = {"count": 0}

    def locate(request: Any, response: Any) -> None:  # runs after the recorder's own hook
        _locate(contract_report, seen["count"])
        seen["count"] = len(contract_report.findings)

    client.hooks["response"].append(locate)
    yield client
    client.close()


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


# -- generated cases: one test per operation ------------------------------------------------------------------
@pytest.hookimpl(tryfirst=True)  # before -k and -m deselect: they apply to these tests too
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """With --contract-generate, one test per operation of the spec, named `generated::<operation>`."""
    if not _option(config, "--contract-generate"):
        return
    from .generation import _require_engine

    try:
        _require_engine()
        client = _open_client(config, _recorder(config), retries=0)
    except Exception as exc:  # noqa: BLE001 - a spec or setup that cannot be used: say so, as a usage error
        raise pytest.UsageError(f"--contract-generate: {exc}") from None
    _STATE["generate_client"] = client
    run = GeneratedRun.from_parent(session, name="generated", nodeid="generated")
    generated = [GeneratedOperation.from_parent(run, name=op.name) for op in client.spec.operations]
    # reported as collected, as a file's tests are ("collected N items", --collect-only)
    config.hook.pytest_collectreport(report=pytest.CollectReport(run.nodeid, "passed", None, list(generated)))
    items.extend(generated)


class GeneratedRun(pytest.Collector):
    """The parent of the generated tests (they are added at collection, not collected from a file)."""

    def collect(self) -> list[pytest.Item]:
        return []


class GeneratedCasesFailed(Exception):
    """An operation's generated cases broke the contract, or generation itself broke there."""


class GeneratedOperation(pytest.Item):
    """One operation's generated cases. The run (every operation, one budget, as `contract --generate`)
    happens once, in the first of these tests that runs; each then fails with its own operation's findings
    at error severity (not baselined), errors when generation broke in one of its cases, and is skipped when
    no request reached the operation within the budget."""

    def runtest(self) -> None:
        run = _generated_run(self.config)
        operation = self.name
        broken = [c for c in run.cases if c.outcome == "error" and operation in _case_operations(c.name)]
        baseline = _STATE.get("baseline", set())
        errors = [
            f for f in run.findings if f.operation == operation and f.severity == "error" and f.key not in baseline
        ]
        lines = [f"generation broke in {c.name}: {c.message}" for c in broken]
        if errors:
            count = f"{len(errors)} finding{'s' if len(errors) > 1 else ''}"
            lines.append(f"{operation}: the server broke the contract in generated cases ({count}, seed {run.seed}):")
            lines += [f"  {finding}\n    {finding.curl}" for finding in errors]
        if lines:
            raise GeneratedCasesFailed("\n".join(lines))
        seen = next(row for row in _STATE["recorder"].coverage()["operations"] if row["operation"] == operation)
        if not seen["statuses_seen"]:
            pytest.skip(f"no generated request reached {operation} within the budget")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, GeneratedCasesFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"generated: {self.name}"


def _case_operations(name: str) -> list[str]:
    """The operations of a generation case: `negative: Op` -> [Op]; `stateful: chain: A -> B` -> [A, B]."""
    rest = name.split(": ", 1)[-1]
    return rest.removeprefix("chain: ").split(" -> ") if rest.startswith("chain: ") else [rest]


def _generated_run(config: pytest.Config) -> Any:
    if "generated" not in _STATE:
        from .generation import generate

        client = _STATE["generate_client"]
        _STATE["generated"] = generate(
            client,
            seed=_option(config, "--contract-seed") or 0,
            max_cases=_option(config, "--contract-max-cases"),
            max_time=_option(config, "--contract-max-time"),
        )
        _STATE.setdefault("cases", []).extend(_STATE["generated"].cases)
    return _STATE["generated"]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Close what --contract-generate opened (the summary, written after this, needs only the recorder)."""
    client = _STATE.get("generate_client")
    if client is not None:
        client.close()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SERVER:
        _SERVER.pop("server").stop()
        _SERVER.clear()


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

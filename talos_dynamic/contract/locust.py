"""Contract checks under load, on Locust: every answer goes through the contract checks, and the findings
of every worker end in one report written by the master (or by a single local process).

A locustfile::

    from talos_dynamic.locust import ContractUser

    class ApiUser(ContractUser):
        spec = "openapi.yaml"          # path, URL or dict; the host is Locust's --host
        token = os.environ["API_TOKEN"]
        # operations = ["GetJWKS", "AdminVerifyAPIKey"]   # default: every operation
        # scenario = TALOS_LIFECYCLE                       # or run a scenario per task instead

    locust -f locustfile.py --headless -u 20 -r 5 -t 1m --host http://127.0.0.1:4420 \
        --contract-report contract.json [--contract-report-html contract.html]

Each task calls one of the operations (chosen at random) with a valid call built from the spec's examples
and defaults, or runs the scenario. Locust sees every call as a request named after its operation; a call
that broke a check at error severity is a Locust failure. Workers send their findings and the statuses they
saw with each stats report; the master merges them and writes the report when it quits: the contract report
(findings once each with how often, coverage) plus `load` (calls, failures, p50/p95 latency per operation
and in total, workers).

Importing this module imports Locust, which patches the standard library for gevent: import it in
locustfiles only.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections import Counter, defaultdict
from dataclasses import fields
from typing import Any

from locust import User, constant, events, task
from locust.runners import MasterRunner, WorkerRunner

from ..call.arguments import ArgumentTable
from ..client import Client
from ..errors import ApiError, TalosDynamicError
from .findings import ContractConfig, Finding
from .recorder import ContractRecorder
from .reports import build_report, write_json
from .strategies import argument_schemas, base_arguments

MESSAGE_KEY = "talos_dynamic_contract"
_FINDING_FIELDS = {f.name for f in fields(Finding)}


class _Process:
    """This process's recorder and clients (one client per spec and host, shared by its users)."""

    def __init__(self) -> None:
        self.recorder = ContractRecorder()
        self.clients: dict[tuple[Any, ...], Client] = {}
        self.lock = threading.Lock()
        self.reported = 0  # findings already sent to the master
        self.reported_seen: dict[str, Counter[int]] = defaultdict(Counter)
        self.spec: Any = None
        self.host: str | None = None

    def client(self, user: ContractUser) -> Client:
        key = (id(user.spec), user.host, user.token)
        with self.lock:
            if key not in self.clients:
                if user.severities or user.max_response_time is not None:
                    self.recorder.config = ContractConfig(dict(user.severities), user.max_response_time)
                self.clients[key] = Client(
                    user.spec,
                    base_url=user.host,
                    token=user.token,
                    auth=user.auth,
                    headers=user.headers,
                    response_validation="off",
                    retries=0,
                )
                self.clients[key].hooks["response"].append(_checker(self.clients[key], self.recorder))
                self.clients[key].contract = self.recorder  # for scenarios, which attribute calls to their steps
                self.spec, self.host = user.spec, user.host
            return self.clients[key]

    def drain(self) -> dict[str, Any]:
        """What was found and seen since the last report (for a worker's report to the master)."""
        with self.recorder._lock:
            findings = [f.to_json() for f in self.recorder.findings[self.reported :]]
            self.reported = len(self.recorder.findings)
            seen = {}
            for operation, counts in self.recorder.seen.items():
                new = counts - self.reported_seen[operation]
                if new:
                    seen[operation] = {str(status): count for status, count in new.items()}
                    self.reported_seen[operation] = Counter(counts)
        return {"findings": findings, "seen": seen}


class _Aggregate:
    """The master's (or a local run's) merge of every process's findings and statuses."""

    def __init__(self) -> None:
        self.findings: dict[str, tuple[Finding, int]] = {}
        self.seen: dict[str, Counter[int]] = defaultdict(Counter)
        self.workers: set[str] = set()

    def merge(self, data: dict[str, Any], worker: str | None = None) -> None:
        if worker is not None:
            self.workers.add(worker)
        for raw in data.get("findings", []):
            finding = Finding(**{k: v for k, v in raw.items() if k in _FINDING_FIELDS})
            kept = self.findings.get(finding.key)
            count = kept[1] + 1 if kept else 1
            best = kept[0] if kept and len(kept[0].curl) <= len(finding.curl) else finding
            self.findings[finding.key] = (best, count)
        for operation, counts in data.get("seen", {}).items():
            for status, count in counts.items():
                self.seen[operation][int(status)] += int(count)


_PROCESS = _Process()
_AGGREGATE = _Aggregate()


class ContractUser(User):
    """A Locust user whose tasks are the spec's operations (or a scenario), every answer contract-checked.

    Class attributes: `spec` (required), `token`, `auth`, `headers`, `operations` (names; default every
    operation), `scenario` (steps as for run_scenario: each task then runs the whole scenario), `severities`
    ({check: "error" | "warning" | "off"}), `max_response_time` (seconds).
    """

    abstract = True
    wait_time = constant(0)
    spec: Any = None
    token: str | None = None
    auth: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    operations: list[str] | None = None
    scenario: list[Any] | None = None
    severities: dict[str, str] = {}  # noqa: RUF012 - a class-level setting, read only
    max_response_time: float | None = None

    def on_start(self) -> None:
        if self.spec is None:
            raise TalosDynamicError(f"{type(self).__name__}: set `spec` (a path, URL or dict) on the user class")
        self.api = _PROCESS.client(self)
        operations = (
            [self.api.operation(name).operation for name in self.operations]
            if self.operations
            else list(self.api.spec.operations)
        )
        self.calls = [
            (op, base_arguments(self.api, op, argument_schemas(self.api, op, ArgumentTable(op)), every=False))
            for op in operations
        ]

    @task
    def call_an_operation(self) -> None:
        """One operation's valid call (or the whole scenario, when one is set)."""
        _LOCAL.owner = self
        try:
            if self.scenario is not None:
                from .scenarios import run_scenario

                run_scenario(self.api, self.scenario)
                return
            operation, kwargs = random.choice(self.calls)
            try:
                self.api._bind(operation)(**kwargs, _retries=0)
            except ApiError:
                pass  # an error answer is checked and reported like any other
            except TalosDynamicError as error:
                self.environment.events.request.fire(
                    request_type=operation.method.upper(),
                    name=operation.name,
                    response_time=0,
                    response_length=0,
                    response=None,
                    context={},
                    exception=error,
                )
        finally:
            _LOCAL.owner = None


class ContractViolation(Exception):
    """A call under load broke a contract check at error severity (what Locust shows as the failure)."""


_LOCAL = threading.local()  # which user the calls of this greenlet belong to (gevent makes it per greenlet)


def _checker(client: Client, recorder: ContractRecorder) -> Any:
    """The response hook: the contract checks on every answer (recorded), then the answer as a Locust request
    event named after its operation, a failure when it broke a check at error severity."""
    recorder.attach(client.spec.operations)
    by_name = {op.name: op for op in client.spec.operations}
    validators = client._validators

    def check(request: Any, response: Any) -> None:
        operation = by_name.get(request.operation)
        if operation is None or not response.is_read:
            return
        found = recorder.observe(operation, request, response, validators)
        errors = [f for f in found if f.severity == "error"]
        user = getattr(_LOCAL, "owner", None)
        if user is None:
            return
        user.environment.events.request.fire(
            request_type=request.method,
            name=request.operation,
            response_time=response.elapsed.total_seconds() * 1000,
            response_length=len(response.content or b""),
            response=None,
            context={},
            exception=ContractViolation(f"{errors[0].check}: {errors[0].message}") if errors else None,
            url=request.masked_url(),
        )

    return check


# -- events: options, worker reports, the master's report -----------------------------------------------------
@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    parser.add_argument("--contract-report", default=None, help="write the merged contract report (JSON) here")
    parser.add_argument("--contract-report-html", default=None, help="and as a self-contained HTML page")


@events.report_to_master.add_listener
def _to_master(client_id: str, data: dict[str, Any]) -> None:
    data[MESSAGE_KEY] = _PROCESS.drain()


@events.worker_report.add_listener
def _from_worker(client_id: str, data: dict[str, Any]) -> None:
    if MESSAGE_KEY in data:
        _AGGREGATE.merge(data[MESSAGE_KEY], client_id)


@events.quitting.add_listener
def _write_report(environment: Any, **kwargs: Any) -> None:
    if isinstance(environment.runner, WorkerRunner):
        return
    if not isinstance(environment.runner, MasterRunner):
        _AGGREGATE.merge(_PROCESS.drain())  # a local run: this process made every call
    options = getattr(environment, "parsed_options", None)
    path = getattr(options, "contract_report", None)
    html = getattr(options, "contract_report_html", None)
    if not path and not html:
        return
    report = load_report(environment, _AGGREGATE)
    if path:
        write_json(report, path)
    if html:
        from .html_report import write_html

        write_html(report, html)


def load_report(environment: Any, aggregate: _Aggregate) -> dict[str, Any]:
    """The contract report of a Locust run: findings (each once, with `count`), coverage, and `load`."""
    recorder = ContractRecorder()
    spec = _PROCESS.spec or _spec_of(environment)
    if spec is not None:
        recorder.attach(Client(spec, base_url=environment.host or "http://127.0.0.1").spec.operations)
    recorder.findings = [finding for finding, _ in aggregate.findings.values()]
    for operation, counts in aggregate.seen.items():
        recorder.seen[operation].update(counts)
    stats = environment.stats
    report = build_report(
        recorder,
        [],
        spec_source=str(spec if not isinstance(spec, dict) else "(dict)"),
        title="",
        base_url=environment.host or "",
        started=dt.datetime.fromtimestamp(stats.total.start_time, dt.UTC),
        seconds=max(0.0, stats.total.last_request_timestamp - stats.total.start_time)
        if stats.total.last_request_timestamp
        else 0.0,
        baseline=set(),
    )
    counts = {finding.key: count for finding, count in aggregate.findings.values()}
    for finding in report["findings"]:
        finding["count"] = counts.get(finding["key"], 1)
    report["load"] = {
        "workers": len(aggregate.workers),
        "calls": stats.total.num_requests,
        "failures": stats.total.num_failures,
        "latency_ms": _latency(stats.total),
        "operations": {
            name: {"calls": entry.num_requests, "failures": entry.num_failures, "latency_ms": _latency(entry)}
            for (name, _method), entry in sorted(stats.entries.items())
        },
    }
    return report


def _latency(entry: Any) -> dict[str, float]:
    if not entry.num_requests:
        return {"p50": 0.0, "p95": 0.0, "max": 0.0}
    return {
        "p50": float(entry.get_response_time_percentile(0.5)),
        "p95": float(entry.get_response_time_percentile(0.95)),
        "max": float(entry.max_response_time),
    }


def _spec_of(environment: Any) -> Any:
    """The spec of the first ContractUser class (on a master, which runs no users of its own)."""
    for user_class in getattr(environment, "user_classes", []) or []:
        if issubclass(user_class, ContractUser) and user_class.spec is not None:
            return user_class.spec
    return None

"""Generated contract tests for any spec, with no test code: `talos-dynamic contract --generate`.

Phases, in order, each within the budget (`max_cases` requests, `max_time` seconds):
1. examples: per operation, the spec's examples and defaults (required arguments, then every argument),
   then boundary values (min/max lengths and numbers, each enum value, a format sample), one at a time;
2. stateful: chains from OpenAPI links, or inferred create -> get -> update -> list -> delete -> get (404);
3. auth: each operation that declares security, called without credentials, must not answer 2xx;
4. negative: one broken rule per request (negative.py), each answered 4xx;
5. positive: random valid calls from the schemas, every failure shrunk to the smallest request that still
   fails: drawn by RandomValues (random_values.py) and shrunk by shrinking.py where every argument's schema
   is plain, else by Hypothesis with hypothesis-jsonschema.
Every answer goes through the contract checks. The same seed gives the same requests. Each finding
keeps the smallest request that produced it, as a curl line with secrets masked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import sys
import time
import traceback
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..call.arguments import ArgumentTable
from ..errors import ConfigurationError
from ..spec.operations import Operation
from .cases import Case, CaseSender, Outcome
from .findings import ContractConfig, Finding
from .generate_options import DEFAULT_MAX_CASES
from .negative import negative_cases
from .random_values import RandomValues, plain
from .scenarios import CaseResult
from .shrinking import shrink
from .stateful import find_chains, run_chain, value_at
from .strategies import (
    ArgumentSchema,
    argument_schemas,
    arguments_strategy,
    base_arguments,
    body_examples,
    boundary_values,
    bounded,
)

PHASES = ("examples", "stateful", "auth", "negative", "positive")
EXIT_FINDINGS, EXIT_BROKEN = 1, 5  # run_generated's exit codes besides 0 (5: generation itself broke)
SHRINK_CALLS = 25  # requests one operation's shrinking may add to its share


@dataclass
class Budget:
    """How many requests may still be sent, and until when."""

    max_cases: int | None
    max_time: float | None
    sent: int = 0
    started: float = field(default_factory=time.monotonic)

    def left(self) -> int:
        if self.max_time is not None and time.monotonic() - self.started >= self.max_time:
            return 0
        return sys.maxsize if self.max_cases is None else max(0, self.max_cases - self.sent)

    def share(self, parts: int) -> int:
        """An even share of what is left among `parts` (at least 1 while anything is left)."""
        left = self.left()
        if left == sys.maxsize:
            return 50
        return max(1 if left else 0, left // max(1, parts))


@dataclass
class GenerationRun:
    """The outcome of generate(): one CaseResult per operation and phase and per chain, and the findings."""

    seed: int
    cases: list[CaseResult]
    findings: list[Finding]
    requests: int
    seconds: float
    phases: tuple[str, ...]
    chains: list[dict[str, Any]] = field(default_factory=list)
    cleanup: dict[str, int] = field(default_factory=dict)  # resources the other phases created, and deleted

    @property
    def errors(self) -> list[Finding]:
        """The findings at error severity."""
        return [f for f in self.findings if f.severity == "error"]

    @property
    def broken(self) -> list[CaseResult]:
        """The cases generation itself broke in (an unexpected exception, e.g. a library clash): what they
        were meant to test went untested; their message says what was raised and where."""
        return [case for case in self.cases if case.outcome == "error"]

    def summary(self) -> dict[str, Any]:
        """The run's settings and counts, for the JSON report's `generation` entry."""
        return {
            "seed": self.seed,
            "phases": list(self.phases),
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "chains": self.chains,
            "cleanup": self.cleanup,
        }


def generate(
    client: Any,
    *,
    seed: int = 0,
    max_cases: int | None = DEFAULT_MAX_CASES,
    max_time: float | None = None,
    phases: tuple[str, ...] | list[str] = PHASES,
    operations: list[str] | None = None,
    progress: Callable[[int, int, CaseResult], None] | None = None,
) -> GenerationRun:
    """Generate and send cases for every operation of a contract-mode client's spec; findings are recorded
    on client.contract (each kept once, with its smallest request)."""
    unknown = sorted(set(phases) - set(PHASES))
    if unknown:
        raise ValueError(f"unknown phases {unknown}; phases are {', '.join(PHASES)}")
    if max_cases is not None and max_cases < 1:
        raise ValueError(f"max_cases must be at least 1, not {max_cases}")
    chosen = _operations(client, operations)
    sender = CaseSender(client)
    recorder = client.contract
    first = len(recorder.findings)
    budget = Budget(max_cases, max_time)
    ordered = [phase for phase in PHASES if phase in phases]
    results: list[CaseResult] = []
    runner = None
    try:
        runner = _Runner(client, sender, budget, seed, chosen, ordered)
        if "positive" in ordered and runner.needs_hypothesis():
            _require_engine()
        units = [(phase, item) for phase in ordered for item in runner.items(phase)]
        for index, (phase, item) in enumerate(units, 1):
            result = runner.run(phase, item, units[index - 1 :])
            results.append(result)
            if progress:
                progress(index, len(units), result)
    finally:
        outer, recorder.case = recorder.case, "cleanup"
        try:
            if runner is not None:
                runner.clean_up()
        finally:
            recorder.case = outer
            sender.close()
    with recorder._lock:
        recorder.findings[first:] = smallest_per_key(recorder.findings[first:])
    for result in results:
        result.findings = recorder.findings_for(result.name)
    return GenerationRun(
        seed,
        results,
        recorder.findings[first:],
        sender.sent,
        time.monotonic() - budget.started,
        tuple(ordered),
        runner.chains,
        runner.cleanup,
    )


def _require_engine() -> None:
    try:
        _use_hypothesis_home()  # before anything Hypothesis computes once is stored
        import hypothesis  # noqa: F401
        import hypothesis_jsonschema  # noqa: F401
    except ImportError as error:
        raise ConfigurationError(
            f"generated cases need Hypothesis and hypothesis-jsonschema ({error.name} is missing): "
            "pip install 'talos-dynamic[generate]'"
        ) from None


def smallest_per_key(findings: list[Finding]) -> list[Finding]:
    """One finding per key, in first-seen order, with the shortest request (at equal length the later one:
    shrinking only moves to simpler requests)."""
    best: dict[str, Finding] = {}
    for finding in findings:
        kept = best.get(finding.key)
        if kept is None or len(finding.curl) <= len(kept.curl):
            best[finding.key] = finding
    return list(best.values())


def _operations(client: Any, names: list[str] | None) -> list[Operation]:
    if not names:
        return list(client.spec.operations)
    return [client.operation(name).operation for name in names]


class _Runner:
    """Runs one unit (an operation in a phase, or a chain) within the budget."""

    def __init__(
        self,
        client: Any,
        sender: CaseSender,
        budget: Budget,
        seed: int,
        operations: list[Operation],
        phases: list[str],
    ) -> None:
        self.client, self.sender, self.budget, self.seed = client, sender, budget, seed
        self.phases = phases
        self.operations = operations
        self.arguments = {op.name: argument_schemas(client, op, ArgumentTable(op)) for op in operations}
        # the positive phase's engine per operation: RandomValues when every argument's schema is plain
        self.plain = {name: all(plain(bounded(a.schema)) for a in args) for name, args in self.arguments.items()}
        self.chains: list[dict[str, Any]] = []
        self.found_chains = find_chains(client)
        # creates whose resources can be deleted again: what the other phases create is cleaned up at the end
        self.deletable = {
            chain.steps[0].operation.name: chain
            for chain in self.found_chains
            if chain.source == "inferred" and chain.delete is not None
        }
        self.leftovers: list[tuple[Any, Any]] = []
        self.cleanup = {"created": 0, "deleted": 0}

    def needs_hypothesis(self) -> bool:
        """Whether some operation's arguments are beyond the plain schemas RandomValues draws."""
        return not all(self.plain.values())

    def items(self, phase: str) -> list[Any]:
        if phase == "stateful":
            names = {op.name for op in self.operations}
            return [c for c in self.found_chains if all(s.operation.name in names for s in c.steps)]
        if phase == "auth":
            return [op for op in self.operations if _declares_security(self.client, op)]
        return list(self.operations)

    def base(self, operation: Operation, every: bool = False) -> dict[str, Any]:
        if operation.name not in self.arguments:  # a delete for cleanup, outside the chosen operations
            self.arguments[operation.name] = argument_schemas(self.client, operation, ArgumentTable(operation))
        return base_arguments(self.client, operation, self.arguments[operation.name], every)

    def run(self, phase: str, item: Any, units_left: list[Any]) -> CaseResult:
        name = f"{phase}: {item.name}"
        same_phase = len([u for u in units_left if u[0] == phase])
        share = self.budget.share(same_phase if phase == "positive" else len(units_left))
        recorder = self.sender.recorder
        outer, recorder.case = recorder.case, name
        started = time.perf_counter()
        problems: list[str] = []
        try:
            if phase == "stateful":
                self._chain(item, problems)
            elif phase == "positive":
                self._positive(item, share, problems)
            else:
                cases = {"examples": self._examples, "auth": self._auth, "negative": self._negative}[phase](item)
                self._send_all(cases, share, problems)
        except Exception as error:  # noqa: BLE001 - the generator broke, not the server: an error of the run
            return CaseResult(name, "error", time.perf_counter() - started, _broke(error))
        finally:
            recorder.case = outer  # a pytest test's own name, when generate() runs inside one
        message = "; ".join(dict.fromkeys(problems))[:500] or None
        failed = any(p.startswith("TransportError") for p in problems)
        return CaseResult(name, "failed" if failed else "passed", time.perf_counter() - started, message)

    def _send(self, case: Case, problems: list[str]) -> Outcome:
        outcome = self.sender.send(case)
        if outcome.request is not None:
            self.budget.sent += 1
        chain = self.deletable.get(case.operation.name)
        if chain is not None and outcome.result is not None and not case.method:
            created = value_at(outcome.result, chain.id_path)
            if created is not None:
                self.leftovers.append((chain, created))
        if outcome.problem and outcome.request is not None:
            problems.append(outcome.problem)
        return outcome

    def _send_all(self, cases: Iterator[Case], share: int, problems: list[str]) -> None:
        sent = 0
        for case in cases:
            if sent >= share or not self.budget.left():
                break
            outcome = self._send(case, problems)
            sent += outcome.request is not None

    # -- phases --
    def clean_up(self) -> None:
        """Delete what the phases other than chains created (not held to the budget)."""
        for chain, created in self.leftovers:
            kwargs = {**self.base(chain.delete), chain.delete_argument: created}
            outcome = self.sender.send(Case(chain.delete, kwargs))
            self.cleanup["created"] += 1
            self.cleanup["deleted"] += outcome.status is not None and 200 <= outcome.status < 300
        self.leftovers.clear()

    def _examples(self, operation: Operation) -> Iterator[Case]:
        required, every = self.base(operation), self.base(operation, every=True)
        yield Case(operation, required)
        if every != required:
            yield Case(operation, every)
        for example in body_examples(operation)[1:]:
            yield Case(operation, {**required, "body": example})
        for argument in self.arguments[operation.name]:
            yield from _boundary_cases(operation, argument, required)

    def _auth(self, operation: Operation) -> Iterator[Case]:
        yield Case(operation, self.base(operation), "unauthorized", without_credentials=True)

    def _negative(self, operation: Operation) -> Iterator[Case]:
        return negative_cases(self.client, operation, self.arguments[operation.name], self.base(operation))

    def _chain(self, chain: Any, problems: list[str]) -> None:
        before = self.sender.sent
        result = run_chain(
            self.sender,
            chain,
            self.base,
            lambda: self.sender.sent - before < self.budget.left(),
            lambda operation: "auth" in self.phases and _declares_security(self.client, operation),
        )
        self.budget.sent += self.sender.sent - before
        statuses = [o.status for o in result.outcomes]
        self.chains.append(
            {
                "name": chain.name,
                "source": chain.source,
                "statuses": statuses,
                "created": len(result.created),
                "deleted": len(result.deleted),
                "stopped": result.stopped,
            }
        )
        if result.stopped:
            problems.append(f"stopped: {result.stopped}")
        problems += [o.problem for o in result.outcomes if o.problem]

    def _positive(self, operation: Operation, share: int, problems: list[str]) -> None:
        if share <= 0:
            return
        arguments = self.arguments[operation.name]
        if self.plain[operation.name]:
            self._positive_random(operation, arguments, share, problems)
        else:
            self._positive_hypothesis(operation, arguments, share, problems)

    def _positive_random(
        self, operation: Operation, arguments: list[ArgumentSchema], share: int, problems: list[str]
    ) -> None:
        """Random valid calls drawn by RandomValues (plain schemas); each new kind of failure shrunk."""
        rng = random.Random(self.seed + zlib.crc32(operation.name.encode()))
        values = RandomValues(rng)
        schemas = [(argument, bounded(argument.schema)) for argument in arguments]
        shrunk: set[str] = set()
        sent, limit = 0, share + min(SHRINK_CALLS, share)  # as for Hypothesis: shrinking may add to the share
        for _ in range(share * 4):  # calls the spec's validator refuses are drawn again, not sent
            if sent >= share or not self.budget.left():
                return
            kwargs = {a.name: values.value(schema) for a, schema in schemas if a.required or rng.random() < 0.5}
            outcome = self._send(Case(operation, kwargs), problems)
            sent += outcome.request is not None
            for check in dict.fromkeys(f.check for f in outcome.errors if f.check not in shrunk):
                shrunk.add(check)
                spent = [0]

                def still_fails(candidate: dict[str, Any], check: str = check, spent: list[int] = spent) -> bool | None:
                    if not self.budget.left():
                        return False
                    tried = self._send(Case(operation, candidate), problems)
                    if tried.request is None:
                        return None
                    spent[0] += 1
                    return any(f.check == check for f in tried.errors)

                shrink(kwargs, arguments, still_fails, min(SHRINK_CALLS, limit - sent))
                sent += spent[0]

    def _positive_hypothesis(
        self, operation: Operation, arguments: list[ArgumentSchema], share: int, problems: list[str]
    ) -> None:
        """Random valid calls drawn by Hypothesis with hypothesis-jsonschema; failures shrunk by Hypothesis."""
        from hypothesis import HealthCheck, Phase, Verbosity, given, reject, settings
        from hypothesis import seed as hypothesis_seed

        try:
            strategy = arguments_strategy(arguments)
        except Exception as error:  # noqa: BLE001 - a schema Hypothesis cannot generate from: say so, go on
            problems.append(f"cannot generate: {type(error).__name__}: {error}"[:300])
            return
        limit = share + min(SHRINK_CALLS, share)
        sent = [0]

        def one_case(kwargs: dict[str, Any]) -> None:
            if sent[0] >= limit or not self.budget.left():
                return  # over budget: the case passes unsent (and shrinking stops there)
            outcome = self._send(Case(operation, kwargs), problems)
            if outcome.request is None:
                reject()
            sent[0] += 1
            errors = outcome.errors
            if errors:
                raise _failure(errors[0].check)(str(errors[0]))

        test = settings(
            max_examples=share,
            database=None,
            deadline=None,
            derandomize=False,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
            verbosity=Verbosity.quiet,
            report_multiple_bugs=True,
            print_blob=False,
        )(given(strategy)(one_case))
        test = hypothesis_seed(self.seed + zlib.crc32(operation.name.encode()))(test)
        try:
            test()
        except Exception as error:
            if not _only_findings(error):
                raise  # anything else broke the generator itself: run() makes it an error of the run


def _only_findings(error: BaseException) -> bool:
    """Whether Hypothesis ended the test only because of findings (already recorded; they drove shrinking),
    a failure it could not reproduce (Flaky: a server that answers differently) or no valid case at all."""
    if isinstance(error, BaseExceptionGroup):
        return all(_only_findings(inner) for inner in error.exceptions)
    return isinstance(error, _CaseFailed) or type(error).__name__ in ("Flaky", "FlakyFailure", "Unsatisfiable")


def _broke(error: BaseException) -> str:
    """An unexpected exception inside generation as one line: what it was and where it was raised."""
    inner = error
    while isinstance(inner, BaseExceptionGroup) and inner.exceptions:
        inner = next((e for e in inner.exceptions if not _only_findings(e)), inner.exceptions[0])
    frames = traceback.extract_tb(inner.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name})" if frames else ""
    return f"generation broke: {type(inner).__name__}: {inner}"[:400] + where


def _boundary_cases(operation: Operation, argument: ArgumentSchema, base: dict[str, Any]) -> Iterator[Case]:
    if argument.location == "body":
        body = base.get("body")
        properties = argument.schema.get("properties")
        if isinstance(body, dict) and isinstance(properties, dict):
            for name, prop in properties.items():
                for value in boundary_values(prop) if isinstance(prop, dict) else ():
                    if body.get(name) != value:
                        yield Case(operation, {**base, "body": {**body, name: value}})
        return
    for value in boundary_values(argument.schema):
        if base.get(argument.name) != value:
            yield Case(operation, {**base, argument.name: value})


def _declares_security(client: Any, operation: Operation) -> bool:
    requirements = operation.security  # the operation's, else the document's
    if not requirements or any(not r for r in requirements):  # none, or an anonymous alternative ({})
        return False
    parts = client._settings.credentials.parts_for(operation)
    return bool(parts.headers or parts.query or parts.cookies)  # only when this client sends credentials


class _CaseFailed(AssertionError):
    """A generated case broke a check at error severity (raised so that Hypothesis shrinks it)."""


_FAILURES: dict[str, type[_CaseFailed]] = {}


def _failure(check: str) -> type[_CaseFailed]:
    """One exception class per check: Hypothesis shrinks each kind of failure on its own."""
    if check not in _FAILURES:
        _FAILURES[check] = type(f"Failed_{check}", (_CaseFailed,), {})
    return _FAILURES[check]


# -- the command line ---------------------------------------------------------------------------------------
_HYPOTHESIS_HOME: list[str] = []  # the folder run_generated chose for Hypothesis' data, while it runs


@contextlib.contextmanager
def _hypothesis_data_in_cache() -> Iterator[None]:
    """Hypothesis keeps what it computes once (Unicode tables for UTF-8 text: about a second; the constants of
    loaded modules) in a `.hypothesis` folder of the working directory, which the command would leave in the
    user's project and compute again in each fresh checkout. The command keeps it in the user's cache
    instead ($XDG_CACHE_HOME/talos-dynamic/hypothesis) unless HYPOTHESIS_STORAGE_DIRECTORY chooses, and puts
    Hypothesis' default back afterwards. Hypothesis is pointed there when an operation first needs it
    (_use_hypothesis_home): a run whose schemas are all plain never loads it."""
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        yield
        return
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    _HYPOTHESIS_HOME.append(os.path.join(cache, "talos-dynamic", "hypothesis"))
    try:
        yield
    finally:
        _HYPOTHESIS_HOME.pop()
        configuration = sys.modules.get("hypothesis.configuration")
        if configuration is not None:
            configuration.set_hypothesis_home_dir(None)


def _use_hypothesis_home() -> None:
    """Point Hypothesis at the folder run_generated chose, if it chose one."""
    if _HYPOTHESIS_HOME:
        from hypothesis.configuration import set_hypothesis_home_dir

        set_hypothesis_home_dir(_HYPOTHESIS_HOME[-1])


def run_generated(
    *,
    spec: str,
    base_url: str,
    token: str | None,
    headers: dict[str, str],
    seed: int = 0,
    max_cases: int | None = DEFAULT_MAX_CASES,
    max_time: float | None = None,
    report_json: str | None = None,
    report_junit: str | None = None,
    report_html: str | None = None,
    baseline: set[str] | str | None = None,
    fail_under: float | None = None,
    max_response_time: float | None = None,
    severities: dict[str, str] | None = None,
    out: TextIO | None = None,
    **ignored: Any,
) -> int:
    """`talos-dynamic contract --generate`: generate, report, and return the exit code: 5 when generation
    itself broke in a case (what that case was to test went untested; this comes before findings), else 1
    when an error-severity finding is not in the baseline or operation coverage is under fail_under, else 0."""
    from ..client import Client
    from .reports import build_report, coverage_table, findings_text, load_baseline, write_json, write_junit
    from .runner import Progress

    out = out or sys.stdout
    started = dt.datetime.now(dt.UTC)
    accepted = baseline if isinstance(baseline, set) else load_baseline(baseline)
    config = ContractConfig(severities=severities or {}, max_response_time=max_response_time)
    with (
        Client(spec, base_url=base_url, token=token, headers=headers, contract=config, retries=0) as client,
        _hypothesis_data_in_cache(),
    ):
        run = generate(client, seed=seed, max_cases=max_cases, max_time=max_time, progress=Progress(out, accepted))
        report = build_report(
            client.contract,
            run.cases,
            spec_source=client.spec.source,
            title=str(client.spec.info.get("title", "")),
            base_url=base_url,
            started=started,
            seconds=run.seconds,
            baseline=accepted,
        )
    report["generation"] = run.summary()
    if report_json:
        write_json(report, report_json)
    if report_junit:
        write_junit(report, report_junit, "talos-dynamic generate")
    if report_html:
        from .html_report import write_html

        write_html(report, report_html)
    out.write(coverage_table(report) + "\n" + findings_text(report) + "\n")
    out.write(f"Generated {run.requests} requests in {run.seconds:.1f} s (seed {seed})\n")
    problems = []
    if report["summary"]["new_errors"]:
        problems.append(f"{report['summary']['new_errors']} error-severity finding(s) not in the baseline")
    percent = report["coverage"]["operations_percent"]
    if fail_under is not None and percent < fail_under:
        problems.append(f"operation coverage {percent}% is under --fail-under {fail_under}%")
    if run.broken:
        out.write(f"ERROR: generation broke in {len(run.broken)} case(s), which went untested:\n")
        out.writelines(f"  {case.name}: {case.message}\n" for case in run.broken)
        return EXIT_BROKEN
    out.write(("FAILED: " + "; ".join(problems) if problems else "PASSED: no new error-severity finding") + "\n")
    return EXIT_FINDINGS if problems else 0

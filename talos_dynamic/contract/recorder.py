"""Collects findings and coverage while a contract-mode client makes calls."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from typing import Any

from ..call.prepare import PreparedRequest
from ..call.read import decode
from ..call.transports import Response
from ..call.validation import SchemaValidators
from ..spec.operations import Operation
from .checks import run_checks
from .findings import ContractConfig, Finding


class ContractRecorder:
    """Every finding and every (operation, status) exercised, grouped by case (scenario step or test)."""

    def __init__(self, config: ContractConfig | None = None) -> None:
        self.config = config or ContractConfig()
        self.findings: list[Finding] = []
        self.seen: dict[str, Counter[int]] = defaultdict(Counter)
        self.case: str | None = None
        self._operations: list[Operation] = []
        self._lock = threading.Lock()

    def attach(self, operations: list[Operation]) -> None:
        """The spec's operations, for coverage."""
        self._operations = list(operations)

    def install(self, client: Any) -> ContractRecorder:
        """Subscribe to a client's response hook: every response is checked and its findings recorded here.

        The client then reads responses without raising ResponseValidationError (findings take their place);
        ApiErrors are still raised, as the caller's code expects.
        """
        self.attach(client.spec.operations)
        by_name = {op.name: op for op in client.spec.operations}
        validators = client._validators

        def check_response(request: PreparedRequest, response: Response) -> None:
            operation = by_name.get(request.operation)
            if operation is not None and response.is_read:  # a streamed body is not read here
                self.observe(operation, request, response, validators)

        client.hooks["response"].append(check_response)
        client.response_validation = "off"
        return self

    def observe(
        self,
        operation: Operation,
        prepared: PreparedRequest,
        response: Response,
        validators: SchemaValidators,
    ) -> list[Finding]:
        """Run the checks on one exchange and record what they find."""
        found = run_checks(operation, prepared, response, validators, self.config, self.case, decode(response))
        with self._lock:
            self.seen[operation.name][response.status_code] += 1
            self.findings.extend(found)
        return found

    def findings_for(self, case: str | None) -> list[Finding]:
        """The findings of one case."""
        return [f for f in self.findings if f.case == case]

    def errors(self, case: str | None = None, every_case: bool = True) -> list[Finding]:
        """Findings at error severity (of one case, or of all)."""
        pool = self.findings if every_case and case is None else self.findings_for(case)
        return [f for f in pool if f.severity == "error"]

    def coverage(self) -> dict[str, Any]:
        """Which operations, and which of their declared statuses, were exercised."""
        rows = []
        for op in self._operations:
            seen = self.seen.get(op.name, Counter())
            rows.append(
                {
                    "operation": op.name,
                    "python_name": op.python_name,
                    "method": op.method,
                    "path": op.path,
                    "statuses_declared": list(op.responses),
                    "statuses_seen": {str(code): count for code, count in sorted(seen.items())},
                    "declared_statuses_seen": sorted({op.response_for(c).status for c in seen if op.response_for(c)}),
                }
            )
        total = len(rows)
        exercised = sum(1 for row in rows if row["statuses_seen"])
        declared = sum(len(row["statuses_declared"]) for row in rows)
        declared_seen = sum(len(row["declared_statuses_seen"]) for row in rows)
        return {
            "operations_total": total,
            "operations_exercised": exercised,
            "operations_percent": round(100.0 * exercised / total, 1) if total else 100.0,
            "statuses_declared": declared,
            "statuses_exercised": declared_seen,
            "operations": rows,
        }

    def by_check(self) -> dict[str, dict[str, int]]:
        """Counts of findings per check and severity."""
        counts: dict[str, dict[str, int]] = defaultdict(lambda: {"error": 0, "warning": 0})
        for finding in self.findings:
            counts[finding.check][finding.severity] += 1
        return dict(counts)

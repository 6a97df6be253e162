"""Findings: one broken promise of the spec, precise enough to reproduce and fix."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

CHECKS = (
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "error_body_conformance",
    "status_code_matches_error_code",
    "not_a_server_error",
    "max_response_time",
    # judged against what the case expected (domain_checks.py)
    "negative_data_accepted",
    "use_after_delete",
    "ignored_auth",
)
SEVERITIES = ("error", "warning", "off")


@dataclass(frozen=True)
class Finding:
    """A check that failed on one response."""

    check: str
    severity: str
    operation: str
    method: str
    url: str  # secrets masked
    status: int | None
    path: str  # JSON path into the body, header name, or "$"
    rule: str
    expected: Any
    actual: Any  # secrets masked
    message: str
    curl: str  # reproduces the request, secrets masked
    case: str | None = None  # the scenario step or test that made the call

    @property
    def key(self) -> str:
        """What identifies the finding across runs (no ids or values that change): for baselines."""
        return f"{self.check}|{self.operation}|{self.status}|{self.path}|{self.rule}"

    def to_json(self) -> dict[str, Any]:
        """The finding as the JSON report writes it."""
        return {**asdict(self), "key": self.key}

    def __str__(self) -> str:
        return (
            f"[{self.severity}] {self.check}: {self.operation} {self.method} {self.url} -> {self.status}: "
            f"{self.path}: {self.message} (expected {self.expected!r}, got {self.actual!r})"
        )


@dataclass
class ContractConfig:
    """Which checks run and how seriously: each check is "error", "warning" or "off".

    max_response_time (seconds) turns on the max_response_time check.
    """

    severities: dict[str, str] = field(default_factory=dict)
    max_response_time: float | None = None

    def severity(self, check: str) -> str:
        if check == "max_response_time" and self.max_response_time is None:
            return "off"
        value = self.severities.get(check, "error")
        if value not in SEVERITIES:
            raise ValueError(f"severity of {check} must be one of {SEVERITIES}, not {value!r}")
        return value

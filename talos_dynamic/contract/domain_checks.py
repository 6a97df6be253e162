"""Checks that know what a request meant: an answer is judged against what the case expected of it.

The response checks (checks.py) judge every answer on its own. These judge an answer against the case
that caused it: a request that breaks the spec must be refused, a deleted resource must stay gone, an
operation that declares security must refuse a call without credentials. "server error" (any 5xx) and
"response time" are the existing `not_a_server_error` and `max_response_time` checks.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from ..call.prepare import PreparedRequest
from ..call.transports import Response
from ..errors import Violation
from .checks import _finding
from .findings import ContractConfig, Finding

# what a case expects of its answer -> (the check that fires on a 2xx, what the rule says)
EXPECTATIONS = {
    "rejected": ("negative_data_accepted", "a request that breaks the spec is answered 4xx"),
    "gone": ("use_after_delete", "a deleted resource answers 404 or 410"),
    "unauthorized": ("ignored_auth", "an operation that declares security refuses a call without credentials"),
}
DOMAIN_CHECKS = tuple(check for check, _ in EXPECTATIONS.values())


def expectation_findings(
    expect: str,
    operation: Any,
    prepared: PreparedRequest,
    response: Response,
    config: ContractConfig,
    case: str | None,
    broken_rule: str = "",
    checked_already: bool = True,
) -> list[Finding]:
    """Findings for an answer that did not do what the case expected.

    A finding's rule is the one the request broke (for negative cases), so each keeps its own key.
    `checked_already` says the response checks ran on it (they did not for a request to a method the
    path does not declare, so a 5xx is reported here).
    """
    status = response.status_code
    raw: list[tuple[str, Violation]] = []
    if expect in EXPECTATIONS and 200 <= status < 300:
        check, rule = EXPECTATIONS[expect]
        wanted = {"rejected": "4xx", "gone": "404 or 410", "unauthorized": "401 or 403"}[expect]
        detail = f" ({broken_rule})" if broken_rule else ""
        violation = Violation("status", "$", broken_rule or check, f"answered {status}{detail}: {rule}", status, wanted)
        raw.append((check, violation))
    if not checked_already and status >= 500:
        raw.append(("not_a_server_error", Violation("status", "$", "5xx", f"server error {status}", status, "< 500")))
    findings = []
    for check, violation in raw:
        severity = config.severity(check)
        if severity != "off":
            findings.append(_finding(check, severity, operation, prepared, response, violation, case))
    return findings


def pseudo_operation(method: str, path: str) -> Any:
    """What a finding names for a method the path does not declare ("TRACE /things")."""
    return SimpleNamespace(name=f"{method} {path}")

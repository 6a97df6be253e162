"""When to try a call again, and how long to wait first (botocore's standard mode, for HTTP APIs).

Up to `max_attempts` attempts, exponential backoff with full jitter capped at `max_backoff` seconds, on
connection failures and on 429, 502, 503 and 504; a Retry-After header (seconds or HTTP-date) is honoured.
A request is repeated only when a repeat is safe: an idempotent method, or a request that carries an
idempotency key. A connection that was never made (nothing sent) is retried for any method.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ConfigurationError, TransportError, seconds_to_wait, shown

if TYPE_CHECKING:
    from .prepare import PreparedRequest
    from .transports import Response

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
RETRYABLE_FAILURES = frozenset({"connect", "timeout", "protocol"})


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts (1 = no retry), the backoff cap and base, which statuses are retried, and the
    longest Retry-After honoured (a longer one, or one past the call's deadline, ends the retries)."""

    max_attempts: int = 3
    max_backoff: float = 20.0
    base: float = 1.0
    statuses: frozenset[int] = RETRYABLE_STATUSES
    max_retry_after: float = 60.0

    def __post_init__(self) -> None:
        if not isinstance(self.max_attempts, int) or self.max_attempts < 1:
            raise ConfigurationError("retries: max_attempts must be an int of at least 1")
        if self.max_backoff < 0 or self.base < 0:
            raise ConfigurationError("retries: max_backoff and base must not be negative")

    def backoff(self, attempt: int) -> float:
        """Full jitter: a random wait in [0, min(max_backoff, base * 2**(attempt-1))]."""
        return random.random() * min(self.max_backoff, self.base * 2 ** (attempt - 1))


NO_RETRIES = RetryPolicy(max_attempts=1)
MAX_RETRIES = 100


def retry_policy(value: int | RetryPolicy | None) -> RetryPolicy:
    """`retries=`: a RetryPolicy, or an int number of retries (0 turns retrying off)."""
    if value is None:
        return RetryPolicy()
    if isinstance(value, RetryPolicy):
        return value
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RETRIES:
        raise ConfigurationError(f"retries must be a RetryPolicy or an int from 0 to {MAX_RETRIES}, not {shown(value)}")
    return RetryPolicy(max_attempts=value + 1) if value else NO_RETRIES


def retry_reason(
    policy: RetryPolicy, request: PreparedRequest, response: Response | None, failure: TransportError | None
) -> str | None:
    """Why this attempt may be repeated, or None when it must not be (a caller's bug never is)."""
    if failure is not None:
        if failure.kind == "connect":
            return "connection failed"
        if failure.kind in RETRYABLE_FAILURES and request.repeatable:
            return failure.kind
        return None
    if response is not None and response.status_code in policy.statuses and request.repeatable:
        return f"HTTP {response.status_code}"
    return None


def retry_after(response: Response | None) -> float | None:
    """Seconds the server asked us to wait (Retry-After as seconds or an HTTP-date), if it did."""
    return seconds_to_wait(response.headers.get("Retry-After") if response is not None else None)


def next_wait(policy: RetryPolicy, attempt: int, response: Response | None, deadline: float | None) -> float | None:
    """Seconds to wait before attempt `attempt + 1`, or None when no further attempt fits."""
    if attempt >= policy.max_attempts:
        return None
    asked = retry_after(response)
    if asked is not None and asked > policy.max_retry_after:
        return None
    wait = asked if asked is not None else policy.backoff(attempt)
    if deadline is not None and time.monotonic() + wait >= deadline:
        return None
    return wait

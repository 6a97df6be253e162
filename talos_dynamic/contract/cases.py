"""One generated case, sent through a contract-mode client: the request it makes, the answer, the findings.

A case is keyword arguments for an operation plus what is done to the prepared request afterwards (another
method, Content-Type or body bytes, no credentials), and what the answer is expected to be. Positive cases
are validated as a normal call is; negative ones are sent with request validation off for that call only.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..call.prepare import PreparedRequest
from ..call.transports import Response
from ..errors import ApiError, RequestValidationError, TalosDynamicError
from ..spec.operations import Operation
from .domain_checks import expectation_findings, pseudo_operation
from .findings import Finding


@dataclass
class Case:
    """A request to make and what its answer should be ("valid", "rejected", "gone" or "unauthorized")."""

    operation: Operation
    kwargs: dict[str, Any]
    expect: str = "valid"
    rule: str = ""  # for a negative case: the one rule it breaks
    method: str | None = None  # send with another method (one the path does not declare)
    content_type: str | None = None  # replace the Content-Type header
    raw_body: bytes | None = None  # replace the body bytes
    without_credentials: bool = False

    @property
    def validated(self) -> bool:
        return self.expect != "rejected"


@dataclass
class Outcome:
    """What happened to one case: the request sent (None when none was), the answer and the findings."""

    request: PreparedRequest | None
    response: Response | None = None
    findings: list[Finding] = field(default_factory=list)
    result: Any = None  # the Result of a 2xx answer
    problem: str | None = None  # why nothing usable came back (invalid generated call, transport error)

    @property
    def status(self) -> int | None:
        return self.response.status_code if self.response is not None else None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


class CaseSender:
    """Sends cases through one contract-mode client (client.contract records every finding)."""

    def __init__(self, client: Any) -> None:
        if client.contract is None:
            raise ValueError("generated cases need a contract-mode client (Client(..., contract=True))")
        self.client = client
        self.recorder = client.contract
        self.sent = 0
        self._last = threading.local()
        client.hooks["response"].append(self._capture)

    def close(self) -> None:
        """Stop listening to the client's responses."""
        hooks = self.client.hooks["response"]
        if self._capture in hooks:
            hooks.remove(self._capture)

    def _capture(self, request: PreparedRequest, response: Response) -> None:
        self._last.exchange = (request, response)

    def send(self, case: Case) -> Outcome:
        """Prepare, alter, send and judge one case; never raises for what the server does."""
        bound = self.client._bind(case.operation)
        kwargs = {
            **case.kwargs,
            "_validate": {"request": "strict" if case.validated else "off", "response": "off"},
            "_retries": 0,
        }
        try:
            prepared = bound.prepare(**kwargs)
        except RequestValidationError as error:
            return Outcome(None, problem=f"not a valid call: {error}")
        except (TalosDynamicError, TypeError, ValueError) as error:
            return Outcome(None, problem=f"cannot be prepared: {type(error).__name__}: {error}")
        request = self._altered(case, prepared.request)
        before = len(self.recorder.findings)
        self._last.exchange = None
        result, problem = None, None
        try:
            result = bound._send(request, prepared._options)
        except ApiError:
            pass
        except TalosDynamicError as error:  # TransportError: the server did not answer
            problem = f"{type(error).__name__}: {error}"
        self.sent += 1
        exchange = self._last.exchange
        if exchange is None:
            return Outcome(request, problem=problem or "no answer")
        sent, response = exchange
        with self.recorder._lock:
            findings = list(self.recorder.findings[before:])
        extra = expectation_findings(
            case.expect,
            pseudo_operation(case.method, case.operation.path) if case.method else case.operation,
            sent,
            response,
            self.recorder.config,
            self.recorder.case,
            case.rule,
            checked_already=case.method is None,
        )
        if extra:
            with self.recorder._lock:
                self.recorder.findings.extend(extra)
        return Outcome(sent, response, findings + extra, result if 200 <= response.status_code < 300 else None)

    def _altered(self, case: Case, request: PreparedRequest) -> PreparedRequest:
        changes: dict[str, Any] = {}
        headers = dict(request.headers)
        if case.method:
            # another operation name: the response checks (made for the declared method) leave it alone
            changes.update(method=case.method, operation=f"{case.method} {case.operation.path}", body=None)
            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        if case.raw_body is not None:
            changes["body"] = case.raw_body
        if case.content_type is not None:
            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
            headers["Content-Type"] = case.content_type
        if case.without_credentials:
            parts = self.client._settings.credentials.parts_for(case.operation)
            drop = {name.lower() for name in parts.headers}
            headers = {k: v for k, v in headers.items() if k.lower() not in drop}
            changes["url"] = _without_query(request.url, parts.query)
            cookies = {c.split("=", 1)[0] for c in parts.cookies}
            if cookies:
                headers = _without_cookies(headers, cookies)
        body = changes.get("body", request.body)
        headers = {k: v for k, v in headers.items() if k.lower() != "content-length"}
        if body is not None or request.headers.get("Content-Length") is not None and not case.method:
            headers["Content-Length"] = str(len(body or b""))
        changes["headers"] = headers
        return dataclasses.replace(request, **changes)


def _without_query(url: str, pieces: list[str]) -> str:
    if not pieces:
        return url
    parts = urlsplit(url)
    kept = [p for p in parts.query.split("&") if p and p not in pieces]
    return urlunsplit(parts._replace(query="&".join(kept)))


def _without_cookies(headers: dict[str, str], names: set[str]) -> dict[str, str]:
    out = {}
    for key, value in headers.items():
        if key.lower() == "cookie":
            value = "; ".join(c for c in value.split("; ") if c.split("=", 1)[0] not in names)
            if not value:
                continue
        out[key] = value
    return out

"""The contract checks, run on every response in contract mode."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from ..call.prepare import PreparedRequest
from ..call.read import BodyText, check_response, decode
from ..call.transports import Response
from ..call.validation import SchemaValidators
from ..errors import SpecError, Violation
from ..masking import MASK, credential_values, looks_secret, mask_json, mask_text, summarize_body
from ..rpc_status import GRPC_TO_HTTP, STATUS_KEYS, STATUS_SHAPES, decode_status
from ..spec.operations import MediaType, Operation, ResponseSpec
from ..spec.refs import Located
from ..spec.schemas import coerce_text
from .findings import ContractConfig, Finding

# gRPC codes that more than one HTTP status legitimately carries (Talos answers FAILED_PRECONDITION with 409)
# ... and the statuses HTTP routing answers before any handler runs (grpc-gateway: 405 with UNIMPLEMENTED;
# a request too large or malformed to read: 413, 414, 431 with INVALID_ARGUMENT)
EXTRA_HTTP = {
    "FAILED_PRECONDITION": {409},
    "ABORTED": {409},
    "UNKNOWN": {500},
    "OUT_OF_RANGE": {400, 416},
    "UNIMPLEMENTED": {405},
    "INVALID_ARGUMENT": {413, 414, 431},
}


def run_checks(
    operation: Operation,
    prepared: PreparedRequest,
    response: Response,
    validators: SchemaValidators,
    config: ContractConfig,
    case: str | None,
    decoded: tuple[Any, list[Violation]] | None = None,
) -> list[Finding]:
    """Every finding for one exchange, with the severities the config gives (checks set to "off" skipped)."""
    body, decode_problems = decoded if decoded is not None else decode(response)
    spec = operation.response_for(response.status_code)
    raw: list[tuple[str, Violation]] = []
    violations, media = check_response(operation, spec, response, body, validators, prepared.secret_names)
    declared = _declared_error(spec, media, validators) if response.status_code >= 400 else None
    for violation in [*decode_problems, *violations]:
        if declared is not None and violation.location == "body":
            violation = replace(violation, message=f"{violation.message} (expected {declared.shown})")
        raw.append((_check_of(violation, response.status_code), violation))
    if spec is not None:
        raw += [("response_headers_conformance", v) for v in _header_violations(spec, response, validators)]
    if declared is not None and declared.status:  # google.rpc.Status is expected only where the spec says so
        raw += [("error_body_conformance", v) for v in _error_shape(body, declared)]
        raw += [("status_code_matches_error_code", v) for v in _code_mismatch(body, response.status_code)]
    if response.status_code >= 500:
        raw.append(
            (
                "not_a_server_error",
                Violation("status", "$", "5xx", f"server error {response.status_code}", response.status_code, "< 500"),
            )
        )
    elapsed = response.elapsed.total_seconds()
    if config.max_response_time is not None and elapsed > config.max_response_time:
        raw.append(
            (
                "max_response_time",
                Violation(
                    "time",
                    "$",
                    "max_response_time",
                    f"took {elapsed:.3f}s",
                    round(elapsed, 3),
                    config.max_response_time,
                ),
            )
        )
    findings = []
    for check, violation in raw:
        severity = config.severity(check)
        if severity != "off":
            findings.append(_finding(check, severity, operation, prepared, response, violation, case))
    return findings


def _check_of(violation: Violation, status: int) -> str:
    if violation.location == "status":
        return "status_code_conformance"
    if violation.location == "content-type":
        return "content_type_conformance"
    return "error_body_conformance" if status >= 400 else "response_schema_conformance"


def _header_violations(spec: ResponseSpec, response: Response, validators: SchemaValidators) -> Iterator[Violation]:
    for name, header in spec.headers.items():
        declared = header.value if isinstance(header.value, dict) else {}
        value = response.headers.get(name)
        if value is None:
            if declared.get("required") is True:
                yield Violation("header", name, "required", f"required header {name} is missing", None, name)
            continue
        schema = header.get("schema")
        kind = validators.spec.resolver.resolve(schema).value.get("type") if schema is not None else None
        yield from validators.check(schema, _header_value(value, kind), "response", "header", name)


def _header_value(text: str, kind: Any) -> Any:
    if kind == "array":
        return [part.strip() for part in text.split(",")]
    try:
        return coerce_text(text, kind)
    except ValueError:
        return text  # the schema check then reports the wrong type


@dataclass(frozen=True)
class DeclaredError:
    """What the spec declares for an error response: the schema's name, where, and whether it is a Status."""

    name: str  # "Status", "HTTPValidationError", or "an inline schema"
    status_key: str  # "404", "4XX" or "default"
    status: bool  # the schema is google.rpc.Status (bare or in an {error: ...} envelope)

    @property
    def shown(self) -> str:
        kind = "google.rpc.Status " if self.status else ""
        return f"{kind}{self.name}, as the spec declares for {self.status_key}"


def _declared_error(spec: ResponseSpec | None, media: MediaType | None, validators: SchemaValidators) -> Any:
    """The DeclaredError for the media type the answer matched; None when the spec declares no schema there."""
    if spec is None or media is None or media.schema is None:
        return None
    resolver = validators.spec.resolver
    try:
        schema = resolver.resolve(media.schema)
    except SpecError:
        return None
    name = schema.pointer.rsplit("/", 1)[-1] if schema is not media.schema and schema.pointer else "an inline schema"
    return DeclaredError(name, spec.status, _is_status(schema, name, resolver))


def _is_status(schema: Located, name: str, resolver: Any) -> bool:
    """A google.rpc.Status schema: {code, message, details}, a schema named *Status with code and message,
    or an object whose `error` property is one of those (the AIP-193 envelope)."""
    properties = schema.value.get("properties") if isinstance(schema.value, dict) else None
    if not isinstance(properties, dict):
        return False
    if properties.keys() >= STATUS_KEYS or ({"code", "message"} <= properties.keys() and name.endswith("Status")):
        return True
    if "error" in properties:
        try:
            inner = resolver.resolve(schema.child("properties", "error"))
        except SpecError:
            return False
        fields = inner.value.get("properties") if isinstance(inner.value, dict) else None
        return isinstance(fields, dict) and {"code", "message", "status"} <= fields.keys()
    return False


def _error_shape(body: Any, declared: DeclaredError) -> Iterator[Violation]:
    shape = decode_status(body, 500).shape
    if shape not in STATUS_SHAPES:
        got = f"a body in the {shape} shape"
        if isinstance(body, BodyText | bytes):
            got = "a body that is not JSON"
        elif shape == "unknown":
            got = "a body in no known error shape"
        yield Violation(
            "body",
            "$",
            "google.rpc.Status",
            f"expected {declared.shown} (bare {{code, message, details}} or enveloped {{error: {{...}}}}), got {got}",
            _short(body),
            "google.rpc.Status",
        )


def _code_mismatch(body: Any, http_status: int) -> Iterator[Violation]:
    status = decode_status(body, http_status)
    if status.shape not in ("google.rpc.Status", "AIP-193") or status.status not in GRPC_TO_HTTP:
        return
    allowed = {GRPC_TO_HTTP[status.status]} | EXTRA_HTTP.get(status.status, set())
    if http_status not in allowed:
        path = "$.code" if status.shape == "google.rpc.Status" else "$.error.status"
        yield Violation(
            "body",
            path,
            "grpc_to_http",
            f"gRPC {status.status} ({status.grpc_code}) travels with HTTP {sorted(allowed)}, not {http_status}",
            http_status,
            sorted(allowed),
        )


def _short(body: Any) -> Any:
    """The body as a finding shows it: JSON as it came (masked later, in _finding); text or bytes (a body
    that is not JSON, or did not parse) only as its size and media type, never the text."""
    if isinstance(body, BodyText):
        return body.summary()
    if isinstance(body, bytes):
        return summarize_body(body)
    if isinstance(body, str) and len(body) > 200:  # a JSON string
        return body[:200]
    return body


def _finding(
    check: str,
    severity: str,
    operation: Operation,
    prepared: PreparedRequest,
    response: Response,
    violation: Violation,
    case: str | None,
) -> Finding:
    actual = _masked_actual(violation.value, prepared)
    return Finding(
        check=check,
        severity=severity,
        operation=operation.name,
        method=prepared.method,
        url=prepared.masked_url(),
        status=response.status_code,
        path=violation.path,
        rule=violation.rule,
        expected=violation.expected,
        actual=actual,
        message=mask_text(violation.message, prepared.secret_names, _credentials(prepared)),
        curl=prepared.to_curl(),
        case=case,
    )


def _credentials(prepared: PreparedRequest) -> frozenset[str]:
    return credential_values(prepared.headers, prepared.url, prepared.secret_names)


def _masked_actual(actual: Any, prepared: PreparedRequest) -> Any:
    """A finding's actual value with secrets masked: JSON by secret name and shape (mask_json), a text or
    binary body only by its size and media type, any string that looks secret or is one the request
    carried as MASK."""
    secrets = prepared.secret_names
    if isinstance(actual, BodyText):
        return actual.summary()
    if isinstance(actual, bytes):
        return summarize_body(actual)
    if isinstance(actual, dict | list | tuple):
        return mask_json(actual, secrets)
    if isinstance(actual, str) and actual != MASK:
        values = _credentials(prepared)
        return MASK if actual in values or looks_secret(actual, secrets) else mask_text(actual, secrets, values)
    return actual

"""Response -> result, typed ApiError, or response violations: checks status, content type and body. No I/O."""

from __future__ import annotations

from typing import Any

from ..errors import ResponseValidationError, Violation, error_class_for
from ..json_depth import MAX_JSON_DEPTH, loads_bounded
from ..logs import logger
from ..masking import credential_values, summarize_body
from ..spec.operations import MediaType, Operation, ResponseSpec
from ..spec.schemas import schema_name
from .bodies import JSON, TEXT, media_kind
from .prepare import PreparedRequest
from .results import BytesResult, HttpInfo, StreamResult, TextResult, wrap
from .transports import Response
from .validation import RESPONSE, SchemaValidators

NO_BODY_STATUSES = (204, 304)
STREAMED = object()  # the body of a streamed response: not read, so not checked


def decode(response: Response) -> tuple[Any, list[Violation]]:
    """The body as JSON, text or bytes by its Content-Type (None when empty); decoded once per response.
    JSON nested deeper than the client's `max_response_depth` (the response's `max_json_depth`) is a
    violation, never parsed into a value."""
    if response.decoded is None:
        response.decoded = _decode(response, getattr(response, "max_json_depth", MAX_JSON_DEPTH))
    return response.decoded


class BodyText(str):
    """A body kept as text because it is not JSON: a text/* body, or one that claims JSON but does not parse.

    It is the text itself (`str(body)`, comparisons, slicing), but its repr is a summary (size and media type),
    never the text: such a body cannot be masked field by field, so it is never shown in a log line, repr,
    error message or contract finding. `parsed` is False for JSON that did not parse.
    """

    content_type: str = ""
    size: int = 0
    parsed: bool = True

    @classmethod
    def of(cls, text: str, content: bytes, content_type: str, parsed: bool = True) -> BodyText:
        body = cls(text)
        body.content_type, body.size, body.parsed = content_type, len(content), parsed
        return body

    def summary(self) -> str:
        """`<57 bytes of application/json, not valid JSON>`."""
        return summarize_body(self.size, self.content_type, "" if self.parsed else "not valid JSON")

    def __repr__(self) -> str:
        return self.summary()


def _decode(response: Response, max_depth: int) -> tuple[Any, list[Violation]]:
    content = response.content
    if not content:
        return None, []
    content_type = response.headers.get("Content-Type", "application/octet-stream")
    kind = media_kind(content_type)
    if kind == JSON:
        try:
            return loads_bounded(content, max_depth), []
        except ValueError as error:  # not JSON, or JsonTooDeep
            exc = error
        # the decoder's reason names a position, never the text; the text itself is never shown
        body = BodyText.of(content.decode("utf-8", "replace"), content, content_type, parsed=False)
        shown = summarize_body(len(content), content_type)[1:-1]
        return body, [Violation("body", "$", "json", f"body is not valid JSON ({shown}): {exc}")]
    if kind == TEXT:
        return BodyText.of(response.text, content, content_type), []
    return content, []


def match_media(declared: dict[str, MediaType], content_type: str) -> MediaType | None:
    """The declared media type that covers a Content-Type header (exact, then type/*, then */*)."""
    base = content_type.split(";", 1)[0].strip().lower()
    lowered = {name.split(";", 1)[0].strip().lower(): media for name, media in declared.items()}
    if base in lowered:
        return lowered[base]
    major = base.split("/", 1)[0]
    return lowered.get(f"{major}/*") or lowered.get("*/*")


def check_response(
    operation: Operation,
    spec: ResponseSpec | None,
    response: Response,
    body: Any,
    validators: SchemaValidators,
    secrets: frozenset[str],
) -> tuple[list[Violation], MediaType | None]:
    """Violations of the status, content type and body against what the operation declares."""
    status = response.status_code
    if spec is None:
        if not operation.responses:
            return [], None
        declared = ", ".join(operation.responses)
        return [
            Violation("status", "$", "status_code", f"status {status} is not declared (declared: {declared})", status)
        ], None
    if not spec.content:
        return [], None
    content_type = response.headers.get("Content-Type", "")
    if body is None and not response.content:  # a JSON `null` body decodes to None too: checked as a value
        if status in NO_BODY_STATUSES or operation.method == "HEAD" or _all_empty(spec):
            return [], None
        return [Violation("body", "$", "content", f"empty body; expected {', '.join(spec.content)}")], None
    media = match_media(spec.content, content_type)
    if media is None:
        return [
            Violation(
                "content-type",
                "$",
                "content_type",
                f"Content-Type {content_type or '(none)'!r} is not declared for {status} "
                f"(declared: {', '.join(spec.content)})",
                content_type,
            )
        ], None
    if media_kind(media.name) != JSON or isinstance(body, bytes | BodyText) or body is STREAMED:
        return [], media  # a body that is not JSON (or did not parse: already a violation) has no schema check
    depth = getattr(response, "max_json_depth", MAX_JSON_DEPTH)
    return validators.check(media.schema, body, RESPONSE, "body", "$", secrets, max_depth=depth), media


def _all_empty(spec: ResponseSpec) -> bool:
    return all(m.schema is None or m.schema.value in ({}, True) for m in spec.content.values())


def read_response(
    operation: Operation,
    response: Response,
    validators: SchemaValidators,
    mode: str,
    request: PreparedRequest | None = None,
    attempts: int = 1,
    stream: bool = False,
) -> Any:
    """Turn a response into a result, or raise the ApiError / ResponseValidationError it calls for.

    With stream=True a successful body is not read: its status and content type are checked and a
    StreamResult is returned.
    """
    status = response.status_code
    secrets = request.secret_names if request is not None else frozenset()
    streaming = stream and status < 400
    if streaming:
        body, violations = STREAMED, []
    else:
        body, problems = decode(response)
        violations = list(problems)
    spec = operation.response_for(status)
    media = None
    if mode != "off":
        found, media = check_response(operation, spec, response, body, validators, secrets)
        violations += found
    else:
        violations = []
    if status >= 400:
        echoed = credential_values(request.headers, request.url, secrets) if request is not None else ()
        error = error_class_for(status)(operation.name, status, body, response, secrets=echoed)
        error.violations = violations
        error.attempts = attempts
        raise error
    if violations:
        if mode == "strict":
            raise ResponseValidationError(operation.name, status, violations, response)
        for violation in violations:
            logger.warning("%s: response %s does not match the spec: %s", operation.name, status, violation)
    http = HttpInfo(status, response.headers, response.elapsed, response, tuple(violations), attempts, request)
    if streaming:
        return StreamResult(http)
    if body is None:
        body = {}
    if isinstance(body, str):
        result: Any = TextResult(body)
        result.http = http
        return result
    if isinstance(body, bytes):
        result = BytesResult(body)
        result.http = http
        return result
    return wrap(body, http, schema_name(media.schema) if media else None)

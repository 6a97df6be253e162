"""Negative cases: a valid call with exactly one rule of the spec broken; each must be answered 4xx.

Rules broken, one per case: a value of the wrong type, a missing required argument or body property, a
number or length out of range, a value outside an enum, a bad format, a pattern not matched, a property
the schema forbids, a body of the wrong shape, a Content-Type the operation does not accept, a body that
is not UTF-8, and a method the path does not declare. A value mutation is kept only when the spec's own
validator rejects it, so every case really breaks the rule it names.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

from ..call.validation import PARAMETER, REQUEST
from ..spec.operations import Operation
from .cases import Case
from .strategies import ArgumentSchema, body_media_type

# other methods tried on a known path: a common one, and TRACE (which servers often answer 501, not 405)
OTHER_METHODS = ("DELETE", "PUT", "PATCH", "POST", "GET")
WRONG_TYPE = {
    "string": 12345,
    "integer": "not-a-number",
    "number": "not-a-number",
    "boolean": "not-a-boolean",
    "array": "not-an-array",
    "object": "not-an-object",
}
BAD_FORMATS = {
    "date-time": "not-a-date-time",
    "date": "2024-13-45",
    "time": "25:61:00",
    "uuid": "not-a-uuid",
    "email": "not-an-email",
    "uri": "not a uri",
    "ipv4": "999.1.1.1",
    "ipv6": "not:an:ipv6::address::",
    "byte": "not base64!",
    "int32": 2**31,
    "int64": 2**63,
}
NOT_UTF8 = b'{"\xff\xfe": "\xc3\x28"}'


def negative_cases(
    client: Any, operation: Operation, arguments: list[ArgumentSchema], base: dict[str, Any]
) -> Iterator[Case]:
    """Every negative case of one operation, built from `base` (a valid call) with one rule broken."""
    check = _Checker(client, operation)
    for argument in arguments:
        if argument.location == "body":
            yield from _body_cases(operation, argument, base, check)
            continue
        if argument.required and argument.location != "path" and argument.name in base:
            kwargs = {k: v for k, v in base.items() if k != argument.name}
            yield Case(operation, kwargs, "rejected", f"missing required {argument.location} parameter {argument.name}")
        for rule, value in _broken_values(argument.schema, text_on_wire=True):
            if check.parameter_rejects(argument, value):
                yield Case(operation, {**base, argument.name: value}, "rejected", f"{rule} of {argument.name}")
    declared = {op.method.upper() for op in client.spec.operations if op.path == operation.path}
    if operation is min((op for op in client.spec.operations if op.path == operation.path), key=_order):
        other = next((m for m in OTHER_METHODS if m not in declared), None)
        for method in dict.fromkeys(m for m in (other, "TRACE") if m and m not in declared):
            yield Case(operation, base, "rejected", f"method {method} not declared for the path", method=method)


def _order(operation: Operation) -> tuple[str, str]:
    return operation.method, operation.name


def _body_cases(
    operation: Operation, argument: ArgumentSchema, base: dict[str, Any], check: _Checker
) -> Iterator[Case]:
    body = base.get("body")
    schema = argument.schema
    media_type = body_media_type(operation) or "application/json"
    if argument.required and "body" in base:
        yield Case(operation, {k: v for k, v in base.items() if k != "body"}, "rejected", "missing required body")
    if "json" in media_type:
        if "body" in base:
            yield Case(operation, base, "rejected", "body is not UTF-8", raw_body=NOT_UTF8)
            offered = operation.request_body.content if operation.request_body else {}
            if not any(t.startswith("text/plain") for t in offered):
                yield Case(operation, base, "rejected", "Content-Type text/plain", content_type="text/plain")
        for rule, value in _broken_values(schema, text_on_wire=False):
            if check.body_rejects(value):
                yield Case(operation, {**base, "body": value}, "rejected", f"{rule} of the body")
    if not isinstance(body, dict) or not isinstance(schema.get("properties"), dict):
        return
    for name in schema.get("required", []):
        if name in body:
            kwargs = {**base, "body": {k: v for k, v in body.items() if k != name}}
            yield Case(operation, kwargs, "rejected", f"missing required body property {name}")
    for name, prop in schema["properties"].items():
        if not isinstance(prop, dict):
            continue
        for rule, value in _broken_values(prop, text_on_wire=False):
            candidate = {**copy.deepcopy(body), name: value}
            if check.body_rejects(candidate):
                yield Case(operation, {**base, "body": candidate}, "rejected", f"{rule} of body property {name}")
    if schema.get("additionalProperties") is False:
        candidate = {**copy.deepcopy(body), "unexpected_property_x": "x"}
        if check.body_rejects(candidate):
            yield Case(operation, {**base, "body": candidate}, "rejected", "a property the schema forbids")


def _broken_values(schema: dict[str, Any], text_on_wire: bool) -> Iterator[tuple[str, Any]]:
    """(rule, value) pairs that each break one rule of the schema."""
    kind = schema.get("type")
    kinds = [k for k in kind if k != "null"] if isinstance(kind, list) else [kind] if isinstance(kind, str) else []
    if len(kinds) == 1 and not (text_on_wire and kinds[0] == "string") and "enum" not in schema:
        wrong = WRONG_TYPE.get(kinds[0])
        if wrong is not None and not (text_on_wire and isinstance(wrong, int)):
            yield "wrong type", wrong
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        sample = schema["enum"][0]
        yield "value outside the enum", "NOT_AN_ENUM_VALUE" if isinstance(sample, str) or text_on_wire else -987654
    for key, nudge in (("minimum", -1), ("maximum", 1), ("exclusiveMinimum", 0), ("exclusiveMaximum", 0)):
        bound = schema.get(key)
        if isinstance(bound, int | float) and not isinstance(bound, bool):
            yield f"out of range ({key} {bound})", bound + nudge
    if isinstance(schema.get("maxLength"), int) and schema["maxLength"] < 10_000:
        yield f"longer than maxLength {schema['maxLength']}", "x" * (schema["maxLength"] + 1)
    if isinstance(schema.get("minLength"), int) and schema["minLength"] > 0:
        yield f"shorter than minLength {schema['minLength']}", "x" * (schema["minLength"] - 1)
    if isinstance(schema.get("maxItems"), int) and schema["maxItems"] < 1000 and not text_on_wire:
        yield f"more than maxItems {schema['maxItems']}", [_item(schema)] * (schema["maxItems"] + 1)
    if isinstance(schema.get("minItems"), int) and schema["minItems"] > 0 and not text_on_wire:
        yield f"fewer than minItems {schema['minItems']}", [_item(schema)] * (schema["minItems"] - 1)
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in BAD_FORMATS:
        yield f"bad format {fmt}", BAD_FORMATS[fmt]
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        for candidate in ("!", "not matching ~ the pattern", ""):
            try:
                if not re.search(pattern, candidate):
                    yield "pattern not matched", candidate
                    break
            except (re.error, RecursionError):
                break


def _item(schema: dict[str, Any]) -> Any:
    from .strategies import simplest

    items = schema.get("items")
    return simplest(items) if isinstance(items, dict) else "x"


class _Checker:
    """Asks the spec's own validator whether a mutated value breaks a rule (so the case is truly negative)."""

    def __init__(self, client: Any, operation: Operation) -> None:
        self.validators = client._validators
        self.operation = operation

    def parameter_rejects(self, argument: ArgumentSchema, value: Any) -> bool:
        param = argument.parameter
        if param is None or param.schema is None:
            return False
        return self._rejects(param.schema, value, PARAMETER)

    def body_rejects(self, body: Any) -> bool:
        media_type = body_media_type(self.operation)
        media = self.operation.request_body.content.get(media_type) if self.operation.request_body else None
        if media is None or media.schema is None:
            return False
        try:
            json.dumps(body)
        except (TypeError, ValueError):
            return False
        return self._rejects(media.schema, body, REQUEST)

    def _rejects(self, schema: Any, value: Any, direction: str) -> bool:
        try:
            verdict = self.validators.fast_verdict(schema, value, direction)
            if verdict is not None:
                return not verdict
            return bool(list(self.validators.validator(schema, direction).iter_errors(value)))
        except Exception:  # noqa: BLE001 - a schema the validator cannot judge: the case is not used
            return False

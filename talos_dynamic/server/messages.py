"""Short, safe error messages: which field, which rule; never a secret, never a whole body.

openapi-core's own messages repeat the whole request body (credentials included) and every rejected value;
the server builds its 400 messages here instead, from the structured errors openapi-core raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

MAX_SHOWN = 40  # characters of a rejected value quoted back in a message
MAX_MESSAGE = 1000  # characters of any error message
MAX_PROBLEMS = 5  # problems named in one message

# Field names whose values are never quoted back, wherever they appear.
_SECRET_NAME = re.compile(r"credential|secret|token|password|passwd|authori[sz]ation|api_?key|private", re.IGNORECASE)
# Values that look like a credential whatever field they are in: a Talos secret, a JWT, a bearer header.
_SECRET_VALUE = re.compile(r"_v1_|^eyJ|^bearer\s", re.IGNORECASE)
_JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    type(None): "null",
}


def shown(value: Any, limit: int = MAX_SHOWN) -> str:
    """A value as it may appear in a message: repr'd, capped at `limit` characters, never a credential."""
    if isinstance(value, str) and _SECRET_VALUE.search(value):
        return "<redacted>"
    if isinstance(value, dict | list | tuple):
        return f"{_JSON_TYPES.get(type(value), 'a value')} of {len(value)} item{'s' if len(value) != 1 else ''}"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def capped(text: str, limit: int = MAX_MESSAGE) -> str:
    """A message cut to `limit` characters."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_secret_field(path: Sequence[Any]) -> bool:
    """Whether any name on a field path (e.g. ["requests", 0, "credential"]) names a secret-like field."""
    return any(isinstance(part, str) and _SECRET_NAME.search(part) for part in path)


def field_name(path: Iterable[Any], root: str = "body") -> str:
    """A field path as a user writes it: requests[0].credential; `root` for the whole body or parameter."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return capped(out, 120) or root


class Violation:
    """One broken rule: the field (as written for a user), the rule's name and a sentence."""

    def __init__(self, field: str, rule: str, description: str) -> None:
        self.field, self.rule, self.description = field, rule, description


def describe_problems(problems: Iterable[Exception]) -> tuple[str, list[Violation]]:
    """One short message for openapi-core's request errors, and the violations it names."""
    violations: list[Violation] = []
    for problem in problems:
        for violation in _violations(problem):
            if not any(v.field == violation.field and v.rule == violation.rule for v in violations):
                violations.append(violation)
    if not violations:
        violations = [Violation("request", "schema", "the request does not match the API description")]
    shown_ = violations[:MAX_PROBLEMS]
    message = "; ".join(v.description for v in shown_)
    if len(violations) > MAX_PROBLEMS:
        message += f"; and {len(violations) - MAX_PROBLEMS} more"
    return capped(message), violations


def _violations(problem: Exception) -> list[Violation]:
    cause = problem.__cause__
    cause_name = type(cause).__name__
    name = getattr(problem, "name", None)
    if isinstance(name, str):  # a parameter
        location = getattr(problem, "location", "query")
        field = capped(name, 120)
        if cause_name == "EmptyQueryParameterValue":
            return [Violation(field, "not_empty", f"{location} parameter {field} must not be empty")]
        if cause_name == "CastError":
            wanted = _a(getattr(cause, "type", "value"))
            return [Violation(field, "type", f"{location} parameter {field} must be {wanted}")]
        if "Missing" in type(problem).__name__:
            return [Violation(field, "required", f"{location} parameter {field} is required")]
        errors = getattr(cause, "schema_errors", None)
        if errors:
            return [_schema_violation(e, [name], location + " parameter ") for e in errors]
        return [Violation(field, "invalid", f"{location} parameter {field} is not valid")]
    if "Missing" in type(problem).__name__:
        return [Violation("body", "required", "a JSON request body is required")]
    if cause_name == "MediaTypeNotFound":
        return [Violation("Content-Type", "media_type", "the request body must be sent as application/json")]
    if cause_name == "MediaTypeDeserializeError":
        return [Violation("body", "json", "the request body is not valid JSON")]
    errors = getattr(cause, "schema_errors", None)
    if errors:
        return [_schema_violation(e, [], "") for e in errors]
    return [
        Violation("request", "schema", f"the request does not match the API description ({type(problem).__name__})")
    ]


def _schema_violation(error: Any, prefix: list[Any], label: str) -> Violation:
    """A jsonschema ValidationError as a Violation, without echoing the whole instance."""
    path = [*prefix, *getattr(error, "absolute_path", [])]
    field = field_name(path)
    rule = str(getattr(error, "validator", "schema"))
    wanted = getattr(error, "validator_value", None)
    instance = getattr(error, "instance", None)
    secret = is_secret_field(path)
    got = "" if secret else f" (got {shown(instance)})"
    where = f"{label}{field}"
    if rule == "required" and isinstance(wanted, list) and isinstance(instance, dict):
        missing = [str(n) for n in wanted if n not in instance] or [str(n) for n in wanted]
        names = ", ".join(field_name([*path, n]) for n in missing[:MAX_PROBLEMS])
        return Violation(field_name([*path, missing[0]]), rule, f"{label}{names} is required")
    if rule == "type" and getattr(error, "message", "").endswith("for not nullable"):
        return Violation(field, rule, f"{where} must not be null")
    if rule == "type":
        kinds = " or ".join(_a(k) for k in (wanted if isinstance(wanted, list) else [wanted]))
        got = "" if secret else f" (got {_JSON_TYPES.get(type(instance), 'a value')})"
        return Violation(field, rule, f"{where} must be {kinds}{got}")
    if rule == "enum" and isinstance(wanted, list):
        options = ", ".join(str(v) for v in wanted[:8]) + (", ..." if len(wanted) > 8 else "")
        return Violation(field, rule, f"{where} must be one of {options}{got}")
    if rule in ("minLength", "maxLength"):
        bound = "at least" if rule == "minLength" else "at most"
        length = f" (got {len(instance)})" if isinstance(instance, str) else ""
        return Violation(field, rule, f"{where} must be {bound} {_count(wanted, 'character')} long{length}")
    if rule in ("minItems", "maxItems"):
        bound = "at least" if rule == "minItems" else "at most"
        count = f" (got {len(instance)})" if isinstance(instance, list) else ""
        return Violation(field, rule, f"{where} must have {bound} {_count(wanted, 'item')}{count}")
    if rule in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        sign = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[rule]
        return Violation(field, rule, f"{where} must be {sign} {wanted}{got}")
    if rule == "pattern":
        return Violation(field, rule, f"{where} must match {capped(str(wanted), 80)}{got}")
    if rule == "format":
        return Violation(field, rule, f"{where} must be a valid {capped(str(wanted), 40)}{got}")
    if rule == "additionalProperties" and isinstance(instance, dict):
        return Violation(field, rule, f"{where} has fields the API does not define")
    return Violation(field, rule, f"{where} breaks the {capped(rule, 40)!r} rule{got}")


def _count(number: Any, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _a(kind: Any) -> str:
    kind = str(kind)
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"

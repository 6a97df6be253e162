"""Docstrings built from the spec on first access: what help(client.op) shows."""

from __future__ import annotations

import functools
import re
import textwrap
import weakref
from typing import Any

from ..call.arguments import Argument, ArgumentTable
from ..call.bodies import media_kind
from ..errors import ERRORS_BY_STATUS
from ..spec.refs import Located, Resolver
from ..spec.schemas import describe_type, object_properties, schema_name
from .samples import full_object, sample

WIDTH = 100
CONSTRAINTS = (
    ("minimum", ">= {}"),
    ("maximum", "<= {}"),
    ("exclusiveMinimum", "> {}"),
    ("exclusiveMaximum", "< {}"),
    ("minLength", "at least {} characters"),
    ("maxLength", "at most {} characters"),
    ("pattern", "pattern {}"),
    ("minItems", "at least {} items"),
    ("maxItems", "at most {} items"),
    ("format", "format {}"),
    ("multipleOf", "multiple of {}"),
    ("uniqueItems", "unique items"),
)


@functools.lru_cache(maxsize=8192)  # descriptions repeat across operations (shared parameters, schemas)
def plain_text(markdown: str) -> str:
    """Markdown made readable as plain text: links as 'text (url)', emphasis and HTML tags dropped."""
    text = re.sub(r"!?\[([^\]]*)\]\(([^)\s]+)[^)]*\)", r"\1 (\2)", markdown)
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.IGNORECASE)
    text = re.sub(r"</?[a-zA-Z][^>]*>", "", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    text = re.sub(r"^#{1,6}\s*", "", text, flags=re.MULTILINE)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


@functools.lru_cache(maxsize=8192)
def _wrap(text: str, indent: str = "    ") -> str:
    blocks = []
    for paragraph in plain_text(text).split("\n\n"):
        lines = paragraph.splitlines()
        if (
            any(line.startswith((" ", "\t", "-", "*", "|", "```")) for line in lines)
            or len(lines) > 1
            and all(len(line) < 60 for line in lines)
        ):
            blocks.append("\n".join(indent + line for line in lines))
        else:
            blocks.append(fill(" ".join(lines), indent, indent))
    return "\n\n".join(blocks)


def _fill(line: str, indent: str) -> str:
    return fill(line, "", indent, break_on_hyphens=False, break_long_words=False)


@functools.lru_cache(maxsize=16384)  # the same lines recur across operations (shared parameters, errors)
def fill(text: str, first: str, rest: str, **options: bool) -> str:
    """textwrap.fill at WIDTH, without its cost for the common text that fits on one line as it is."""
    if len(first) + len(text) <= WIDTH and text.strip() and not _SPECIAL_SPACE.search(text):
        return first + text.rstrip(" ")
    return textwrap.fill(text, WIDTH, initial_indent=first, subsequent_indent=rest, **options)


_SPECIAL_SPACE = re.compile(r"[\t\n\r\x0b\x0c]")


def constraints(resolver: Resolver, schema: Located | None) -> list[str]:
    """Readable constraints of a schema (bounds, lengths, pattern, format, enum values)."""
    if schema is None:
        return []
    value = resolver.resolve(schema).value
    if not isinstance(value, dict):
        return []
    found = [template.format(value[key]) for key, template in CONSTRAINTS if key in value and value[key] is not False]
    if isinstance(value.get("enum"), list):
        found.append("one of " + ", ".join(repr(v) for v in value["enum"]))
    if value.get("readOnly"):
        found.append("read-only")
    if value.get("writeOnly"):
        found.append("write-only")
    return found


def _schema_description(resolver: Resolver, schema: Located | None) -> str:
    if schema is None:
        return ""
    value = resolver.resolve(schema).value
    if not isinstance(value, dict):
        return ""
    return str(value.get("description") or value.get("title") or "")


def _type_name(resolver: Resolver, schema: Located | None) -> str:
    """describe_type, once per schema and spec: the same parameters and schemas recur across operations."""
    if schema is None:
        return describe_type(resolver, schema)
    names = _TYPE_NAMES.setdefault(resolver, {})
    found = names.get(schema.ref)
    if found is None:
        found = names[schema.ref] = describe_type(resolver, schema)
    return found


_TYPE_NAMES: weakref.WeakKeyDictionary[Resolver, dict[str, str]] = weakref.WeakKeyDictionary()


def _argument_line(table: ArgumentTable, argument: Argument) -> list[str]:
    resolver = table.resolver
    param = argument.parameter
    facts = [_type_name(resolver, argument.schema)]
    facts.append(
        f"{param.location} parameter {param.name!r}"
        if param and argument.python_name != param.name
        else f"{param.location} parameter"
        if param
        else "body field" + (f" {argument.property_name!r}" if argument.property_name != argument.python_name else "")
    )
    facts.append("required" if argument.required else "optional")
    if argument.schema is not None:
        value = resolver.resolve(argument.schema).value
        if isinstance(value, dict) and "default" in value:
            facts.append(f"default {value['default']!r}")
    facts += constraints(resolver, argument.schema)
    if param is not None and param.deprecated:
        facts.append("deprecated")
    lines = [_fill(f"{argument.python_name} : {', '.join(facts)}", "        ")]
    description = (param.description if param else "") or _schema_description(resolver, argument.schema)
    if description:
        lines.append(_wrap(description))
    return lines


def _body_section(table: ArgumentTable) -> list[str]:
    body = table.operation.request_body
    if body is None:
        return []
    resolver = table.resolver
    media = ", ".join(body.content) or "any content"
    schema = table.object_body_schema
    name = schema_name(schema)
    head = f"Request body ({media}{', ' + name if name else ''}), {'required' if body.required else 'optional'}"
    lines = ["", head, "-" * len(head)]
    if body.description:
        lines.append(_wrap(body.description, ""))
    properties, required = object_properties(resolver, schema)
    flattened = {a.property_name: a.python_name for a in table.by_name.values() if a.property_name}
    if not properties:
        only = next(iter(body.content.values()), None)
        lines.append(f"body= takes {describe_type(resolver, only.schema if only else None)}.")
        return lines
    lines.append(
        "Pass body= (a dict) or its fields as keyword arguments"
        + (": fields marked 'body= only' share a name with a parameter." if len(flattened) < len(properties) else ".")
    )
    for prop, schema_node in properties.items():
        facts = [_type_name(resolver, schema_node), "required" if prop in required else "optional"]
        facts += constraints(resolver, schema_node)
        if prop not in flattened:
            facts.append("body= only")
        lines.append(_fill(f"  {prop} : {', '.join(facts)}", "          "))
        description = _schema_description(resolver, schema_node)
        if description:
            lines.append(_wrap(description, "      "))
        nested, nested_required = object_properties(resolver, schema_node)
        if nested and not schema_name(schema_node):
            for sub, sub_schema in nested.items():
                sub_facts = [
                    describe_type(resolver, sub_schema),
                    "required" if sub in nested_required else "optional",
                ] + constraints(resolver, sub_schema)
                lines.append(_fill(f"    {prop}.{sub} : {', '.join(sub_facts)}", "            "))
    return lines


def _responses_section(table: ArgumentTable) -> list[str]:
    responses = table.operation.responses
    if not responses:
        return []
    resolver = table.resolver
    lines = ["", "Responses", "---------"]
    errors = []
    for status, response in responses.items():
        kinds = [
            _type_name(resolver, m.schema) if m.schema is not None and media_kind(m.name) == "json" else m.name
            for m in response.content.values()
        ]
        what = ", ".join(dict.fromkeys(kinds)) or "no body"
        text = f"{status} : {what}"
        first_line = plain_text(response.description).splitlines()[:1]
        if first_line:
            text += f" - {first_line[0]}"
        lines.append(text)
        if not status.startswith(("1", "2", "3")):
            errors.append(status)
    text = ERRORS_TEXT
    if errors:
        text += " Declared error answers: " + ", ".join(errors) + "."
    lines += ["", "Errors", "------", fill(text, "", "")]
    return lines


ERRORS_TEXT = (
    "Any 4xx/5xx answer raises an ApiError subclass ("
    + ", ".join(f"{code} {cls.__name__}" for code, cls in list(ERRORS_BY_STATUS.items())[:6])
    + ", ...) carrying the decoded error body."
)


def skeleton_arguments(table: ArgumentTable, optional: bool = False) -> dict[str, Any]:
    """Placeholder values for the required arguments (and required body fields) that make a valid call;
    with optional=True, for every parameter and every top-level body field as well."""
    resolver = table.resolver
    values = {
        a.python_name: sample(resolver, a.parameter.schema, fill=True)
        for a in table.by_name.values()
        if (a.required or optional) and a.parameter is not None
    }
    body = table.operation.request_body
    if body is None:
        return values
    media = next(iter(body.content.values()), None)
    schema = table.object_body_schema or (media.schema if media else None)
    # form encodings cannot carry an empty array, so arrays there get an item
    form = media_kind(media.name) in ("form", "multipart") if media else False
    if optional and table.object_body_schema is not None:
        content = full_object(resolver, table.object_body_schema, fill=form)
    else:
        content = sample(resolver, schema, fill=form)
    if isinstance(content, dict) and table.object_body_schema is not None:
        flattened = {a.property_name: a.python_name for a in table.by_name.values() if a.property_name}
        values.update({flattened[k]: v for k, v in content.items() if k in flattened})
        rest = {k: v for k, v in content.items() if k not in flattened}
        if rest or (body.required and not content):
            values["body"] = rest
    elif body.required:
        values["body"] = content
    return values


def build_docstring(table: ArgumentTable, python_name: str) -> str:
    """The full docstring of one operation."""
    op = table.operation
    lines = []
    if op.summary:
        lines.append(plain_text(op.summary))
    if op.description and op.description.strip() != op.summary.strip():
        lines += ["", _wrap(op.description, "")]
    facts = [f"operationId {op.operation_id}" if op.operation_id else ""]
    if op.tags:
        facts.append("tag " + ", ".join(op.tags))
    if op.deprecated:
        facts.append("deprecated")
    lines += ["", f"{op.method} {op.path}" + (f"  ({'; '.join(f for f in facts if f)})" if any(facts) else "")]
    arguments = [a for a in table.by_name.values() if a.parameter is not None]
    if arguments:
        lines += ["", "Parameters", "----------"]
        for argument in sorted(arguments, key=lambda a: not a.required):
            lines += _argument_line(table, argument)
    lines += _body_section(table)
    lines += _responses_section(table)
    call = ", ".join(f"{k}={v!r}" for k, v in skeleton_arguments(table).items())
    lines += ["", "Example", "-------", f"client.{python_name}({call})"]
    return "\n".join(lines).strip() + "\n"

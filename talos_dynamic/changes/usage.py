"""Which lines of a user's Python code a breaking change hits, read with `ast` (nothing is imported or run).

What is recognised: calls of an operation by its Python name or operationId on any object
(`talos.admin_revoke_api_key(...)`, also `.pages(...)`, `.items(...)`, `.prepare(...)`), the keywords each
call passes, the fields read from what a call returned (`out = talos.op(...); out.field`,
`talos.op(...).field`, `for key in talos.op.items(...): key.field`), `client.enums.Name.VALUE`,
`client.models.Name`, and string literals equal to a removed enum value. A call that passes `**kwargs` is
taken to pass every argument.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .report import Change, SpecDiff

_WALKERS = ("pages", "items", "prepare")
_CALL_KINDS = ("operation-removed", "operation-renamed")
_KEYWORD_KINDS = ("argument-removed", "argument-type-changed", "enum-value-removed")
_MISSING_KINDS = ("argument-required", "argument-added")
_FIELD_KINDS = ("response-field-removed", "response-field-type-changed")
_SCHEMA_KINDS = ("schema-removed", "schema-renamed")


@dataclass(frozen=True)
class Hit:
    """A line of the user's code that a breaking change reaches."""

    path: str
    line: int
    column: int
    code: str
    change: Change

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column + 1}: {self.code}\n    {self.change.kind}: {self.change.message}"


@dataclass
class _Call:
    operation: str
    node: ast.Call
    keywords: set[str]
    spreads: bool  # **kwargs passed
    in_try: bool


@dataclass
class _FileFacts:
    calls: list[_Call] = field(default_factory=list)
    fields: list[tuple[str, str, ast.AST]] = field(default_factory=list)  # (operation, field path, node)
    schemas: list[tuple[str, str | None, ast.AST]] = field(default_factory=list)  # (schema, value, node)
    strings: list[tuple[str, ast.AST]] = field(default_factory=list)


def find_usage(report: SpecDiff, source: str | Path) -> list[Hit]:
    """The call sites and reads in `source` (a .py file or a folder of them) that breaking changes hit."""
    root = Path(source)
    files = sorted(root.rglob("*.py")) if root.is_dir() else [root]
    names = _operation_names(report)
    hits: list[Hit] = []
    for path in files:
        try:
            text = path.read_text("utf-8")
            tree = ast.parse(text, filename=str(path))
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            continue  # not Python we can read: nothing to report there
        facts = _Collector(names).collect(tree)
        lines = text.splitlines()
        for change in report.breaking:
            for node in _matches(change, facts):
                code = lines[node.lineno - 1].strip() if 0 < node.lineno <= len(lines) else ""
                hits.append(Hit(str(path), node.lineno, node.col_offset, code, change))
    return sorted(hits, key=lambda h: (h.path, h.line, h.column, h.change.kind))


def _operation_names(report: SpecDiff) -> dict[str, str]:
    """Every name an operation of the old spec may be called by (Python name, operationId) -> Python name."""
    names: dict[str, str] = {}
    for change in report.changes:
        if change.operation:
            names.setdefault(change.operation, change.operation)
        if change.kind in _CALL_KINDS + ("operation-id-renamed",) and change.operation and change.old:
            names.setdefault(change.old, change.operation)
    return names


def _matches(change: Change, facts: _FileFacts) -> Iterator[ast.AST]:
    if change.kind in _CALL_KINDS:
        yield from (c.node for c in facts.calls if c.operation == change.operation)
    elif change.kind == "error-shape-changed":
        yield from (c.node for c in facts.calls if c.operation == change.operation and c.in_try)
    elif change.kind in _KEYWORD_KINDS and change.operation:
        yield from (c.node for c in facts.calls if c.operation == change.operation and change.subject in c.keywords)
    elif change.kind in _MISSING_KINDS:
        yield from (
            c.node
            for c in facts.calls
            if c.operation == change.operation and change.subject not in c.keywords and not c.spreads
        )
    elif change.kind in _FIELD_KINDS:
        for operation, path, node in facts.fields:
            if operation == change.operation and _same_field(path, change.subject or ""):
                yield node
    elif change.kind in _SCHEMA_KINDS:
        yield from (node for schema, _, node in facts.schemas if schema == change.subject)
    elif change.kind == "enum-value-removed":
        yield from (node for schema, value, node in facts.schemas if value == change.old)
        yield from (node for text, node in facts.strings if text == change.old)


def _same_field(read: str, declared: str) -> bool:
    """Whether reading `read` (`a.b`; `[].a` for an item of items()) needs the declared field (`x[].a`)."""
    if read.startswith("[]."):
        if "[]." not in declared:
            return False
        read, declared = read[3:], declared.split("[].", 1)[1]
    return read == declared or read.startswith(declared + ".")


class _Collector(ast.NodeVisitor):
    """One pass over a module: operation calls, reads of their results, enums/models and string literals."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names
        self.facts = _FileFacts()
        self.results: dict[str, tuple[str, str]] = {}  # variable -> (operation, path prefix)
        self.try_depth = 0

    def collect(self, tree: ast.AST) -> _FileFacts:
        self.visit(tree)
        return self.facts

    def _operation_of(self, func: ast.AST) -> tuple[str, str] | None:
        """(operation, how) for `x.op(...)` ("call") and `x.op.items(...)` ("items"/"pages"/"prepare")."""
        if not isinstance(func, ast.Attribute):
            return None
        if func.attr in self.names:
            return self.names[func.attr], "call"
        if func.attr in _WALKERS and isinstance(func.value, ast.Attribute) and func.value.attr in self.names:
            return self.names[func.value.attr], func.attr
        return None

    def visit_Try(self, node: ast.Try) -> None:
        self.try_depth += 1
        for child in node.body:
            self.visit(child)
        self.try_depth -= 1
        for child in (*node.handlers, *node.orelse, *node.finalbody):
            self.visit(child)

    def visit_Call(self, node: ast.Call) -> None:
        found = self._operation_of(node.func)
        if found is not None:
            keywords = {k.arg for k in node.keywords if k.arg is not None}
            spreads = any(k.arg is None for k in node.keywords)
            self.facts.calls.append(_Call(found[0], node, keywords, spreads, self.try_depth > 0))
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        self._bind(node.targets, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._bind([node.target], node.value)
        self.generic_visit(node)

    def visit_For(self, node: ast.For) -> None:
        self._bind([node.target], node.iter)
        self.generic_visit(node)

    visit_AsyncFor = visit_For  # type: ignore[assignment]

    def _bind(self, targets: list[ast.expr], value: ast.expr) -> None:
        """Remember which operation's result (or which part of it) a plain variable holds."""
        if isinstance(value, ast.Await):
            value = value.value
        bound: tuple[str, str] | None = None
        if isinstance(value, ast.Call):
            found = self._operation_of(value.func)
            if found is not None and found[1] != "prepare":
                bound = (found[0], "[]." if found[1] == "items" else "")
        elif isinstance(value, ast.Attribute):  # for item in out.results: item is out.results[]
            chain, base = _chain(value)
            if isinstance(base, ast.Name) and base.id in self.results:
                operation, prefix = self.results[base.id]
                bound = (operation, f"{prefix}{'.'.join(chain)}[].")
        for target in targets:
            if isinstance(target, ast.Name):
                if bound is None:
                    self.results.pop(target.id, None)
                else:
                    self.results[target.id] = bound

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """The outermost attribute of a chain: a field read, or an enums/models access; then its base."""
        chain, base = _chain(node)
        if isinstance(base, ast.Name) and base.id in self.results:
            operation, prefix = self.results[base.id]
            self.facts.fields.append((operation, prefix + ".".join(chain), node))
        elif isinstance(base, ast.Call):
            found = self._operation_of(base.func)
            if found is not None and found[1] == "call":
                self.facts.fields.append((found[0], ".".join(chain), node))
        for kind in ("enums", "models"):
            if kind in chain[:-1]:
                at = chain.index(kind)
                value = chain[at + 2] if kind == "enums" and len(chain) > at + 2 else None
                self.facts.schemas.append((chain[at + 1], value, node))
        self.visit(base)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self.facts.strings.append((node.value, node))


def _chain(node: ast.Attribute) -> tuple[list[str], ast.AST]:
    """`a.b.c` as (["b", "c"], Name a) for the outermost attribute: the names after the base, and the base."""
    names: list[str] = []
    current: ast.AST = node
    while isinstance(current, ast.Attribute):
        names.append(current.attr)
        current = current.value
    names.reverse()
    return names, current

"""Browsing operations from a REPL: a table view, search, and groups by tag."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..client import BoundOperation

COLUMNS = (("python name", 30), ("operationId", 26), ("method", 6), ("path", 40), ("tag", 18), ("summary", 36))


def _cell(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class OperationsView(Sequence["BoundOperation"]):
    """A sized, iterable view of operations; index by position or name; a table as its repr."""

    def __init__(self, operations: list[BoundOperation], label: str = "operations") -> None:
        self._operations = operations
        self._label = label

    def __len__(self) -> int:
        return len(self._operations)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            for op in self._operations:
                if key in (op.__name__, op.operation.operation_id):
                    return op
            raise KeyError(key)
        if isinstance(key, slice):
            return OperationsView(self._operations[key], self._label)
        return self._operations[key]

    def __iter__(self) -> Iterator[BoundOperation]:
        return iter(self._operations)

    def rows(self) -> list[dict[str, str]]:
        """One dict per operation: python_name, operation_id, method, path, tag, summary."""
        return [
            {
                "python_name": op.__name__,
                "operation_id": op.operation.operation_id or "",
                "method": op.operation.method,
                "path": op.operation.path,
                "tag": ", ".join(op.operation.tags),
                "summary": op.operation.summary.strip().splitlines()[0] if op.operation.summary.strip() else "",
            }
            for op in self._operations
        ]

    def find(self, text: str) -> OperationsView:
        """Operations whose name, operationId, path, tags or summary contain `text` (any case)."""
        needle = text.lower()
        found = [
            op
            for op, row in zip(self._operations, self.rows(), strict=True)
            if any(needle in value.lower() for value in row.values())
        ]
        return OperationsView(found, f"operations matching {text!r}")

    def table(self) -> str:
        """The operations as a plain-text table."""
        rows = self.rows()
        header = "  ".join(name.ljust(width) for name, width in COLUMNS).rstrip()
        lines = [f"{len(rows)} {self._label}", header]
        for row in rows:
            cells = [row["python_name"], row["operation_id"], row["method"], row["path"], row["tag"], row["summary"]]
            lines.append("  ".join(_cell(c, w).ljust(w) for c, (_, w) in zip(cells, COLUMNS, strict=True)).rstrip())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.table()


class TagGroup:
    """The operations of one tag: `client.<Tag>.<operation>`, with a table as its repr."""

    def __init__(self, name: str, operations: list[BoundOperation]) -> None:
        self.name = name
        self.operations = OperationsView(operations, f"operations tagged {name!r}")

    def __getattr__(self, name: str) -> BoundOperation:
        try:
            return self.operations[name]
        except KeyError:
            raise AttributeError(f"tag {self.name!r} has no operation {name!r}") from None

    def __dir__(self) -> list[str]:
        return sorted({op.__name__ for op in self.operations} | {"name", "operations"})

    def __iter__(self) -> Iterator[BoundOperation]:
        return iter(self.operations)

    def __len__(self) -> int:
        return len(self.operations)

    def __repr__(self) -> str:
        return self.operations.table()

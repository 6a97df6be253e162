"""Browsing operations from a REPL: a table view, search, and groups by tag."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..client import BoundOperation

COLUMNS = (
    ("python name", "python_name"),
    ("operationId", "operation_id"),
    ("method", "method"),
    ("path", "path"),
    ("tag", "tag"),
    ("summary", "summary"),
)
SUMMARY_WIDTH = 60  # summaries longer than this end in "…"; names, paths and tags are never cut


def _shorten(text: str, width: int) -> str:
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
        return self.filter(text=text)

    def filter(
        self,
        text: str | None = None,
        *,
        tags: Sequence[str] = (),
        methods: Sequence[str] = (),
        path: str | None = None,
    ) -> OperationsView:
        """Operations matching every criterion given: `text` in a name, path, tag or summary (any case), one
        of `tags` (any case), one of `methods`, a path starting with `path`."""
        needle = (text or "").lower()
        wanted_tags = {tag.lower() for tag in tags}
        wanted_methods = {method.upper() for method in methods}
        found = [
            op
            for op, row in zip(self._operations, self.rows(), strict=True)
            if (not needle or any(needle in value.lower() for value in row.values()))
            and (not wanted_tags or wanted_tags & {tag.lower() for tag in op.operation.tags})
            and (not wanted_methods or op.operation.method in wanted_methods)
            and (path is None or op.operation.path.startswith(path))
        ]
        criteria = [f"matching {text!r}"] if text else []
        criteria += [f"tagged {', '.join(tags)}"] if tags else []
        criteria += [f"{'/'.join(sorted(wanted_methods))}"] if methods else []
        criteria += [f"under {path}"] if path else []
        return OperationsView(found, " ".join(["operations", *criteria]))

    @property
    def label(self) -> str:
        """What the view holds, e.g. "operations matching 'verify'"."""
        return self._label

    def table(self) -> str:
        """The operations as a plain-text table, each column as wide as its longest cell (nothing is cut but a
        summary past SUMMARY_WIDTH characters)."""
        rows = [
            {
                **row,
                "summary": row["summary"]
                if len(row["summary"]) <= SUMMARY_WIDTH
                else row["summary"][: SUMMARY_WIDTH - 1] + "…",
            }
            for row in self.rows()
        ]
        widths = [max([len(title)] + [len(row[key]) for row in rows]) for title, key in COLUMNS]
        lines = [f"{len(rows)} {self._label}"]
        for cells in [[title for title, _ in COLUMNS], *([row[key] for _, key in COLUMNS] for row in rows)]:
            lines.append("  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip())
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

"""What a spec change does to a Python caller: each change, whether it breaks, as text, Markdown or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Change:
    """One change, in the client's own names.

    `kind` is stable (operation-removed, argument-required, response-field-removed, ...); `operation` is the
    Python name (None for a schema-level change); `subject` names the argument, field, schema or value;
    `old` and `new` say what it was and is; `message` is one line for people.
    """

    kind: str
    breaking: bool
    message: str
    operation: str | None = None
    subject: str | None = None
    old: str | None = None
    new: str | None = None


@dataclass
class SpecDiff:
    """Every change from `old` to `new`; `breaking` is the ones a caller's code may trip over."""

    old: str
    new: str
    changes: list[Change] = field(default_factory=list)

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.breaking]

    def of_kind(self, *kinds: str) -> list[Change]:
        """The changes of these kinds."""
        return [c for c in self.changes if c.kind in kinds]

    def summary(self) -> str:
        total, broken = len(self.changes), len(self.breaking)
        return f"{total} change{'s' if total != 1 else ''}, {broken} breaking"

    def to_text(self) -> str:
        """One line per change, breaking ones first, marked BREAKING or ok."""
        lines = [f"{self.old} -> {self.new}: {self.summary()}"]
        for change in sorted(self.changes, key=lambda c: not c.breaking):
            lines.append(f"  {'BREAKING' if change.breaking else 'ok      '} {change.kind}: {change.message}")
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """A Markdown table, breaking changes first."""
        lines = [
            f"## `{self.old}` → `{self.new}`",
            "",
            f"{self.summary()}.",
            "",
            "| | change | operation | what |",
            "|---|---|---|---|",
        ]
        for change in sorted(self.changes, key=lambda c: not c.breaking):
            mark = "**breaking**" if change.breaking else "ok"
            operation = f"`{change.operation}`" if change.operation else ""
            lines.append(f"| {mark} | {change.kind} | {operation} | {_cell(change.message)} |")
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "old": self.old,
            "new": self.new,
            "breaking": len(self.breaking),
            "changes": [asdict(change) for change in self.changes],
        }

    def render(self, form: str) -> str:
        """The report as "text", "markdown" or "json"."""
        if form == "json":
            return json.dumps(self.to_json(), indent=2)
        return self.to_markdown() if form == "markdown" else self.to_text()

    def __repr__(self) -> str:
        return f"<SpecDiff {self.old} -> {self.new}: {self.summary()}>"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")

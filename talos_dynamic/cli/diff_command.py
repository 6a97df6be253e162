"""`talos-dynamic diff OLD NEW`: what a spec change does to a Python caller, with an exit code for CI.

Exit codes: 0 nothing breaking (or nothing that hits the --usage code, with --fail-on hits), 1 breaking
changes (or hits), 2 a spec or the --usage path cannot be read.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .usage import UsageError


def register(commands: Any) -> None:
    """Add the diff subcommand to the CLI's subparsers."""
    parser = commands.add_parser(
        "diff", help="what changing from spec OLD to spec NEW does to Python callers; exit 1 on breaking changes"
    )
    parser.add_argument("old", help="the spec in use (path or URL)")
    parser.add_argument("new", help="the spec to move to (path or URL)")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    parser.add_argument(
        "--usage", metavar="SRC", help="a .py file or a folder: list the call sites the breaking changes hit"
    )
    parser.add_argument(
        "--fail-on",
        choices=("breaking", "hits", "never"),
        default="breaking",
        help="exit 1 on any breaking change (default), only on ones that hit --usage code, or never",
    )


def run(args: argparse.Namespace) -> int:
    """Print the report (and the hits in --usage code); the exit code says whether to fail."""
    from ..changes import diff
    from ..changes.usage import find_usage
    from ..errors import SpecError

    if args.usage and not Path(args.usage).exists():
        raise UsageError(f"--usage {args.usage}: no such file or folder")
    if args.fail_on == "hits" and not args.usage:
        raise UsageError("--fail-on hits needs --usage SRC")
    try:
        report = diff(args.old, args.new)
    except SpecError as exc:
        raise UsageError(str(exc)) from None
    hits = find_usage(report, args.usage) if args.usage else []
    if args.format == "json":
        data = report.to_json()
        if args.usage:
            data["usage"] = [
                {
                    "path": h.path,
                    "line": h.line,
                    "column": h.column + 1,
                    "code": h.code,
                    "kind": h.change.kind,
                    "message": h.change.message,
                }
                for h in hits
            ]
        print(json.dumps(data, indent=2))
    else:
        print(report.render(args.format))
        if args.usage:
            print(f"\n{len(hits)} call site{'s' if len(hits) != 1 else ''} in {args.usage} hit by breaking changes:")
            for hit in hits:
                print(str(hit))
    if args.fail_on == "never":
        return 0
    return 1 if (hits if args.fail_on == "hits" else report.breaking) else 0

"""The `contract` subcommand's options for generated cases, and which runner it calls.

Kept apart from generation.py so that building the command line imports nothing of the generator.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from typing import Any

DEFAULT_MAX_CASES = 500


def add_generate_options(parser: argparse.ArgumentParser, which: Any) -> None:
    """The `contract` subcommand's options for generated cases (`which`: the --scenario/--tests group)."""
    which.add_argument(
        "--generate", action="store_true", help="generate cases from the spec (no scenario or test code needed)"
    )
    parser.add_argument("--seed", type=int, default=0, help="with --generate: the same seed sends the same requests")
    parser.add_argument(
        "--max-cases",
        type=_positive_int,
        default=DEFAULT_MAX_CASES,
        metavar="N",
        help="with --generate: at most N requests",
    )
    parser.add_argument("--max-time", type=float, metavar="SECONDS", help="with --generate: stop after this long")
    parser.add_argument("--report-html", metavar="FILE", help="a self-contained HTML report")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def runner_for(args: argparse.Namespace) -> Callable[..., int]:
    """What `contract` runs: generated cases with --generate, else the scenario runner (its options as they are)."""
    from .runner import run_contract

    if not getattr(args, "generate", False):
        # out= given here: run_contract's default is the sys.stdout of when it was imported
        if getattr(args, "report_html", None):
            return functools.partial(_with_html, run_contract, args.report_html, out=sys.stdout)
        return functools.partial(run_contract, out=sys.stdout)
    from .generation import run_generated

    return functools.partial(
        run_generated, seed=args.seed, max_cases=args.max_cases, max_time=args.max_time, report_html=args.report_html
    )


def _with_html(run_contract: Callable[..., int], path: str, **options: Any) -> int:
    """The scenario runner, then its JSON report as HTML too."""
    import json
    import tempfile
    from pathlib import Path

    from .html_report import write_html

    with tempfile.TemporaryDirectory() as folder:
        report_json = options.pop("report_json", None) or str(Path(folder) / "contract.json")
        code = run_contract(report_json=report_json, **options)
        write_html(json.loads(Path(report_json).read_text(encoding="utf-8")), path)
    return code

"""Which runner the `contract` subcommand calls, and with what (its options are parsed in cli/parser.py).

Kept apart from generation.py so that choosing a runner imports nothing of the generator before it runs.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from typing import Any

DEFAULT_MAX_CASES = 500


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
        run_generated,
        seed=args.seed,
        max_cases=DEFAULT_MAX_CASES if args.max_cases is None else args.max_cases,
        max_time=args.max_time,
        report_html=args.report_html,
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

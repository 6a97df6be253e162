"""The talos-dynamic command line: its parser, built from argparse and a few small modules only, so that
`--help` and completion stay fast; each subcommand imports what it needs when it runs."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ..bundled import TALOS_SPEC
from . import diff_command
from .options import ENV_BASE_URL, ENV_SPEC, ENV_TOKEN

SCENARIO_NAMES = ("talos-lifecycle",)
SHELLS = ("bash", "zsh", "fish")

EPILOG = f"""environment: {ENV_SPEC}, {ENV_BASE_URL} and {ENV_TOKEN} are the defaults of --spec, --base-url and
--token. Exit codes: 0 ok; 1 the API answered an error or a check failed; 2 usage error or invalid argument
(nothing sent); 3 server unreachable; 4 unusable spec; 141 output closed early."""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        number = version("talos-dynamic")
    except PackageNotFoundError:  # running from a source tree that was never installed
        number = "unknown"
    return f"talos-dynamic {number} (Python {sys.version.split()[0]})"


def _verbosity(parser: argparse.ArgumentParser, top: bool) -> None:
    # on the top parser and on every subcommand: `-v` works before or after the subcommand
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0 if top else argparse.SUPPRESS,
        help="call: print the whole exchange (--print HBhb); -vv (or -v elsewhere): log each request and response",
    )


def _client_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--spec",
        default=os.environ.get(ENV_SPEC) or str(TALOS_SPEC),
        help=f"path or URL of the spec (default: ${ENV_SPEC}, else the bundled Talos spec)",
    )
    parser.add_argument(
        "--base-url",
        default=os.environ.get(ENV_BASE_URL) or None,
        help=f"the API's base URL (default: ${ENV_BASE_URL}, else the spec's servers; with the bundled spec, "
        "a local Talos server started for the command)",
    )
    parser.add_argument("--token", default=os.environ.get(ENV_TOKEN) or None, help=f"bearer token (${ENV_TOKEN})")
    parser.add_argument("--header", action="append", default=[], metavar="'Name: value'", help="extra header")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="talos-dynamic",
        description="A runtime-dynamic OpenAPI client.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", help="show the version and exit")
    _verbosity(parser, top=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, client: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help, epilog=EPILOG)
        _verbosity(sub, top=False)
        if client:
            _client_options(sub)
        return sub

    serve = command("serve", "run the local Talos-compatible server in the foreground", client=False)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=4420)
    serve.add_argument("--token", help="admin bearer token required on admin calls (default: none required)")
    serve.add_argument(
        "--spec",
        default="seed",
        help="the Talos spec to serve: seed, latest, or the path of any Talos version's document",
    )
    serve.add_argument("--fault", choices=_fault_names(), help="break the contract on purpose, one way")

    command("demo", "run the Go SDK page's flow (issue, verify, revoke, derive, errors)")

    ops = command("ops", "a table of the spec's operations")
    ops.add_argument("filter", nargs="?", help="only operations whose name, path, tag or summary contain this")
    ops.add_argument("--tag", action="append", default=[], help="only operations with this tag (repeatable)")
    ops.add_argument("--method", action="append", default=[], help="only this HTTP method (repeatable)")
    ops.add_argument("--path", metavar="PREFIX", help="only paths starting with PREFIX")
    shape = ops.add_mutually_exclusive_group()
    shape.add_argument("--names", action="store_true", help="only the Python names, one per line")
    shape.add_argument("--json", action="store_true", help="one JSON object per operation, in a list")
    ops.add_argument("--no-pager", action="store_true", help="never page a long table on a terminal")

    describe = command("describe", "an operation's documentation (the text help() shows)")
    describe.add_argument("operation")

    call = command("call", "call an operation; the JSON result on stdout")
    call.add_argument("operation")
    call.add_argument(
        "arguments",
        nargs="*",
        metavar="key=value",
        help="arguments, parsed by their schema type (lists: a,b or repeated keys; key:=JSON); options may "
        "come before, between or after them",
    )
    call.add_argument("--body", help="the request body: JSON text or @file")
    call.add_argument("--dry-run", action="store_true", help="print the request as curl (secrets masked); send nothing")
    call.add_argument(
        "--print",
        dest="print_parts",
        metavar="HBhb",
        help="what to print: H request headers, B request body, h response headers, b response body (default b)",
    )

    repl = command("repl", "an interactive session with `client` bound")
    repl.add_argument("--plain", action="store_true", help="the standard console even when IPython is installed")

    completion = command("completion", "a completion script: source <(talos-dynamic completion bash)", client=False)
    completion.add_argument("shell", choices=SHELLS)
    diff_command.register(commands)

    contract = command(
        "contract", "check a live server against its spec: run a scenario or your pytest tests, report findings"
    )
    which = contract.add_mutually_exclusive_group()
    which.add_argument("--scenario", choices=SCENARIO_NAMES, help="a built-in scenario (default: talos-lifecycle)")
    which.add_argument("--tests", metavar="DIR", help="run your pytest tests (fixture `api`) instead")
    contract.add_argument("--report-json", metavar="FILE", help="the JSON report (contract/report.schema.json)")
    contract.add_argument("--report-junit", metavar="FILE", help="JUnit XML, one test case per step or test")
    contract.add_argument("--baseline", metavar="FILE", help="a previous JSON report: its findings do not fail")
    contract.add_argument(
        "--fail-under", type=_percent, metavar="PERCENT", help="fail when fewer operations ran (0-100)"
    )
    contract.add_argument("--max-response-time", type=_positive, metavar="SECONDS", help="slower answers are findings")
    contract.add_argument(
        "--check", action="append", default=[], metavar="NAME=error|warning|off", help="one check's severity"
    )
    _generate_options(contract, which)
    return parser


def _generate_options(parser: argparse.ArgumentParser, which: Any) -> None:
    """The `contract` options for generated cases (`which`: the --scenario/--tests group)."""
    which.add_argument(
        "--generate", action="store_true", help="generate cases from the spec (no scenario or test code needed)"
    )
    parser.add_argument("--seed", type=int, default=0, help="with --generate: the same seed sends the same requests")
    parser.add_argument(
        "--max-cases",
        type=_positive_int,
        metavar="N",
        help="with --generate: at most N requests (default: 500)",
    )
    parser.add_argument("--max-time", type=float, metavar="SECONDS", help="with --generate: stop after this long")
    parser.add_argument("--report-html", metavar="FILE", help="a self-contained HTML report")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _fault_names() -> list[str]:
    from ..server.faults import FAULTS  # a plain dict; the server itself is not imported

    return sorted(FAULTS)


def _percent(text: str) -> float:
    value = _number(text)
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage from 0 to 100")
    return value


def _positive(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Options anywhere: `call OP --spec S name=x` works as `call --spec S OP name=x` does."""
    parser = build_parser()
    words = sys.argv[1:] if argv is None else argv
    parser.version = _version() if "--version" in words else ""  # type: ignore[attr-defined]
    args, extra = parser.parse_known_args(argv)
    if args.command == "call":
        stray = [word for word in extra if word.startswith("-") and word != "-"]
        if not stray:
            args.arguments += extra
            extra = []
    if extra:
        parser.parse_args(argv)  # reports the unrecognized arguments the usual way and exits 2
    return args

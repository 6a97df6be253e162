"""The talos-dynamic command: explore and call any spec; serve or demo the bundled Talos server."""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import sys
from typing import Any

from ..bundled import TALOS_SPEC
from ..client import BoundOperation, Client
from ..contract.scenarios import SCENARIOS
from ..errors import ApiError, RequestValidationError, TalosDynamicError
from ..server.faults import FAULTS
from ..spec.naming import snake_case
from .demo import new_token, run_demo
from .values import UsageError, parse_pairs, read_body

BANNER = """talos_dynamic REPL: {client!r}
  client.operations            every operation, as a table
  client.find("revoke")        search names, paths, tags and summaries
  help(client.<operation>)     signature, parameters, body fields, responses, an example call
  client.enums, client.models  enum constants and checked constructors
Tab completes operation and argument names; exit() or Ctrl-D leaves."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="talos-dynamic", description="A runtime-dynamic OpenAPI client.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each request and response (masked)")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the local Talos-compatible server in the foreground")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=4420)
    serve.add_argument("--token", help="admin bearer token required on admin calls (default: none required)")
    serve.add_argument(
        "--fault", choices=sorted(FAULTS), help="break the contract on purpose, one way (for testing contract checks)"
    )

    demo = commands.add_parser("demo", help="run the Go SDK page's flow (issue, verify, revoke, derive, errors)")
    _client_options(demo)

    ops = commands.add_parser("ops", help="a table of the spec's operations")
    ops.add_argument("filter", nargs="?", help="only operations whose name, path, tag or summary contain this")
    ops.add_argument("--names", action="store_true", help="only the Python names, one per line")
    _client_options(ops)

    describe = commands.add_parser("describe", help="an operation's documentation (the text help() shows)")
    describe.add_argument("operation")
    _client_options(describe)

    call = commands.add_parser("call", help="call an operation; JSON result on stdout")
    call.add_argument("operation")
    call.add_argument(
        "arguments",
        nargs="*",
        metavar="key=value",
        help="arguments, parsed by their schema type (lists: a,b or repeated keys; key:=JSON)",
    )
    call.add_argument("--body", help="the request body: JSON text or @file")
    call.add_argument("--dry-run", action="store_true", help="print the request as curl (secrets masked); send nothing")
    _client_options(call)

    repl = commands.add_parser("repl", help="an interactive session with `client` bound")
    _client_options(repl)

    completion = commands.add_parser(
        "completion", help="a bash completion script: source <(talos-dynamic completion bash)"
    )
    completion.add_argument("shell", choices=["bash"])

    contract = commands.add_parser(
        "contract",
        help="check a live server against its spec: run a scenario or your pytest tests, report findings and coverage",
    )
    _client_options(contract)
    which = contract.add_mutually_exclusive_group()
    which.add_argument("--scenario", choices=sorted(SCENARIOS), help="a built-in scenario (default: talos-lifecycle)")
    which.add_argument("--tests", metavar="DIR", help="run your pytest tests (fixture `api`) instead")
    contract.add_argument("--report-json", metavar="FILE", help="the JSON report (contract/report.schema.json)")
    contract.add_argument("--report-junit", metavar="FILE", help="JUnit XML, one test case per step or test")
    contract.add_argument("--baseline", metavar="FILE", help="a previous JSON report: its findings do not fail")
    contract.add_argument("--fail-under", type=float, metavar="PERCENT", help="fail when fewer operations ran")
    contract.add_argument("--max-response-time", type=float, metavar="SECONDS", help="slower answers are findings")
    contract.add_argument(
        "--check",
        action="append",
        default=[],
        metavar="NAME=error|warning|off",
        help="set one check's severity (repeatable)",
    )
    from ..contract.generate_options import add_generate_options

    add_generate_options(contract, which)
    return parser


def _client_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--spec", default=str(TALOS_SPEC), help="path or URL of the spec (default: bundled Talos)")
    parser.add_argument(
        "--base-url",
        help="the API's base URL (default: the spec's servers, or for the bundled "
        "spec with demo and repl, a local server started for the session)",
    )
    parser.add_argument("--token", help="bearer token")
    parser.add_argument("--header", action="append", default=[], metavar="'Name: value'", help="extra header")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    handlers = {
        "serve": serve,
        "demo": demo,
        "ops": ops,
        "describe": describe,
        "call": call,
        "repl": repl,
        "contract": contract,
        "completion": completion,
    }
    try:
        return handlers[args.command](args)
    except UsageError as exc:
        print(f"talos-dynamic {args.command}: {exc}", file=sys.stderr)
        return 2
    except RequestValidationError as exc:
        print(f"talos-dynamic {args.command}: {exc}", file=sys.stderr)
        return 2
    except ApiError as exc:
        text = (
            json.dumps(_error_json(exc), indent=2) if args.command == "call" else f"talos-dynamic {args.command}: {exc}"
        )
        print(text, file=sys.stderr)
        return 1
    except TalosDynamicError as exc:
        print(f"talos-dynamic {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _headers(values: list[str]) -> dict[str, str]:
    headers = {}
    for value in values:
        name, sep, text = value.partition(":")
        if not sep or not name.strip():
            raise UsageError(f"--header {value!r}: expected 'Name: value'")
        headers[name.strip()] = text.strip()
    return headers


def _client(args: argparse.Namespace, base_url: str | None = None, token: str | None = None) -> Client:
    return Client(
        args.spec, base_url=base_url or args.base_url, token=token or args.token, headers=_headers(args.header)
    )


def find_operation(client: Client, name: str) -> BoundOperation:
    """An operation by Python name or operationId, any case; a 'did you mean' when there is none."""
    names = {n.lower(): n for n in client._names}
    for candidate in (name, snake_case(name)):
        if candidate.lower() in names:
            return client.operation(names[candidate.lower()])
    python_names = {op.__name__.lower(): op.__name__ for op in client.operations}
    close = difflib.get_close_matches(snake_case(name), list(python_names), n=3)
    hint = f"; did you mean {', '.join(python_names[c] for c in close)}?" if close else ""
    raise UsageError(f"no operation {name!r} in {client.spec.source}{hint} (see: talos-dynamic ops)")


def _error_json(error: ApiError) -> dict[str, Any]:
    return {
        "error": type(error).__name__,
        "operation": error.operation,
        "http_status": error.http_status,
        "status": error.status,
        "grpc_code": error.grpc_code,
        "message": error.message,
        "reason": error.reason,
        "domain": error.domain,
        "metadata": error.metadata,
        "details": error.details,
    }


def serve(args: argparse.Namespace) -> int:
    from ..server import start_server

    access = (
        "admin token required: send Authorization: Bearer <the --token value>"
        if args.token
        else "no admin token required: admin calls need no Authorization header"
    )
    print(f"Local Talos server on http://{args.host}:{args.port} ({access}); Ctrl-C stops it", flush=True)
    start_server(args.host, args.port, args.token or None, background=False, fault=args.fault)
    return 0


def parse_severities(values: list[str]) -> dict[str, str]:
    """--check NAME=error|warning|off, checked against the known checks."""
    from ..contract import CHECKS
    from ..contract.findings import SEVERITIES

    found = {}
    for value in values:
        name, _, severity = value.partition("=")
        if name not in CHECKS or severity not in SEVERITIES:
            raise UsageError(f"--check {value!r}: expected NAME=error|warning|off with NAME one of {', '.join(CHECKS)}")
        found[name] = severity
    return found


def contract(args: argparse.Namespace) -> int:
    from ..contract.generate_options import runner_for

    run_contract = runner_for(args)

    options = {
        "spec": args.spec,
        "headers": _headers(args.header),
        "scenario": args.scenario,
        "tests": args.tests,
        "report_json": args.report_json,
        "report_junit": args.report_junit,
        "baseline": args.baseline,
        "fail_under": args.fail_under,
        "max_response_time": args.max_response_time,
        "severities": parse_severities(args.check),
    }
    if not _local_server_wanted(args):
        if not args.base_url:
            raise UsageError("--base-url is required with --spec (the server to check)")
        return run_contract(base_url=args.base_url, token=args.token, **options)
    from ..server import start_server

    token = new_token()
    with start_server(token=token) as server:
        print(f"Started the local Talos server at {server.url}", file=sys.stderr)
        return run_contract(base_url=server.url, token=token, **options)


def _local_server_wanted(args: argparse.Namespace) -> bool:
    return not args.base_url and args.spec == str(TALOS_SPEC)


def demo(args: argparse.Namespace) -> int:
    if not _local_server_wanted(args):
        return run_demo(args.base_url, args.token, spec=args.spec)
    from ..server import start_server

    token = new_token()
    with start_server(token=token) as server:
        print(f"Started the local Talos server at {server.url}")
        code = run_demo(server.url, token, spec=args.spec)
    print("Stopped the local Talos server")
    return code


def ops(args: argparse.Namespace) -> int:
    client = _client(args, base_url=args.base_url or "http://127.0.0.1")
    view = client.find(args.filter) if args.filter else client.operations
    print("\n".join(op.__name__ for op in view) if args.names else view.table())
    return 0 if len(view) else 1


BASH_COMPLETION = r"""
_talos_dynamic() {
    local cur=${COMP_WORDS[COMP_CWORD]} spec=() i
    for ((i = 1; i < COMP_CWORD; i++)); do
        [[ ${COMP_WORDS[i]} == --spec ]] && spec=(--spec "${COMP_WORDS[i + 1]}")
    done
    if ((COMP_CWORD == 1)); then
        COMPREPLY=($(compgen -W "serve demo ops describe call repl contract completion" -- "$cur"))
    elif [[ ${COMP_WORDS[1]} == describe || ${COMP_WORDS[1]} == call ]] \
            && [[ $cur != -* && ${COMP_WORDS[COMP_CWORD - 1]} != --* ]]; then
        COMPREPLY=($(compgen -W "$(talos-dynamic ops --names "${spec[@]}" 2>/dev/null)" -- "$cur"))
    fi
}
complete -F _talos_dynamic talos-dynamic
"""


def completion(args: argparse.Namespace) -> int:
    print(BASH_COMPLETION.strip())
    return 0


def describe(args: argparse.Namespace) -> int:
    client = _client(args, base_url=args.base_url or "http://127.0.0.1")
    operation = find_operation(client, args.operation)
    print(f"{operation.__name__}{operation.__signature__}\n")
    print(operation.__doc__)
    return 0


def call(args: argparse.Namespace) -> int:
    client = _client(args)
    operation = find_operation(client, args.operation)
    kwargs = parse_pairs(operation.arguments, args.arguments)
    if args.body is not None:
        kwargs["body"] = read_body(args.body)
    if args.dry_run:
        print(operation.prepare(**kwargs).to_curl())
        return 0
    result = operation(**kwargs)
    if isinstance(result, bytes):
        sys.stdout.buffer.write(result)
    elif isinstance(result, str):
        print(result)
    else:
        print(json.dumps(result.to_json() if hasattr(result, "to_json") else result, indent=2, ensure_ascii=False))
    return 0


def repl(args: argparse.Namespace) -> int:
    if not _local_server_wanted(args):
        return _interact(_client(args))
    from ..server import start_server

    token = new_token()
    with start_server(token=token) as server:
        print(f"Started the local Talos server at {server.url} for this session", file=sys.stderr)
        return _interact(_client(args, base_url=server.url, token=token))


def _interact(client: Client) -> int:
    namespace = {"client": client}
    banner = BANNER.format(client=client)
    if sys.stdin.isatty():
        try:
            from IPython import start_ipython
            from traitlets.config import Config
        except ImportError:
            pass
        else:
            config = Config()
            config.TerminalInteractiveShell.banner2 = banner
            start_ipython(argv=[], user_ns=namespace, config=config)
            return 0
        import readline
        import rlcompleter

        readline.set_completer(rlcompleter.Completer(namespace).complete)
        readline.parse_and_bind("tab: complete")
    import code

    code.interact(banner=banner, local=namespace, exitmsg="")
    return 0

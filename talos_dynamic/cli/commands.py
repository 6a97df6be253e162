"""The subcommands of talos-dynamic, one function each (args -> exit code)."""

from __future__ import annotations

import contextlib
import difflib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..bundled import BUNDLED_SPECS
from .options import EXIT_FAILED, client_headers, local_server_wanted
from .usage import UsageError

if TYPE_CHECKING:
    from ..client import BoundOperation, Client


def build_client(args: Any, base_url: str | None = None, token: str | None = None) -> Client:
    """The client the options describe; its operation names refresh the completion index of the spec."""
    from ..client import Client
    from .completion import write_index

    client = Client(
        args.spec, base_url=base_url or args.base_url, token=token or args.token, headers=client_headers(args.header)
    )
    write_index(args.spec, (op.python_name for op in client.spec.operations))
    return client


@contextlib.contextmanager
def local_server(args: Any, announce: str = "for this command") -> Iterator[tuple[str, str]]:
    """The bundled in-memory Talos server on a free port, for the length of one command."""
    from ..server import start_server
    from .demo import new_token

    token = args.token or new_token()
    with start_server(token=token) as server:
        print(f"Started the local Talos server at {server.url} (in memory, {announce})", file=sys.stderr)
        yield server.url, token


def find_operation(client: Client, name: str) -> BoundOperation:
    """An operation by Python name or operationId, any case; a 'did you mean' when there is none."""
    from ..spec.naming import snake_case

    names = {n.lower(): n for n in client._names}
    for candidate in (name, snake_case(name)):
        if candidate.lower() in names:
            return client.operation(names[candidate.lower()])
    python_names = {op.python_name.lower(): op.python_name for op in client.spec.operations}
    close = difflib.get_close_matches(snake_case(name), list(python_names), n=3)
    hint = f"; did you mean {', '.join(python_names[c] for c in close)}?" if close else ""
    raise UsageError(f"no operation {name!r} in {client.spec.source}{hint} (see: talos-dynamic ops)")


def serve(args: Any) -> int:
    from ..server import start_server

    access = (
        "admin token required: send Authorization: Bearer <the --token value>"
        if args.token
        else "no admin token required: admin calls need no Authorization header"
    )
    spec_path = BUNDLED_SPECS.get(args.spec) or Path(args.spec)
    if not spec_path.is_file():
        raise UsageError(f"--spec {args.spec}: no such file (or name: {', '.join(BUNDLED_SPECS)})")
    print(f"Local Talos server on http://{args.host}:{args.port} ({access}); Ctrl-C stops it", flush=True)
    try:
        start_server(args.host, args.port, args.token or None, background=False, fault=args.fault, spec_path=spec_path)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return 0


def diff(args: Any) -> int:
    from .diff_command import run

    return run(args)


def demo(args: Any) -> int:
    from .demo import new_token, run_demo

    if not local_server_wanted(args):
        return run_demo(args.base_url, args.token, spec=args.spec)
    from ..server import start_server

    token = new_token()
    with start_server(token=token) as server:
        print(f"Started the local Talos server at {server.url}")
        code = run_demo(server.url, token, spec=args.spec)
    print("Stopped the local Talos server")
    return code


def ops(args: Any) -> int:
    from .tables import print_operations

    client = build_client(args, base_url=args.base_url or "http://127.0.0.1")
    view = client.operations.filter(args.filter, tags=args.tag, methods=args.method, path=args.path)
    if args.names:
        sys.stdout.write("".join(f"{op.__name__}\n" for op in view))
    elif args.json:
        json.dump(view.rows(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_operations(view, args)
    return 0 if len(view) else EXIT_FAILED


def describe(args: Any) -> int:
    client = build_client(args, base_url=args.base_url or "http://127.0.0.1")
    operation = find_operation(client, args.operation)
    print(f"{operation.__name__}{operation.__signature__}\n")
    print(operation.__doc__)
    return 0


def call(args: Any) -> int:
    from .exchange import print_parts

    parts = print_parts(args.print_parts, args.verbose)
    if local_server_wanted(args) and not args.dry_run:
        with local_server(args) as (url, token):
            return _call(args, parts, url, token)
    return _call(args, parts, args.base_url, args.token)


def _call(args: Any, parts: str, base_url: str | None, token: str | None) -> int:
    from ..errors import ApiError
    from .exchange import Exchange, error_json, write_json, write_request, write_response, write_result
    from .values import parse_pairs, read_body

    client = build_client(args, base_url, token)
    operation = find_operation(client, args.operation)
    kwargs = parse_pairs(operation.arguments, args.arguments)
    if args.body is not None:
        kwargs["body"] = read_body(args.body)
    out = sys.stdout
    if args.dry_run:
        out.write(operation.prepare(**kwargs).to_curl() + "\n")
        return 0
    exchange = Exchange()
    client.hooks["response"].append(exchange)
    try:
        result = operation(**kwargs)
    except ApiError as error:
        secrets = exchange.request.secret_names if exchange.request is not None else frozenset()
        if exchange.request is not None:
            write_request(exchange.request, parts, out)
            write_response(exchange.response, secrets, parts.replace("b", ""), out)
        out.flush()
        write_json(error_json(error, secrets), sys.stderr)
        return EXIT_FAILED
    if parts == "b" or exchange.request is None:
        write_result(result, out)
    else:
        write_request(exchange.request, parts, out)
        write_response(exchange.response, exchange.request.secret_names, parts, out)
    return 0


def repl(args: Any) -> int:
    from .repl import interact

    if not local_server_wanted(args):
        return interact(build_client(args), plain=args.plain)
    with local_server(args, "for this session") as (url, token):
        return interact(build_client(args, url, token), plain=args.plain)


def completion(args: Any) -> int:
    from ..bundled import TALOS_SPEC
    from ..client import Client
    from .completion import script
    from .parser import build_parser

    names = [op.__name__ for op in Client(TALOS_SPEC, base_url="http://127.0.0.1").operations]
    sys.stdout.write(script(args.shell, build_parser(), names))
    return 0


def parse_severities(values: list[str]) -> dict[str, str]:
    """--check NAME=error|warning|off, checked against the known checks."""
    from ..contract.findings import CHECKS, SEVERITIES

    found = {}
    for value in values:
        name, _, severity = value.partition("=")
        if name not in CHECKS or severity not in SEVERITIES:
            close = difflib.get_close_matches(name, CHECKS, n=1)
            hint = f" (did you mean {close[0]}?)" if close and name not in CHECKS else ""
            raise UsageError(
                f"--check {value!r}: expected NAME=error|warning|off{hint}; NAME is one of {', '.join(CHECKS)}"
            )
        found[name] = severity
    return found


def contract(args: Any) -> int:
    from ..contract.generate_options import runner_for
    from ..contract.reports import load_baseline

    run_contract = runner_for(args)
    options = {
        "spec": args.spec,
        "headers": client_headers(args.header),
        "scenario": args.scenario,
        "tests": args.tests,
        "report_json": args.report_json,
        "report_junit": args.report_junit,
        "baseline": load_baseline(args.baseline),
        "fail_under": args.fail_under,
        "max_response_time": args.max_response_time,
        "severities": parse_severities(args.check),
    }
    if not local_server_wanted(args):
        return run_contract(base_url=args.base_url, token=args.token, **options)
    with local_server(args) as (url, token):
        return run_contract(base_url=url, token=token, **options)

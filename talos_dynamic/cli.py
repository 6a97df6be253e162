"""The talos-dynamic command: serve the local Talos server, or run the demo flow."""

from __future__ import annotations

import argparse
import logging
import sys

from .demo import new_token, run_demo
from .errors import TalosDynamicError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="talos-dynamic", description="A runtime-dynamic OpenAPI client.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each request and response (masked)")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the local Talos-compatible server in the foreground")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=4420)
    serve.add_argument("--token", help="admin bearer token required on admin calls (default: none required)")

    demo = commands.add_parser("demo", help="run the Go SDK page's flow (issue, verify, revoke, derive, errors)")
    demo.add_argument("--base-url", help="a Talos server; default: start the local one on a free port")
    demo.add_argument("--token", help="the admin bearer token for --base-url")
    demo.add_argument("--spec", help="the OpenAPI document to load (default: the bundled Talos spec)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        if args.command == "serve":
            return serve(args)
        return demo(args)
    except TalosDynamicError as exc:
        print(f"talos-dynamic: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def serve(args: argparse.Namespace) -> int:
    from .server import start_server

    print(
        f"Local Talos server on http://{args.host}:{args.port} "
        f"({'admin token required' if args.token else 'no admin token required'}); Ctrl-C stops it",
        flush=True,
    )
    start_server(args.host, args.port, args.token, background=False)
    return 0


def demo(args: argparse.Namespace) -> int:
    extra = {"spec": args.spec} if args.spec else {}
    if args.base_url:
        return run_demo(args.base_url, args.token, **extra)
    from .server import start_server

    token = new_token()
    with start_server(token=token) as server:
        print(f"Started the local Talos server at {server.url}")
        code = run_demo(server.url, token, **extra)
    print("Stopped the local Talos server")
    return code


if __name__ == "__main__":
    sys.exit(main())

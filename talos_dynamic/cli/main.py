"""The talos-dynamic command: explore and call any spec; serve or demo the bundled Talos server.

Building the parser imports argparse and a few small modules (parser.py); each subcommand imports what it
needs when it runs.

Exit codes: 0 success; 1 the API answered an error (call), a step or check failed (contract, demo); 2 a
usage error or an invalid argument (nothing was sent); 3 the server could not be reached; 4 the spec cannot
be used; 130 interrupted; 141 the reader of the output went away (`| head`).
"""

from __future__ import annotations

import logging
import os
import sys

from .options import (
    ENV_BASE_URL,
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_SPEC,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    cache_folder,
)
from .parser import parse_args
from .usage import UsageError


def main(argv: list[str] | None = None) -> int:
    try:
        code = _run(argv)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # the reader went away (`| head`): quiet, like any Unix filter killed by SIGPIPE
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _run(argv: list[str] | None) -> int:
    args = parse_args(argv)
    verbose = args.verbose
    debug = verbose >= 2 or (verbose == 1 and args.command != "call")
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from ..errors import (
        ApiError,
        ConfigurationError,
        RequestValidationError,
        SpecError,
        TalosDynamicError,
        TransportError,
    )
    from ..spec import parsed_cache
    from . import commands

    def fail(exc: BaseException, code: int) -> int:
        text = str(exc).replace("pass base_url= to the client", f"pass --base-url URL (or set {ENV_BASE_URL})")
        print(f"talos-dynamic {args.command}: {text}", file=sys.stderr)
        return code

    try:
        with parsed_cache.kept_in(cache_folder("documents")):  # a YAML spec parsed once, not on every command
            return getattr(commands, args.command)(args)
    except (UsageError, RequestValidationError) as exc:
        return fail(exc, EXIT_USAGE)
    except ApiError as exc:
        return fail(exc, EXIT_FAILED)
    except TransportError as exc:
        return fail(exc, EXIT_UNREACHABLE)
    except SpecError as exc:
        return fail(exc, EXIT_SPEC)
    except ConfigurationError as exc:
        return fail(exc, EXIT_USAGE)
    except TalosDynamicError as exc:
        return fail(exc, EXIT_FAILED)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED

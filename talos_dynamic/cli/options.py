"""What the parser, the runner and the subcommands of talos-dynamic share: the environment variables, the
exit codes, the rules for --header and for starting the local server, the cache folder. Imports nothing
heavy."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..bundled import TALOS_SPEC
from .usage import UsageError

ENV_SPEC, ENV_BASE_URL, ENV_TOKEN = "TALOS_DYNAMIC_SPEC", "TALOS_DYNAMIC_BASE_URL", "TALOS_DYNAMIC_TOKEN"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_SPEC = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141


def client_headers(values: list[str]) -> dict[str, str]:
    """--header 'Name: value' options as a dict."""
    headers = {}
    for value in values:
        name, sep, text = value.partition(":")
        if not sep or not name.strip():
            raise UsageError(f"--header {value!r}: expected 'Name: value'")
        headers[name.strip()] = text.strip()
    return headers


def local_server_wanted(args: Any) -> bool:
    """The bundled spec and no base URL: the command starts the local Talos server for itself."""
    return not args.base_url and args.spec == str(TALOS_SPEC)


def cache_folder(name: str) -> Path:
    """A folder of the command's cache: $XDG_CACHE_HOME/talos-dynamic/NAME (default ~/.cache)."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "talos-dynamic" / name

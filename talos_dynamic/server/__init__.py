"""A local, in-memory, Talos-compatible server: the embedded default the demo and the tests run against.

`start_server` and `LocalServer` are imported on first use, so that importing talos_dynamic.server.faults
(the command line does) does not load the server and openapi-core.
"""

from typing import Any

__all__ = ["LocalServer", "start_server"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import runner

        return getattr(runner, name)
    raise AttributeError(name)

"""A local, in-memory, Talos-compatible server: the embedded default the demo and the tests run against."""

from .runner import LocalServer, start_server

__all__ = ["LocalServer", "start_server"]

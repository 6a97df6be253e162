"""Pausing Python's cyclic garbage collector while a large acyclic structure is built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused meanwhile, as it was afterwards.

    Parsing or upgrading a large document allocates hundreds of thousands of containers (and no cycles),
    and every collection they trigger rescans what was built so far: on a Kubernetes-size document, as
    much time as the parse itself. Left enabled by whoever finds it disabled (the user, another thread)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()

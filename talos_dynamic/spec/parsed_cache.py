"""Parsed YAML spec files kept as JSON, for the command line, which loads the same spec on every run.

Parsing YAML is slow: Stripe's 4 MB document takes seconds, its JSON form tens of milliseconds. Off except
inside `kept_in(folder)`: talos-dynamic runs each command in one, with $XDG_CACHE_HOME/talos-dynamic/documents;
the library alone never writes a cache.

An entry is named by the SHA-256 of the file's bytes and of the YAML parser in use (PyYAML's install, this
module's FORMAT), so an edited file or another PyYAML is a miss, never a stale hit. documents.py keeps only
documents without YAML anchors (without anchors there are no aliases, so the alias limit has nothing to
count, and no node is shared), and this module only what JSON holds exactly (no !!binary, no !!set); the
depth limit is checked again on every hit. At most MAX_ENTRIES are kept, the least recently used removed
first. A cache that cannot be read or written is a miss, never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any

FORMAT = "1"  # bump when the YAML loading rules (yaml_text.py) change what a document parses to
MAX_ENTRIES = 16

_folder: Path | None = None


@contextlib.contextmanager
def kept_in(folder: Path | None) -> Iterator[None]:
    """Keep parsed YAML documents in `folder` (None: keep none) until the block ends."""
    global _folder
    previous, _folder = _folder, folder
    try:
        yield
    finally:
        _folder = previous


def active() -> bool:
    """Whether a cache is in use."""
    return _folder is not None


def lookup(data: bytes) -> Any | None:
    """The document parsed from `data` before, or None."""
    path = _entry(data)
    if path is None:
        return None
    try:
        document = json.loads(path.read_bytes())
        os.utime(path)  # recently used
    except (OSError, ValueError, RecursionError):
        return None
    return document


def keep(data: bytes, document: Any) -> None:
    """Remember the document parsed from `data` (quietly: a cache is never a reason to fail)."""
    path = _entry(data)
    if path is None or document is None:
        return
    try:
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):  # bytes, a set: JSON cannot hold it exactly
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
        _prune(path.parent)
    except OSError:
        pass


def _entry(data: bytes) -> Path | None:
    if _folder is None:
        return None
    digest = hashlib.sha256(data)
    digest.update(f"\0{FORMAT}\0{_parser_identity()}".encode())
    return _folder / f"{digest.hexdigest()}.json"


def _parser_identity() -> str:
    """Which PyYAML is installed (its location, size and time), found without importing it."""
    spec = find_spec("yaml")
    origin = spec.origin if spec is not None else None
    if not origin:
        return "none"
    try:
        stat = os.stat(origin)
    except OSError:
        return origin
    return f"{origin}:{stat.st_size}:{stat.st_mtime_ns}"


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for stale in entries[MAX_ENTRIES:]:
        stale.unlink(missing_ok=True)

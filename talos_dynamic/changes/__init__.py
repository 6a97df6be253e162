"""What a spec change does to a Python caller: `diff(old, new)`, and the call sites in a program it hits."""

from __future__ import annotations

from typing import Any

from ..spec.model import Spec
from .report import Change, SpecDiff

__all__ = ["Change", "SpecDiff", "diff", "load_spec"]


def load_spec(source: Any) -> Spec:
    """A Spec from a path, URL, dict, Spec, or a client (its spec)."""
    if isinstance(source, Spec):
        return source
    spec = getattr(source, "spec", None)
    if isinstance(spec, Spec):
        return spec
    return Spec(source)


def diff(old: Any, new: Any) -> SpecDiff:
    """Every change from spec `old` to spec `new` (paths, URLs, dicts, Specs or clients), in this client's
    Python names, each marked breaking or not: `.changes`, `.breaking`, `.to_text()`, `.to_markdown()`,
    `.to_json()`."""
    from .compare import compare

    return compare(_named(old), _named(new))


def _named(source: Any) -> Any:
    """A client's SpecBinding (the Python names it bound), else the Spec."""
    from ..reloading import SpecBinding

    binding = getattr(source, "_binding", None)
    return binding if isinstance(binding, SpecBinding) else load_spec(source)

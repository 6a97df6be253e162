"""The spec model: documents, $refs, the Swagger 2.0 upgrade, operations and schemas. Imports nothing above it.

`Spec` loads on first access, so that a module of the package (documents, naming) can be imported alone.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Spec

__all__ = ["Spec"]


def __getattr__(name: str) -> Any:
    if name == "Spec":
        from .model import Spec

        return Spec
    raise AttributeError(f"module 'talos_dynamic.spec' has no attribute {name!r}")

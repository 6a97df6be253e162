"""The spec model: documents, $refs, the Swagger 2.0 upgrade, operations and schemas. Imports nothing above it."""

from .model import Spec

__all__ = ["Spec"]

"""The talos-dynamic command."""

from .main import main

__all__ = ["main"]

"""Where the bundled Talos spec lives inside the installed package: `talos_dynamic.TALOS_SPEC`, a path that
works from any directory (Client(TALOS_SPEC, ...))."""

from pathlib import Path

TALOS_SPEC = Path(__file__).resolve().parent / "specs" / "talos.openapi-v3.yaml"

"""Where the bundled Talos spec lives inside the installed package."""

from pathlib import Path

TALOS_SPEC = Path(__file__).resolve().parent / "specs" / "talos.openapi-v3.yaml"

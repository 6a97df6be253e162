"""Where the bundled Talos specs live inside the installed package, by their public names: paths that work
from any directory (`Client(TALOS_SPEC, ...)`)."""

from pathlib import Path

SPECS_FOLDER = Path(__file__).resolve().parent / "specs"
TALOS_SPEC = SPECS_FOLDER / "talos.openapi-v3.yaml"  # the seed page's API: 10 operations, its names
TALOS_LATEST_SPEC = SPECS_FOLDER / "talos-latest.openapi-v3.yaml"  # the newest API: 18 operations
# The names `talos-dynamic serve --spec` also takes for them.
BUNDLED_SPECS = {"seed": TALOS_SPEC, "latest": TALOS_LATEST_SPEC}

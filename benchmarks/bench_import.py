"""Start-up: `import talos_dynamic` and the command line, each in a fresh interpreter, against `import
requests` and an empty interpreter, interleaved in rounds.

Prints the median wall time of each, and of the imports above `import requests` (the package's own cost:
`from talos_dynamic import Client`'s time minus requests'; `import talos_dynamic` alone imports nothing, each
public name loads on first access). The command line: `--help`, and `ops --names` on the bundled spec (a TAB
reads a cached index instead: benchmarks/bench_cli.py measures it). Targets: imports <= 150 ms above
`import requests`; `--help` and `ops --names` <= 200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

from rounds import compile_bytecode, interleaved, machine

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "import requests": [sys.executable, "-c", "import requests"],
    "import talos_dynamic": [sys.executable, "-c", "import talos_dynamic"],
    "from talos_dynamic import Client": [sys.executable, "-c", "from talos_dynamic import Client"],
    "talos-dynamic --help": [sys.executable, "-m", "talos_dynamic.cli", "--help"],
    "talos-dynamic ops --names": [sys.executable, "-m", "talos_dynamic.cli", "ops", "--names"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    contenders = {
        name: (lambda command=command: subprocess.run(command, check=True, capture_output=True))
        for name, command in COMMANDS.items()
    }
    samples = interleaved(contenders, args.repeat, warmup=2)
    wall = {name: statistics.median(s["wall"]) for name, s in samples.items()}
    print(f"fresh interpreter each time, median of {args.repeat} interleaved rounds; {machine()}")
    print(compile_bytecode(sys.executable))
    for name, seconds in wall.items():
        print(f"{name:<36}{seconds * 1000:>9.1f} ms")
    above = (wall["from talos_dynamic import Client"] - wall["import requests"]) * 1000
    verdict = "met" if above <= 150 else "NOT met"
    print(f"from talos_dynamic import Client above import requests: {above:.1f} ms (target <= 150 ms: {verdict})")
    for name in ("talos-dynamic --help", "talos-dynamic ops --names"):
        verdict = "met" if wall[name] <= 0.2 else "NOT met"
        print(f"{name}: {wall[name] * 1000:.1f} ms (target <= 200 ms: {verdict})")


if __name__ == "__main__":
    main()

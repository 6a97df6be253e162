"""Start-up of the talos-dynamic command and the cost of one TAB, each in a fresh process, interleaved in rounds.

Baselines from the same run: a bare `python -c pass` (the floor any Python command pays) and `python -c
'import requests'`. Measured: `talos-dynamic --help` run as `python -m talos_dynamic.cli` and, when this
Python has it, as the installed console script itself (setuptools' entry script: `import re, sys`, then the
CLI's main; no importlib.metadata nor pkg_resources); `ops --names` on the bundled spec (it loads the spec
and builds the client); and a TAB, a fresh bash running the completion function once, for the bundled spec
(its names are in the script) and for another spec whose names come from the cached index (the GitHub
document when TALOS_DYNAMIC_SHARED names ../shared, else a copy of the bundled spec). Targets: `--help`
and a TAB <= 200 ms; `ops --names` <= 200 ms. With ../shared, also `ops --names` on Stripe's 4 MB YAML spec,
parsed (an empty cache folder each run) against read from the parsed-document cache.

    python benchmarks/bench_cli.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rounds import compile_bytecode, interleaved, machine

CLI = [sys.executable, "-m", "talos_dynamic.cli"]
TARGET_MS = 200


def tab(script: Path, words: list[str]) -> list[str]:
    quoted = " ".join(f"'{w}'" for w in words)
    body = f"source {script}; COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; _talos_dynamic"
    return ["bash", "--norc", "-c", body + '; printf "%s\\n" "${COMPREPLY[@]}"']


def console_script() -> Path | None:
    """The talos-dynamic entry script installed beside this Python (not a version manager's shim)."""
    script = Path(sys.executable).parent / "talos-dynamic"
    return script if script.is_file() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    from talos_dynamic.bundled import TALOS_SPEC

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        bin_dir = root / "bin"
        bin_dir.mkdir()
        launcher = bin_dir / "talos-dynamic"
        launcher.write_text(f'#!/bin/sh\nexec {sys.executable} -m talos_dynamic.cli "$@"\n')
        launcher.chmod(0o755)
        env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "XDG_CACHE_HOME": str(root / "cache")}
        env.pop("TALOS_DYNAMIC_SPEC", None)
        shared = os.environ.get("TALOS_DYNAMIC_SHARED")
        github = Path(shared or "/nonexistent") / "specs" / "github-api.github.com.json"
        other = github if github.is_file() else Path(shutil.copy(TALOS_SPEC, root / "talos-copy.yaml"))
        script = root / "talos.bash"
        script.write_text(subprocess.run([*CLI, "completion", "bash"], capture_output=True, text=True, env=env).stdout)
        subprocess.run([*CLI, "ops", "--names", "--spec", str(other)], capture_output=True, env=env, check=True)

        commands = {
            "python -c pass (floor)": [sys.executable, "-c", "pass"],
            "python -c 'import requests'": [sys.executable, "-c", "import requests"],
            "python -m talos_dynamic.cli --help": [*CLI, "--help"],
            "python -m talos_dynamic.cli ops --names": [*CLI, "ops", "--names"],
            "bash -c true (a TAB's own floor)": ["bash", "--norc", "-c", "true"],
            "TAB, bundled spec (names in script)": tab(script, ["talos-dynamic", "call", "admin_rev"]),
            f"TAB, {other.name[:24]} (index)": tab(
                script, ["talos-dynamic", "call", "--spec", str(other), "repos_get_bra"]
            ),
        }
        entry = console_script()
        if entry is not None:
            commands[f"{entry} --help"] = [str(entry), "--help"]
        contenders = {
            name: (lambda command=command: subprocess.run(command, capture_output=True, env=env, check=True))
            for name, command in commands.items()
        }
        samples = interleaved(contenders, rounds, warmup=2)

        yaml_spec = Path(shared or "/nonexistent") / "specs" / "stripe-spec3-2023-09-12.yaml"
        large = large_yaml(yaml_spec, root, env) if yaml_spec.is_file() else None

    wall = {name: statistics.median(s["wall"]) * 1000 for name, s in samples.items()}
    floor, requests_ms = wall["python -c pass (floor)"], wall["python -c 'import requests'"]
    print(f"talos-dynamic start-up and TAB, median wall of {rounds} interleaved rounds of fresh processes; {machine()}")
    print(compile_bytecode(sys.executable))
    width = max(len(name) for name in wall) + 2
    for name, ms in wall.items():
        ratios = (
            ""
            if "TAB" in name or "bash" in name
            else f"  {ms / floor:4.2f}x the floor, {ms / requests_ms:4.2f}x requests"
        )
        print(f"  {name:<{width}}{ms:8.1f} ms{ratios}")
    checked = [name for name in wall if "--help" in name or "TAB," in name or "ops --names" in name]
    for name in checked:
        verdict = "met" if wall[name] <= TARGET_MS else "NOT met"
        print(f"  {name}: {wall[name]:.1f} ms (target <= {TARGET_MS} ms: {verdict})")
    if large is not None:
        parsed, cached = large
        print(
            f"  ops --names, Stripe's YAML: parsed {parsed:.0f} ms, from the parsed-document cache {cached:.0f} ms"
            f" ({parsed / cached:.1f}x faster)"
        )


def large_yaml(spec: Path, root: Path, env: dict[str, str], runs: int = 4) -> tuple[float, float]:
    """Median ms of `ops --names` on a large YAML spec: with an empty cache folder, then with a warm one."""
    command = [*CLI, "ops", "--names", "--spec", str(spec)]
    parsed, cached = [], []
    for number in range(runs):
        for times, cache in ((parsed, root / f"cold-{number}"), (cached, root / "warm")):
            started = time.perf_counter()
            subprocess.run(command, env={**env, "XDG_CACHE_HOME": str(cache)}, capture_output=True, check=True)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(parsed), statistics.median(cached[1:])  # the first filled the cache


if __name__ == "__main__":
    main()

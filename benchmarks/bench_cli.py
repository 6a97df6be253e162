"""Start-up of the talos-dynamic command and the cost of one TAB, each in a fresh process.

`talos-dynamic --help` is measured against a bare `python -c pass` (the floor any Python command pays) and
`import talos_dynamic` (which any `talos_dynamic.*` module pays first: the command itself imports only
argparse and two small modules before parsing). A TAB
is a fresh bash running the completion function once, for the bundled spec (its names are in the script) and
for another spec whose names come from the cached index (the GitHub document when TALOS_DYNAMIC_SHARED
names ../shared, else a copy of the bundled spec); its baseline is what the previous completion ran on every
TAB, `talos-dynamic ops --names`, which loads the spec. Target: under 200 ms a TAB.

    python benchmarks/bench_cli.py [--runs N]
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

CLI = [sys.executable, "-m", "talos_dynamic.cli"]


def median_ms(command: list[str], runs: int, env: dict[str, str]) -> float:
    subprocess.run(command, capture_output=True, env=env, check=False)  # warm the file cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, env=env, check=False)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def tab(script: Path, words: list[str]) -> list[str]:
    quoted = " ".join(f"'{w}'" for w in words)
    body = f"source {script}; COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; _talos_dynamic"
    return ["bash", "--norc", "-c", body + '; printf "%s\\n" "${COMPREPLY[@]}"']


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
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

        floor = median_ms([sys.executable, "-c", "pass"], runs, env)
        help_ms = median_ms([*CLI, "--help"], runs, env)
        package_ms = median_ms([sys.executable, "-c", "import talos_dynamic"], runs, env)
        bundled_tab = median_ms(tab(script, ["talos-dynamic", "call", "admin_rev"]), runs, env)
        other_tab = median_ms(tab(script, ["talos-dynamic", "call", "--spec", str(other), "repos_get_bra"]), runs, env)
        bare_bash = median_ms(["bash", "--norc", "-c", "true"], runs, env)
        old_bundled = median_ms([*CLI, "ops", "--names"], max(3, runs // 3), env)
        old_other = median_ms([*CLI, "ops", "--names", "--spec", str(other)], max(3, runs // 3), env)

    print(f"talos-dynamic CLI start-up and TAB, median of {runs} fresh processes, {os.cpu_count()} CPUs")
    print(f"  python -c pass (floor)                 {floor:8.1f} ms")
    print(
        f"  python -c 'import talos_dynamic'       {package_ms:8.1f} ms  (the package's __init__ and what it imports)"
    )
    print(
        f"  talos-dynamic --help                   {help_ms:8.1f} ms  ({help_ms / floor:.1f}x the floor; "
        f"{help_ms - package_ms:+.1f} ms over importing the package)"
    )
    print(f"  bash -c true (a TAB's own floor)       {bare_bash:8.1f} ms")
    print(
        f"  TAB, bundled spec (names in script)    {bundled_tab:8.1f} ms  "
        f"(old TAB, ops --names: {old_bundled:.1f} ms; {old_bundled / bundled_tab:.0f}x faster)"
    )
    print(
        f"  TAB, {other.name[:28]:<28} (index) {other_tab:8.1f} ms  "
        f"(old TAB, ops --names: {old_other:.1f} ms; {old_other / other_tab:.0f}x faster)"
    )
    verdict = "under" if max(bundled_tab, other_tab) < 200 else "OVER"
    print(f"  target: a TAB under 200 ms -> {verdict}")


if __name__ == "__main__":
    main()

"""Interleaved measurement for the benchmarks: every contender runs once per round, in a rotating order, so
that drift on a shared machine (other processes, CPU frequency) spreads evenly; medians and ratios come
from the same run."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable


def interleaved(contenders: dict[str, Callable[[], object]], rounds: int, warmup: int = 3) -> dict[str, dict]:
    """{name: {"wall": [...], "cpu": [...]}} in seconds per run (cpu: this thread's time.thread_time)."""
    samples = {name: {"wall": [], "cpu": []} for name in contenders}
    items = list(contenders.items())
    for number in range(warmup + rounds):
        shift = number % len(items)
        for name, action in items[shift:] + items[:shift]:
            started, started_cpu = time.perf_counter(), time.thread_time()
            action()
            wall, cpu = time.perf_counter() - started, time.thread_time() - started_cpu
            if number >= warmup:
                samples[name]["wall"].append(wall)
                samples[name]["cpu"].append(cpu)
    return samples


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def table(samples: dict[str, dict], baseline: str, kinds: tuple[str, ...] = ("wall", "cpu")) -> None:
    """Print the median of each kind per contender, and its ratio to the baseline's."""
    base = {kind: statistics.median(samples[baseline][kind]) for kind in kinds}
    width = max(len(name) for name in samples) + 2
    print(f"{'':<{width}}" + "".join(f"{kind + ' ms':>12}{'ratio':>8}" for kind in kinds))
    for name, measured in samples.items():
        medians = {kind: statistics.median(measured[kind]) for kind in kinds}
        cells = "".join(f"{medians[k] * 1000:>12.3f}{medians[k] / base[k]:>7.2f}x" for k in kinds)
        print(f"{name:<{width}}{cells}")


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} cores (nproc), load average {load:.1f}"


def compile_bytecode(python: str) -> str:
    """Compile talos_dynamic's modules to bytecode for `python`, as `pip install` does for an installed
    package (and did for every peer measured): with PYTHONDONTWRITEBYTECODE set, an editable checkout would
    otherwise compile each module from source in every fresh process. Returns a line for the output."""
    import subprocess

    done = subprocess.run(
        [
            python,
            "-c",
            "import compileall, os, talos_dynamic; compileall.compile_dir("
            "os.path.dirname(talos_dynamic.__file__), quiet=1)",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    state = "compiled" if done.returncode == 0 else f"not compiled ({done.stderr.strip()[-200:]})"
    writes = "off" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "on"
    return f"talos_dynamic bytecode: {state} for {python} (PYTHONDONTWRITEBYTECODE: writing {writes})"

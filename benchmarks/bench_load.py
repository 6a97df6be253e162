"""Time from Client(path) to the first prepare() of one operation, as a ratio to parsing the same file.

The baseline is json.load for a JSON file and PyYAML's C safe loader for a YAML file (the fastest plain
parse of the same bytes). Target: at most 2x. Usage: bench_load.py [--shared PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import yaml
from synthetic_swagger2 import kubernetes_like  # a sibling script, found through sys.path[0]

from talos_dynamic import Client
from talos_dynamic.bundled import TALOS_SPEC


def parse(path: Path) -> object:
    with path.open("rb") as handle:
        if path.suffix == ".json":
            return json.load(handle)
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def timed(action, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_shared = os.environ.get("TALOS_DYNAMIC_SHARED", str(Path(__file__).resolve().parents[2] / "shared"))
    parser.add_argument("--shared", default=default_shared)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cases = [
        ("bundled Talos spec (YAML)", TALOS_SPEC, "admin_get_issued_api_key", {"key_id": "k1"}),
        (
            "GitHub REST (JSON, 13 MB, 1,223 ops)",
            Path(args.shared) / "specs" / "github-api.github.com.json",
            "repos_get",
            {"owner": "octocat", "repo": "hello-world"},
        ),
    ]
    synthetic = Path(tempfile.mkdtemp()) / "kubernetes-like.swagger2.json"
    synthetic.write_text(json.dumps(kubernetes_like()), encoding="utf-8")
    cases.append(
        (
            "Kubernetes-size Swagger 2.0 (JSON, generated)",
            synthetic,
            "get_namespaced0",
            {"namespace": "default"},
        )
    )
    print(f"median of {args.repeat} runs")
    print(f"{'spec':<48}{'parse ms':>10}{'client ms':>11}{'ratio':>8}")
    for label, path, operation, kwargs in cases:
        if not path.exists():
            print(f"{label:<48} skipped: {path} not found")
            continue

        def load_and_prepare(path=path, operation=operation, kwargs=kwargs) -> None:
            client = Client(path, base_url="http://127.0.0.1:9")
            getattr(client, operation).prepare(**kwargs)

        baseline = timed(lambda path=path: parse(path), args.repeat)
        measured = timed(load_and_prepare, args.repeat)
        print(f"{label:<48}{baseline * 1000:>10.1f}{measured * 1000:>11.1f}{measured / baseline:>7.2f}x")
    print("target: at most 2.00x the plain parse")


if __name__ == "__main__":
    main()

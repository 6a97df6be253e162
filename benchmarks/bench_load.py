"""Loading documents: Client(path) to the first prepare() of one operation, as a ratio to parsing the same
file; and every signature and docstring of a large document.

Every sample runs in a fresh interpreter (imports and the code paths of loading warmed up on another
document first, so that only the document's own work is timed, on a fresh heap), the contenders in
interleaved rounds; ratios compare medians of the same run. The parse baseline is json.load for JSON and
PyYAML's C safe loader for YAML, as a program calls them; the same parse with the cyclic garbage collector
paused (as Spec parses a file) is shown as a second contender. Documents: the bundled Talos spec, GitHub
(OpenAPI 3.0, 13 MB), Stripe (OpenAPI 3.0 YAML, 4 MB), the Swagger 2.0 documents of ../shared (the largest
is the Talos v2 one) and a generated Kubernetes-shaped Swagger 2.0 document (kubernetes_like.py; ../shared
has no Kubernetes document).
With --openapi-core, openapi-core's OpenAPI.from_dict on the parsed document is shown next to the
Kubernetes-shaped one (seconds a sample). Targets: <= 1.5x the parse; signatures and docstrings of the
Kubernetes-shaped document <= 1 s. Usage: bench_load.py [--shared PATH] [--repeat N] [--only TEXT]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import inspect
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import yaml
from kubernetes_like import build
from rounds import machine

from talos_dynamic import Client
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.explore.docs import skeleton_arguments


def parse(path: Path) -> object:
    with path.open("rb") as handle:
        if path.suffix == ".json":
            return json.load(handle)
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def quiet_client(path: Path) -> Client:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Client(path, base_url="http://127.0.0.1:9")


def parse_collector_paused(path: Path) -> object:
    """The parse with the cyclic garbage collector paused, as Spec parses a file."""
    gc.disable()
    try:
        return parse(path)
    finally:
        gc.enable()


def first_operation(path: Path, name: str | None) -> tuple[str, dict]:
    """The operation to prepare (the named one, else the first) and arguments that make a valid call."""
    client = quiet_client(path)
    operation = getattr(client, name) if name else next(iter(client.operations))
    return operation.__name__, skeleton_arguments(operation.arguments)


def load_and_prepare(path: Path, operation: str, kwargs: dict) -> None:
    client = quiet_client(path)
    getattr(client, operation).prepare(**kwargs, _validate="off")


def docs_and_signatures(client: Client) -> None:
    """Build every signature and docstring of a loaded client."""
    for operation in client.operations:
        inspect.signature(operation)
        assert operation.__doc__


# -- one sample, in a fresh interpreter ------------------------------------------------------------------


def warm_up() -> None:
    """Run the code paths of every sample on the bundled spec (imports done, the document itself cold), then
    collect the garbage: every contender starts from the same interpreter state."""
    parse(TALOS_SPEC)
    operation, kwargs = first_operation(TALOS_SPEC, "admin_get_issued_api_key")
    load_and_prepare(TALOS_SPEC, operation, kwargs)
    docs_and_signatures(quiet_client(TALOS_SPEC))
    gc.collect()


def sample(kind: str, path: Path, operation: str, kwargs: dict) -> dict[str, float]:
    """Seconds of wall and thread CPU time for one run of `kind` on `path` (docs: loading excluded)."""
    warm_up()
    if kind == "docs":
        client = quiet_client(path)
        started, started_cpu = time.perf_counter(), time.thread_time()
        docs_and_signatures(client)
        return {"wall": time.perf_counter() - started, "cpu": time.thread_time() - started_cpu}
    actions = {
        "parse": lambda: parse(path),
        "parse, GC paused": lambda: parse_collector_paused(path),
        "client": lambda: load_and_prepare(path, operation, kwargs),
        "openapi-core": lambda: __import__("openapi_core").OpenAPI.from_dict(parse(path)),
    }
    started, started_cpu = time.perf_counter(), time.thread_time()
    actions[kind]()
    return {"wall": time.perf_counter() - started, "cpu": time.thread_time() - started_cpu}


def fresh(kind: str, path: Path, operation: str = "", kwargs: dict | None = None) -> dict[str, float]:
    """sample() in a new interpreter."""
    with tempfile.NamedTemporaryFile(suffix=".pickle") as request:
        request.write(pickle.dumps((kind, str(path), operation, kwargs or {})))
        request.flush()
        done = subprocess.run(
            [sys.executable, __file__, "--sample", request.name], check=True, capture_output=True, text=True
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def rounds(contenders: dict[str, tuple], repeat: int) -> dict[str, dict[str, list[float]]]:
    """Each contender once per round, in a rotating order, each run in a fresh interpreter."""
    samples: dict[str, dict[str, list[float]]] = {name: {"wall": [], "cpu": []} for name in contenders}
    items = list(contenders.items())
    for number in range(repeat):
        shift = number % len(items)
        for name, arguments in items[shift:] + items[:shift]:
            measured = fresh(*arguments)
            for key in ("wall", "cpu"):
                samples[name][key].append(measured[key])
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_shared = os.environ.get("TALOS_DYNAMIC_SHARED", str(Path(__file__).resolve().parents[2] / "shared"))
    parser.add_argument("--shared", default=default_shared)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", help="run only the documents whose label contains this text")
    parser.add_argument("--openapi-core", action="store_true", help="time openapi-core on the Kubernetes-shaped one")
    parser.add_argument("--sample", help=argparse.SUPPRESS)  # one sample, in this interpreter (see fresh())
    args = parser.parse_args()
    if args.sample:
        kind, path, operation, kwargs = pickle.loads(Path(args.sample).read_bytes())
        print(json.dumps(sample(kind, Path(path), operation, kwargs)))
        return
    shared = Path(args.shared)
    kubernetes = Path(tempfile.mkdtemp()) / "kubernetes-like-swagger2.json"
    kubernetes.write_text(json.dumps(build()), encoding="utf-8")
    talos_v2 = sorted((shared / "talos" / "upstream").glob("talos-v2-*.json"))
    cases = [
        ("bundled Talos (YAML)", TALOS_SPEC, "admin_get_issued_api_key"),
        ("GitHub (JSON, 13 MB, 1,223 ops)", shared / "specs" / "github-api.github.com.json", "repos_get"),
        ("Stripe (YAML, 4 MB, 468 ops)", shared / "specs" / "stripe-spec3-2023-09-12.yaml", None),
        ("Swagger 2.0 Kubernetes-shaped (3.5 MB)", kubernetes, None),
        ("Swagger 2.0 Talos v2 (66 KB, ../shared)", talos_v2[-1] if talos_v2 else shared / "missing", None),
        ("Swagger 2.0 jupyter_server (YAML)", shared / "specs" / "jupyter_server-2.21.1-api.yaml", None),
        ("Swagger 2.0 uber (YAML)", shared / "specs" / "oai-v2.0-uber.yaml", None),
    ]
    print(f"Client(path) to the first prepare(), each run in a fresh interpreter, median of {args.repeat}")
    print(f"interleaved rounds; {machine()}")
    print("ratio: of median wall times; cpu: of median CPU times; best cpu: of the lowest CPU times (what a")
    print("sample costs with no other process in its way), each to the plain parse (json.load, PyYAML)")
    print(f"{'document':<42}{'parse ms':>10}{'ms':>11}{'ratio':>8}{'cpu':>10}{'best cpu':>10}")
    for label, path, operation in cases:
        if args.only and args.only not in label:
            continue
        if not path.exists():
            print(f"{label:<42} skipped: {path} not found")
            continue
        operation, kwargs = first_operation(path, operation)
        contenders = {
            "parse": ("parse", path),
            "parse, GC paused": ("parse, GC paused", path),
            "client": ("client", path, operation, kwargs),
        }
        if path == kubernetes and args.openapi_core:
            try:
                import openapi_core  # noqa: F401
            except ImportError:
                print("  openapi-core: skipped (not installed)")
            else:
                contenders["openapi-core"] = ("openapi-core", path)
        samples = rounds(contenders, args.repeat)
        base = {key: statistics.median(samples["parse"][key]) for key in ("wall", "cpu")}
        best = min(samples["parse"]["cpu"])
        for name in ["client", *[n for n in contenders if n not in ("parse", "client")]]:
            wall, cpu = (statistics.median(samples[name][key]) for key in ("wall", "cpu"))
            ratios = (
                f"{wall / base['wall']:>7.2f}x{cpu / base['cpu']:>10.2f}x{min(samples[name]['cpu']) / best:>10.2f}x"
            )
            shown = label if name == "client" else f"  {name}"
            parse_ms = f"{base['wall'] * 1000:>10.1f}" if name == "client" else f"{'':>10}"
            print(f"{shown:<42}{parse_ms}{wall * 1000:>11.1f}{ratios}")
    print("target: at most 1.50x the plain parse")
    print()
    if importlib.util.find_spec("rfc3987_syntax") is not None:
        print("note: rfc3987_syntax is installed (jsonschema[format-nongpl], bravado-core); jsonschema then builds its")
        print("lark grammar on import, about 1 s, which the first docstring that checks an example's format pays")
    for label, path in (
        ("Kubernetes-shaped Swagger 2.0", kubernetes),
        ("GitHub", shared / "specs" / "github-api.github.com.json"),
    ):
        if path.exists() and not (args.only and args.only not in label):
            runs = [fresh("docs", path) for _ in range(max(3, args.repeat // 2))]
            seconds, cpu = (statistics.median(run[key] for run in runs) for key in ("wall", "cpu"))
            count = len(quiet_client(path).operations)
            verdict = "met" if seconds <= 1 else "NOT met"
            print(
                f"every signature and docstring, {label} ({count} ops): {seconds:.2f} s, CPU {cpu:.2f} s"
                f" (target <= 1 s: {verdict})"
            )


if __name__ == "__main__":
    main()

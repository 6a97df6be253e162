"""The contract under load: Locust headless, a master and two worker processes for a few seconds against the
local server, and the one report the master writes (calls, findings from both workers, p50/p95 latency).

Locust is only ever imported by the child processes: importing it patches the standard library for gevent.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.server import start_server
from tests.conftest import ADMIN_TOKEN

LOCUSTFILE = f"""
import os
from talos_dynamic.locust import ContractUser


class TalosUser(ContractUser):
    spec = {str(TALOS_SPEC)!r}
    token = os.environ["TALOS_TOKEN"]
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _locust(*arguments: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "locust", *arguments],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_locust_master_and_two_workers_merge_the_contract_report(tmp_path):
    locustfile = tmp_path / "locustfile.py"
    locustfile.write_text(LOCUSTFILE)
    report_path, html_path = tmp_path / "contract.json", tmp_path / "contract.html"
    port = _free_port()
    env = {**os.environ, "TALOS_TOKEN": ADMIN_TOKEN, "PYTHONPATH": os.pathsep.join(sys.path)}
    with start_server(token=ADMIN_TOKEN, fault="undeclared-status") as server:
        master = _locust(
            *("-f", str(locustfile), "--headless", "--master", "--expect-workers", "2"),
            *("--master-bind-host", "127.0.0.1", "--master-bind-port", str(port)),
            *("-u", "4", "-r", "4", "-t", "3s", "--host", server.url, "--only-summary"),
            *("--contract-report", str(report_path), "--contract-report-html", str(html_path)),
            env=env,
        )
        workers = [
            _locust(
                "-f", str(locustfile), "--worker", "--master-host", "127.0.0.1", "--master-port", str(port), env=env
            )
            for _ in range(2)
        ]
        try:
            output, _ = master.communicate(timeout=120)
            for worker in workers:
                worker.communicate(timeout=30)
        finally:
            for process in (master, *workers):
                if process.poll() is None:
                    process.kill()
    assert master.returncode == 1, output[-2000:]  # Locust's exit code when a request failed
    assert all(worker.returncode == 0 for worker in workers)
    report = json.loads(report_path.read_text())
    load = report["load"]
    assert load["workers"] == 2
    assert load["calls"] > 50 and set(load["operations"]) >= {"GetJWKS", "AdminVerifyAPIKey"}
    assert 0 < load["latency_ms"]["p50"] <= load["latency_ms"]["p95"] <= load["latency_ms"]["max"]
    # every GetJWKS answer is a 202 the spec does not declare: one finding, counted on both workers' calls
    (finding,) = report["findings"]
    assert (finding["check"], finding["operation"], finding["status"]) == ("status_code_conformance", "GetJWKS", 202)
    assert finding["count"] == load["operations"]["GetJWKS"]["calls"] == load["failures"]
    assert report["coverage"]["operations_exercised"] == report["coverage"]["operations_total"] == 10
    assert "GetJWKS" in html_path.read_text()
    assert ADMIN_TOKEN not in report_path.read_text() + html_path.read_text()

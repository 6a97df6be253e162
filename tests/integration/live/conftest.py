"""Real API servers from PyPI, started on 127.0.0.1 for the live tests and stopped after them.

`.ci/run` installs each server into its own virtual environment under the folder TALOS_DYNAMIC_LIVE_SERVERS
names (`jupyter-server/`, `prefect/`). Unset: the live tests skip, saying so; set to a folder without a
server: they fail. Every response-validation violation the flows meet is listed at the end of the run, per
server and version.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

LIVE_FINDINGS: dict[str, list[str]] = {}  # "server version" -> every violation its flows met
GENERATE_FINDINGS: dict[str, list[str]] = {}  # "server version (seed, budget)" -> each --generate finding, judged


@dataclass
class LiveServer:
    """A server process on 127.0.0.1: its URL, its name and version, and where its output goes."""

    name: str
    version: str
    url: str
    process: subprocess.Popen
    log: Path
    findings: list[str] = field(default_factory=list)

    def note(self, operation: str, status: int, violations) -> None:
        """Keep (and list at the end of the run) each violation of one answer."""
        for violation in violations:
            self.findings.append(f"{operation} -> {status}: {violation}")
            print(f"[{self.name} {self.version}] {operation} -> {status}: {violation}")

    def stop(self) -> None:
        LIVE_FINDINGS.setdefault(f"{self.name} {self.version}", []).extend(self.findings)
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def servers_folder() -> Path:
    value = os.environ.get("TALOS_DYNAMIC_LIVE_SERVERS")
    if not value:
        pytest.skip("TALOS_DYNAMIC_LIVE_SERVERS is not set (.ci/run installs the live servers and sets it)")
    return Path(value)


def environment(name: str) -> Path:
    """The virtual environment of one server; a failure when the folder lacks it."""
    venv = servers_folder() / name
    if not (venv / "bin" / "python").exists():
        pytest.fail(f"TALOS_DYNAMIC_LIVE_SERVERS has no {name} environment at {venv}")
    return venv


def package_version(venv: Path, package: str) -> str:
    code = f"import importlib.metadata as m; print(m.version({package!r}))"
    return subprocess.run(
        [venv / "bin" / "python", "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(
    name: str, version: str, command: list, url: str, ready: str, folder: Path, env: dict, wait: float
) -> LiveServer:
    """Start `command` in its own process group and wait until `ready` (a URL) answers below 500."""
    log = folder / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=folder,
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LiveServer(name, version, url, process, log)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if requests.get(ready, timeout=2, allow_redirects=False).status_code < 500:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.2)
    server.stop()
    tail = log.read_text(errors="replace")[-3000:]
    pytest.fail(f"{name} {version} did not start within {wait:g}s on {url}:\n{tail}")


JUPYTER_TOKEN = "live-test-token-0123456789"


@pytest.fixture(scope="module")
def jupyter_server(tmp_path_factory) -> Iterator[LiveServer]:
    """Jupyter Server (its REST API is a Swagger 2.0 document without operationIds, served behind its token)."""
    venv = environment("jupyter-server")
    folder = tmp_path_factory.mktemp("jupyter")
    (folder / "root").mkdir()
    port = free_port()
    command = [
        venv / "bin" / "jupyter-server",
        "--allow-root",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={JUPYTER_TOKEN}",
        f"--ServerApp.root_dir={folder / 'root'}",
    ]
    env = {name: str(folder / name) for name in ("JUPYTER_RUNTIME_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR")}
    url = f"http://127.0.0.1:{port}"
    server = start(
        "jupyter-server", package_version(venv, "jupyter-server"), command, url, f"{url}/api", folder, env, 60
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The Prefect server (FastAPI: an OpenAPI 3.1 document), on SQLite, its background services off."""
    venv = environment("prefect")
    folder = tmp_path_factory.mktemp("prefect")
    port = free_port()
    command = [venv / "bin" / "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--no-services", "--no-ui"]
    env = {
        "PREFECT_HOME": str(folder),
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{folder / 'prefect.db'}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
    }
    url = f"http://127.0.0.1:{port}"
    server = start("prefect", package_version(venv, "prefect"), command, url, f"{url}/api/health", folder, env, 120)
    yield server
    server.stop()


def pytest_terminal_summary(terminalreporter) -> None:
    """Every violation the live flows met, per server and version (none: said so); then what --generate found
    on each server, each finding with its verdict."""
    if LIVE_FINDINGS:
        terminalreporter.section("live servers: response validation (warn mode)")
        for server, findings in LIVE_FINDINGS.items():
            terminalreporter.write_line(f"{server}: {len(findings)} violation(s)")
            for finding in findings:
                terminalreporter.write_line(f"  - {finding}")
    if GENERATE_FINDINGS:
        terminalreporter.section("live servers: contract --generate findings (verdict: whose bug)")
        for server, (summary, *findings) in GENERATE_FINDINGS.items():
            terminalreporter.write_line(f"{server}: {len(findings)} finding(s); {summary}")
            for finding in findings:
                terminalreporter.write_line(f"  - {finding}")

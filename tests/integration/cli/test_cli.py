"""The talos-dynamic command and the example script, run as a user runs them."""

import os
import socket
import subprocess
import sys
import time
from importlib.metadata import entry_points
from pathlib import Path

from talos_dynamic import Client
from talos_dynamic.bundled import TALOS_SPEC

from ...conftest import ADMIN_TOKEN

ROOT = Path(__file__).resolve().parents[3]
CLI = [sys.executable, "-m", "talos_dynamic.cli"]
STEPS = [
    "1. Issue an API key",
    "2. Verify a credential",
    "3. Batch verify",
    "4. Derive a JWT token",
    "5. Revoke the key",
    "6. Error handling",
    "Done: every step of the flow worked.",
]


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=ROOT, **kwargs)


def test_console_script_is_declared():
    scripts = {e.name: e.value for e in entry_points(group="console_scripts")}
    assert scripts.get("talos-dynamic") == "talos_dynamic.cli:main"


def test_demo_starts_its_own_server_and_runs_every_step():
    done = run([*CLI, "demo"])
    assert done.returncode == 0, done.stderr
    out = done.stdout
    positions = [out.index(step) for step in STEPS]
    assert positions == sorted(positions)
    assert "Key is valid, owner: user_123" in out
    assert "Key 0: is_active=true" in out and "Key 1: is_active=false" in out
    assert "is_active=false (VERIFICATION_ERROR_REVOKED)" in out
    assert "gRPC code: 5 (NOT_FOUND)" in out and "HTTP status: 404" in out and "Reason: API_KEY_NOT_FOUND" in out
    assert "Stopped the local Talos server" in out
    secret_lines = [line for line in out.splitlines() if "Secret:" in line]
    assert secret_lines and all(line.rstrip().endswith("(shown once; masked here)") for line in secret_lines)


def test_demo_against_a_given_server(talos_server):
    done = run([*CLI, "demo", "--base-url", talos_server.url, "--token", ADMIN_TOKEN])
    assert done.returncode == 0, done.stderr
    assert "Started the local" not in done.stdout and STEPS[-1] in done.stdout


def test_demo_with_a_wrong_token_fails_with_a_clear_message(talos_server):
    done = run([*CLI, "demo", "--base-url", talos_server.url, "--token", "wrong"])
    assert done.returncode == 1
    assert "HTTP 401 UNAUTHENTICATED (ADMIN_TOKEN_INVALID)" in done.stderr
    assert "Traceback" not in done.stderr and "wrong" not in done.stderr


def test_serve_in_the_foreground():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--token", "T0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "Local Talos server on http://127.0.0.1:" in server.stdout.readline()
        client = Client(TALOS_SPEC, base_url=f"http://127.0.0.1:{port}", token="T0")
        for _ in range(50):
            try:
                assert client.get_jwks().jwks["keys"]
                break
            except Exception:
                time.sleep(0.1)
        issued = client.admin_issue_api_key(actor_id="cli")
        assert client.admin_verify_api_key(credential=issued.secret).is_active
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_example_script_runs_the_go_sdk_flow():
    env = {k: v for k, v in os.environ.items() if k not in ("TALOS_URL", "TALOS_TOKEN")}
    done = run([sys.executable, "examples/go_sdk_flow.py"], env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Key ID: ") and lines[1] == "Secret: sk_local_v1_***"
    assert lines[2:][:3] == ["Key is valid, owner: user_123", "Key 0: is_active=True", "Key 1: is_active=False"]
    assert lines[-4:] == [
        "gRPC code: 5",
        "HTTP status: 404",
        "Message: issued API key 'nonexistent-id' not found",
        "Reason: API_KEY_NOT_FOUND",
    ]

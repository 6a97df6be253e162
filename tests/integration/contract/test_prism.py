"""Every operation of the newest Talos spec, called with valid arguments against Stoplight Prism's mock of
that spec: Prism must find nothing wrong with our requests (no sl-violations header, no 422)."""

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from talos_dynamic import ApiError, Client
from talos_dynamic.explore.docs import skeleton_arguments

from ...corpus.test_talos_upstream import full_arguments

# Prism routes a URL to the first path template that matches it, so when two templates differ only in the
# parameter's name ({key_id} and {issued_api_key.key_id}) the PATCH lands on the GET/DELETE path: 405.
PRISM_ROUTING = {"admin_update_issued_api_key", "admin_update_imported_api_key"}


@pytest.fixture(scope="module")
def prism(shared_dir):
    binary = os.environ.get("TALOS_DYNAMIC_PRISM")
    if not binary:
        pytest.skip("TALOS_DYNAMIC_PRISM is not set (.ci/run installs Prism and sets it)")
    if not Path(binary).exists():
        pytest.fail(f"TALOS_DYNAMIC_PRISM={binary} does not exist")
    spec = sorted((shared_dir / "talos" / "upstream").glob("talos-v3-*.json"))[-1]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [binary, "mock", str(spec), "-h", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"Prism exited: {process.stdout.read().decode()[-2000:]}")
            time.sleep(0.25)
    else:
        process.kill()
        pytest.fail("Prism did not start within 90 s")
    yield spec, f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def test_prism_finds_no_violation_in_our_requests(prism):
    spec, url = prism
    client = Client(spec, base_url=url, token="prism-token", response_validation="off")
    checked = []
    for op in client.operations:
        for kwargs in (skeleton_arguments(op.arguments), full_arguments(op)):
            try:
                result = op(**kwargs)
                status, headers = result.http.status, result.http.headers
            except ApiError as error:
                status, headers = error.http_status, error.response.headers
            if op.__name__ in PRISM_ROUTING:
                assert status == 405, (op.__name__, status)
                continue
            assert "sl-violations" not in headers, (op.__name__, headers.get("sl-violations"))
            assert status < 400, (op.__name__, status)
            checked.append(op.__name__)
    assert len(set(checked)) == len(client.operations) - len(PRISM_ROUTING) == 16


def test_prism_does_report_a_request_that_breaks_the_spec(prism):
    spec, url = prism
    client = Client(spec, base_url=url, token="prism-token", request_validation="off", response_validation="off")
    with pytest.raises(ApiError) as caught:
        client.admin_issue_api_key(body={"name": 5, "scopes": "read"})
    assert caught.value.http_status == 422

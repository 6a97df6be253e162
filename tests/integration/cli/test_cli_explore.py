"""ops, describe, call and repl as subprocesses against the local Talos server; the README's REPL session."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from talos_dynamic import Client
from talos_dynamic.bundled import TALOS_SPEC

from ...conftest import ADMIN_TOKEN

ROOT = Path(__file__).resolve().parents[3]
CLI = [sys.executable, "-m", "talos_dynamic.cli"]


def run(*args, stdin=None):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120, cwd=ROOT, input=stdin)


def test_ops_table_and_filter():
    done = run("ops")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0] == "10 operations" and len(lines) == 12
    filtered = run("ops", "revoke").stdout.splitlines()
    assert filtered[0] == "1 operations matching 'revoke'" and filtered[2].startswith("admin_revoke_api_key")
    assert run("ops", "nothing-like-this").returncode == 1


def test_describe_matches_help_and_accepts_either_name_form():
    client = Client(TALOS_SPEC, base_url="http://127.0.0.1")
    for name in ("admin_revoke_api_key", "AdminRevokeAPIKey", "adminrevokeapikey", "ADMIN_REVOKE_API_KEY"):
        done = run("describe", name)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("admin_revoke_api_key(*, key_id: str, reason: client.enums.RevocationReason")
        assert client.admin_revoke_api_key.__doc__ in done.stdout
    typo = run("describe", "admin_revok_api_key")
    assert typo.returncode == 2 and "did you mean admin_revoke_api_key" in typo.stderr


def test_call_success_lists_and_ints(talos_server):
    common = ("--base-url", talos_server.url, "--token", ADMIN_TOKEN)
    done = run(
        "call",
        "admin_issue_api_key",
        "actor_id=cli-user",
        "scopes=read,write",
        "scopes=admin",
        'metadata:={"env": "test"}',
        *common,
    )
    assert done.returncode == 0, done.stderr
    issued = json.loads(done.stdout)
    assert issued["issued_api_key"]["scopes"] == ["read", "write", "admin"]
    assert issued["issued_api_key"]["metadata"] == {"env": "test"}
    assert run("call", "admin_issue_api_key", "actor_id=cli-user", *common).returncode == 0
    listed = json.loads(run("call", "AdminListIssuedAPIKeys", "page_size=1", *common).stdout)
    assert len(listed["issued_api_keys"]) == 1 and listed["next_page_token"]
    verified = run("call", "admin_verify_api_key", "--body", json.dumps({"credential": issued["secret"]}), *common)
    assert json.loads(verified.stdout)["is_active"] is True


def test_call_api_error_goes_to_stderr_with_exit_code(talos_server):
    done = run(
        "call", "admin_get_issued_api_key", "key_id=nope", "--base-url", talos_server.url, "--token", ADMIN_TOKEN
    )
    assert done.returncode == 1 and done.stdout == ""
    error = json.loads(done.stderr)
    assert (error["error"], error["http_status"], error["status"], error["reason"]) == (
        "NotFound",
        404,
        "NOT_FOUND",
        "API_KEY_NOT_FOUND",
    )


def test_call_bad_arguments_are_explained_and_nothing_is_sent(talos_server):
    common = ("--base-url", talos_server.url, "--token", ADMIN_TOKEN)
    wrong_type = run("call", "admin_list_issued_api_keys", "page_size=ten", *common)
    assert wrong_type.returncode == 2 and "page_size='ten': expected int" in wrong_type.stderr
    unknown = run("call", "admin_list_issued_api_keys", "page_sise=10", *common)
    assert unknown.returncode == 2 and "did you mean 'page_size'" in unknown.stderr
    invalid = run("call", "admin_issue_api_key", "name=x", *common)
    assert invalid.returncode == 2 and "'actor_id' is a required property" in invalid.stderr


def test_dry_run_prints_curl_with_secrets_masked():
    done = run(
        "call",
        "admin_revoke_api_key",
        "key_id=k/1",
        "reason=REVOCATION_REASON_SUPERSEDED",
        "--dry-run",
        "--base-url",
        "http://127.0.0.1:9",
        "--token",
        "very-secret-token",
        "--header",
        "X-Trace: t1",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("curl -X POST http://127.0.0.1:9/v2alpha1/admin/apiKeys/k%2F1:revoke")
    assert "'Authorization: Bearer ***'" in done.stdout and "very-secret-token" not in done.stdout
    assert "'X-Trace: t1'" in done.stdout and '{"reason":"REVOCATION_REASON_SUPERSEDED"}' in done.stdout


def readme_session():
    """The commands and expected outputs of the README's REPL session."""
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```console\n\$ talos-dynamic repl\n(.*?)```", text, re.DOTALL).group(1)
    commands, outputs = [], []
    for line in block.splitlines():
        if line.startswith(">>> "):
            commands.append(line[4:])
            outputs.append([])
        else:
            outputs[-1].append(line)
    return commands, ["\n".join(lines) for lines in outputs]


def test_repl_runs_the_readme_session():
    commands, expected = readme_session()
    assert len(commands) >= 6
    done = run("repl", stdin="\n".join(commands) + "\n")
    assert done.returncode == 0, done.stderr
    assert 'client.find("revoke")' in done.stderr and "Started the local Talos server" in done.stderr
    actual = [chunk.rstrip("\n") for chunk in done.stdout.split(">>> ")[1 : len(commands) + 1]]
    assert actual == expected


def test_history_is_bounded_and_last_response_is_kept(talos_server):
    with Client(TALOS_SPEC, base_url=talos_server.url, token=ADMIN_TOKEN, history_size=3) as client:
        for _ in range(5):
            client.get_jwks()
        with pytest.raises(client.errors.NotFound):
            client.admin_get_issued_api_key(key_id="missing")
        assert len(client.history) == 3 and client.last_response.status_code == 404
        prepared = client.get_jwks.prepare()
        assert prepared.send().http.status == 200 and client.last_response.status_code == 200


def test_bash_completion_offers_operation_names():
    script = run("completion", "bash").stdout
    shell = f"""
talos-dynamic() {{ {sys.executable} -m talos_dynamic.cli "$@"; }}
{script}
COMP_WORDS=(talos-dynamic describe admin_rev); COMP_CWORD=2; _talos_dynamic; echo "${{COMPREPLY[@]}}"
COMP_WORDS=(talos-dynamic de); COMP_CWORD=1; _talos_dynamic; echo "${{COMPREPLY[@]}}"
"""
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.stdout.splitlines() == ["admin_revoke_api_key", "demo describe"]

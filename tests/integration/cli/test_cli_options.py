"""Issue 12, point 3: options anywhere, --version, TALOS_DYNAMIC_* variables, `call` on the bundled spec starts
the local server, errors speak command-line, `contract --spec` uses the spec's servers. Point 4: --print and
-v, colour on a terminal only, the error body, and completion in bash, zsh and fish without Python on TAB."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from talos_dynamic.bundled import TALOS_SPEC

from ...conftest import ADMIN_TOKEN
from .cli_run import ANSI, CLI, ROOT, Terminal, clean_env, run


def test_options_go_before_or_after_the_arguments(talos_server):
    spec = str(TALOS_SPEC)
    after = run("call", "admin_issue_api_key", "--base-url", talos_server.url, "actor_id=x", "--token", ADMIN_TOKEN)
    assert after.returncode == 0, after.stderr
    mixed = run(
        "call", "admin_list_issued_api_keys", "--spec", spec, "page_size=1", "--base-url", talos_server.url, "-v",
        "--token", ADMIN_TOKEN,
    )  # fmt: skip
    assert mixed.returncode == 0, mixed.stderr
    assert mixed.stdout.startswith("GET /v2alpha1/admin/issuedApiKeys?page_size=1 HTTP/1.1")
    common = ("--base-url", talos_server.url)
    verbose_first, verbose_after = run("-v", "call", "get_jwks", *common), run("call", "get_jwks", *common, "-v")
    assert verbose_first.returncode == verbose_after.returncode == 0, verbose_after.stderr
    assert (
        verbose_first.stdout.splitlines()[0]
        == verbose_after.stdout.splitlines()[0]
        == ("GET /v2alpha1/derivedKeys/jwks.json HTTP/1.1")
    )
    logged = run("call", "get_jwks", *common, "-vv")
    assert "DEBUG talos_dynamic" in logged.stderr and "-> GET" in logged.stderr
    stray = run("call", "get_jwks", "--no-such-option")
    assert stray.returncode == 2 and "unrecognized arguments: --no-such-option" in stray.stderr


def test_version():
    done = run("--version")
    assert done.returncode == 0 and done.stdout.startswith("talos-dynamic 0.1.0 (Python 3.")


def test_environment_variables_give_spec_base_url_and_token(talos_server, tmp_path):
    env = clean_env(
        TALOS_DYNAMIC_SPEC=str(TALOS_SPEC), TALOS_DYNAMIC_BASE_URL=talos_server.url, TALOS_DYNAMIC_TOKEN=ADMIN_TOKEN
    )
    issued = run("call", "admin_issue_api_key", "actor_id=env-user", env=env)
    assert issued.returncode == 0, issued.stderr
    assert "Started the local" not in issued.stderr  # the base URL came from the environment
    key_id = json.loads(issued.stdout)["issued_api_key"]["key_id"]
    got = run("call", "admin_get_issued_api_key", f"key_id={key_id}", env=env)
    assert json.loads(got.stdout)["actor_id"] == "env-user"
    wrong = run(
        "call", "admin_list_issued_api_keys", "--dry-run", env={**env, "TALOS_DYNAMIC_TOKEN": "from-env-secret"}
    )
    assert "Bearer ***" in wrong.stdout and "from-env-secret" not in wrong.stdout
    help_text = run("call", "--help").stdout
    assert all(name in help_text for name in ("TALOS_DYNAMIC_SPEC", "TALOS_DYNAMIC_BASE_URL", "TALOS_DYNAMIC_TOKEN"))


def test_call_on_the_bundled_spec_starts_the_local_server():
    done = run("call", "admin_issue_api_key", "actor_id=local")
    assert done.returncode == 0, done.stderr
    assert "Started the local Talos server at http://127.0.0.1:" in done.stderr
    assert json.loads(done.stdout)["issued_api_key"]["actor_id"] == "local"


def test_a_missing_base_url_is_explained_in_command_line_terms(tmp_path):
    spec = tmp_path / "talos.yaml"  # a copy: the bundled spec itself would start the local server
    spec.write_text(TALOS_SPEC.read_text())
    done = run("call", "get_jwks", "--spec", str(spec))  # the spec declares no servers
    assert done.returncode == 2
    assert "pass --base-url URL (or set TALOS_DYNAMIC_BASE_URL)" in done.stderr and "base_url=" not in done.stderr


def test_contract_with_a_spec_uses_its_servers(tmp_path, talos_server):
    document = yaml.safe_load(TALOS_SPEC.read_text())
    document["servers"] = [{"url": talos_server.url}]
    spec = tmp_path / "talos-with-servers.yaml"
    spec.write_text(yaml.safe_dump(document))
    done = run("contract", "--spec", str(spec), "--token", ADMIN_TOKEN)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASSED: no new error-severity finding" in done.stdout and "Started the local" not in done.stderr


def test_print_shows_the_exchange_httpie_style(talos_server):
    common = ("--base-url", talos_server.url, "--token", ADMIN_TOKEN)
    done = run("call", "admin_issue_api_key", "actor_id=p", "--print", "Hh", *common)
    assert done.returncode == 0, done.stderr
    request, response = done.stdout.split("\n\n", 1)
    assert request.splitlines()[0] == "POST /v2alpha1/admin/issuedApiKeys HTTP/1.1"
    assert "Authorization: Bearer ***" in request and ADMIN_TOKEN not in done.stdout
    assert response.splitlines()[0] == "HTTP/1.1 200 OK" and "Content-Type: application/json" in response
    assert '"secret"' not in done.stdout  # no body asked for
    bodies = run("call", "admin_verify_api_key", "credential=nope", "--print", "Bb", *common)
    request_body, response_body = bodies.stdout.split("\n\n", 1)
    assert json.loads(request_body) == {"credential": "nope"} and json.loads(response_body)["is_active"] is False
    assert run("call", "get_jwks", "--print", "X", *common).returncode == 2


def test_colour_on_a_terminal_only(talos_server):
    args = [*CLI, "call", "get_jwks", "--base-url", talos_server.url]
    terminal = Terminal(args)
    coloured = terminal.finish()
    assert "\x1b[" in coloured and json.loads(ANSI.sub("", coloured))["jwks"]["keys"]
    piped = run(*args[3:])
    assert "\x1b[" not in piped.stdout and json.loads(piped.stdout)["jwks"]["keys"]
    no_color = Terminal(args, env=clean_env(TERM="xterm", NO_COLOR="1")).finish()
    assert "\x1b[" not in no_color


def test_the_error_json_carries_the_body(talos_server):
    done = run(
        "call", "admin_get_issued_api_key", "key_id=nope", "--base-url", talos_server.url, "--token", ADMIN_TOKEN
    )
    assert done.returncode == 1
    error = json.loads(done.stderr)
    assert error["body"]["code"] == 5 and error["body"]["details"][0]["reason"] == "API_KEY_NOT_FOUND"


def test_exit_codes_are_documented_and_kept(tmp_path):
    help_text = run("--help").stdout
    assert "Exit codes: 0 ok; 1 the API answered an error" in help_text
    unreachable = run("call", "get_jwks", "--base-url", "http://127.0.0.1:9")
    assert unreachable.returncode == 3 and "connection refused" in unreachable.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.0\npaths: [1, 2]\n")
    assert run("ops", "--spec", str(broken)).returncode == 4


def completion_script(shell, tmp_path):
    done = run("completion", shell)
    assert done.returncode == 0, done.stderr
    path = tmp_path / f"talos.{shell}"
    path.write_text(done.stdout)
    return path


@pytest.fixture()
def no_python_on_path(tmp_path):
    """A PATH whose talos-dynamic records that it ran: TAB must not start it when an index will do."""
    folder = tmp_path / "bin"
    folder.mkdir()
    marker = tmp_path / "ran"
    script = folder / "talos-dynamic"
    script.write_text(f'#!/bin/sh\ntouch {marker}\nexec {sys.executable} -m talos_dynamic.cli "$@"\n')
    script.chmod(0o755)
    env = clean_env(PATH=f"{folder}:{os.environ['PATH']}", XDG_CACHE_HOME=str(tmp_path / "cache"))
    return env, marker


def test_bash_completes_subcommands_options_and_operations_from_the_index(tmp_path, no_python_on_path, shared_dir):
    env, marker = no_python_on_path
    script = completion_script("bash", tmp_path)
    github = shared_dir / "specs" / "github-api.github.com.json"
    shell = f"""
source {script}
t() {{ COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _talos_dynamic; echo "${{COMPREPLY[*]}}"; }}
t talos-dynamic de
t talos-dynamic call admin_rev
t talos-dynamic ops --na
t talos-dynamic serve --fault wrong-
t talos-dynamic call --spec {github} repos_get_branch_prot
"""
    first = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert first.stdout.splitlines()[:4] == [
        "demo describe",
        "admin_revoke_api_key",
        "--names",
        "wrong-grpc-code wrong-type",
    ]
    assert first.stdout.splitlines()[4] == "repos_get_branch_protection"  # a miss: the command wrote the index
    assert not marker.exists() or marker.unlink() is None
    marker.unlink(missing_ok=True)
    again = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert again.stdout == first.stdout and not marker.exists()  # every TAB answered without Python


def test_zsh_and_fish_complete_operation_names(tmp_path, no_python_on_path):
    env, marker = no_python_on_path
    if shutil.which("zsh"):
        script = completion_script("zsh", tmp_path)
        shell = f"""source {script}
COMP_WORDS=(talos-dynamic describe admin_rev); COMP_CWORD=2; _talos_dynamic; print -l -- $COMPREPLY"""
        done = subprocess.run(["zsh", "-f", "-c", shell], capture_output=True, text=True, env=env, timeout=60)
        assert "admin_revoke_api_key" in done.stdout.split() and "demo" not in done.stdout, done.stderr
    if shutil.which("fish"):
        script = completion_script("fish", tmp_path)
        shell = f"source {script}; complete -C'talos-dynamic call admin_rev'; complete -C'talos-dynamic ops --na'"
        done = subprocess.run(["fish", "-c", shell], capture_output=True, text=True, env=env, timeout=60)
        assert done.stdout.splitlines()[0] == "admin_revoke_api_key" and done.stdout.splitlines()[1].startswith(
            "--names"
        )
    if not (shutil.which("zsh") or shutil.which("fish")):
        pytest.skip("neither zsh nor fish is installed")
    assert not marker.exists()


def test_the_index_is_keyed_by_absolute_spec_path(tmp_path, monkeypatch):
    from talos_dynamic.cli.completion import index_key

    monkeypatch.chdir(tmp_path)
    assert index_key("specs/x.yaml") == index_key(str(Path(tmp_path) / "specs/x.yaml"))
    assert index_key("https://h/openapi.json") == "https___h_openapi.json"


def test_the_generated_cases_budget_defaults_to_the_generators():
    from talos_dynamic.cli.parser import parse_args
    from talos_dynamic.contract.generate_options import DEFAULT_MAX_CASES, runner_for

    assert runner_for(parse_args(["contract", "--generate"])).keywords["max_cases"] == DEFAULT_MAX_CASES
    assert runner_for(parse_args(["contract", "--generate", "--max-cases", "7"])).keywords["max_cases"] == 7
    shown = run("contract", "--help")
    assert f"at most N requests (default: {DEFAULT_MAX_CASES})" in " ".join(shown.stdout.split())

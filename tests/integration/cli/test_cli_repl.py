"""Issue 12, point 7: the plain REPL completes argument names with TAB (on a real pseudo-terminal), and a
library error shows as one line, in the standard console and in IPython."""

import os
import time

import pytest

from .cli_run import ANSI, CLI, Terminal, clean_env, run


def test_plain_repl_completes_an_argument_name_with_tab():
    terminal = Terminal([*CLI, "repl", "--plain"], columns=120)
    try:
        assert b">>> " in terminal.read_until(b">>> ")
        terminal.write("client.admin_issue_api_key(act\t")
        screen = terminal.read_until(b"(actor_id=", timeout=20)
        assert b"client.admin_issue_api_key(actor_id=" in screen
        terminal.write("'tab-user').issued_api_key.actor_id\n")
        assert b"'tab-user'" in terminal.read_until(b"'tab-user'\r\n", timeout=20)
        terminal.write("client.admin_ver\t")
        assert b"client.admin_verify_api_key" in terminal.read_until(b"client.admin_verify_api_key", timeout=20)
        terminal.write("\x15exit()\n")
        terminal.finish(timeout=60)
    finally:
        if terminal.process.poll() is None:
            terminal.kill()


def test_argument_completion_inside_nested_calls():
    from talos_dynamic.cli.repl import argument_names, open_call

    namespace = {"f": lambda *, alpha=1, beta=2: None, "g": print}
    assert open_call("x = f(") == "f" and open_call("f(g(1), ") == "f" and open_call("f(1) + ") is None
    assert open_call("client.models.Thing(") == "client.models.Thing" and open_call("[1, ") is None
    assert argument_names(namespace, "f", "a") == ["alpha="] and argument_names(namespace, "nothing.here", "") == []


def test_the_console_shows_a_library_error_in_one_line():
    done = run("repl", stdin="client.admin_get_issued_api_key(key_id='nope')\nprint('still here')\n")
    assert done.returncode == 0
    lines = done.stderr.splitlines()
    error = next(i for i, line in enumerate(lines) if line.startswith("NotFound: "))
    assert lines[error - 1] == '  File "<console>", line 1'
    assert "API_KEY_NOT_FOUND" in lines[error] and '.py", line' not in done.stderr  # no library frames
    assert "still here" in done.stdout


def test_ipython_shows_a_library_error_in_one_line(tmp_path):
    pytest.importorskip("IPython")
    env = clean_env(TERM="xterm", IPYTHONDIR=str(tmp_path / "ipython"), PYTHONPATH=os.environ.get("PYTHONPATH", ""))
    terminal = Terminal([*CLI, "repl"], columns=120, env=env)
    try:
        assert b"In [" in terminal.read_until(b"In [", timeout=60)
        time.sleep(1)
        terminal.write("client.admin_get_issued_api_key(key_id='nope')\r")
        screen = terminal.read_until(b"issued API key 'nope' not found", timeout=30)
        time.sleep(0.5)
        screen = ANSI.sub("", terminal.read_until(b"\x00never", timeout=1).decode("utf-8", "replace"))
        assert "NotFound: AdminGetIssuedAPIKey: HTTP 404 NOT_FOUND (API_KEY_NOT_FOUND)" in screen
        assert '.py", line' not in screen and "Traceback" not in screen
        terminal.write("exit\r")
        terminal.finish(timeout=60)
    finally:
        if terminal.process.poll() is None:
            terminal.kill()

"""Issue 12, point 1: `ops` fits the terminal, never cuts a name, filters, and has a JSON form; the
contract coverage table keeps long names in their column. Point 2: a closed pipe ends the command quietly."""

import json
import subprocess

import pytest

from talos_dynamic.contract.reports import coverage_table

from .cli_run import ANSI, CLI, ROOT, Terminal, clean_env, run


@pytest.fixture(scope="module")
def github_spec(shared_dir):
    path = shared_dir / "specs" / "github-api.github.com.json"
    assert path.is_file(), "the GitHub document is listed in ../shared/specs/INDEX.tsv"
    return str(path)


@pytest.fixture(scope="module")
def github_names(github_spec):
    done = run("ops", "--names", "--spec", github_spec)
    assert done.returncode == 0, done.stderr
    names = done.stdout.split()
    assert len(names) == 1223
    return names


def test_github_ops_fit_an_80_column_terminal_with_no_name_cut(github_spec, github_names):
    terminal = Terminal([*CLI, "ops", "--spec", github_spec, "--no-pager"], columns=80, rows=24)
    screen = ANSI.sub("", terminal.finish())
    assert terminal.process.returncode == 0, screen[-2000:]
    lines = screen.splitlines()
    assert max(len(line) for line in lines) <= 80
    whole_lines = {line.strip() for line in lines}
    assert [name for name in github_names if name not in whole_lines] == []  # each name on a line of its own
    assert "\x1b[" in terminal.output.decode()  # colours on a terminal


def test_piped_ops_cut_nothing_and_have_no_colour(github_spec, github_names):
    done = run("ops", "--spec", github_spec)
    assert (
        done.returncode == 0
        and "\x1b[" not in done.stdout
        and "…" not in "".join(line.split()[0] for line in done.stdout.splitlines()[2:])
    )
    first_cells = [line.split()[0] for line in done.stdout.splitlines()[2:]]
    assert first_cells == github_names


def test_wide_terminal_gets_a_table_with_every_column_that_fits():
    terminal = Terminal([*CLI, "ops", "--no-pager"], columns=200)
    screen = ANSI.sub("", terminal.finish())
    header = next(line for line in screen.splitlines() if line.startswith("python name"))
    assert header.split() == ["python", "name", "method", "path", "tag", "summary"]
    assert "admin_update_issued_api_key  PATCH   /v2alpha1/admin/issuedApiKeys/{issued_api_key.key_id}" in screen


def test_a_table_taller_than_the_terminal_goes_through_the_pager(tmp_path):
    paged = tmp_path / "paged.txt"
    env = clean_env(TERM="xterm", PAGER=f"tee {paged}")
    Terminal([*CLI, "ops"], columns=200, rows=5, env=env).finish()
    assert "admin_issue_api_key" in ANSI.sub("", paged.read_text())
    Terminal([*CLI, "ops", "--no-pager"], columns=200, rows=5, env={**env, "PAGER": f"tee {tmp_path / 'no'}"}).finish()
    assert not (tmp_path / "no").exists()


def test_ops_filters_and_json(github_spec):
    done = run("ops", "--spec", github_spec, "--tag", "repos", "--method", "delete", "--path", "/repos/{owner}/{repo}/")
    assert done.returncode == 0, done.stderr
    rows = json.loads(
        run(
            "ops",
            "--spec",
            github_spec,
            "--tag",
            "repos",
            "--method",
            "delete",
            "--path",
            "/repos/{owner}/{repo}/",
            "--json",
        ).stdout
    )
    assert rows and all(
        r["method"] == "DELETE" and r["path"].startswith("/repos/{owner}/{repo}/") and "repos" in r["tag"] for r in rows
    )
    assert done.stdout.splitlines()[0] == f"{len(rows)} operations tagged repos DELETE under /repos/{{owner}}/{{repo}}/"
    texted = json.loads(run("ops", "--spec", github_spec, "--json", "--method", "DELETE", "autolink").stdout)
    assert [r["python_name"] for r in texted] == ["repos_delete_autolink"]
    assert set(texted[0]) == {"python_name", "operation_id", "method", "path", "tag", "summary"}
    assert run("ops", "--tag", "no-such-tag").returncode == 1


def test_coverage_table_keeps_long_operation_names_in_their_column():
    long_name = "ReposCreateOrUpdateEnvironmentDeploymentBranchPolicyForAnOrganization"
    report = {
        "coverage": {
            "operations_exercised": 1,
            "operations_total": 2,
            "operations_percent": 50.0,
            "statuses_exercised": 1,
            "statuses_declared": 3,
            "operations": [
                {"operation": long_name, "statuses_declared": ["200", "404"], "statuses_seen": {"200": 2}},
                {"operation": "GetJWKS", "statuses_declared": ["200"], "statuses_seen": {}},
            ],
        }
    }
    lines = coverage_table(report).splitlines()
    assert lines[2].split() == [long_name, "200,", "404", "200x2"]
    declared_column = lines[1].index("declared")
    assert lines[2].index("200, 404") == declared_column == lines[3].index("200")


def test_a_closed_pipe_ends_ops_and_call_quietly(github_spec):
    for args in (["ops", "--spec", github_spec], ["call", "get_jwks", "-v"]):
        process = subprocess.Popen(
            [*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=clean_env()
        )
        process.stdout.close()  # `| head` that has read enough
        stderr = process.stderr.read().decode()
        process.wait(timeout=120)
        assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
        assert process.returncode == 141
    head = subprocess.run(
        f"{' '.join(CLI)} ops --spec {github_spec} | head -1", shell=True, capture_output=True, text=True, cwd=ROOT
    )
    assert head.stdout == "1223 operations\n" and head.stderr == ""

"""diff on every consecutive pair of published Talos specs agrees with ../shared/talos/CHANGES.txt."""

from __future__ import annotations

import ast
import itertools
import re

import pytest

from talos_dynamic import diff
from talos_dynamic.changes import load_spec


def parse_changes(text: str) -> dict[str, dict[str, set]]:
    """CHANGES.txt as {file name: {"ops-", "ops+", "schemas-", "schemas+", "routes-", "routes+": set}}."""
    found: dict[str, dict[str, set]] = {}
    current = None
    for line in text.splitlines():
        head = re.match(r"(talos-v[23]-\S+\.json)", line)
        if head:
            current = found.setdefault(
                head.group(1), {k: set() for k in ("ops-", "ops+", "schemas-", "schemas+", "routes-", "routes+")}
            )
            continue
        item = re.match(r"\s+([-+]) (operationIds|schemas) (?:removed|added):\s+(.*)", line)
        if item and current is not None:
            key = ("ops" if item.group(2) == "operationIds" else "schemas") + item.group(1)
            current[key].update(name.strip() for name in item.group(3).split(","))
            continue
        route = re.match(r"\s+([-+]) (\(.*\))$", line)
        if route and current is not None:
            current["routes" + route.group(1)].add(tuple(ast.literal_eval(route.group(2))))
    return found


def observed(old, new) -> dict[str, set]:
    """What diff reports, in the terms CHANGES.txt uses."""
    report = diff(old, new)
    before, after = load_spec(old), load_spec(new)
    old_routes = {op.name: (op.method, op.path) for op in before.operations}
    new_routes = {op.name: (op.method, op.path) for op in after.operations}
    got = {k: set() for k in ("ops-", "ops+", "schemas-", "schemas+", "routes-", "routes+")}
    for change in report.changes:
        if change.kind in ("operation-removed", "operation-renamed", "operation-id-renamed"):
            got["ops-"].add(change.old)
        if change.kind == "operation-removed":
            got["routes-"].add(old_routes[change.old])
        if change.kind == "operation-added":
            got["ops+"].add(change.new)
            got["routes+"].add(new_routes[change.new])
        if change.kind in ("operation-renamed", "operation-id-renamed"):
            renamed = (
                change.new
                if change.kind == "operation-id-renamed"
                else next(op.name for op in after.operations if op.python_name == change.new)
            )
            got["ops+"].add(renamed)
        if change.kind == "operation-moved":
            got["routes-"].add(tuple(change.old.split(" ", 1)))
            got["routes+"].add(tuple(change.new.split(" ", 1)))
        if change.kind in ("schema-removed", "schema-renamed"):
            got["schemas-"].add(change.old)
        if change.kind in ("schema-added", "schema-renamed"):
            got["schemas+"].add(change.new)
    return got, report


@pytest.mark.parametrize("flavour", ["v3", "v2"])
def test_diff_of_each_consecutive_pair_matches_changes_txt(shared_dir, flavour):
    folder = shared_dir / "talos"
    listed = parse_changes((folder / "CHANGES.txt").read_text("utf-8"))
    files = sorted((folder / "upstream").glob(f"talos-{flavour}-*.json"))
    assert len(files) == 6
    for old, new in itertools.pairwise(files):
        expected = listed.get(new.name) or {
            k: set() for k in ("ops-", "ops+", "schemas-", "schemas+", "routes-", "routes+")
        }
        if flavour == "v2":  # CHANGES.txt lists (method, path) changes for the v3 documents of each commit
            expected["routes-"] = listed.get(new.name.replace("-v2-", "-v3-"), expected)["routes-"]
            expected["routes+"] = listed.get(new.name.replace("-v2-", "-v3-"), expected)["routes+"]
        got, _ = observed(old, new)
        assert got == expected, (old.name, new.name)


def test_the_operationid_case_change_is_not_a_break_but_the_batch_rename_is(shared_dir):
    upstream = shared_dir / "talos" / "upstream"
    report = diff(upstream / "talos-v3-2026-06-02-2e2295d.json", upstream / "talos-v3-2026-06-03-b8c2364.json")
    renamed = {c.operation: c for c in report.of_kind("operation-id-renamed")}
    assert len(renamed) == 17
    issue = renamed["admin_issue_api_key"]
    assert (issue.old, issue.new, issue.breaking) == ("AdminIssueAPIKey", "adminIssueApiKey", False)
    assert "not a break" in issue.message
    assert [c.operation for c in report.of_kind("operation-removed")] == ["admin_batch_import_api_keys"]
    assert [c.operation for c in report.of_kind("operation-added")] == ["admin_batch_create_imported_api_keys"]
    assert all(c.breaking for c in report.of_kind("operation-removed", "schema-renamed", "schema-removed"))


def test_the_revoke_split_breaks_admin_revoke_api_key(shared_dir):
    upstream = shared_dir / "talos" / "upstream"
    report = diff(upstream / "talos-v2-2026-05-20-c375a96.json", upstream / "talos-v2-2026-06-02-2e2295d.json")
    assert [(c.kind, c.operation) for c in report.breaking if c.operation] == [
        ("operation-removed", "admin_revoke_api_key")
    ]
    assert {c.operation for c in report.of_kind("operation-added")} == {
        "admin_revoke_issued_api_key",
        "admin_revoke_imported_api_key",
    }

"""`talos-dynamic diff OLD NEW`: the report in three formats, the exit code for CI, and --usage finding the
call sites of a sample program that the breaking changes hit."""

from __future__ import annotations

import json

import pytest

from talos_dynamic import diff
from talos_dynamic.bundled import TALOS_LATEST_SPEC, TALOS_SPEC
from talos_dynamic.changes.usage import find_usage
from talos_dynamic.cli.main import main

SAMPLE = """\
from talos_dynamic import Client

talos = Client("talos.yaml", base_url="http://127.0.0.1:4420", token="t")


def rotate_all(actor):
    for key in talos.admin_list_issued_api_keys.items(filter=f'actor_id="{actor}"'):
        print(key.key_id, key.status)
        talos.admin_revoke_api_key(key_id=key.key_id, reason=talos.enums.RevocationReason.REVOCATION_REASON_SUPERSEDED)


def check(secret):
    verified = talos.admin_verify_api_key(credential=secret)
    if verified.is_active:
        return verified.actor_id
    batch = talos.AdminBatchVerifyAPIKeys(requests=[{"credential": secret}])
    for result in batch.results:
        print(result.is_active)
    return talos.admin_derive_token(credential=secret).token.algorithm


def rotate(key_id):
    options = {"ttl": "1h"}
    talos.admin_rotate_issued_api_key(key_id=key_id, ttl="24h")
    talos.admin_rotate_issued_api_key(key_id=key_id, **options)
    return talos.models.IssuedAPIKeyPatch(name="x")
"""


@pytest.fixture()
def sample(tmp_path):
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "keys.py").write_text(SAMPLE)
    (folder / "broken.py").write_text("def (:\n")  # unreadable Python is skipped, not fatal
    return folder


def test_usage_lists_the_call_sites_a_breaking_change_hits(shared_dir, sample):
    newest = shared_dir / "talos" / "upstream" / "talos-v3-2026-06-09-9a34117.json"
    hits = find_usage(diff(TALOS_SPEC, newest), sample)
    found = {(h.line, h.change.kind, h.change.subject) for h in hits}
    assert found == {
        (9, "operation-removed", "admin_revoke_api_key"),
        (14, "response-field-removed", "is_active"),
        (18, "response-field-removed", "results[].is_active"),
        (19, "response-field-removed", "token.algorithm"),
        (24, "argument-removed", "ttl"),  # the call passing ttl=; the **options one is not a sure hit
        (26, "schema-removed", "IssuedAPIKeyPatch"),
    }
    assert all(h.path.endswith("keys.py") for h in hits)
    first = hits[0]
    assert str(first).startswith(f"{first.path}:9:9: talos.admin_revoke_api_key(")


def test_usage_knows_calls_by_operation_id_and_renamed_operations(tmp_path):
    old = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {"post": {"operationId": "DoThing", "responses": {"200": {"description": "ok"}}}},
        },
    }
    new = json.loads(json.dumps(old))
    new["paths"]["/a"]["post"]["operationId"] = "PerformThing"
    code = tmp_path / "use.py"
    code.write_text("client.DoThing()\nclient.do_thing.prepare()\nclient.other()\n")
    hits = find_usage(diff(old, new), code)
    assert [(h.line, h.change.kind) for h in hits] == [(1, "operation-renamed"), (2, "operation-renamed")]


def test_cli_exit_code_is_1_on_breaking_changes_and_0_without(shared_dir, capsys):
    upstream = shared_dir / "talos" / "upstream"
    assert (
        main(
            [
                "diff",
                str(upstream / "talos-v3-2026-05-20-c375a96.json"),
                str(upstream / "talos-v3-2026-06-02-2e2295d.json"),
            ]
        )
        == 1
    )
    out = capsys.readouterr().out
    assert "BREAKING operation-removed: admin_revoke_api_key" in out
    same = str(upstream / "talos-v3-2026-06-04-41a9605.json")
    assert main(["diff", same, same]) == 0
    assert "0 changes, 0 breaking" in capsys.readouterr().out


def test_cli_json_and_markdown(capsys):
    assert main(["diff", str(TALOS_SPEC), str(TALOS_LATEST_SPEC), "--format", "json", "--fail-on", "never"]) == 0
    data = json.loads(capsys.readouterr().out)
    issue = [
        c for c in data["changes"] if c["operation"] == "admin_issue_api_key" and c["kind"] == "operation-id-renamed"
    ]
    assert [(c["old"], c["new"], c["breaking"]) for c in issue] == [("AdminIssueAPIKey", "adminIssueApiKey", False)]
    assert data["breaking"] == len([c for c in data["changes"] if c["breaking"]]) > 0
    assert main(["diff", str(TALOS_SPEC), str(TALOS_LATEST_SPEC), "--format", "markdown"]) == 1
    assert "| **breaking** | operation-removed | `admin_revoke_api_key` |" in capsys.readouterr().out


def test_cli_usage_and_fail_on_hits(shared_dir, sample, tmp_path, capsys):
    newest = str(shared_dir / "talos" / "upstream" / "talos-v3-2026-06-09-9a34117.json")
    assert main(["diff", str(TALOS_SPEC), newest, "--usage", str(sample), "--fail-on", "hits"]) == 1
    out = capsys.readouterr().out
    assert "6 call sites in" in out and "keys.py:9:9: talos.admin_revoke_api_key(" in out
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "ok.py").write_text("talos.admin_issue_api_key(actor_id='u')\n")
    assert main(["diff", str(TALOS_SPEC), newest, "--usage", str(clean), "--fail-on", "hits"]) == 0
    assert "0 call sites in" in capsys.readouterr().out
    assert main(["diff", str(TALOS_SPEC), newest, "--usage", str(sample), "--format", "json"]) == 1
    usage = json.loads(capsys.readouterr().out)["usage"]
    assert {(u["line"], u["kind"]) for u in usage} >= {(9, "operation-removed"), (26, "schema-removed")}


def test_cli_refuses_what_it_cannot_read(tmp_path, capsys):
    assert main(["diff", str(tmp_path / "missing.json"), str(TALOS_SPEC)]) == 2
    assert "talos-dynamic diff:" in capsys.readouterr().err
    assert main(["diff", str(TALOS_SPEC), str(TALOS_SPEC), "--usage", str(tmp_path / "nope")]) == 2
    assert main(["diff", str(TALOS_SPEC), str(TALOS_SPEC), "--fail-on", "hits"]) == 2

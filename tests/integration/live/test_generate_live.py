"""`contract --generate` against the two real servers (jupyter-server, prefect), with a fixed seed and a
small budget: every operation of each spec is sent at least one generated request (neither spec has an
operation that stops or wipes the server, so none is left out), generation never breaks, and every finding
is judged (tests/integration/live/judgements.py): the server's bug, its spec's, or ours. A finding judged
ours, or one no rule judges yet, fails the test. The session ends with each finding and its verdict; with
TALOS_DYNAMIC_LIVE_REPORTS set to a folder, each server's JSON report is kept there.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from talos_dynamic import Client
from talos_dynamic.contract import ContractConfig
from talos_dynamic.contract.generation import generate
from talos_dynamic.contract.reports import build_report

from .conftest import GENERATE_FINDINGS, JUPYTER_TOKEN
from .judgements import judge

SEED = 0


def _generate(server, spec_url: str, headers: dict[str, str], budget: int, tmp_path: Path) -> dict:
    """Run --generate's engine against one server; its JSON report (kept), every finding listed with its verdict."""
    started = dt.datetime.now(dt.UTC)
    with Client(spec_url, headers=headers, contract=ContractConfig(), retries=0, timeout=30) as client:
        run = generate(client, seed=SEED, max_cases=budget)
        report = build_report(
            client.contract,
            run.cases,
            spec_source=spec_url,
            title=str(client.spec.info.get("title", "")),
            base_url=server.url,
            started=started,
            seconds=run.seconds,
            baseline=set(),
        )
    report["generation"] = run.summary()
    folder = Path(os.environ.get("TALOS_DYNAMIC_LIVE_REPORTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"generate-{server.name}-{server.version}.json"
    path.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    lines = GENERATE_FINDINGS.setdefault(f"{server.name} {server.version} (seed {SEED}, max {budget} requests)", [])
    lines.append(f"{run.requests} requests in {run.seconds:.1f} s; report {path}")
    for finding in report["findings"]:
        rule = judge(server.name, finding)
        verdict = f"{rule.verdict}: {rule.why}" if rule else "UNJUDGED"
        lines.append(
            f"[{verdict}] {finding['check']}: {finding['operation']} -> {finding['status']} {finding['path']}: "
            f"{finding['message']}\n      {finding['curl']}"
        )
    return report


def _assert_nothing_of_ours(server: str, report: dict) -> None:
    broken = [f"{c['name']}: {c['message']}" for c in report["cases"] if c["outcome"] == "error"]
    assert not broken, "generation broke:\n" + "\n".join(broken)
    missed = [row["operation"] for row in report["coverage"]["operations"] if not row["statuses_seen"]]
    assert not missed, f"operations no generated request reached: {missed}"
    verdicts = [(judge(server, f), f) for f in report["findings"]]
    ours = [
        f"{f['check']} {f['operation']} -> {f['status']}" for rule, f in verdicts if rule and rule.verdict == "ours"
    ]
    assert not ours, f"findings that are this project's bugs: {ours}"
    unjudged = [f"{f['check']} {f['operation']} -> {f['status']}: {f['message']}" for rule, f in verdicts if not rule]
    assert not unjudged, "findings no rule in judgements.py judges yet:\n" + "\n".join(unjudged)


def test_generate_reaches_every_jupyter_server_operation_and_judges_each_finding(jupyter_server, tmp_path):
    headers = {"Authorization": f"token {JUPYTER_TOKEN}"}
    report = _generate(jupyter_server, f"{jupyter_server.url}/api/spec.yaml", headers, 200, tmp_path)
    assert report["coverage"]["operations_total"] == 32
    _assert_nothing_of_ours("jupyter-server", report)


def test_generate_reaches_every_prefect_operation_and_judges_each_finding(prefect_server, tmp_path):
    report = _generate(prefect_server, f"{prefect_server.url}/api/openapi.json", {}, 300, tmp_path)
    assert report["coverage"]["operations_total"] == 188
    _assert_nothing_of_ours("prefect", report)

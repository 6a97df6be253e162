"""A self-contained HTML page from the JSON contract report: coverage per operation and status, findings
grouped by check and operation with their curl reproductions, the cases, and the run's seed.

The page has no script and loads nothing; every value from the report is escaped. The report's values are
already masked (URLs, curl lines, actual values), so the page shows no secret the JSON report does not.
"""

from __future__ import annotations

import json
from collections import defaultdict
from html import escape
from pathlib import Path
from typing import Any

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}
h1{font-size:1.5em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}h3{margin:1.2em 0 .3em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;
vertical-align:top}th{background:#f5f5f5}.error{color:#b00020}.warning{color:#a66300}.passed{color:#1b7a1b}
.failed,.error{color:#b00020}.skipped{color:#777}.seen{background:#e7f6e7}.unseen{background:#fbeaea}
pre{background:#f7f7f7;padding:6px;white-space:pre-wrap;word-break:break-all;margin:.3em 0}
.finding{border-left:3px solid #ccc;padding-left:10px;margin:.8em 0}.finding.error{border-color:#b00020}
.finding.warning{border-color:#a66300}.muted{color:#777}
"""


def render_html(report: dict[str, Any]) -> str:
    """The report as one HTML page."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Contract report: {_e(report['spec'].get('title') or report['spec'].get('source'))}</title>",
        f"<style>{STYLE}</style></head><body>",
        *_header(report),
        *_coverage(report["coverage"]),
        *_findings(report["findings"]),
        *_chains(report.get("generation", {}).get("chains", [])),
        *_cases(report["cases"]),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def write_html(report: dict[str, Any], path: str | Path) -> None:
    """Write the HTML page for a JSON report (the dict build_report returns, or one read from a file)."""
    Path(path).write_text(render_html(report), encoding="utf-8")


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _header(report: dict[str, Any]) -> list[str]:
    summary = report["summary"]
    errored = summary.get("cases_errored", 0)  # reports written before it counted them have none
    generation = report.get("generation")
    rows = [
        ("spec", report["spec"].get("source")),
        ("base URL", report.get("base_url")),
        ("started", report.get("started")),
        ("duration", f"{report.get('duration_seconds', 0)} s"),
        ("errors / warnings", f"{summary['errors']} / {summary['warnings']} ({summary['new_errors']} new errors)"),
        ("cases", f"{summary['cases']} ({summary['cases_failed']} failed, {errored} broke the tool)"),
    ]
    if generation:
        rows += [
            ("seed", generation.get("seed")),
            ("requests", generation.get("requests")),
            ("phases", ", ".join(generation.get("phases", []))),
        ]
    table = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    verdict = "ERROR" if errored else "FAILED" if summary["new_errors"] or summary["cases_failed"] else "PASSED"
    css = "passed" if verdict == "PASSED" else "failed"
    title = report["spec"].get("title") or "contract report"
    return [f"<h1>{_e(title)}: <span class='{css}'>{verdict}</span></h1>", f"<table>{table}</table>"]


def _coverage(coverage: dict[str, Any]) -> list[str]:
    out = [
        "<h2>Coverage</h2>",
        f"<p>{coverage['operations_exercised']}/{coverage['operations_total']} operations "
        f"({coverage['operations_percent']}%), {coverage['statuses_exercised']}/{coverage['statuses_declared']} "
        "declared statuses seen</p>",
        "<table><tr><th>operation</th><th>method</th><th>path</th><th>declared statuses</th><th>seen</th></tr>",
    ]
    for row in coverage["operations"]:
        seen_declared = set(row.get("declared_statuses_seen", []))
        declared = " ".join(
            f"<span class='{'seen' if status in seen_declared else 'unseen'}'>{_e(status)}</span>"
            for status in row["statuses_declared"]
        )
        seen = ", ".join(f"{_e(code)}&times;{_e(count)}" for code, count in row["statuses_seen"].items()) or "-"
        css = "" if row["statuses_seen"] else " class='unseen'"
        out.append(
            f"<tr{css}><td>{_e(row['operation'])}</td><td>{_e(row['method'])}</td><td>{_e(row['path'])}</td>"
            f"<td>{declared}</td><td>{seen}</td></tr>"
        )
    out.append("</table>")
    return out


def _findings(findings: list[dict[str, Any]]) -> list[str]:
    if not findings:
        return ["<h2>Findings</h2>", "<p class='passed'>No finding.</p>"]
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        grouped[finding["check"]][finding["operation"]].append(finding)
    out = ["<h2>Findings</h2>", "<table><tr><th>check</th><th>operation</th><th>findings</th></tr>"]
    for check in sorted(grouped):
        for operation, items in sorted(grouped[check].items()):
            anchor = _anchor(check, operation)
            out.append(
                f"<tr><td>{_e(check)}</td><td><a href='#{anchor}'>{_e(operation)}</a></td><td>{len(items)}</td></tr>"
            )
    out.append("</table>")
    for check in sorted(grouped):
        out.append(f"<h3>{_e(check)}</h3>")
        for operation, items in sorted(grouped[check].items()):
            out.append(f"<h4 id='{_anchor(check, operation)}'>{_e(operation)}</h4>")
            out += [_finding(f) for f in items]
    return out


def _finding(finding: dict[str, Any]) -> str:
    severity = finding.get("severity", "error")
    baselined = " <span class='muted'>(baselined)</span>" if finding.get("baselined") else ""
    return (
        f"<div class='finding {_e(severity)}'><b class='{_e(severity)}'>[{_e(severity)}]</b>{baselined} "
        f"{_e(finding['method'])} {_e(finding['url'])} &rarr; {_e(finding['status'])}<br>"
        f"<b>{_e(finding['path'])}</b>: {_e(finding['message'])} <span class='muted'>(rule {_e(finding['rule'])}; "
        f"case {_e(finding.get('case'))})</span><br>"
        f"expected <code>{_e(_json(finding.get('expected')))}</code>, "
        f"got <code>{_e(_json(finding.get('actual')))}</code>"
        f"<pre>{_e(finding['curl'])}</pre></div>"
    )


def _chains(chains: list[dict[str, Any]]) -> list[str]:
    if not chains:
        return []
    out = [
        "<h2>Stateful chains</h2>",
        "<table><tr><th>chain</th><th>from</th><th>statuses</th><th>created / deleted</th><th>stopped</th></tr>",
    ]
    for chain in chains:
        statuses = ", ".join(_e(s) for s in chain.get("statuses", []))
        out.append(
            f"<tr><td>{_e(chain['name'])}</td><td>{_e(chain.get('source'))}</td><td>{statuses}</td>"
            f"<td>{_e(chain.get('created'))} / {_e(chain.get('deleted'))}</td><td>{_e(chain.get('stopped') or '')}</td>"
            "</tr>"
        )
    out.append("</table>")
    return out


def _cases(cases: list[dict[str, Any]]) -> list[str]:
    out = ["<h2>Cases</h2>", "<table><tr><th>case</th><th>outcome</th><th>seconds</th><th>message</th></tr>"]
    for case in cases:
        outcome = case["outcome"]
        out.append(
            f"<tr><td>{_e(case['name'])}</td><td class='{_e(outcome)}'>{_e(outcome)}</td>"
            f"<td>{_e(case['duration_seconds'])}</td><td>{_e(case.get('message') or '')}</td></tr>"
        )
    out.append("</table>")
    return out


def _anchor(check: str, operation: str) -> str:
    return "f-" + "".join(c if c.isalnum() else "-" for c in f"{check}-{operation}")


def _json(value: Any) -> str:
    try:
        return json.dumps(value, default=str)[:500]
    except (TypeError, ValueError):
        return str(value)[:500]

"""Contract reports: the JSON report (stable, see report.schema.json), JUnit XML, and the text tables."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError
from .recorder import ContractRecorder
from .scenarios import CaseResult

REPORT_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("report.schema.json")


def load_baseline(path: str | Path | None) -> set[str]:
    """Finding keys accepted by a baseline: a previous JSON report, or a JSON list of finding keys.

    Anything else (a missing file, text that is not JSON, an object that is not a report) is a
    ConfigurationError naming the file: a baseline that silently accepts nothing would hide findings.
    """
    if not path:
        return set()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"baseline {path}: cannot be read ({exc.strerror})") from None
    except ValueError as exc:
        raise ConfigurationError(f"baseline {path}: not JSON ({exc})") from None
    if isinstance(data, dict):
        findings = data.get("findings")
        if data.get("tool") != "talos-dynamic" or not isinstance(findings, list):
            raise ConfigurationError(
                f"baseline {path}: not a talos-dynamic contract report (expected the JSON --report-json wrote, "
                "or a list of finding keys)"
            )
        data = [f.get("key") if isinstance(f, dict) else None for f in findings]
    if not isinstance(data, list) or not all(isinstance(key, str) and key.count("|") == 4 for key in data):
        raise ConfigurationError(f"baseline {path}: expected a contract report or a list of finding keys")
    return set(data)


def effective_outcome(case: CaseResult, baseline: set[str]) -> tuple[str, str | None]:
    """A case fails when its own expectation failed, or when it broke a check at error severity that the
    baseline does not accept."""
    new = [f for f in case.findings if f.severity == "error" and f.key not in baseline]
    if case.outcome == "passed" and new:
        return "failed", f"{len(new)} contract finding(s) at error severity"
    return case.outcome, case.message


def build_report(
    recorder: ContractRecorder,
    cases: list[CaseResult],
    *,
    spec_source: str,
    title: str,
    base_url: str,
    started: dt.datetime,
    seconds: float,
    baseline: set[str],
) -> dict[str, Any]:
    """The JSON report as a dict."""
    findings = [{**f.to_json(), "baselined": f.key in baseline} for f in recorder.findings]
    new_errors = [f for f in findings if f["severity"] == "error" and not f["baselined"]]
    rows = [_case_row(case, baseline) for case in cases]
    return {
        "report_version": REPORT_VERSION,
        "tool": "talos-dynamic",
        "spec": {"source": spec_source, "title": title},
        "base_url": base_url,
        "started": started.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "duration_seconds": round(seconds, 3),
        "cases": rows,
        "findings": findings,
        "coverage": recorder.coverage(),
        "summary": {
            "cases": len(cases),
            "cases_failed": sum(1 for row in rows if row["outcome"] == "failed"),
            "cases_errored": sum(1 for row in rows if row["outcome"] == "error"),
            "findings_by_check": recorder.by_check(),
            "errors": sum(1 for f in findings if f["severity"] == "error"),
            "warnings": sum(1 for f in findings if f["severity"] == "warning"),
            "new_errors": len(new_errors),
        },
    }


def _case_row(case: CaseResult, baseline: set[str]) -> dict[str, Any]:
    outcome, message = effective_outcome(case, baseline)
    return {
        "name": case.name,
        "outcome": outcome,
        "duration_seconds": round(case.seconds, 4),
        "message": message,
        "findings": [f.key for f in case.findings],
    }


def write_json(report: dict[str, Any], path: str | Path) -> None:
    Path(path).write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")


def write_junit(report: dict[str, Any], path: str | Path, suite: str) -> None:
    """One test case per scenario step or test; error-severity findings fail their case."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for finding in report["findings"]:
        by_key.setdefault(finding["key"], []).append(finding)
    cases = report["cases"]
    root = ET.Element("testsuites")
    element = ET.SubElement(
        root,
        "testsuite",
        name=suite,
        tests=str(len(cases)),
        failures=str(sum(c["outcome"] == "failed" for c in cases)),
        errors=str(sum(c["outcome"] == "error" for c in cases)),
        skipped=str(sum(c["outcome"] == "skipped" for c in cases)),
        time=str(report["duration_seconds"]),
        timestamp=report["started"],
    )
    for case in cases:
        node = ET.SubElement(
            element, "testcase", classname=suite, name=case["name"], time=str(case["duration_seconds"])
        )
        findings = [
            f for key in dict.fromkeys(case["findings"]) for f in by_key.get(key, []) if f["case"] == case["name"]
        ]
        if case["outcome"] == "failed":
            failure = ET.SubElement(node, "failure", message=case["message"] or "failed")
            failure.text = "\n".join(_finding_line(f) for f in findings) or case["message"]
        elif case["outcome"] == "error":
            ET.SubElement(node, "error", message=case["message"] or "error").text = case["message"]
        elif case["outcome"] == "skipped":
            ET.SubElement(node, "skipped", message=case["message"] or "skipped")
        if findings:
            ET.SubElement(node, "system-out").text = "\n".join(_finding_line(f) for f in findings)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _finding_head(finding: dict[str, Any]) -> str:
    return (
        f"[{finding['severity']}] {finding['check']}: {finding['operation']} {finding['method']} "
        f"{finding['url']} -> {finding['status']} {finding['path']}: {finding['message']} "
        f"(expected {finding['expected']!r}, got {finding['actual']!r})"
    )


def _finding_line(finding: dict[str, Any]) -> str:
    return f"{_finding_head(finding)}\n    {finding['curl']}"


def coverage_table(report: dict[str, Any]) -> str:
    """Operations exercised and the statuses seen for each; each column as wide as its longest cell."""
    coverage = report["coverage"]
    rows = [("operation", "declared", "seen")] + [
        (
            row["operation"],
            ", ".join(row["statuses_declared"]),
            ", ".join(f"{code}x{count}" for code, count in row["statuses_seen"].items()) or "-",
        )
        for row in coverage["operations"]
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [
        f"Coverage: {coverage['operations_exercised']}/{coverage['operations_total']} operations "
        f"({coverage['operations_percent']}%), {coverage['statuses_exercised']}/{coverage['statuses_declared']} "
        "declared statuses"
    ]
    lines += [f"  {name:<{widths[0]}}  {declared:<{widths[1]}}  {seen}" for name, declared, seen in rows]
    return "\n".join(lines)


def findings_text(report: dict[str, Any]) -> str:
    """Findings by check, then each distinct finding (same key) once, with how often and in which cases it
    was seen, and the curl line of its first occurrence."""
    findings = report["findings"]
    if not findings:
        return "Findings: none"
    counts = report["summary"]["findings_by_check"]
    lines = [
        "Findings: "
        + ", ".join(f"{check} {c['error']} error(s), {c['warning']} warning(s)" for check, c in sorted(counts.items()))
    ]
    groups: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        groups.setdefault(finding["key"], []).append(finding)
    for same in groups.values():
        first = same[0]
        mark = " (baselined)" if first["baselined"] else ""
        cases = list(dict.fromkeys(str(f["case"]) for f in same if f["case"]))
        seen = f" [seen {len(same)} times{': ' + '; '.join(cases) if cases else ''}]" if len(same) > 1 else ""
        lines.append(f"  {_finding_head(first)}{mark}{seen}\n    {first['curl']}")
    return "\n".join(lines)

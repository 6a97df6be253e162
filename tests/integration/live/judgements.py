"""Whose bug each kind of `contract --generate` finding on the live servers is: the server's, its spec's, or
ours (this project's). Judged by hand from the findings of the pinned versions (jupyter-server 2.21.1,
prefect 3.9.1) and kept as rules, so that a later run says which findings are new and still unjudged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    check: str
    statuses: tuple[int, ...]
    verdict: str  # server, spec or ours
    why: str
    operation: str = ""  # a regular expression the operation must match (empty: any)


NOT_FOUND = "unknown ids and names answer 404 (or 410), a status the spec does not declare"
JUPYTER = [
    Rule("status_code_conformance", (404,), "spec", NOT_FOUND),
    Rule("status_code_conformance", (400,), "spec", "400 (a missing body, a bad checkpoint id) is not declared"),
    Rule(
        "status_code_conformance", (302,), "spec", "the spec declares GET /api/, the server redirects it", "GET /api/$"
    ),
    Rule(
        "status_code_conformance",
        (500,),
        "server",
        "crashes: a missing or non-object body (contents, sessions, config), an unknown checkpoint or kernel, "
        "starting a kernel where none is installed",
    ),
    Rule("not_a_server_error", (500,), "server", "the same crashes, as 5xx"),
    Rule(
        "not_a_server_error",
        (501,),
        "server",
        "no kernel is installed in the server's environment: 501 (declared) on creating a session",
        "POST /api/sessions",
    ),
    Rule("error_body_conformance", (404,), "server", "a 404 body of text under Content-Type application/json"),
    Rule("error_body_conformance", (400,), "spec", "error bodies carry reason: null, the spec types it string"),
    Rule(
        "response_schema_conformance",
        (200, 201),
        "spec",
        "null values (identity avatar_url and color; a new file's content, format, hash, mimetype) where the "
        "spec types a string without nullable",
    ),
    Rule(
        "negative_data_accepted",
        (200,),
        "server",
        "a kernel id that is not a uuid (format: uuid) is accepted",
        "resolvePath",
    ),
]
PREFECT = [
    Rule(
        "status_code_conformance",
        (400,),
        "spec",
        "x-prefect-api-version is typed string with no format, yet any value that is not a version answers "
        "400; a body that is not JSON answers 400 too; the spec declares neither",
    ),
    Rule("status_code_conformance", (404, 410), "spec", NOT_FOUND),
    Rule("status_code_conformance", (409,), "spec", "a name already taken answers 409, not declared"),
    Rule("status_code_conformance", (201, 204), "spec", "the routes set 201/204 at run time; the spec declares 200"),
    Rule("status_code_conformance", (403,), "spec", "events paging with an invalid token answers 403, not declared"),
    Rule(
        "status_code_conformance",
        (500,),
        "server",
        "crashes: resuming an unknown flow run, a text/plain body (deployments, block documents), a history "
        "interval out of range, an events text filter",
    ),
    Rule("not_a_server_error", (500,), "server", "the same crashes, as 5xx"),
    Rule(
        "error_body_conformance",
        (422,),
        "spec",
        "422 answers from the routes' own checks carry detail as a string; the spec declares FastAPI's "
        "HTTPValidationError {detail: [...]} for 422",
    ),
    Rule(
        "response_schema_conformance",
        (200,),
        "spec",
        "the database connection URL, declared writeOnly, is returned (masked) in the settings",
        "admin_settings",
    ),
]
RULES = {"jupyter-server": JUPYTER, "prefect": PREFECT}


def judge(server: str, finding: dict[str, Any]) -> Rule | None:
    """The rule that judges a finding of the JSON report, or None: new, to be judged."""
    for rule in RULES[server]:
        same = finding["check"] == rule.check and finding["status"] in rule.statuses
        if same and (not rule.operation or re.search(rule.operation, finding["operation"])):
            return rule
    return None

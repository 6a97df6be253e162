"""Deliberate contract breaks for the local server (`serve --fault NAME`), one per contract check.

Each fault changes one kind of answer and nothing else, so a contract test can show that exactly its check
fires: the operation, JSON path and values it names are known in advance.
"""

from __future__ import annotations

from typing import Any

# fault name -> (the handler it affects, what it does)
FAULTS = {
    "drop-required-field": ("get", "AdminGetIssuedAPIKey answers without the required actor_id"),
    "wrong-type": ("get", "AdminGetIssuedAPIKey answers scopes as a string instead of an array"),
    "undeclared-status": ("jwks", "GetJWKS answers 202, which it does not declare"),
    "html-content-type": ("verify", "AdminVerifyAPIKey answers with Content-Type text/html"),
    "error-not-status": ("errors", "404 answers carry {'error': 'not found'}, not a google.rpc.Status"),
    "wrong-grpc-code": ("errors", "404 answers carry gRPC code 3 (INVALID_ARGUMENT), which means HTTP 400"),
}


def apply_fault(fault: str | None, handler: str, status: int, body: Any, content_type: str) -> tuple[int, Any, str]:
    """The (status, body, content type) the faulty server sends instead."""
    if fault is None:
        return status, body, content_type
    if fault == "drop-required-field" and handler == "get" and status == 200:
        body = {k: v for k, v in body.items() if k != "actor_id"}
    elif fault == "wrong-type" and handler == "get" and status == 200:
        body = {**body, "scopes": ",".join(body.get("scopes", []))}
    elif fault == "undeclared-status" and handler == "jwks":
        status = 202
    elif fault == "html-content-type" and handler == "verify" and status == 200:
        content_type = "text/html; charset=utf-8"
    elif fault == "error-not-status" and status == 404:
        body = {"error": "not found"}
    elif fault == "wrong-grpc-code" and status == 404:
        body = {**body, "code": 3}
    return status, body, content_type

"""The local Talos server's WSGI app: routes, admin-token check, openapi-core request validation, answers."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
from werkzeug.wrappers import Request, Response

from ..bundled import TALOS_SPEC
from ..rpc_status import ERROR_INFO_TYPE, GRPC_NUMBERS, GRPC_TO_HTTP
from .faults import FAULTS, apply_fault
from .openapi_core_compat import without_dotted_path_names
from .store import KeyStore, StoreError, parse_duration, timestamp
from .tokens import TokenSigner

SPEC_PATH = TALOS_SPEC
DOMAIN = "talos-dynamic.local"
logger = logging.getLogger("talos_dynamic.server")
Handler = Callable[[dict[str, Any], dict[str, str], Request], Any]


def error_body(status: str, reason: str, message: str) -> dict[str, Any]:
    """A google.rpc.Status with one ErrorInfo detail (the bare shape)."""
    return {
        "code": GRPC_NUMBERS[status],
        "message": message,
        "details": [{"@type": ERROR_INFO_TYPE, "reason": reason, "domain": DOMAIN, "metadata": {}}],
    }


class TalosApp:
    """A WSGI application implementing every operation of the bundled spec."""

    def __init__(self, token: str | None = None, spec_path: Path = SPEC_PATH, fault: str | None = None) -> None:
        if fault is not None and fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        self.token = token
        self.fault = fault
        self.store = KeyStore()
        self.signer = TokenSigner()
        self.openapi = OpenAPI.from_dict(without_dotted_path_names(yaml.safe_load(spec_path.read_text("utf-8"))))
        self.routes: list[tuple[str, re.Pattern[str], Handler, bool]] = [
            ("POST", _route("/v2alpha1/admin/issuedApiKeys"), self.issue, True),
            ("GET", _route("/v2alpha1/admin/issuedApiKeys"), self.list, True),
            ("GET", _route("/v2alpha1/admin/issuedApiKeys/{key_id}"), self.get, True),
            ("PATCH", _route("/v2alpha1/admin/issuedApiKeys/{key_id}"), self.update, True),
            ("POST", _route("/v2alpha1/admin/issuedApiKeys/{key_id}:rotate"), self.rotate, True),
            ("POST", _route("/v2alpha1/admin/apiKeys/{key_id}:revoke"), self.revoke, True),
            ("POST", _route("/v2alpha1/admin/apiKeys:verify"), self.verify, True),
            ("POST", _route("/v2alpha1/admin/apiKeys:batchVerify"), self.batch_verify, True),
            ("POST", _route("/v2alpha1/admin/apiKeys:derive"), self.derive, True),
            ("GET", _route("/v2alpha1/derivedKeys/jwks.json"), self.jwks, False),
        ]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        handler = "none"
        try:
            handler, _, _ = self._match(request)
            handler = handler.__name__
        except StoreError:
            pass
        try:
            status, body = self.dispatch(request)
        except StoreError as exc:
            status, body = GRPC_TO_HTTP[exc.status], error_body(exc.status, exc.reason, exc.message)
        except Exception as exc:  # an answer in the declared shape, never a bare traceback page
            logger.exception("local server: unexpected error")
            status, body = 500, error_body("INTERNAL", "INTERNAL", f"internal error: {type(exc).__name__}")
        status, body, content_type = apply_fault(self.fault, handler, status, body, "application/json")
        response = Response(json.dumps(body), status=status, content_type=content_type)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> tuple[int, Any]:
        handler, params, admin = self._match(request)
        if admin and self.token is not None:
            supplied = request.headers.get("Authorization", "")
            if not hmac.compare_digest(supplied.encode(), f"Bearer {self.token}".encode()):
                raise StoreError("UNAUTHENTICATED", "ADMIN_TOKEN_INVALID", "a valid admin bearer token is required")
        problems = self.openapi.unmarshal_request(WerkzeugOpenAPIRequest(request)).errors
        if problems:
            raise StoreError("INVALID_ARGUMENT", "REQUEST_INVALID", "; ".join(_describe(p) for p in problems))
        body = json.loads(request.get_data() or b"{}") if request.method != "GET" else {}
        return 200, handler(body, params, request)

    def _match(self, request: Request) -> tuple[Handler, dict[str, str], bool]:
        path_matched = False
        for method, pattern, handler, admin in self.routes:
            match = pattern.fullmatch(request.path)
            if match:
                path_matched = True
                if method == request.method:
                    return handler, match.groupdict(), admin
        if path_matched:
            raise StoreError("UNIMPLEMENTED", "METHOD_NOT_ALLOWED", f"{request.method} is not allowed here")
        raise StoreError("NOT_FOUND", "ROUTE_NOT_FOUND", f"no route for {request.path}")

    # -- operations --------------------------------------------------------------------------------
    def issue(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return self.store.issue(body)

    def list(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        size = request.args.get("page_size", type=int)
        return self.store.list(size, request.args.get("page_token"), request.args.get("filter"))

    def get(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return self.store.get(params["key_id"])

    def update(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return self.store.update(params["key_id"], body, request.args.get("update_mask"))

    def rotate(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return self.store.rotate(params["key_id"], body)

    def revoke(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return self.store.revoke(params["key_id"], body.get("reason"), body.get("description"))

    def verify(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return self.store.verify(body["credential"])[0]

    def batch_verify(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return {"results": [self.store.verify(item["credential"])[0] for item in body["requests"]]}

    def derive(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        algorithm = body.get("algorithm") or "TOKEN_ALGORITHM_JWT"
        if algorithm == "TOKEN_ALGORITHM_UNSPECIFIED":
            algorithm = "TOKEN_ALGORITHM_JWT"
        if algorithm != "TOKEN_ALGORITHM_JWT":
            raise StoreError("UNIMPLEMENTED", "ALGORITHM_UNSUPPORTED", f"{algorithm} is not supported here")
        answer, key = self.store.verify(body["credential"])
        if key is None:
            raise StoreError(
                "INVALID_ARGUMENT",
                "CREDENTIAL_INVALID",
                f"cannot derive from this credential: {answer['error_message']}",
            )
        scopes = body.get("scopes") or list(key.scopes)
        extra = sorted(set(scopes) - set(key.scopes))
        if extra:
            raise StoreError("PERMISSION_DENIED", "SCOPE_NOT_ALLOWED", f"the key does not grant scopes {extra}")
        ttl = parse_duration(body["ttl"]) if body.get("ttl") else dt.timedelta(hours=1)
        if key.expire_time is not None:
            ttl = min(ttl, key.expire_time - self.store.now())
        token, claims, expires = self.signer.sign(key.actor_id, key.key_id, scopes, ttl)
        return {
            "token": {
                "token": token,
                "algorithm": "TOKEN_ALGORITHM_JWT",
                "expire_time": timestamp(expires),
                "scopes": scopes,
                "claims": claims,
            }
        }

    def jwks(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return {"jwks": self.signer.jwks()}


def _route(template: str) -> re.Pattern[str]:
    pattern = re.escape(template).replace(r"\{key_id\}", r"(?P<key_id>[^/:]+)")
    return re.compile(pattern)


def _describe(problem: Exception) -> str:
    causes = getattr(problem, "schema_errors", None) or getattr(problem, "__cause__", None)
    if isinstance(causes, list | tuple) and causes:
        return f"{problem}: " + "; ".join(getattr(c, "message", str(c)) for c in causes[:3])
    if causes is not None and hasattr(causes, "schema_errors"):
        return f"{problem}: " + "; ".join(e.message for e in causes.schema_errors[:3])
    return str(problem)

"""The local Talos server's WSGI app: routes, admin-token check, openapi-core request validation, answers.

Every answer is JSON; every error is a google.rpc.Status ({code, message, details: [ErrorInfo, ...]}). A
request is checked in this order: route (404, 405 with Allow), admin token (401), body size (413), body
encoding and shape (400: UTF-8, JSON, nesting depth), the spec (400), then the operation itself.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Request

from ..bundled import TALOS_SPEC
from ..rpc_status import ERROR_INFO_TYPE, GRPC_NUMBERS, GRPC_TO_HTTP
from .faults import FAULTS, apply_fault
from .macaroons import MacaroonMinter
from .messages import capped, describe_problems, shown
from .served_spec import Route, routes_for
from .store import KeyStore, StoreError, parse_duration, timestamp
from .tokens import TokenSigner

SPEC_PATH = TALOS_SPEC
DOMAIN = "talos-dynamic.local"
MAX_BODY_BYTES = 1024 * 1024  # a batch of 100 credentials is a few kB
MAX_JSON_DEPTH = 32  # objects and arrays inside one another (free-form metadata included)
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
_REASONS = {status.value: status.phrase for status in HTTPStatus}
# Optional string query parameters where empty means unset (proto3; AIP-158: an empty page_token is page one).
EMPTY_MEANS_UNSET = frozenset({"page_token", "filter", "update_mask"})
logger = logging.getLogger("talos_dynamic.server")


def error_body(
    status: str,
    reason: str,
    message: str,
    metadata: dict[str, str] | None = None,
    extra_details: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A google.rpc.Status with one ErrorInfo detail (the bare shape); the message is capped."""
    info = {"@type": ERROR_INFO_TYPE, "reason": reason, "domain": DOMAIN, "metadata": dict(metadata or {})}
    return {"code": GRPC_NUMBERS[status], "message": capped(message), "details": [info, *(extra_details or [])]}


class _Request(Request):
    """A request that reads at most one byte more than MAX_BODY_BYTES of body, declared or (chunked) streamed.

    werkzeug refuses a larger Content-Length at once, but stops reading a chunked body silently at the limit:
    the one byte more tells _read_body that there was more.
    """

    max_content_length = MAX_BODY_BYTES + 1


class TalosApp:
    """A WSGI application implementing every operation of every Talos version: the routes of the spec it
    serves (`spec_path`: a bundled spec or any upstream document, 3.0 or 2.0), plus the seed-era ones."""

    def __init__(self, token: str | None = None, spec_path: Path = SPEC_PATH, fault: str | None = None) -> None:
        if fault is not None and fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        self.token = token or None  # no token (or an empty one): admin calls need no Authorization header
        self.fault = fault
        self.store = KeyStore()
        self.signer = TokenSigner()
        self.macaroons = MacaroonMinter()
        self.routes: list[Route] = routes_for(spec_path)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        headers: dict[str, str] = {}
        route = None
        try:
            request = _Request(environ)
            route, params = self._match(request)
            status, body = self.dispatch(request, route, params)
        except StoreError as exc:
            status = exc.http_status or GRPC_TO_HTTP[exc.status]
            body = error_body(exc.status, exc.reason, exc.message, exc.metadata, exc.extra_details)
            headers = exc.headers
        except Exception as exc:  # an answer in the declared shape, never a bare traceback page
            logger.exception("local server: unexpected error")
            status, body = 500, error_body("INTERNAL", "INTERNAL", f"internal error: {type(exc).__name__}")
        handler = route.handler if route is not None else "none"
        try:
            status, body, content_type = apply_fault(self.fault, handler, status, body, "application/json")
            payload = json.dumps(body, allow_nan=False).encode()
        except Exception as exc:
            logger.exception("local server: cannot send the answer")
            status, content_type = 500, "application/json"
            payload = json.dumps(error_body("INTERNAL", "INTERNAL", f"internal error: {type(exc).__name__}")).encode()
        start_response(
            f"{status} {_REASONS.get(status, 'Unknown')}",
            [("Content-Type", content_type), ("Content-Length", str(len(payload))), *headers.items()],
        )
        return [payload] if environ["REQUEST_METHOD"] != "HEAD" else []

    def dispatch(self, request: Request, route: Route, params: dict[str, str]) -> tuple[int, Any]:
        """The status and body of a routed request, or a StoreError."""
        if route.admin and self.token is not None:
            self._authenticate(request)
        body = _read_body(request) if request.method not in ("GET", "DELETE") else None
        problems = list(route.checker.request_validator.iter_errors(_OpenAPIRequest(request, route, params)))
        if problems:
            message, violations = describe_problems(problems)
            raise StoreError(
                "INVALID_ARGUMENT",
                "REQUEST_INVALID",
                message,
                metadata={"field": violations[0].field, "rule": violations[0].rule},
                extra_details=[
                    {
                        "@type": BAD_REQUEST_TYPE,
                        "field_violations": [{"field": v.field, "description": v.description} for v in violations],
                    }
                ],
            )
        if body is None:
            body = {}
        if not isinstance(body, dict):  # the spec says so for every body; openapi-core has checked it
            raise StoreError("INVALID_ARGUMENT", "REQUEST_INVALID", "the request body must be a JSON object")
        return 200, getattr(self, route.handler)(body, params, request)

    def _authenticate(self, request: Request) -> None:
        supplied = request.headers.get("Authorization", "")
        scheme, _, credential = supplied.strip().partition(" ")
        challenge = {"WWW-Authenticate": 'Bearer realm="talos-dynamic"'}
        if not supplied:
            raise StoreError(
                "UNAUTHENTICATED",
                "ADMIN_TOKEN_INVALID",
                "this server requires an admin token: send Authorization: Bearer <token>",
                headers=challenge,
            )
        if scheme.lower() != "bearer" or not hmac.compare_digest(credential.strip().encode(), self.token.encode()):
            raise StoreError(
                "UNAUTHENTICATED", "ADMIN_TOKEN_INVALID", "the admin bearer token is not valid", headers=challenge
            )

    def _match(self, request: Request) -> tuple[Route, dict[str, str]]:
        allowed: list[str] = []
        for route in self.routes:
            match = route.pattern.fullmatch(request.path)
            if match:
                if route.method == request.method:
                    return route, match.groupdict()
                allowed.append(route.method)
        if allowed:
            raise StoreError(
                "UNIMPLEMENTED",  # what grpc-gateway answers with its 405
                "METHOD_NOT_ALLOWED",
                f"{shown(request.method, 20)} is not allowed here; allowed: {', '.join(allowed)}",
                http_status=405,
                headers={"Allow": ", ".join(allowed)},
                metadata={"allow": ", ".join(allowed)},
            )
        raise StoreError("NOT_FOUND", "ROUTE_NOT_FOUND", f"no route for {shown(request.path, 80)}")

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

    def revoke_any(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return self.store.revoke_any(params["key_id"], body.get("reason"), body.get("description"))

    def revoke_imported(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return self.store.revoke_imported(params["key_id"], body.get("reason"), body.get("description"))

    def self_revoke(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return self.store.self_revoke(body.get("credential") or "", body.get("reason"))

    def import_key(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return self.store.import_key(body)

    def batch_import(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return self.store.batch_import(body.get("requests") or [], "BATCH_IMPORT_ERROR_")

    def batch_create(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return self.store.batch_import(body.get("requests") or [], "BATCH_CREATE_IMPORTED_API_KEYS_ERROR_")

    def list_imported(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        size = request.args.get("page_size", type=int)
        return self.store.list_imported(size, request.args.get("page_token"), request.args.get("filter"))

    def get_imported(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return self.store.get_imported(params["key_id"])

    def update_imported(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return self.store.update_imported(params["key_id"], body, request.args.get("update_mask"))

    def delete_imported(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return self.store.delete_imported(params["key_id"])

    def verify(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return self.store.verify(body.get("credential") or "")[0]

    def batch_verify(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return {"results": [self.store.verify(item.get("credential") or "")[0] for item in body["requests"]]}

    def derive(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        algorithm = body.get("algorithm") or "TOKEN_ALGORITHM_UNSPECIFIED"
        if algorithm == "TOKEN_ALGORITHM_UNSPECIFIED":  # proto3: unset; the default is a JWT
            algorithm = "TOKEN_ALGORITHM_JWT"
        if algorithm not in ("TOKEN_ALGORITHM_JWT", "TOKEN_ALGORITHM_MACAROON"):  # a spec without the enum
            raise StoreError(
                "INVALID_ARGUMENT", "ALGORITHM_UNSUPPORTED", f"{shown(algorithm)} is not a token algorithm"
            )
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
        if algorithm == "TOKEN_ALGORITHM_MACAROON":
            token, claims, expires = self.macaroons.mint(key.actor_id, key.key_id, scopes, ttl)
        else:
            token, claims, expires = self.signer.sign(key.actor_id, key.key_id, scopes, ttl)
        return {
            "token": {
                "token": token,
                "algorithm": algorithm,
                "expire_time": timestamp(expires),
                "scopes": scopes,
                "claims": claims,
            }
        }

    def jwks(self, body: dict[str, Any], params: dict[str, str], request: Request) -> Any:
        return {"jwks": self.signer.jwks()}


class _OpenAPIRequest:
    """The request as openapi-core reads it (its Request protocol): the route's path template as
    `path_pattern`, the path parameter under the template's name, and no empty query values that mean
    "unset"."""

    def __init__(self, request: Request, route: Route, params: dict[str, str]) -> None:
        environ = request.environ  # the server's own address: the host header is the client's to choose
        self.host_url = f"{environ['wsgi.url_scheme']}://{environ['SERVER_NAME']}:{environ['SERVER_PORT']}/"
        self.path = request.path
        self.path_pattern = route.template
        self.method = request.method.lower()
        self.body = request.get_data(cache=True)
        self.content_type = request.content_type or "application/octet-stream"
        query = [(k, v) for k, v in request.args.items(multi=True) if v or k not in EMPTY_MEANS_UNSET]
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query),
            header=request.headers,
            cookie=request.cookies if "HTTP_COOKIE" in environ else {},
            path={route.parameter: params["key_id"]} if route.parameter else {},
        )


def _read_body(request: Request) -> Any:
    """The JSON body (None when empty), or a StoreError: 413 when too large, 400 when not UTF-8 JSON."""
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise _too_large() from None
    except (HTTPException, OSError, ValueError):  # a short or badly chunked body
        raise StoreError("INVALID_ARGUMENT", "BODY_UNREADABLE", "the request body could not be read") from None
    if len(raw) > MAX_BODY_BYTES:
        raise _too_large()
    if not raw:
        return None
    if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        raise StoreError(
            "INVALID_ARGUMENT",
            "CONTENT_TYPE_UNSUPPORTED",
            f"the request body must be application/json, not {shown(request.mimetype or 'untyped', 60)}",
            metadata={"field": "Content-Type"},
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoreError(
            "INVALID_ARGUMENT",
            "BODY_NOT_UTF8",
            f"the request body is not valid UTF-8 (byte {exc.start})",
            metadata={"field": "body", "offset": str(exc.start)},
        ) from None
    try:
        body = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:
        raise _too_deep() from None
    except json.JSONDecodeError as exc:  # its message names a position, never the content
        raise StoreError(
            "INVALID_ARGUMENT",
            "BODY_NOT_JSON",
            f"the request body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            metadata={"field": "body"},
        ) from None
    except ValueError as exc:
        raise StoreError(
            "INVALID_ARGUMENT", "BODY_NOT_JSON", f"the request body is not valid JSON: {capped(str(exc), 120)}"
        ) from None
    if _depth(body) > MAX_JSON_DEPTH:
        raise _too_deep()
    return body


def _too_large() -> StoreError:
    return StoreError(
        "INVALID_ARGUMENT",
        "REQUEST_TOO_LARGE",
        f"the request body is larger than {MAX_BODY_BYTES} bytes",
        http_status=413,
        metadata={"limit": str(MAX_BODY_BYTES)},
    )


def _too_deep() -> StoreError:
    return StoreError(
        "INVALID_ARGUMENT",
        "BODY_TOO_DEEP",
        f"the request body nests objects and arrays more than {MAX_JSON_DEPTH} deep",
        metadata={"field": "body", "limit": str(MAX_JSON_DEPTH)},
    )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("a number is too large for a double")
    return value


def _depth(value: Any) -> int:
    """How deep objects and arrays nest in a decoded JSON value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_JSON_DEPTH:
                stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest

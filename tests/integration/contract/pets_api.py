"""A small pets API on 127.0.0.1 (not Talos): create, get, update, list, delete, with bugs to switch on.

Used by the generated-case tests to show that generation works on any spec. Bugs: "ignore-auth" (no
API-key check), "accept-negative" (no request validation), "resurrect" (a deleted pet still answers),
"old-pets-500" (an age over 25 answers 500), "links" (the spec declares OpenAPI links instead).
"""

from __future__ import annotations

import copy
import itertools
import json
import threading
from typing import Any

import jsonschema
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

API_KEY = "pets-api-key-0123456789"
PET_FIELDS = {
    "name": {"type": "string", "minLength": 1, "maxLength": 20},
    "age": {"type": "integer", "minimum": 0, "maximum": 30},
    "kind": {"type": "string", "enum": ["cat", "dog"]},
    "born": {"type": "string", "format": "date"},
}
NEW_PET = {"type": "object", "required": ["name"], "properties": PET_FIELDS, "additionalProperties": False}
PATCH = {"type": "object", "properties": PET_FIELDS, "additionalProperties": False}
PET = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "string", "readOnly": True}, **PET_FIELDS},
}
ERROR = {
    "description": "an error",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}},
}
PET_ID = {"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}


def pets_spec(links: bool = False) -> dict[str, Any]:
    """The pets API's OpenAPI 3.0 document (with links from createPet when `links`)."""
    created: dict[str, Any] = {
        "description": "the pet",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
    }
    if links:
        created["links"] = {
            "GetPet": {"operationId": "getPet", "parameters": {"petId": "$response.body#/id"}},
            "DeletePet": {"operationId": "deletePet", "parameters": {"path.petId": "$response.body#/id"}},
        }
    pet = {"description": "the pet", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}
    body = {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}}}
    patch = {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PetPatch"}}}}
    listing = {
        "description": "pets",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["items"],
                    "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}},
                }
            }
        },
    }
    errors = {"400": ERROR, "401": ERROR, "404": ERROR}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Pets", "version": "1"},
        "security": [{"api_key": []}],
        "paths": {
            "/pets": {
                "post": {"operationId": "createPet", "requestBody": body, "responses": {"201": created, **errors}},
                "get": {
                    "operationId": "listPets",
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50}}
                    ],
                    "responses": {"200": listing, **errors},
                },
            },
            "/pets/{petId}": {
                "parameters": [PET_ID],
                "get": {"operationId": "getPet", "responses": {"200": pet, **errors}},
                "patch": {"operationId": "updatePet", "requestBody": patch, "responses": {"200": pet, **errors}},
                "delete": {"operationId": "deletePet", "responses": {"204": {"description": "gone"}, **errors}},
            },
            "/health": {
                "get": {
                    "operationId": "health",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "up",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {"api_key": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
            "schemas": {
                "NewPet": NEW_PET,
                "PetPatch": PATCH,
                "Pet": PET,
                "Status": {
                    "type": "object",
                    "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
                },
            },
        },
    }


GRPC = {400: 3, 401: 16, 404: 5, 405: 12, 500: 13}


class PetsApp:
    """The WSGI app: pets in memory; every error a google.rpc.Status."""

    def __init__(self, bugs: set[str]) -> None:
        self.bugs = bugs
        self.pets: dict[str, dict[str, Any]] = {}
        self.deleted: set[str] = set()
        self.ids = itertools.count(1)
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        try:
            status, body = self.dispatch(request)
        except _Refused as refused:
            status, body = refused.status, {"code": GRPC[refused.status], "message": refused.message}
        headers = {"Allow": "GET, POST"} if status == 405 else {}
        if status == 204:
            return Response(status=204)(environ, start_response)
        return Response(json.dumps(body), status=status, headers=headers, content_type="application/json")(
            environ, start_response
        )

    def dispatch(self, request: Request) -> tuple[int, Any]:
        parts = [p for p in request.path.split("/") if p]
        if parts == ["health"] and request.method == "GET":
            return 200, {"ok": True}
        if not parts or parts[0] != "pets" or len(parts) > 2:
            raise _Refused(404, "no such route")
        allowed = {1: ("GET", "POST"), 2: ("GET", "PATCH", "DELETE")}[len(parts)]
        if request.method not in allowed:
            raise _Refused(405, "method not allowed")
        if "ignore-auth" not in self.bugs and request.headers.get("X-API-Key") != API_KEY:
            raise _Refused(401, "an API key is required")
        if len(parts) == 1 and request.method == "GET":
            limit = request.args.get("limit", "10")
            if "accept-negative" not in self.bugs and not (limit.isdigit() and 1 <= int(limit) <= 50):
                raise _Refused(400, "limit must be a whole number from 1 to 50")
            with self.lock:
                return 200, {"items": list(self.pets.values())[: int(limit) if limit.isdigit() else 10]}
        if len(parts) == 1:
            data = self._body(request, NEW_PET)
            if "old-pets-500" in self.bugs and isinstance(data.get("age"), int) and data["age"] > 25:
                raise _Refused(500, "internal error")
            with self.lock:
                pet_id = f"pet{next(self.ids)}"
                self.pets[pet_id] = {**data, "id": pet_id}
                return 201, self.pets[pet_id]
        pet_id = parts[1]
        with self.lock:
            pet = self.pets.get(pet_id)
            if pet is None and "resurrect" in self.bugs and pet_id in self.deleted:
                pet = {"id": pet_id, "name": "ghost"}
        if pet is None:
            raise _Refused(404, "no such pet")
        if request.method == "GET":
            return 200, pet
        if request.method == "DELETE":
            with self.lock:
                self.pets.pop(pet_id, None)
                self.deleted.add(pet_id)
            return 204, None
        data = self._body(request, PATCH)
        with self.lock:
            pet.update(data)
            return 200, copy.deepcopy(pet)

    def _body(self, request: Request, schema: dict[str, Any]) -> dict[str, Any]:
        raw = request.get_data()
        if "accept-negative" in self.bugs:
            try:
                data = json.loads(raw.decode("utf-8", "replace") or "{}")
            except ValueError:
                data = {}
            return data if isinstance(data, dict) else {}
        if request.mimetype != "application/json":
            raise _Refused(400, "the body must be application/json")
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise _Refused(400, "the body is not UTF-8 JSON") from None
        errors = list(jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).iter_errors(data))
        if errors:
            raise _Refused(400, f"invalid body: {errors[0].message[:80]}")
        return data


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        pass


class PetsServer:
    """The pets API served on a free port of 127.0.0.1 until stop()."""

    def __init__(self, *bugs: str) -> None:
        self.app = PetsApp(set(bugs))
        self.spec = pets_spec(links="links" in bugs)
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=_Quiet)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> PetsServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

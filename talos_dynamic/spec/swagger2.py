"""A faithful upgrade of a Swagger 2.0 document to OpenAPI 3.0, done in memory when the spec loads.

Body and formData parameters become request bodies (consumes gives the media types), produces gives the
response media types, collectionFormat becomes style/explode, securityDefinitions become securitySchemes,
host/basePath/schemes become servers, x-nullable becomes nullable, and every $ref is rewritten to its new
place. The wire format of each operation is unchanged by the upgrade.

A loaded spec upgrades lazily: each path item, schema, shared parameter and response is upgraded the first
time something reads it (binding reads only the names of each operation, which the upgrade does not
change), into the same document the eager upgrade makes.
"""

from __future__ import annotations

import posixpath
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..errors import SpecError
from .collector import collector_paused
from .deferred import DeferredDict
from .refs import Located, Resolver

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
REF_PLACES = {
    "#/definitions/": "#/components/schemas/",
    "#/parameters/": "#/components/parameters/",
    "#/responses/": "#/components/responses/",
}
PARAM_SCHEMA_KEYS = (
    "type",
    "format",
    "items",
    "enum",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
)
COLLECTION_STYLES = {  # collectionFormat -> (style, explode); csv is the Swagger default
    "csv": ("form", False),
    "multi": ("form", True),
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
    "tsv": ("form", False),
}
FLOWS = {
    "implicit": "implicit",
    "password": "password",
    "application": "clientCredentials",
    "accessCode": "authorizationCode",
}


def is_swagger2(document: Any) -> bool:
    """True for a Swagger 2.0 document."""
    return isinstance(document, dict) and str(document.get("swagger", "")).startswith("2")


def rewrite_ref(ref: str) -> str:
    """#/definitions/X -> #/components/schemas/X (and parameters, responses), in any document."""
    path, hash_, fragment = ref.partition("#")
    fragment = "#" + fragment if hash_ else ""
    for old, new in REF_PLACES.items():
        if fragment.startswith(old):
            return path + new + fragment[len(old) :]
    return ref


def convert_schema(schema: Any) -> Any:
    """A Swagger schema as an OpenAPI 3.0 schema (refs, x-nullable, type file, discriminator)."""
    if isinstance(schema, list):
        return [convert_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "$ref" and isinstance(value, str):
            out[key] = rewrite_ref(value)
        elif key == "x-nullable":
            out["nullable"] = bool(value)
        elif key == "type" and value == "file":
            out["type"], out["format"] = "string", "binary"
        elif key == "discriminator" and isinstance(value, str):
            out[key] = {"propertyName": value}
        elif key in ("properties", "definitions") and isinstance(value, dict):
            out[key] = {name: convert_schema(item) for name, item in value.items()}
        elif key in ("example", "default", "enum") or _extension(key):
            out[key] = value
        else:
            out[key] = convert_schema(value)
    return out


class Upgrader:
    """Converts one Swagger 2.0 document.

    With a `resolver`, parameters, responses and path items that a $ref takes from another file are read
    there and upgraded like the root's own (their $refs rebased onto the root document); a $ref to the root
    document itself reads it as written. With `lazy`, the paths and the schemas, parameters and responses of
    the components are DeferredDicts: each entry is upgraded on first read, under one lock for the document
    (the entries share what was followed and resolved)."""

    def __init__(
        self, document: dict[str, Any], resolver: Resolver | None = None, uri: str = "", lazy: bool = False
    ) -> None:
        self.doc = document
        self.resolver = resolver.reading(uri, document) if resolver is not None else None
        self.uri = uri
        self.lazy = lazy
        self._lock = threading.RLock()
        self.consumes = _media_types(document.get("consumes"), ["application/json"])
        self.produces = _media_types(document.get("produces"), ["application/json"])
        self.global_params = document.get("parameters") if isinstance(document.get("parameters"), dict) else {}
        self._followed: dict[str, Any] = {}
        self._parameters: dict[str, Any] = {}  # $ref -> the parameter it names

    def upgrade(self) -> dict[str, Any]:
        doc = self.doc
        out: dict[str, Any] = {"openapi": "3.0.3", "info": doc.get("info") or {"title": "", "version": ""}}
        servers = self._servers()
        if servers:
            out["servers"] = servers
        for key in ("tags", "security", "externalDocs"):
            if key in doc:
                out[key] = doc[key]
        out.update({k: v for k, v in doc.items() if _extension(k)})
        components: dict[str, Any] = {}
        if isinstance(doc.get("definitions"), dict):
            components["schemas"] = self._mapping(doc["definitions"].items(), convert_schema)
        # body and formData parameters are built into each operation's request body, with its own consumes
        params = self._mapping(
            [
                (name, param)
                for name, param in self.global_params.items()
                if isinstance(param, dict) and param.get("in") not in ("body", "formData")
            ],
            self._parameter,
        )
        if params:
            components["parameters"] = params
        if isinstance(doc.get("responses"), dict):
            components["responses"] = self._mapping(doc["responses"].items(), self._shared_response)
        if isinstance(doc.get("securityDefinitions"), dict):
            components["securitySchemes"] = {k: self._security(v) for k, v in doc["securityDefinitions"].items()}
        if components:
            out["components"] = components
        paths = doc.get("paths") or {}
        # paths that are not an object go through as they are: loading then names their pointer
        out["paths"] = self._mapping(paths.items(), self._path_item) if isinstance(paths, dict) else paths
        return out

    def _mapping(self, entries: Iterable[tuple[Any, Any]], build: Callable[[Any], Any]) -> dict[Any, Any]:
        """{key: build(value)}: built now, or (lazy) each value on first read."""
        if self.lazy:
            return DeferredDict(entries, build, self._lock)
        return {key: build(value) for key, value in entries}

    def _shared_response(self, response: Any) -> Any:
        return self._response(response, self.produces)

    def _servers(self) -> list[dict[str, str]]:
        base = self.doc.get("basePath") if isinstance(self.doc.get("basePath"), str) else ""
        host = self.doc.get("host") if isinstance(self.doc.get("host"), str) else ""
        if not host:
            return [{"url": base}] if base and base != "/" else []
        schemes = self.doc.get("schemes")
        schemes = [s for s in schemes if isinstance(s, str)] if isinstance(schemes, list) else []
        return [{"url": f"{scheme}://{host}{base}"} for scheme in schemes or ["https"]]

    def _external(self, node: Any) -> Any:
        """What a $ref to another file points to, rebased onto the root document; None for anything else
        (an internal $ref, no $ref, or one that does not resolve: loading then names it with its pointer)."""
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str) or ref.startswith("#") or self.resolver is None:
            return None
        if ref not in self._followed:
            try:
                target = self.resolver.resolve(Located({"$ref": ref}, self.uri, ""))
            except SpecError:
                target = None
            found = None
            if target is not None and isinstance(target.value, dict):
                found = rebase(target.value, target.uri, self.uri) if target.uri != self.uri else target.value
            self._followed[ref] = found
        return self._followed[ref]

    def _path_item(self, item: Any) -> Any:
        if not isinstance(item, dict):
            return item
        if "$ref" in item:
            external = self._external(item)
            if external is None:
                return {"$ref": rewrite_ref(item["$ref"]) if isinstance(item["$ref"], str) else item["$ref"]}
            item = external
        shared = item.get("parameters") or []
        out: dict[str, Any] = {k: v for k, v in item.items() if _extension(k)}
        if not isinstance(shared, list):  # goes through as it is: loading then names its pointer
            out["parameters"], shared = shared, []
        plain_shared = [p for p in shared if self._location(p) not in ("body", "formData")]
        if plain_shared:
            out["parameters"] = [self._parameter_or_ref(p) for p in plain_shared]
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                out[method] = self._operation(item[method], shared)
            elif method in item:
                out[method] = item[method]  # not an operation object: loading names its pointer
        return out

    def _location(self, param: Any) -> str | None:
        resolved = self._resolved(param)
        return resolved.get("in") if isinstance(resolved, dict) else None

    def _resolved(self, param: Any) -> Any:
        """The parameter a $ref names (in this document or another file), else the parameter itself."""
        ref = param.get("$ref") if isinstance(param, dict) else None
        if not isinstance(ref, str):
            return param
        found = self._parameters.get(ref)
        if found is None:
            if ref.startswith("#/parameters/"):
                found = self.global_params.get(ref[len("#/parameters/") :], param)
            else:
                external = self._external(param)
                found = param if external is None else external
            self._parameters[ref] = found
        return found

    def _operation(self, op: dict[str, Any], shared: list[Any]) -> dict[str, Any]:
        out = {k: v for k, v in op.items() if k not in ("parameters", "responses", "consumes", "produces", "schemes")}
        consumes = _media_types(op.get("consumes"), self.consumes)
        produces = _media_types(op.get("produces"), self.produces)
        own = op.get("parameters") or []
        if not isinstance(own, list):  # goes through as it is: loading then names its pointer
            out["parameters"], own = own, []
        own_keys = {self._key(p) for p in own} - {None}
        inherited = [p for p in shared if isinstance(self._resolved(p), dict) and self._key(p) not in own_keys]
        every = [*inherited, *own]
        # a formData parameter without a name cannot be a form field: it stays a parameter, which loading
        # then reports with its pointer
        unnamed = [p for p in own if self._location(p) == "formData" and self._key(p) is None]
        plain = [
            self._parameter_or_ref(p) for p in own if self._location(p) not in ("body", "formData") or p in unnamed
        ]
        if plain:
            out["parameters"] = plain
        body = [self._resolved(p) for p in every if self._location(p) == "body"]
        form = [self._resolved(p) for p in every if self._location(p) == "formData" and self._key(p) is not None]
        if body:  # built here, even from a shared parameter: the operation's consumes are its media types
            out["requestBody"] = self._request_body(body, consumes)
        elif form:
            out["requestBody"] = self._form_body(form, consumes)
        if isinstance(op.get("responses"), dict):
            out["responses"] = {
                k: self._response(v, produces) if not _extension(k) else v for k, v in op["responses"].items()
            }
        return out

    def _key(self, param: Any) -> tuple[str, str] | None:
        """(in, name) of a parameter (through its $ref), or None when either is missing or not text."""
        resolved = self._resolved(param)
        if isinstance(resolved, dict) and isinstance(resolved.get("in"), str) and isinstance(resolved.get("name"), str):
            return resolved["in"], resolved["name"]
        return None

    def _parameter_or_ref(self, param: Any) -> Any:
        if isinstance(param, dict) and isinstance(param.get("$ref"), str):
            external = self._external(param)
            return {"$ref": rewrite_ref(param["$ref"])} if external is None else self._parameter(external)
        return self._parameter(param) if isinstance(param, dict) else param

    def _parameter(self, param: dict[str, Any]) -> dict[str, Any]:
        out = {
            k: v
            for k, v in param.items()
            if k in ("name", "in", "description", "required", "deprecated", "allowEmptyValue") or _extension(k)
        }
        schema = convert_schema({k: v for k, v in param.items() if k in PARAM_SCHEMA_KEYS})
        if param.get("x-nullable"):
            schema["nullable"] = True
        out["schema"] = schema
        if schema.get("type") == "array":
            collection = param.get("collectionFormat")
            style, explode = COLLECTION_STYLES.get(
                collection if isinstance(collection, str) else "csv", ("form", False)
            )
            if param.get("in") in ("path", "header"):
                style = "simple"
            out["style"], out["explode"] = style, explode
        return out

    def _request_body(self, params: list[Any], consumes: list[str]) -> dict[str, Any]:
        param = params[0] if isinstance(params[0], dict) else {}
        schema = convert_schema(param.get("schema") or {})
        body: dict[str, Any] = {"content": {mt: {"schema": schema} for mt in consumes}}
        if param.get("description"):
            body["description"] = param["description"]
        if param.get("required"):
            body["required"] = True
        body.update({k: v for k, v in param.items() if _extension(k)})
        return body

    def _form_body(self, params: list[dict[str, Any]], consumes: list[str]) -> dict[str, Any]:
        properties, required, encoding = {}, [], {}
        for param in params:
            converted = self._parameter(param)
            prop = dict(converted["schema"])
            if param.get("description"):
                prop["description"] = param["description"]
            properties[param["name"]] = prop
            if param.get("required"):
                required.append(param["name"])
            if prop.get("type") == "array":
                encoding[param["name"]] = {"style": converted["style"], "explode": converted["explode"]}
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        has_file = any(prop.get("format") == "binary" for prop in properties.values())  # type: file, converted
        types = [mt for mt in consumes if mt.startswith(("multipart/", "application/x-www-form-urlencoded"))]
        if not types:
            types = ["multipart/form-data" if has_file else "application/x-www-form-urlencoded"]
        content = {}
        for media_type in types:
            entry: dict[str, Any] = {"schema": schema}
            if encoding:  # collectionFormat, in either form encoding (OpenAPI 3.1 reads style in multipart too)
                entry["encoding"] = encoding
            content[media_type] = entry
        return {"content": content, **({"required": True} if required else {})}

    def _response(self, response: Any, produces: list[str]) -> Any:
        if not isinstance(response, dict):
            return response
        if "$ref" in response:
            external = self._external(response)
            if external is None:
                ref = response["$ref"]
                return {"$ref": rewrite_ref(ref) if isinstance(ref, str) else ref}
            response = external
        out: dict[str, Any] = {"description": response.get("description", "")}
        if "schema" in response:
            schema = convert_schema(response["schema"])
            out["content"] = {mt: {"schema": schema} for mt in produces}
            examples = response.get("examples")
            if isinstance(examples, dict):
                for mt, example in examples.items():
                    if mt in out["content"]:
                        out["content"][mt]["example"] = example
        if isinstance(response.get("headers"), dict):
            out["headers"] = {
                name: {
                    "description": h.get("description", ""),
                    "schema": {k: convert_schema(v) for k, v in h.items() if k in PARAM_SCHEMA_KEYS},
                }
                for name, h in response["headers"].items()
                if isinstance(h, dict)
            }
        out.update({k: v for k, v in response.items() if _extension(k)})
        return out

    @staticmethod
    def _security(scheme: Any) -> Any:
        if not isinstance(scheme, dict):
            return scheme
        kind = scheme.get("type")
        extra = {k: v for k, v in scheme.items() if k == "description" or _extension(k)}
        if kind == "basic":
            return {"type": "http", "scheme": "basic", **extra}
        if kind == "apiKey":
            return {"type": "apiKey", "name": scheme.get("name"), "in": scheme.get("in"), **extra}
        if kind == "oauth2":
            flow = FLOWS.get(scheme["flow"], "implicit") if isinstance(scheme.get("flow"), str) else "implicit"
            details: dict[str, Any] = {"scopes": scheme.get("scopes") or {}}
            for key in ("authorizationUrl", "tokenUrl"):
                if key in scheme:
                    details[key] = scheme[key]
            return {"type": "oauth2", "flows": {flow: details}, **extra}
        return dict(scheme)


def upgrade(
    document: dict[str, Any], resolver: Resolver | None = None, uri: str = "", *, lazy: bool = False
) -> dict[str, Any]:
    """The OpenAPI 3.0.3 equivalent of a Swagger 2.0 document (the input is not modified).

    `resolver` (with the document's `uri`) reads what $refs take from other files; see Upgrader. With
    `lazy`, the path items and components are upgraded on first read (DeferredDicts), into the same document.

    An eager upgrade pauses the cyclic garbage collector (see collector_paused): it allocates tens of
    thousands of small containers, and no cycles."""
    if lazy:
        return Upgrader(document, resolver, uri, lazy=True).upgrade()
    with collector_paused():
        return Upgrader(document, resolver, uri).upgrade()


def listed_operations(item: Any) -> list[tuple[str, dict[str, Any]]] | None:
    """The operations the upgrade of a path item holds, as (method, the operation as written), in the
    upgrade's order: its names (operationId, tags, summary, description, deprecated) are the upgraded
    operation's, unchanged. None when only the upgraded item can tell (a $ref path item, an operation that is
    not an object or has a $ref)."""
    if not isinstance(item, dict) or "$ref" in item:
        return None
    found = []
    for method in HTTP_METHODS:
        if method in item:
            operation = item[method]
            if not isinstance(operation, dict) or "$ref" in operation:
                return None
            found.append((method, operation))
    return found


def convert_referenced(document: Any) -> Any:
    """A document that a Swagger 2.0 spec refers to, as the upgraded spec sees it: its schemas converted,
    and its definitions, parameters and responses also found where the rewritten $refs look for them
    (under components)."""
    out = convert_schema(document)
    if isinstance(out, dict) and "components" not in out:
        places = {"definitions": "schemas", "parameters": "parameters", "responses": "responses"}
        moved = {new: out[old] for old, new in places.items() if isinstance(out.get(old), dict)}
        if moved:
            out["components"] = moved
    return out


def rebase(value: Any, source: str, target: str) -> Any:
    """A copy of `value`, taken from the document at `source`, whose $refs mean the same from `target`."""
    if isinstance(value, list):
        return [rebase(item, source, target) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key == "$ref" and isinstance(item, str):
            out[key] = _relative(urljoin(source, item), target)
        elif key in ("example", "default", "enum", "examples") or _extension(key):
            out[key] = item
        else:
            out[key] = rebase(item, source, target)
    return out


def _relative(absolute: str, base: str) -> str:
    """`absolute` as a reference relative to the document at `base` (as it is when on another origin)."""
    there, here = urlsplit(absolute), urlsplit(base)
    if (there.scheme, there.netloc) != (here.scheme, here.netloc):
        return absolute
    fragment = f"#{there.fragment}" if there.fragment or absolute.endswith("#") else ""
    if there.path == here.path:
        return fragment or "#"
    return posixpath.relpath(there.path, posixpath.dirname(here.path) or "/") + fragment


def _extension(key: Any) -> bool:
    """An x- extension key."""
    return isinstance(key, str) and key.startswith("x-")


def _media_types(value: Any, default: list[str]) -> list[str]:
    """The text entries of a consumes/produces list; the default when there are none."""
    found = [m for m in value if isinstance(m, str)] if isinstance(value, list) else []
    return found or default

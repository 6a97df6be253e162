"""A faithful upgrade of a Swagger 2.0 document to OpenAPI 3.0, done in memory when the spec loads.

Body and formData parameters become request bodies (consumes gives the media types), produces gives the
response media types, collectionFormat becomes style/explode, securityDefinitions become securitySchemes,
host/basePath/schemes become servers, x-nullable becomes nullable, and every $ref is rewritten to its new
place. The wire format of each operation is unchanged by the upgrade.
"""

from __future__ import annotations

from typing import Any

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
    """Converts one Swagger 2.0 document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.doc = document
        self.consumes = _media_types(document.get("consumes"), ["application/json"])
        self.produces = _media_types(document.get("produces"), ["application/json"])
        self.global_params = document.get("parameters") if isinstance(document.get("parameters"), dict) else {}

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
            components["schemas"] = {k: convert_schema(v) for k, v in doc["definitions"].items()}
        params, bodies = {}, {}
        for name, param in self.global_params.items():
            if isinstance(param, dict) and param.get("in") == "body":
                bodies[name] = self._request_body([param], self.consumes)
            elif isinstance(param, dict) and param.get("in") != "formData":
                params[name] = self._parameter(param)
        if params:
            components["parameters"] = params
        if bodies:
            components["requestBodies"] = bodies
        if isinstance(doc.get("responses"), dict):
            components["responses"] = {k: self._response(v, self.produces) for k, v in doc["responses"].items()}
        if isinstance(doc.get("securityDefinitions"), dict):
            components["securitySchemes"] = {k: self._security(v) for k, v in doc["securityDefinitions"].items()}
        if components:
            out["components"] = components
        paths = doc.get("paths") or {}
        # paths that are not an object go through as they are: loading then names their pointer
        out["paths"] = {p: self._path_item(item) for p, item in paths.items()} if isinstance(paths, dict) else paths
        return out

    def _servers(self) -> list[dict[str, str]]:
        base = self.doc.get("basePath") if isinstance(self.doc.get("basePath"), str) else ""
        host = self.doc.get("host") if isinstance(self.doc.get("host"), str) else ""
        if not host:
            return [{"url": base}] if base and base != "/" else []
        schemes = self.doc.get("schemes")
        schemes = [s for s in schemes if isinstance(s, str)] if isinstance(schemes, list) else []
        return [{"url": f"{scheme}://{host}{base}"} for scheme in schemes or ["https"]]

    def _path_item(self, item: Any) -> Any:
        if not isinstance(item, dict):
            return item
        if "$ref" in item:
            return {"$ref": rewrite_ref(item["$ref"]) if isinstance(item["$ref"], str) else item["$ref"]}
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
        if isinstance(param, dict) and isinstance(param.get("$ref"), str):
            name = param["$ref"].rsplit("/", 1)[-1]
            target = self.global_params.get(name)
            return target.get("in") if isinstance(target, dict) else None
        return param.get("in") if isinstance(param, dict) else None

    def _resolved(self, param: Any) -> Any:
        if isinstance(param, dict) and isinstance(param.get("$ref"), str):
            return self.global_params.get(param["$ref"].rsplit("/", 1)[-1], param)
        return param

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
        body = [p for p in every if self._location(p) == "body"]
        form = [self._resolved(p) for p in every if self._location(p) == "formData" and self._key(p) is not None]
        if body:
            ref = body[0].get("$ref") if isinstance(body[0], dict) else None
            ref = ref if isinstance(ref, str) else None
            out["requestBody"] = (
                {"$ref": f"#/components/requestBodies/{ref.rsplit('/', 1)[-1]}"}
                if ref
                else self._request_body(body, consumes)
            )
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
            return {"$ref": rewrite_ref(param["$ref"])}
        return self._parameter(param) if isinstance(param, dict) else param

    def _parameter(self, param: dict[str, Any]) -> dict[str, Any]:
        out = {
            k: v
            for k, v in param.items()
            if k in ("name", "in", "description", "required", "deprecated", "allowEmptyValue") or _extension(k)
        }
        schema = {k: convert_schema(v) for k, v in param.items() if k in PARAM_SCHEMA_KEYS}
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

    def _request_body(self, params: list[dict[str, Any]], consumes: list[str]) -> dict[str, Any]:
        param = self._resolved(params[0])
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
        has_file = any(p.get("type") == "file" for p in params)
        types = [mt for mt in consumes if mt.startswith(("multipart/", "application/x-www-form-urlencoded"))]
        if not types:
            types = ["multipart/form-data" if has_file else "application/x-www-form-urlencoded"]
        content = {}
        for media_type in types:
            entry: dict[str, Any] = {"schema": schema}
            if encoding and media_type == "application/x-www-form-urlencoded":
                entry["encoding"] = encoding
            content[media_type] = entry
        return {"content": content, **({"required": True} if required else {})}

    def _response(self, response: Any, produces: list[str]) -> Any:
        if not isinstance(response, dict):
            return response
        if "$ref" in response:
            return {"$ref": rewrite_ref(response["$ref"]) if isinstance(response["$ref"], str) else response["$ref"]}
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


def upgrade(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI 3.0.3 equivalent of a Swagger 2.0 document (the input is not modified)."""
    return Upgrader(document).upgrade()


def _extension(key: Any) -> bool:
    """An x- extension key."""
    return isinstance(key, str) and key.startswith("x-")


def _media_types(value: Any, default: list[str]) -> list[str]:
    """The text entries of a consumes/produces list; the default when there are none."""
    found = [m for m in value if isinstance(m, str)] if isinstance(value, list) else []
    return found or default

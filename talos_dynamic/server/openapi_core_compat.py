"""What the local server needs from openapi-core beyond `OpenAPI.from_dict`, in one place.

- A dotted path-parameter name ({issued_api_key.key_id}) crashes openapi-core's path finder (it formats the
  template with str.format, which reads a dot as attribute access): `without_dotted_path_names` renames the
  dots to "__" in the template and the parameter, which changes nothing on the wire.
- `request_checker` builds the openapi-core instance that checks every request, fast. It plugs into
  openapi-core's own configuration points (Config.path_finder_cls, schema_validators_factory,
  schema_casters_factory; jsonschema-path's resolved cache), and openapi-core still deserializes, casts and
  validates every parameter and body. What changes is the per-request bookkeeping around that:
  * the operation is looked up in a table (the server has already matched the route; the request names the
    path template as `path_pattern`), instead of the stock finder parsing every path template of the spec;
  * each schema's validator is built once (the stock factory builds it, deep copy of the format checker
    included, on every request);
  * every spec lookup is resolved once (jsonschema-path resolves $refs along the whole path on every read
    unless its resolved cache is on), and each parameter states `deprecated` (a failed lookup is not cached);
  * each operation's parameters are listed once (`_ListedParameters`), and openapi-core's own
    `_get_parameter` checks each of them on every request.
  These use openapi-core names that are not its documented API (the factory's `create` signature,
  `PathOperationServer`, `TemplateResult`, the casters factory's `types_caster`, the validator's
  `_get_parameters` and `_get_parameter`): the test
  tests/integration/server/test_openapi_core_compat.py compares every answer with stock openapi-core's and
  fails loudly if they change.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from jsonschema_path import SchemaPath
from openapi_core import OpenAPI
from openapi_core.casting.schemas.factories import SchemaCastersFactory
from openapi_core.configurations import Config
from openapi_core.datatypes import Parameters, RequestParameters
from openapi_core.templating.datatypes import TemplateResult
from openapi_core.templating.paths.datatypes import PathOperationServer
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_core.validation.request.exceptions import MissingParameter, ParametersError, ParameterValidationError

# Far more than the lookups one spec can need (every distinct path into the document): never evicts.
RESOLVED_CACHE_SIZE = 1 << 20


def without_dotted_path_names(document: dict[str, Any]) -> dict[str, Any]:
    """The document (changed in place and returned) with every dotted path-parameter name renamed."""
    renamed = {}
    for path, item in document.get("paths", {}).items():
        for name in re.findall(r"{([^{}]+)}", path):
            if "." in name:
                path = path.replace("{" + name + "}", "{" + name.replace(".", "__") + "}")
                for owner in (item, *item.values()) if isinstance(item, dict) else ():
                    for param in owner.get("parameters", []) if isinstance(owner, dict) else ():
                        if isinstance(param, dict) and param.get("in") == "path" and param.get("name") == name:
                            param["name"] = name.replace(".", "__")
        renamed[path] = item
    document["paths"] = renamed
    return document


def request_checker(document: dict[str, Any]) -> OpenAPI:
    """An openapi-core instance for `document` whose request validator finds the operation by the request's
    `path_pattern` (a path template of the document) and reuses each schema's validator."""
    _state_deprecated(document)
    spec = SchemaPath.from_dict(document, resolved_cache_maxsize=RESOLVED_CACHE_SIZE)
    stock = OpenAPI(spec)
    validator_cls = stock.request_validator_cls
    validators = _ReusedSchemaValidators(validator_cls.schema_validators_factory)
    casters = SchemaCastersFactory(validators, validator_cls.schema_casters_factory.types_caster)
    config = Config(
        request_validator_cls=type(validator_cls.__name__, (_ListedParameters, validator_cls), {}),
        path_finder_cls=_TemplateTableFinder,
        schema_validators_factory=validators,  # type: ignore[arg-type]
        schema_casters_factory=casters,
    )
    return OpenAPI(spec, config=config)


def _state_deprecated(document: dict[str, Any]) -> None:
    """Every parameter states `deprecated` (false, its default, where it is left out): openapi-core reads it
    for each parameter of each request, and looking up a key that is not there costs several times a read."""
    owners = [item for item in (document.get("paths") or {}).values() if isinstance(item, dict)]
    owners += [op for item in owners for op in item.values() if isinstance(op, dict)]
    params = [p for owner in owners for p in owner.get("parameters") or () if isinstance(p, dict)]
    params += [p for p in ((document.get("components") or {}).get("parameters") or {}).values() if isinstance(p, dict)]
    for param in params:
        if "$ref" not in param:
            param.setdefault("deprecated", False)


class _TemplateTableFinder:
    """openapi-core's path finder for a request that names its path template (`path_pattern`): one dict
    lookup per request. openapi-core joins the template to the request's host URL before asking."""

    def __init__(self, spec: SchemaPath, base_url: str | None = None) -> None:
        self.spec = spec
        self._found: dict[tuple[str, str], PathOperationServer] = {}

    def find(self, method: str, name: str) -> PathOperationServer:
        template = urlsplit(name).path
        try:
            return self._found[(method, template)]
        except KeyError:
            pass
        paths = self.spec / "paths"
        if template not in paths:
            raise PathNotFound(name)
        path = paths / template
        if method not in path:
            raise OperationNotFound(name, method)
        servers = self.spec / "servers"
        server = servers / 0 if "servers" in self.spec and len(servers) else None
        found = PathOperationServer(path, path / method, server, TemplateResult(template, {}), TemplateResult("", {}))
        self._found[(method, template)] = found
        return found


class _ListedParameters:
    """A request validator mix-in: each operation's parameters (its own, then the path item's it does not
    override) are listed once; every request, openapi-core's own `_get_parameter` checks each of them."""

    _listed: dict[tuple[SchemaPath, SchemaPath], list[tuple[str, str, SchemaPath]]]

    def _get_parameters(self, parameters: RequestParameters, operation: SchemaPath, path: SchemaPath) -> Parameters:
        checked, errors = Parameters(), []
        for name, location, param in self._parameters_of(operation, path):
            try:
                value = self._get_parameter(parameters, param)  # type: ignore[attr-defined]
            except MissingParameter:
                continue
            except ParameterValidationError as exc:
                errors.append(exc)
                continue
            getattr(checked, location)[name] = value
        if errors:
            raise ParametersError(errors=errors, parameters=checked)
        return checked

    def _parameters_of(self, operation: SchemaPath, path: SchemaPath) -> list[tuple[str, str, SchemaPath]]:
        listed = self.__dict__.setdefault("_listed", {})
        try:
            return listed[(path, operation)]
        except KeyError:
            pass
        found: dict[tuple[str, str], SchemaPath] = {}
        for owner in (operation, path):
            for param in owner / "parameters" if "parameters" in owner else ():
                found.setdefault(((param / "name").read_str(), (param / "in").read_str()), param)
        listed[(path, operation)] = [(name, location, param) for (name, location), param in found.items()]
        return listed[(path, operation)]


class _ReusedSchemaValidators:
    """A schema validators factory that builds each schema's validator once (per options) and reuses it:
    a built validator holds no state of a validation."""

    def __init__(self, factory: Any) -> None:
        self._factory = factory
        self._built: dict[Any, Any] = {}

    def create(self, spec: SchemaPath, schema: SchemaPath, **options: Any) -> Any:
        key = (schema, tuple((name, _option_key(value)) for name, value in sorted(options.items())))
        try:
            return self._built[key]
        except KeyError:
            built = self._built[key] = self._factory.create(spec, schema, **options)
            return built

    def __getattr__(self, name: str) -> Any:  # anything else the factory offers, unchanged
        return getattr(self._factory, name)


def _option_key(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | str | int) else id(value)

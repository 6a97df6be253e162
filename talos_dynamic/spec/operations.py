"""One Operation per method and path: its parameters, request body, responses, security and servers."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..errors import SpecError
from .refs import Located

if TYPE_CHECKING:
    from .model import Spec

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
DEFAULT_STYLE = {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


@dataclass(frozen=True, eq=False)
class Parameter:
    """A resolved parameter: where it goes, how it is serialized and what schema it follows."""

    name: str
    location: str
    required: bool
    schema: Located | None
    style: str
    explode: bool
    allow_reserved: bool = False
    media_type: str | None = None  # set for content-typed parameters
    description: str = ""
    deprecated: bool = False
    where: str = ""


@dataclass(frozen=True)
class MediaType:
    """One entry of a request or response `content` map."""

    name: str
    schema: Located | None
    encoding: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RequestBody:
    """A resolved request body: required flag and the media types it accepts."""

    required: bool
    content: dict[str, MediaType]
    description: str = ""


@dataclass(frozen=True)
class ResponseSpec:
    """A resolved response: its status key (200, 4XX, default), media types and headers."""

    status: str
    content: dict[str, MediaType]
    headers: dict[str, Located]
    description: str = ""
    links: dict[str, Any] = field(default_factory=dict)


class Operation:
    """An operation of the spec; everything beyond its names is resolved on first use."""

    def __init__(self, spec: Spec, method: str, path: str, node: Located, path_item: Located) -> None:
        if not isinstance(path, str):
            raise SpecError(
                f"a path must be a string, not {type(path).__name__}",
                source=spec.resolver.display(path_item.uri),
                pointer=path_item.pointer,
            )
        self._located: tuple[Located, Located] | None = (path_item, node)
        self._names(spec, method, path, node.value)

    @classmethod
    def deferred(cls, spec: Spec, method: str, path: str, written: dict[str, Any]) -> Operation:
        """An operation whose nodes (spec.root's paths/`path`/`method` and its path item) are looked up on
        first use: `written` holds its names as the node will (a Swagger 2.0 operation as written, whose
        upgrade is built only when something reads more than its names)."""
        operation = cls.__new__(cls)
        operation._located = None
        operation._names(spec, method, path, written)
        return operation

    def _names(self, spec: Spec, method: str, path: str, raw: dict[str, Any]) -> None:
        self.spec = spec
        self.method = method
        self.path = path
        operation_id = raw.get("operationId")
        self.operation_id: str | None = operation_id if isinstance(operation_id, str) and operation_id else None
        self.python_name = ""  # set by the binder, which sees every operation and settles clashes
        tags = raw.get("tags")
        self.tags: list[str] = [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
        self.summary: str = raw.get("summary") if isinstance(raw.get("summary"), str) else ""
        self.description: str = raw.get("description") if isinstance(raw.get("description"), str) else ""
        self.deprecated = raw.get("deprecated") is True

    @property
    def node(self) -> Located:
        """The operation object, where it is in the spec."""
        return self._where()[1]

    @property
    def path_item(self) -> Located:
        """The path item holding the operation, where it is in the spec."""
        return self._where()[0]

    def _where(self) -> tuple[Located, Located]:
        located = self._located
        if located is None:  # a deferred operation: found the same way Spec.operations finds the others
            resolver = self.spec.resolver
            item = resolver.resolve(self.spec.root.child("paths", self.path))
            located = (item, resolver.resolve(item.child(self.method.lower())))
            self._located = located  # one assignment: a thread sees both nodes or neither
        return located

    @property
    def name(self) -> str:
        """The operationId, or METHOD /path when there is none."""
        return self.operation_id or f"{self.method} {self.path}"

    def _error(self, message: str, node: Located) -> SpecError:
        return SpecError(f"{self.name}: {message}", source=self.spec.resolver.display(node.uri), pointer=node.pointer)

    @cached_property
    def parameters(self) -> list[Parameter]:
        """Path-item and operation parameters merged (the operation's win), ignored headers dropped."""
        merged: dict[tuple[str, str], Parameter] = {}
        for owner in (self.path_item, self.node):
            params = owner.get("parameters")
            if params is None:
                continue
            if not isinstance(params.value, list):
                raise self._error("'parameters' must be a list", params)
            for index in range(len(params.value)):
                param = self._parameter(self.spec.resolver.resolve(params.child(index)), params.child(index))
                if param.location == "header" and param.name.lower() in IGNORED_HEADERS:
                    continue
                merged[(param.location, param.name)] = param
        return list(merged.values())

    def _parameter(self, node: Located, listed: Located) -> Parameter:
        raw = node.value
        if (
            not isinstance(raw, dict)
            or not isinstance(raw.get("name"), str)
            or not isinstance(raw.get("in"), str)
            or raw["in"] not in DEFAULT_STYLE
        ):
            # named where it is listed when its $ref leads to a whole document (no pointer to show there)
            raise self._error(
                "a parameter needs a 'name' and 'in' (path, query, header or cookie)", node if node.pointer else listed
            )
        location = raw["in"]
        style = raw.get("style") or DEFAULT_STYLE[location]
        if not isinstance(style, str):
            raise self._error(
                f"a parameter's 'style' must be a string, not {type(style).__name__}", node.child("style")
            )
        explode = raw.get("explode")
        if not isinstance(explode, bool):
            explode = style == "form"
        schema, media_type = node.get("schema"), None
        content = node.get("content")
        if content is not None and isinstance(content.value, dict) and content.value:
            media_type = next(iter(content.value))
            if not isinstance(media_type, str):
                raise self._error("a media type name must be a string", content)
            schema = self.spec.resolver.resolve(content.child(media_type)).get("schema")
        return Parameter(
            name=raw["name"],
            location=location,
            required=bool(raw.get("required")) or location == "path",
            schema=schema,
            style=style,
            explode=explode,
            allow_reserved=raw.get("allowReserved") is True,
            media_type=media_type,
            description=_text(raw.get("description")),
            deprecated=raw.get("deprecated") is True,
            where=self.spec.display(node),
        )

    @cached_property
    def request_body(self) -> RequestBody | None:
        """The request body, or None when the operation takes none."""
        node = self.node.get("requestBody")
        if node is None:
            return None
        node = self.spec.resolver.resolve(node)
        if not isinstance(node.value, dict):
            raise self._error("'requestBody' must be an object", node)
        return RequestBody(
            required=node.value.get("required") is True,
            content=self._content(node),
            description=_text(node.value.get("description")),
        )

    def _content(self, owner: Located) -> dict[str, MediaType]:
        content = owner.get("content")
        if content is None or not isinstance(content.value, dict):
            return {}
        media = {}
        for name in content.value:
            if not isinstance(name, str):
                raise self._error(f"a media type name must be a string, not {type(name).__name__}", content)
            entry = self.spec.resolver.resolve(content.child(name))
            encoding = entry.value.get("encoding") if isinstance(entry.value, dict) else None
            media[name] = MediaType(
                name=name, schema=entry.get("schema"), encoding=encoding if isinstance(encoding, dict) else {}
            )
        return media

    @cached_property
    def responses(self) -> dict[str, ResponseSpec]:
        """Declared responses by status key as written (200, 4XX, default)."""
        node = self.node.get("responses")
        if node is None or not isinstance(node.value, dict):
            return {}
        found = {}
        for status in node.value:
            if str(status).startswith("x-"):
                continue
            response = self.spec.resolver.resolve(node.child(status))
            if not isinstance(response.value, dict):
                raise self._error("a response must be an object", response)
            headers = response.get("headers")
            found[str(status)] = ResponseSpec(
                status=str(status),
                content=self._content(response),
                headers={k: self.spec.resolver.resolve(headers.child(k)) for k in headers.value}
                if headers is not None and isinstance(headers.value, dict)
                else {},
                description=_text(response.value.get("description")),
                links=self._resolved_map(response.get("links")),
            )
        return found

    def _resolved_map(self, node: Located | None) -> dict[str, Any]:
        if node is None or not isinstance(node.value, dict):
            return {}
        return {name: self.spec.resolver.resolve(node.child(name)).value for name in node.value}

    @cached_property
    def callbacks(self) -> dict[str, Any]:
        """Callbacks by name: {expression: path item}, for reading (they are requests the server makes)."""
        return self._resolved_map(self.node.get("callbacks"))

    @cached_property
    def accept(self) -> str:
        """The Accept header: the media types of the success and default responses."""
        types: list[str] = []
        for status, response in self.responses.items():
            if status.startswith("2") or status == "default":
                types += [t for t in response.content if t not in types]
        return ", ".join(types)

    def response_for(self, status: int) -> ResponseSpec | None:
        """The declared response that covers an HTTP status: exact, then 2XX-style range, then default."""
        responses = self.responses
        return (
            responses.get(str(status))
            or responses.get(f"{status // 100}XX")
            or responses.get(f"{status // 100}xx")
            or responses.get("default")
        )

    @cached_property
    def security(self) -> list[dict[str, list[str]]] | None:
        """The security requirements in force: the operation's, else the document's; None when undeclared."""
        for owner in (self.node.value, self.spec.document):
            if "security" in owner and isinstance(owner["security"], list):
                return [r for r in owner["security"] if isinstance(r, dict)]
        return None

    @cached_property
    def servers(self) -> list[dict[str, Any]]:
        """The servers in force: operation, then path item, then document level."""
        for owner in (self.node.value, self.path_item.value, self.spec.document):
            servers = owner.get("servers")
            if isinstance(servers, list) and servers:
                return [s for s in servers if isinstance(s, dict) and isinstance(s.get("url"), str)]
        return []

    def __repr__(self) -> str:
        return f"<Operation {self.python_name or self.name}: {self.method} {self.path}>"


def _text(value: Any) -> str:
    """A description as text ("" when absent or not a string)."""
    return value if isinstance(value, str) else ""

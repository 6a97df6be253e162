"""Stateful chains: calls that use what an earlier answer returned, from OpenAPI links or inferred.

Links: an operation's 2xx response declares `links`; each target is called with the parameters (and body)
its runtime expressions name ($response.body#/id, $request.path.id, $response.header.Location, ...).
Inferred (for a create without links): a POST whose answer carries an id that other operations take in
their path gives create -> get -> update -> list -> other operations on the item -> delete -> get, which
must then answer 404 (the `use_after_delete` check). What a chain created is deleted at its end, when the
spec has a delete operation for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..call.arguments import ArgumentTable
from ..spec.operations import Operation
from .cases import Case, CaseSender, Outcome
from .strategies import json_schema

ID_NAME = re.compile(r"(^id$|_id$|Id$|^uuid$)")
GENERIC_IDS = frozenset({"id", "uuid"})  # names every resource uses: taken only under the create's own path
MAX_LINK_DEPTH = 3


@dataclass
class Step:
    """One call of a chain: the operation, how its arguments come from earlier answers, what to expect."""

    operation: Operation
    bind: dict[str, Callable[[dict[str, Any]], Any]] = field(default_factory=dict)  # argument -> from state
    body: Callable[[dict[str, Any]], Any] | None = None
    expect: str = "valid"
    label: str = ""


@dataclass
class Chain:
    """Calls made in order; `source` is "links" or "inferred"."""

    name: str
    steps: list[Step]
    source: str
    id_path: tuple[str, ...] = ()  # where the created resource's id is in an answer
    delete: Operation | None = None
    delete_argument: str | None = None


def find_chains(client: Any) -> list[Chain]:
    """The chains of a spec: from links where an operation declares them, else inferred around creates."""
    operations = list(client.spec.operations)
    chains = []
    linked = set()
    for operation in operations:
        chain = _link_chain(client, operation)
        if chain is not None:
            chains.append(chain)
            linked.add(operation.name)
    for operation in operations:
        if operation.method.upper() == "POST" and operation.name not in linked:
            chain = _inferred_chain(client, operation, operations)
            if chain is not None:
                chains.append(chain)
    return chains


# -- inferred chains ----------------------------------------------------------------------------------------
def _inferred_chain(client: Any, create: Operation, operations: list[Operation]) -> Chain | None:
    if "{" in create.path:
        return None
    schema = _response_schema(client, create)
    candidates = _id_fields(schema)
    for id_path in candidates:
        field_name = id_path[-1]
        consumers = [
            (op, name)
            for op in operations
            if op is not create
            for name in [_consuming_argument(op, field_name, create.path)]
            if name is not None
        ]
        if not consumers:
            continue
        item_path = _item_path(consumers, create.path)
        if item_path is None:  # nothing lives under the create's path: it is not a collection
            continue

        steps = [Step(create, label="create")]
        get = _pick(consumers, "GET", item_path)
        updates = [(op, name) for op, name in consumers if op.method.upper() in ("PATCH", "PUT")]
        delete = _pick(consumers, "DELETE", item_path)
        if get:
            steps.append(Step(get[0], {get[1]: created_id}, label="get"))
        steps += [Step(op, {name: created_id}, label="update") for op, name in updates]
        listing = next(
            (op for op in operations if op.method.upper() == "GET" and op.path == create.path),
            None,
        )
        if listing is not None:
            steps.append(Step(listing, label="list"))
        chosen = {get[0] if get else None, delete[0] if delete else None, *(op for op, _ in updates)}
        others = [(op, name) for op, name in consumers if op not in chosen and op.method.upper() != "GET"]
        others += [(op, name) for op, name in consumers if op not in chosen and op.method.upper() == "GET"]
        steps += [Step(op, {name: created_id}, label="use") for op, name in others]
        if delete:
            steps.append(Step(delete[0], {delete[1]: created_id}, label="delete"))
            if get:
                steps.append(Step(get[0], {get[1]: created_id}, expect="gone", label="get after delete"))
        names = " -> ".join(f"{s.operation.name}{' (404)' if s.expect == 'gone' else ''}" for s in steps)
        return Chain(
            f"chain: {names}",
            steps,
            "inferred",
            id_path,
            delete[0] if delete else None,
            delete[1] if delete else None,
        )
    return None


def _response_schema(client: Any, operation: Operation) -> dict[str, Any]:
    for status, response in operation.responses.items():
        if status.startswith("2"):
            for media in response.content.values():
                if "json" in media.name and media.schema is not None:
                    schema = json_schema(client._validators.inlined(media.schema), "response")
                    return schema if isinstance(schema, dict) else {}
    return {}


def _id_fields(schema: dict[str, Any], prefix: tuple[str, ...] = (), depth: int = 0) -> list[tuple[str, ...]]:
    """Paths of id-like string or integer properties, shallow ones first."""
    found: list[tuple[str, ...]] = []
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict):
        return found
    nested = []
    for name, prop in properties.items():
        if not isinstance(prop, dict):
            continue
        kind = prop.get("type")
        if kind in ("string", "integer") and ID_NAME.search(name):
            found.append((*prefix, name))
        elif (kind == "object" or "properties" in prop) and depth < 2:
            nested.append((name, prop))
    for name, prop in nested:
        found += _id_fields(prop, (*prefix, name), depth + 1)
    return sorted(found, key=lambda path: (path[-1] not in ("id",) and not path[-1].endswith("_id"), len(path)))


def _consuming_argument(operation: Operation, field_name: str, collection: str) -> str | None:
    """The keyword of a path parameter that takes the id named field_name: a specific name (key_id) anywhere,
    a generic one (id, or petId for an id) only under the create's path (/pets/{id})."""
    table = ArgumentTable(operation)
    for name, argument in table.by_name.items():
        param = argument.parameter
        if param is None or param.location != "path":
            continue
        last = param.name.rsplit(".", 1)[-1]
        under = operation.path.startswith(collection.rstrip("/") + "/")
        if last == field_name and (under or field_name not in GENERIC_IDS):
            return name
        if field_name == "id" and under and last.lower().endswith("id") and operation.path.count("{") == 1:
            return name
    return None


def _item_path(consumers: list[tuple[Operation, str]], collection: str) -> str | None:
    under = [op.path for op, _ in consumers if op.path.startswith(collection.rstrip("/") + "/")]
    return min(under, key=len) if under else None


def _pick(consumers: list[tuple[Operation, str]], method: str, item_path: str | None) -> tuple[Operation, str] | None:
    matching = [(op, name) for op, name in consumers if op.method.upper() == method]
    matching.sort(key=lambda pair: (pair[0].path != item_path, len(pair[0].path)))
    return matching[0] if matching else None


# -- chains from links ---------------------------------------------------------------------------------------
def _link_chain(client: Any, operation: Operation) -> Chain | None:
    steps = [Step(operation, label="source")]
    _follow_links(client, operation, steps, depth=1, seen={operation.name})
    if len(steps) == 1:
        return None
    names = " -> ".join(s.operation.name for s in steps)
    return Chain(f"chain (links): {names}", steps, "links")


def _follow_links(client: Any, operation: Operation, steps: list[Step], depth: int, seen: set[str]) -> None:
    if depth > MAX_LINK_DEPTH:
        return
    source_index = len(steps) - 1
    for status, response in operation.responses.items():
        if not status.startswith("2") and status not in ("default",):
            continue
        for link_name, link in (response.links or {}).items():
            link = client.spec.resolver.resolve(link) if hasattr(link, "value") else link
            raw = link.value if hasattr(link, "value") else link
            target = _link_target(client, raw)
            if not isinstance(raw, dict) or target is None or target.name in seen:
                continue
            table = ArgumentTable(target)
            bind = {}
            for key, expression in (raw.get("parameters") or {}).items():
                argument = _argument_for(table, str(key))
                if argument is not None:
                    bind[argument] = _evaluator(expression, source_index)
            body = _evaluator(raw["requestBody"], source_index) if "requestBody" in raw else None
            steps.append(Step(target, bind, body, label=f"link {link_name}"))
            _follow_links(client, target, steps, depth + 1, seen | {target.name})


def _link_target(client: Any, link: Any) -> Operation | None:
    if not isinstance(link, dict):
        return None
    if isinstance(link.get("operationId"), str):
        return next((op for op in client.spec.operations if op.operation_id == link["operationId"]), None)
    ref = link.get("operationRef")
    if isinstance(ref, str) and "#/paths/" in ref:
        pointer = ref.split("#", 1)[1].split("/")
        if len(pointer) >= 4:
            path = pointer[2].replace("~1", "/").replace("~0", "~")
            method = pointer[3].upper()
            return next((op for op in client.spec.operations if op.path == path and op.method.upper() == method), None)
    return None


def _argument_for(table: ArgumentTable, key: str) -> str | None:
    qualified = key.split(".", 1)[0] in ("path", "query", "header", "cookie")
    location, _, name = key.partition(".") if qualified else ("", "", key)
    for argument_name, argument in table.by_name.items():
        param = argument.parameter
        if param is not None and param.name == name and (not location or param.location == location):
            return argument_name
    return None


def created_id(state: dict[str, Any]) -> Any:
    """The id the chain's create answered with."""
    return state.get("id")


def _evaluator(expression: Any, index: int) -> Callable[[dict[str, Any]], Any]:
    def evaluate(state: dict[str, Any]) -> Any:
        return runtime_value(expression, state["exchanges"][index])

    return evaluate


def runtime_value(expression: Any, exchange: tuple[Any, Any, dict[str, Any]]) -> Any:
    """An OpenAPI runtime expression evaluated on one (request, response, path values) exchange; other
    values as they are.

    A string with {$...} parts embedded is filled in; a bare $expression gives the value itself.
    """
    if not isinstance(expression, str):
        return expression
    if expression.startswith("$"):
        return _expression(expression, exchange)
    return re.sub(r"{(\$[^}]+)}", lambda m: str(_expression(m.group(1), exchange)), expression)


def _expression(text: str, exchange: tuple[Any, Any, dict[str, Any]]) -> Any:
    request, response, path_values = exchange
    if text == "$statusCode":
        return response.status_code
    if text == "$url":
        return request.url
    if text == "$method":
        return request.method
    source, _, rest = text.partition(".")
    if source not in ("$request", "$response"):
        return None
    message = request if source == "$request" else response
    if rest.startswith("body"):
        body = _json(message.json)
        pointer = rest[len("body") :].lstrip("#")
        return _pointer(body, pointer)
    if rest.startswith("header."):
        return message.headers.get(rest[len("header.") :])
    if source == "$request" and rest.startswith("query."):
        values = parse_qs(urlsplit(request.url).query).get(rest[len("query.") :])
        return values[0] if values else None
    if source == "$request" and rest.startswith("path."):
        return path_values.get(rest[len("path.") :])
    return None


def _json(reader: Any) -> Any:
    try:
        return reader()
    except Exception:  # noqa: BLE001 - a body that is not JSON has no value to point into
        return None


def _pointer(document: Any, pointer: str) -> Any:
    if not pointer:
        return document
    for token in pointer.lstrip("/").split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(document, dict):
            document = document.get(token)
        elif isinstance(document, list) and token.isdigit() and int(token) < len(document):
            document = document[int(token)]
        else:
            return None
    return document


# -- running ------------------------------------------------------------------------------------------------
@dataclass
class ChainResult:
    """What one chain did: its outcomes in order, ids created and deleted, and why it stopped early."""

    chain: Chain
    outcomes: list[Outcome] = field(default_factory=list)
    created: list[Any] = field(default_factory=list)
    deleted: list[Any] = field(default_factory=list)
    stopped: str | None = None
    probes: list[Outcome] = field(default_factory=list)  # calls made without credentials


def run_chain(
    sender: CaseSender,
    chain: Chain,
    base: Callable[[Operation], dict[str, Any]],
    allowed: Callable[[], bool] = lambda: True,
    probe_auth: Callable[[Operation], bool] = lambda operation: False,
) -> ChainResult:
    """Run the steps in order (each from a valid base call, with the values earlier answers gave), while
    `allowed()` (the budget) says so, then delete what the chain created and did not delete (cleanup is not
    held to the budget). A step that got no 2xx stops the steps that need it. Before the first get, when
    `probe_auth(operation)`, the get is also sent without credentials: with the resource there, a 2xx
    shows the operation ignores them (`ignored_auth`)."""
    result = ChainResult(chain)
    state: dict[str, Any] = {"exchanges": []}
    for step in chain.steps:
        if not allowed():
            result.stopped = "the budget ran out"
            break
        kwargs = dict(base(step.operation))
        try:
            for name, source in step.bind.items():
                kwargs[name] = source(state)
            if step.body is not None:
                kwargs["body"] = step.body(state)
        except (KeyError, IndexError, TypeError):
            result.stopped = f"{step.label}: an earlier answer lacks the value it needs"
            break
        if any(kwargs.get(name) in (None, "") for name in step.bind):
            result.stopped = f"{step.operation.name}: an earlier answer lacks the value it needs"
            break
        if step.label == "get" and not result.probes and probe_auth(step.operation) and allowed():
            result.probes.append(sender.send(Case(step.operation, kwargs, "unauthorized", without_credentials=True)))
            if not allowed():
                result.stopped = "the budget ran out"
                break
        outcome = sender.send(Case(step.operation, kwargs, step.expect))
        result.outcomes.append(outcome)
        state["exchanges"].append((outcome.request, outcome.response, _path_values(step.operation, kwargs)))
        ok = outcome.status is not None and 200 <= outcome.status < 300
        if chain.source == "inferred" and ok:
            new_id = value_at(outcome.result, chain.id_path) if step.label != "list" else None
            if step.label == "create":
                state["id"] = new_id
            if new_id is not None and new_id not in result.created and step.label in ("create", "use", "update"):
                result.created.append(new_id)
            if step.label == "delete":
                result.deleted.append(state.get("id"))
        needed = step.label == "create" or chain.source == "links"
        if step.expect == "valid" and not ok and needed:
            result.stopped = f"{step.operation.name} answered {outcome.status or outcome.problem}"
            break
    _cleanup(sender, chain, result, base)
    return result


def _path_values(operation: Operation, kwargs: dict[str, Any]) -> dict[str, Any]:
    table = ArgumentTable(operation)
    return {
        a.parameter.name: kwargs.get(name)
        for name, a in table.by_name.items()
        if a.parameter is not None and a.parameter.location == "path"
    }


def value_at(result: Any, path: tuple[str, ...]) -> Any:
    """The value at a path of property names in a Result (or plain JSON), None when it is not there."""
    value = result.to_json() if callable(getattr(result, "to_json", None)) else result
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _cleanup(
    sender: CaseSender, chain: Chain, result: ChainResult, base: Callable[[Operation], dict[str, Any]]
) -> None:
    if chain.delete is None or chain.delete_argument is None:
        return
    for created in result.created:
        if created not in result.deleted:
            kwargs = {**base(chain.delete), chain.delete_argument: created}
            outcome = sender.send(Case(chain.delete, kwargs))
            if outcome.status is not None and 200 <= outcome.status < 300:
                result.deleted.append(created)

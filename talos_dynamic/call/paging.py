"""Paging: walk every page of a list operation, with the strategy read from the spec.

Strategies, detected in this order from the operation's parameters and its 2xx answer:

- "token" (AIP-158, Talos and Google-style APIs): a `page_token` query parameter and a `next_page_token`
  answer field (camelCase too);
- "cursor": a `cursor`, `after`, `starting_after`, `marker` or `continuation_token` parameter and an answer
  field such as `next_cursor`, `cursor` or `next`, at the top or one object down
  (`meta.next_cursor`, `response_metadata.next_cursor`);
- "link": a `Link` header declared on the answer (RFC 8288, `<url>; rel="next"`);
- "offset": an `offset`, `skip` or `start` parameter (a `limit` one optional).

A walk stops on an empty or repeated token, cursor or next URL, on an empty page (offset), at `max_pages`
or `max_items`. A next URL is followed only on the origin of the first request: the request (credentials
included) is sent unchanged but for its URL. Where detection is unsure, name the strategy: `_paging="link"`,
or a `Paging(...)` for full control.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from ..errors import ConfigurationError, TalosDynamicError
from ..spec.schemas import object_properties, single_type

if TYPE_CHECKING:
    from ..client import BoundOperation
    from .arguments import ArgumentTable

logger = logging.getLogger("talos_dynamic")
STRATEGIES = ("token", "cursor", "link", "offset")
PAGING_OPTIONS = ("_paging", "_max_pages", "_max_items")
_TOKEN_PARAMETERS = ("page_token", "pageToken", "PageToken")
_TOKEN_FIELDS = ("next_page_token", "nextPageToken", "NextPageToken")
_CURSOR_PARAMETERS = ("cursor", "after", "starting_after", "marker", "continuation_token", "continuationToken")
_CURSOR_FIELDS = (
    "next_cursor",
    "nextCursor",
    "next_marker",
    "nextMarker",
    "continuation_token",
    "continuationToken",
    "end_cursor",
    "endCursor",
    "cursor",
    "next",
)
_OFFSET_PARAMETERS = ("offset", "skip", "start")
_LIMIT_PARAMETERS = ("limit", "page_size", "pageSize", "per_page", "count", "size")
_ITEM_FIELDS = ("items", "data", "results", "entries", "records", "values")
_NEXT_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)")


class PagingError(TalosDynamicError):
    """A walk through pages cannot go on safely (a next URL on another origin, an answer without its token)."""


@dataclass(frozen=True)
class Paging:
    """How an operation pages: the strategy, the argument that carries the token, cursor or offset, the
    answer field with the next token or cursor (a dotted path), the field holding the items, the page-size
    argument. Detected from the spec by `detect_paging`; build one to name it yourself."""

    strategy: str
    argument: str | None = None
    next_field: str | None = None
    items_field: str | None = None
    limit_argument: str | None = None

    def __post_init__(self) -> None:
        if self.strategy not in STRATEGIES:
            raise ConfigurationError(f"paging strategy {self.strategy!r} is not one of {', '.join(STRATEGIES)}")
        if self.strategy in ("token", "cursor", "offset") and not self.argument:
            raise ConfigurationError(f"{self.strategy} paging needs the argument that carries it (argument=)")
        if self.strategy in ("token", "cursor") and not self.next_field:
            raise ConfigurationError(f"{self.strategy} paging needs the answer field of the next one (next_field=)")

    def describe(self) -> str:
        """One line for help(): how pages() walks this operation."""
        items = f"; items in `{self.items_field}`" if self.items_field else ""
        if self.strategy == "link":
            how = 'follows the Link: <...>; rel="next" header (same origin only)'
        elif self.strategy == "offset":
            how = f"advances `{self.argument}` by the items of each page until a page is empty or short"
        else:
            how = f"passes `{self.next_field}` back as `{self.argument}` until it is empty"
        return f"{self.strategy}: {how}{items}"


def detect_paging(arguments: ArgumentTable) -> Paging | None:
    """The paging an operation's spec shows, or None when it shows none (or is not a read)."""
    operation = arguments.operation
    if operation.method not in ("GET", "POST", "QUERY"):
        return None
    query = {
        (a.parameter.name if a.parameter is not None else a.property_name): a.python_name
        for a in arguments.by_name.values()
    }
    fields = _answer_fields(arguments)
    items = _items_field(fields)
    if operation.method != "GET" and items is None:  # a search by POST pages a list; other POSTs do not
        return None
    limit = next((query[n] for n in _LIMIT_PARAMETERS if n in query), None)
    token = next((n for n in _TOKEN_PARAMETERS if n in query), None)
    if token is not None:
        next_field = _find_field(fields, _TOKEN_FIELDS)
        if next_field is not None:
            return Paging("token", query[token], next_field, items, limit)
    cursor = next((n for n in _CURSOR_PARAMETERS if n in query), None)
    if cursor is not None:
        next_field = _find_field(fields, _CURSOR_FIELDS)
        if next_field is not None:
            return Paging("cursor", query[cursor], next_field, items, limit)
    if _declares_link_header(arguments):
        return Paging("link", items_field=items, limit_argument=limit)
    offset = next((n for n in _OFFSET_PARAMETERS if n in query), None)
    if offset is not None and operation.method == "GET":
        return Paging("offset", query[offset], items_field=items, limit_argument=limit)
    return None


def _success_schema(arguments: ArgumentTable) -> Any:
    for status, response in arguments.operation.responses.items():
        if status.startswith("2") or status == "2XX":
            for media in response.content.values():
                if "json" in media.name and media.schema is not None:
                    return media.schema
    return None


def _answer_fields(arguments: ArgumentTable) -> dict[str, str | None]:
    """The answer's fields, top level and one object down (as dotted paths), with their JSON types."""
    resolver = arguments.resolver
    schema = _success_schema(arguments)
    if schema is None:
        return {}
    top, _ = object_properties(resolver, schema)
    fields: dict[str, str | None] = {}
    for name, child in top.items():
        value = resolver.resolve(child).value
        kind = single_type(value) if isinstance(value, dict) else None
        fields[name] = kind
        if kind == "object" or (kind is None and isinstance(value, dict) and "properties" in value):
            for inner, grandchild in object_properties(resolver, child)[0].items():
                inner_value = resolver.resolve(grandchild).value
                fields[f"{name}.{inner}"] = single_type(inner_value) if isinstance(inner_value, dict) else None
    return fields


def _find_field(fields: dict[str, str | None], candidates: tuple[str, ...]) -> str | None:
    """The first candidate among the top-level fields, else among the nested ones (meta.next_cursor)."""
    found = next((name for name in candidates if name in fields), None)
    if found is None:
        found = next((f for name in candidates for f in fields if f.endswith(f".{name}")), None)
    return found


def _items_field(fields: dict[str, str | None]) -> str | None:
    arrays = [name for name, kind in fields.items() if kind == "array" and "." not in name]
    if len(arrays) == 1:
        return arrays[0]
    return next((name for name in _ITEM_FIELDS if name in arrays), None)


def _declares_link_header(arguments: ArgumentTable) -> bool:
    return any(
        status.startswith("2") and any(h.lower() == "link" for h in response.headers)
        for status, response in arguments.operation.responses.items()
    )


def paging_for(bound: BoundOperation, option: Any) -> Paging:
    """The paging to walk with: `_paging=` (a strategy name or a Paging) or the detected one."""
    if isinstance(option, Paging):
        return option
    detected = bound.paging
    if option is None:
        if detected is None:
            raise ConfigurationError(
                f"{bound.__name__}: the spec shows no paging (no page_token/next_page_token, cursor, Link header "
                f"or offset parameter); name it with _paging= one of {', '.join(STRATEGIES)} or a Paging(...)"
            )
        return detected
    if option not in STRATEGIES:
        raise ConfigurationError(f"_paging={option!r}: use one of {', '.join(STRATEGIES)} or a Paging(...)")
    if detected is not None and detected.strategy == option:
        return detected
    if option == "link":
        return Paging("link", items_field=detected.items_field if detected else None)
    raise ConfigurationError(
        f"{bound.__name__}: _paging={option!r} needs to know which argument carries it; pass a Paging(...)"
    )


class PageWalk:
    """The state of one walk: what to send next, and when to stop. Shared by the sync and async loops."""

    def __init__(self, bound: BoundOperation, kwargs: dict[str, Any]) -> None:
        kwargs = dict(kwargs)
        self.paging = paging_for(bound, kwargs.pop("_paging", None))
        self.max_pages = _limit("_max_pages", kwargs.pop("_max_pages", None))
        self.max_items = _limit("_max_items", kwargs.pop("_max_items", None))
        self.bound, self.kwargs = bound, kwargs
        self.pages = self.items = 0
        self.seen: set[str] = set()
        self.next_url: str | None = None
        self.request: Any = None
        self.origin: tuple[str, str] | None = None
        self.done = False
        self.refusal: PagingError | None = None  # raised when the next page is asked for, not before

    def next_call(self) -> tuple[Any, Any] | None:
        """(PreparedRequest, CallOptions) of the next page, or None when the walk is over."""
        if self.done or (self.max_pages is not None and self.pages >= self.max_pages):
            return None
        if self.refusal is not None:
            raise self.refusal
        if self.max_items is not None and self.items >= self.max_items:
            return None
        if self.next_url is not None:
            return dataclasses.replace(self.request, url=self.next_url), self.options
        request, self.options = self.bound._prepare(dict(self.kwargs))
        if self.origin is None:
            self.origin = _origin(request.url)
        return request, self.options

    def page_items(self, result: Any) -> list[Any]:
        """The items of a page: its items field, or the page itself when it is an array."""
        field = self.paging.items_field
        if field is not None and hasattr(result, "get"):
            found = result.get(field)
            return list(found) if found is not None else []
        if isinstance(result, list | tuple):
            return list(result)
        lists = [v for v in (result.values() if hasattr(result, "values") else ()) if isinstance(v, list | tuple)]
        if len(lists) == 1:
            return list(lists[0])
        raise PagingError(f"{self.bound.__name__}: cannot tell which field holds the items; pass a Paging(...)")

    def advance(self, result: Any, count: int) -> None:
        """Take in a page that came back: where the next one is, or that there is none."""
        self.pages += 1
        self.items += count
        strategy = self.paging.strategy
        if strategy == "link":
            self._follow_link(result)
        elif strategy == "offset":
            limit = self.kwargs.get(self.paging.limit_argument) if self.paging.limit_argument else None
            if count == 0 or (isinstance(limit, int) and count < limit):
                self.done = True
            else:
                self.kwargs[self.paging.argument] = int(self.kwargs.get(self.paging.argument) or 0) + count
        else:
            token = _dotted(result, self.paging.next_field or "")
            if token in (None, "", False):
                self.done = True
            elif str(token) in self.seen:
                logger.warning("%s: the server sent the same %s again; paging stops", self.bound.__name__, strategy)
                self.done = True
            else:
                self.seen.add(str(token))
                self.kwargs[self.paging.argument] = token

    def _follow_link(self, result: Any) -> None:
        http = getattr(result, "http", None)
        header = http.headers.get("Link") if http is not None and http.headers is not None else None
        target = next_link(header or "")
        if target is None:
            self.done = True
            return
        sent = http.request
        url = urljoin(sent.url, target)
        if _origin(url) != self.origin:
            self.refusal = PagingError(
                f"{self.bound.__name__}: the next page is on another origin ({_origin_text(url)}, not "
                f"{_origin_text(sent.url)}); paging follows a next URL only on the first request's origin"
            )
            return
        if url in self.seen:
            logger.warning("%s: the server sent the same next link again; paging stops", self.bound.__name__)
            self.done = True
            return
        self.seen.add(url)
        self.request, self.next_url = sent, url

    def cap(self, items: list[Any]) -> list[Any]:
        """The items of a page, cut at max_items."""
        if self.max_items is None:
            return items
        return items[: max(self.max_items - self.items, 0)]


def iterate_pages(bound: BoundOperation, kwargs: dict[str, Any], send: Callable[..., Any]) -> Iterator[Any]:
    """Each page's result, in order (sync)."""
    walk = PageWalk(bound, kwargs)
    while (step := walk.next_call()) is not None:
        result = send(*step)
        walk.advance(result, len(walk.page_items(result)))
        yield result


def iterate_items(bound: BoundOperation, kwargs: dict[str, Any], send: Callable[..., Any]) -> Iterator[Any]:
    """Each item of every page, in order (sync)."""
    walk = PageWalk(bound, kwargs)
    while (step := walk.next_call()) is not None:
        result = send(*step)
        items = walk.page_items(result)
        kept = walk.cap(items)
        walk.advance(result, len(items))
        yield from kept


async def aiterate_pages(bound: BoundOperation, kwargs: dict[str, Any], send: Callable[..., Any]) -> AsyncIterator[Any]:
    """Each page's result, in order (async)."""
    walk = PageWalk(bound, kwargs)
    while (step := walk.next_call()) is not None:
        result = await send(*step)
        walk.advance(result, len(walk.page_items(result)))
        yield result


async def aiterate_items(bound: BoundOperation, kwargs: dict[str, Any], send: Callable[..., Any]) -> AsyncIterator[Any]:
    """Each item of every page, in order (async)."""
    walk = PageWalk(bound, kwargs)
    while (step := walk.next_call()) is not None:
        result = await send(*step)
        items = walk.page_items(result)
        kept = walk.cap(items)
        walk.advance(result, len(items))
        for item in kept:
            yield item


def next_link(header: str) -> str | None:
    """The target of the rel="next" link in a Link header value (RFC 8288), or None."""
    for match in _NEXT_LINK.finditer(header):
        for param in match.group(2).split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "rel" and "next" in value.strip().strip('"').lower().split():
                return match.group(1).strip()
    return None


def _dotted(result: Any, path: str) -> Any:
    value = result
    for part in path.split("."):
        if not hasattr(value, "get"):
            return None
        value = value.get(part)
    return value


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme.lower(), f"{(parts.hostname or '').lower()}:{parts.port or default}"


def _origin_text(url: str) -> str:
    scheme, host = _origin(url)
    return f"{scheme}://{host}"


def _limit(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"{name} is a whole number >= 0, not {value!r}")
    return value

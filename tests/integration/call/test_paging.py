"""pages() and items(): every item exactly once, whatever the paging (AIP-158 token on the local Talos server,
Link headers and cursors on small test servers), stopping where it must."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from talos_dynamic import AsyncClient, Client, MockTransport, Response
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.call.paging import Paging, PagingError, next_link
from talos_dynamic.server import start_server

from ...conftest import ADMIN_TOKEN

TOTAL = 1000


def test_items_lists_1000_keys_at_page_size_7_each_exactly_once():
    with start_server(token=ADMIN_TOKEN) as server:
        created = {server.app.store.issue({"actor_id": f"a{i}"})["issued_api_key"]["key_id"] for i in range(TOTAL)}
        sent = []
        talos = Client(
            TALOS_SPEC,
            base_url=server.url,
            token=ADMIN_TOKEN,
            response_validation="strict",
            hooks={"request": [sent.append]},
        )
        assert list(talos.admin_list_issued_api_keys.items(page_size=7, filter='actor_id="x"')) == []
        assert len(sent) == 1  # the filter travels with every page; one empty page ends the walk
        sent.clear()
        listed = [key.key_id for key in talos.admin_list_issued_api_keys.items(page_size=7)]
    assert len(listed) == TOTAL and set(listed) == created
    assert len(sent) == -(-TOTAL // 7)  # one request per page, none after the last
    assert "page_token" not in sent[0].url and sent[-1].url.count("page_token=") == 1


def test_pages_stop_at_max_pages_and_items_at_max_items(talos_server):
    for i in range(30):
        talos_server.app.store.issue({"actor_id": f"cap_{i}"})
    with Client(TALOS_SPEC, base_url=talos_server.url, token=ADMIN_TOKEN) as talos:
        pages = list(talos.admin_list_issued_api_keys.pages(page_size=4, filter='actor_id="cap_1"', _max_pages=3))
        assert len(pages) == 1  # the only page: an empty next_page_token ends the walk
        assert len(list(talos.admin_list_issued_api_keys.pages(page_size=4, _max_pages=3))) == 3
        before = len(talos.history)
        assert len(list(talos.admin_list_issued_api_keys.items(page_size=4, _max_items=9))) == 9
        assert len(talos.history) - before == 3  # no page fetched beyond what 9 items need


def test_help_shows_the_paging():
    doc = Client(TALOS_SPEC).admin_list_issued_api_keys.__doc__
    assert "Paging (token: passes `next_page_token` back as `page_token`" in doc
    assert "admin_list_issued_api_keys.items(" in doc


# -- small test servers: a Link-header API and a cursor API over the same 1,000 items ---------------------


class PagedApi:
    """A real HTTP server on 127.0.0.1 listing TOTAL items with Link headers (/linked) or cursors (/cursored)."""

    def __init__(self, next_origin: str | None = None) -> None:
        api = self
        self.requests: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                api.requests.append(self.path)
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                size = int(query.get("per_page") or query.get("limit") or 10)
                headers = {"Content-Type": "application/json"}
                if url.path == "/linked":
                    page = int(query.get("page", "1"))
                    body: object = list(range((page - 1) * size, min(page * size, TOTAL)))
                    if page * size < TOTAL:
                        origin = next_origin or ""
                        headers["Link"] = (
                            f'<{origin}/linked?page={page + 1}&per_page={size}>; rel="next", </linked>; rel="first"'
                        )
                else:
                    start = int(query["cursor"], 16) if query.get("cursor") else 0
                    end = min(start + size, TOTAL)
                    more = end < TOTAL
                    body = {
                        "data": [{"id": i} for i in range(start, end)],
                        "meta": {"next_cursor": f"{end:x}" if more else None},
                    }
                payload = json.dumps(body).encode()
                self.send_response(200)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "paged", "version": "1"},
    "paths": {
        "/linked": {
            "get": {
                "operationId": "listLinked",
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {
                    "200": {
                        "description": "a page",
                        "headers": {"Link": {"schema": {"type": "string"}}},
                        "content": {"application/json": {"schema": {"type": "array", "items": {"type": "integer"}}}},
                    }
                },
            }
        },
        "/cursored": {
            "get": {
                "operationId": "listCursored",
                "parameters": [
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {
                    "200": {
                        "description": "a page",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "data": {"type": "array", "items": {"type": "object"}},
                                        "meta": {
                                            "type": "object",
                                            "properties": {"next_cursor": {"type": "string", "nullable": True}},
                                        },
                                    },
                                }
                            }
                        },
                    }
                },
            }
        },
    },
}


@pytest.fixture()
def paged_api() -> Iterator[PagedApi]:
    api = PagedApi()
    yield api
    api.stop()


def test_link_header_api_lists_every_item_exactly_once(paged_api):
    client = Client(SPEC, base_url=paged_api.url, response_validation="strict")
    assert client.list_linked.paging.strategy == "link"
    assert list(client.list_linked.items(per_page=7)) == list(range(TOTAL))
    assert len(paged_api.requests) == -(-TOTAL // 7)


def test_cursor_api_lists_every_item_exactly_once(paged_api):
    client = Client(SPEC, base_url=paged_api.url, response_validation="strict")
    assert client.list_cursored.paging == Paging("cursor", "cursor", "meta.next_cursor", "data", "limit")
    assert [item.id for item in client.list_cursored.items(limit=7)] == list(range(TOTAL))
    assert len(paged_api.requests) == -(-TOTAL // 7)


def test_async_items_walk_the_same_pages(paged_api):
    pytest.importorskip("httpx")

    async def run() -> list[int]:
        async with AsyncClient(SPEC, base_url=paged_api.url) as client:
            return [item.id async for item in client.list_cursored.items(limit=100, _max_items=250)]

    assert asyncio.run(run()) == list(range(250))


def test_a_next_link_to_another_origin_is_not_followed():
    api = PagedApi(next_origin="http://127.0.0.2:9")
    try:
        client = Client(SPEC, base_url=api.url, token="secret-token")
        pages = client.list_linked.pages(per_page=500)
        next(pages)
        with pytest.raises(PagingError, match=r"another origin \(http://127.0.0.2:9"):
            next(pages)
        assert len(api.requests) == 1
    finally:
        api.stop()


def mock_client(answers: list[tuple[dict, dict]]) -> tuple[Client, MockTransport]:
    """A client for SPEC whose transport answers each request with the next (body, headers)."""
    queue = list(answers)

    def handler(request):
        body, headers = queue.pop(0) if queue else ({"data": []}, {})
        return Response(200, {"Content-Type": "application/json", **headers}, json.dumps(body).encode())

    transport = MockTransport(handler)
    return Client(SPEC, base_url="http://api.test", transport=transport), transport


def test_a_repeated_cursor_stops_the_walk(caplog):
    page = {"data": [{"id": 1}], "meta": {"next_cursor": "same"}}
    client, transport = mock_client([(page, {}), (page, {}), (page, {})])
    assert [i.id for i in client.list_cursored.items()] == [1, 1]
    assert len(transport.requests) == 2
    assert "same cursor again" in caplog.text


def test_a_repeated_next_link_stops_the_walk():
    link = {"Link": '</linked?page=2>; rel="next"'}
    client, transport = mock_client([([1], link), ([2], link), ([3], link)])
    assert list(client.list_linked.items()) == [1, 2]
    assert len(transport.requests) == 2


def test_offset_paging_is_detected_and_named_strategies_are_checked():
    spec = json.loads(json.dumps(SPEC))
    spec["paths"]["/linked"]["get"]["parameters"] = [
        {"name": "offset", "in": "query", "schema": {"type": "integer"}},
        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
    ]
    del spec["paths"]["/linked"]["get"]["responses"]["200"]["headers"]
    rows = list(range(23))

    def handler(request):
        query = {k: int(v[0]) for k, v in parse_qs(urlsplit(request.url).query).items()}
        start = query.get("offset", 0)
        return Response(
            200, {"Content-Type": "application/json"}, json.dumps(rows[start : start + query["limit"]]).encode()
        )

    client = Client(spec, base_url="http://api.test", transport=MockTransport(handler))
    assert client.list_linked.paging == Paging("offset", "offset", limit_argument="limit")
    assert list(client.list_linked.items(limit=5)) == rows
    with pytest.raises(Exception, match="_paging='pages': use one of token, cursor, link, offset"):
        list(client.list_linked.items(_paging="pages"))


def test_an_operation_without_paging_says_how_to_name_it():
    spec = json.loads(json.dumps(SPEC))
    del spec["paths"]["/linked"]["get"]["responses"]["200"]["headers"]
    empty = Response(200, {"Content-Type": "application/json"}, b"[]")
    plain = Client(spec, base_url="http://api.test", transport=MockTransport(lambda r: empty))
    assert plain.list_linked.paging is None
    with pytest.raises(Exception, match="the spec shows no paging.*_paging="):
        next(plain.list_linked.items())
    assert list(plain.list_linked.items(_paging="link")) == []


def test_next_link_reads_rfc8288_headers():
    assert next_link('<https://a/x?page=2>; rel="next"') == "https://a/x?page=2"
    assert next_link('</p1>; rel="prev", </p3>; rel="next last"') == "/p3"
    assert next_link("</p1>; rel=prev") is None
    assert next_link("") is None


def test_a_post_search_with_a_body_token_pages_and_a_plain_post_does_not():
    answer = {
        "type": "object",
        "properties": {
            "results": {"type": "array", "items": {"type": "string"}},
            "next_page_token": {"type": "string"},
        },
    }
    body = {"type": "object", "properties": {"query": {"type": "string"}, "page_token": {"type": "string"}}}

    def operation(op_id, answer_schema):
        return {
            "operationId": op_id,
            "requestBody": {"content": {"application/json": {"schema": body}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": answer_schema}}}},
        }

    plain = {"type": "object", "properties": {"id": {"type": "string"}, "next_page_token": {"type": "string"}}}
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "search", "version": "1"},
        "paths": {"/search": {"post": operation("search", answer)}, "/create": {"post": operation("create", plain)}},
    }
    pages = {"": (["a", "b"], "t1"), "t1": (["c"], "")}

    def handler(request):
        results, token = pages[request.json().get("page_token", "")]
        payload = {"results": results, "next_page_token": token}
        return Response(200, {"Content-Type": "application/json"}, json.dumps(payload).encode())

    client = Client(spec, base_url="http://api.test", transport=MockTransport(handler))
    assert client.search.paging == Paging("token", "page_token", "next_page_token", "results")
    assert list(client.search.items(query="q")) == ["a", "b", "c"]
    assert client.create.paging is None

"""Checked by mypy in test_typing.py, never run: each `reveal_type(...)  # expect: T` line states the type a
user's type checker must see, and no expression here may be typed Any (mypy --strict --disallow-any-expr).
In T, ANSWER is talos_dynamic.Answer and VALUE talos_dynamic.ResultValue spelled out, `R.` stands for
talos_dynamic.call.results. and `C.` for talos_dynamic.client."""

from collections.abc import AsyncIterator, Iterator
from typing import reveal_type

from talos_dynamic import (
    TALOS_SPEC,
    AsyncClient,
    Client,
    NotFound,
    PreparedCall,
    Result,
    StreamResult,
    TalosClient,
)


def sync_calls(client: Client, talos: TalosClient) -> None:
    reveal_type(client.admin_issue_api_key(name="x"))  # expect: ANSWER
    reveal_type(client.any_operation_at_all(a=1))  # expect: ANSWER
    reveal_type(client.AdminIssueAPIKey)  # expect: C.BoundOperation[ANSWER, VALUE]
    reveal_type(client.operation("POST /v2alpha1/admin/issuedApiKeys"))  # expect: C.BoundOperation[ANSWER, VALUE]
    reveal_type(client.get_jwks(_stream=True))  # expect: R.StreamResult
    reveal_type(client.get_jwks(_stream=False))  # expect: ANSWER
    reveal_type(talos.admin_issue_api_key(name="x"))  # expect: R.Result
    reveal_type(talos.get_jwks(_stream=True))  # expect: R.StreamResult
    reveal_type(talos.admin_issue_api_key(name="x").http)  # expect: R.HttpInfo | None
    prepared = talos.admin_issue_api_key.prepare(name="x")
    reveal_type(prepared)  # expect: C.PreparedCall[R.Result]
    reveal_type(prepared.to_curl())  # expect: str
    reveal_type(prepared.send(timeout=5))  # expect: R.Result
    reveal_type(client.get_jwks.prepare().send())  # expect: ANSWER
    pages: Iterator[Result] = talos.admin_list_issued_api_keys.pages(page_size=10)
    reveal_type(talos.admin_list_issued_api_keys.pages(page_size=10))  # expect: typing.Iterator[R.Result]
    reveal_type(talos.admin_list_issued_api_keys.items(_max_items=5))  # expect: typing.Iterator[R.Result]
    reveal_type(client.admin_list_issued_api_keys.items())  # expect: typing.Iterator[VALUE]
    reveal_type(next(pages).http)  # expect: R.HttpInfo | None
    reveal_type(client.operations)  # expect: talos_dynamic.explore.views.OperationsView
    reveal_type(client.tags)  # expect: dict[str, talos_dynamic.explore.views.TagGroup]
    reveal_type(client.enums)  # expect: talos_dynamic.explore.enums.EnumNamespace
    reveal_type(client.last_response)  # expect: talos_dynamic.call.transports.Response | None
    reveal_type(client.transport)  # expect: talos_dynamic.call.transports.Transport
    reveal_type(client.errors.NotFound)  # expect: type[talos_dynamic.errors.NotFound]
    try:
        talos.admin_get_issued_api_key(key_id="nonexistent-id")
    except client.errors.NotFound as error:
        reveal_type(error)  # expect: talos_dynamic.errors.NotFound
        reveal_type(error.http_status)  # expect: int
    except NotFound as error:
        reveal_type(error.retry_after)  # expect: float | None
    with TalosClient(base_url="http://127.0.0.1:4420") as scoped:
        reveal_type(scoped)  # expect: talos_dynamic.talos_client.TalosClient
    with Client(TALOS_SPEC, base_url="http://127.0.0.1:4420") as plain:
        reveal_type(plain)  # expect: C.Client


async def async_calls(url: str) -> None:
    async with AsyncClient(TALOS_SPEC, base_url=url) as aclient:
        reveal_type(aclient.admin_issue_api_key)  # expect: C.AsyncBoundOperation[ANSWER, VALUE]
        pending = aclient.admin_issue_api_key(name="x")
        await reveal_type(pending)  # expect: typing.Coroutine[Any, Any, ANSWER]
        reveal_type(await aclient.admin_issue_api_key(name="x"))  # expect: ANSWER
        reveal_type(await aclient.get_jwks(_stream=True))  # expect: R.StreamResult
        prepared = aclient.get_jwks.prepare()
        reveal_type(prepared)  # expect: C.PreparedCall[typing.Coroutine[Any, Any, ANSWER]]
        reveal_type(await prepared.send())  # expect: ANSWER
        pages: AsyncIterator[object] = aclient.admin_list_issued_api_keys.pages()
        reveal_type(aclient.admin_list_issued_api_keys.items())  # expect: typing.AsyncIterator[VALUE]
        async for page in pages:
            reveal_type(page)  # expect: object
        stream: StreamResult = await aclient.get_jwks(_stream=True)
        reveal_type(stream.aiter_bytes())  # expect: typing.AsyncIterator[bytes]
        ready: PreparedCall[object] = aclient.get_jwks.prepare()
        reveal_type(ready.request.to_curl(True))  # expect: str

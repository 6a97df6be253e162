"""Spec limits: the size of each document (files, and URLs that never end), YAML alias expansion (alias bombs
refused while loading, wherever they hide) and nesting depth (a SpecError, never a RecursionError)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from talos_dynamic import Client, ConfigurationError, SpecError
from talos_dynamic.spec.model import Spec, SpecLimits

HEAD = 'openapi: "3.0.3"\ninfo: {title: T, version: "1"}\n'
PATHS = """paths:
  /pets:
    post:
      operationId: addPet
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Pet"}
      responses:
        "200": {description: ok}
"""


def api(**extra: object) -> dict:
    return {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}, **extra}


def lol_levels(indent: str, anchor: str = "l", levels: int = 9, width: int = 10) -> str:
    """A billion laughs: each level a list of `width` aliases to the level below (width**levels nodes)."""
    lines = [f"{indent}{anchor}0: &{anchor}0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*{anchor}{level - 1}"] * width)
        lines.append(f"{indent}{anchor}{level}: &{anchor}{level} [{aliases}]")
    return "\n".join(lines) + "\n"


def schema_levels(indent: str, levels: int = 9, width: int = 10) -> str:
    """A bomb made of schemas: each level anyOf `width` aliases of the schema below."""
    lines = [f"{indent}S0: &s0 {{type: string}}"]
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*s{level - 1}"] * width)
        lines.append(f"{indent}S{level}: &s{level} {{anyOf: [{aliases}]}}")
    return "\n".join(lines) + "\n"


def refused_quickly(call, *words: str) -> SpecError:
    started = time.monotonic()
    with pytest.raises(SpecError) as caught:
        call()
    assert time.monotonic() - started < 10, "refused, but only after expanding"
    for word in words:
        assert word in str(caught.value), str(caught.value)
    return caught.value


# -- size ------------------------------------------------------------------------------------------------


def test_a_file_over_max_bytes_is_refused(tmp_path):
    spec = tmp_path / "big.json"
    spec.write_text(json.dumps(api(**{"x-padding": "a" * 5000})))
    error = refused_quickly(lambda: Client(spec, spec_limits={"max_bytes": 4096}), "larger than 4096 bytes")
    assert error.source == str(spec)
    assert len(Client(spec, base_url="http://x", spec_limits=SpecLimits(max_bytes=10_000)).operations) == 0


def test_a_referenced_file_over_max_bytes_is_refused(tmp_path):
    (tmp_path / "big.json").write_text(json.dumps({"Item": {"get": {"responses": {}}}, "pad": "a" * 5000}))
    spec = tmp_path / "api.json"
    spec.write_text(json.dumps(api(paths={"/a": {"$ref": "big.json#/Item"}})))
    error = refused_quickly(lambda: Client(spec, spec_limits={"max_bytes": 4096}), "'big.json#/Item'", "4096")
    assert (error.source, error.pointer) == (str(spec), "/paths/~1a")


@pytest.fixture()
def endless() -> Iterator[tuple[str, list[int]]]:
    """A URL on 127.0.0.1 whose answer never ends (no Content-Length, bytes forever); yields (url, sent)."""
    stop = threading.Event()
    sent = [0]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                self.wfile.write(b'{"openapi": "3.0.3", "x-endless": "')
                while not stop.is_set():
                    self.wfile.write(b"a" * 65536)
                    sent[0] += 65536
            except OSError:
                pass  # the client hung up: what the test wants

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/openapi.json", sent
    stop.set()
    server.shutdown()
    server.server_close()


def test_an_endless_url_stops_at_max_bytes(endless):
    url, sent = endless
    error = refused_quickly(lambda: Client(url, spec_limits={"max_bytes": 1_000_000}), "larger than 1000000 bytes")
    assert error.source == url


def test_an_endless_url_stops_at_the_default_limit(endless):
    url, sent = endless
    refused_quickly(lambda: Client(url), f"larger than {SpecLimits().max_bytes} bytes")


def test_a_declared_length_over_the_limit_is_refused_before_reading(canned):
    canned.answer("/openapi.json", 200, api(**{"x-padding": "a" * 5000}))
    refused_quickly(lambda: Client(f"{canned.url}/openapi.json", spec_limits={"max_bytes": 1000}), "larger than")


# -- YAML aliases ---------------------------------------------------------------------------------------------


def test_an_alias_bomb_in_a_schema_example_is_refused_while_loading(tmp_path):
    spec = tmp_path / "bomb.yaml"
    bomb = lol_levels(" " * 10)
    spec.write_text(f"{HEAD}{PATHS}components:\n  schemas:\n    Pet:\n      type: object\n      example:\n{bomb}")
    error = refused_quickly(lambda: Client(spec, base_url="http://x"), "excessive aliasing")
    assert error.source == str(spec)


def test_an_alias_bomb_made_of_schemas_is_refused_while_loading(tmp_path):
    spec = tmp_path / "bomb.yaml"
    pet = "    Pet:\n      type: object\n      properties:\n        bomb: *s9\n"
    spec.write_text(f"{HEAD}{PATHS}components:\n  schemas:\n{schema_levels(' ' * 4)}{pet}")
    error = refused_quickly(lambda: Client(spec, base_url="http://x"), "excessive aliasing")
    assert error.source == str(spec)


def test_an_alias_bomb_in_swagger_2_definitions_is_refused_while_loading(tmp_path):
    spec = tmp_path / "swagger.yaml"
    head = 'swagger: "2.0"\ninfo: {title: T, version: "1"}\npaths: {}\ndefinitions:\n'
    spec.write_text(head + schema_levels(" " * 2))
    error = refused_quickly(lambda: Client(spec, base_url="http://x"), "excessive aliasing")
    assert error.source == str(spec)


def test_a_merge_key_bomb_is_refused(tmp_path):
    spec = tmp_path / "merge.yaml"
    lines = ["x-merge:", "  m0: &m0 {" + ", ".join(f"k{i}: {i}" for i in range(10)) + "}"]
    for level in range(1, 10):
        lines.append(f"  m{level}: &m{level} {{<<: [{', '.join([f'*m{level - 1}'] * 10)}]}}")
    spec.write_text(HEAD + "paths: {}\n" + "\n".join(lines) + "\n")
    refused_quickly(lambda: Client(spec), "excessive aliasing")


def test_a_referenced_yaml_document_is_limited_too(tmp_path):
    (tmp_path / "schemas.yaml").write_text("Pet:\n  type: object\n  example:\n" + lol_levels(" " * 4))
    spec = tmp_path / "api.yaml"
    spec.write_text(HEAD + PATHS.replace("#/components/schemas/Pet", "schemas.yaml#/Pet"))
    client = Client(spec, base_url="http://x")
    error = refused_quickly(lambda: client.add_pet.prepare(), "excessive aliasing", "'schemas.yaml#/Pet'")
    assert error.pointer.endswith("/schema")


def test_a_recursive_alias_is_refused(tmp_path):
    spec = tmp_path / "loop.yaml"
    spec.write_text(HEAD + "paths: {}\nx-loop: &loop [1, *loop]\n")
    refused_quickly(lambda: Client(spec), "names a node that contains it")


def test_ordinary_aliases_load(tmp_path):
    spec = tmp_path / "anchors.yaml"
    spec.write_text(
        HEAD
        + PATHS
        + "components:\n  schemas:\n    Name: &name {type: string, maxLength: 3}\n"
        + "    Pet:\n      type: object\n      properties:\n        name: *name\n        nick: *name\n"
        + "      x-base: &base {a: 1}\n      x-merged: {<<: *base, b: 2}\n"
    )
    client = Client(spec, base_url="http://x")
    assert client.spec.document["components"]["schemas"]["Pet"]["x-merged"] == {"a": 1, "b": 2}
    client.add_pet.prepare(name="abc", nick="def")
    with pytest.raises(SpecError, match="excessive aliasing"):
        Client(spec, spec_limits={"max_alias_nodes": 2})


def test_shared_containers_of_a_dict_spec_are_counted_like_aliases():
    level: object = ["lol"] * 10
    for _ in range(9):
        level = [level] * 10
    refused_quickly(lambda: Client(api(**{"x-bomb": level})), "excessive aliasing")


# -- depth ----------------------------------------------------------------------------------------------------


def nested_json(depth: int) -> str:
    return '{"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}, "x-deep": ' + (
        "[" * depth + "]" * depth + "}"
    )


@pytest.mark.parametrize("depth", [150, 100_000])
def test_deep_json_text_is_a_spec_error(tmp_path, depth):
    spec = tmp_path / "deep.json"
    spec.write_text(nested_json(depth))
    error = refused_quickly(lambda: Client(spec), "nest deeper than")
    assert error.source == str(spec)


@pytest.mark.parametrize("innermost", ["[]", "{}", '{"leaf": "a dict of atoms, which CPython leaves untracked"}'])
@pytest.mark.parametrize("wrap", ["[{}]", '{{"k": {}}}', '[1, "[[", {}, {{"a": 2}}, []]'])
def test_json_nested_exactly_max_depth_loads_and_one_level_more_does_not(tmp_path, wrap, innermost):
    def nested(levels: int) -> str:  # the document itself is the first level
        value = innermost
        for _ in range(levels - 2):
            value = wrap.format(value)
        return '{"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}, "x-deep": ' + value + "}"

    spec = tmp_path / "deep.json"
    for max_depth in (3, 40):
        spec.write_text(nested(max_depth))
        Client(spec, spec_limits={"max_depth": max_depth})
        spec.write_text(nested(max_depth + 1))
        with pytest.raises(SpecError, match=f"deeper than {max_depth} levels"):
            Client(spec, spec_limits={"max_depth": max_depth})


def test_deep_json_loads_when_max_depth_allows_it(tmp_path):
    spec = tmp_path / "deep.json"
    spec.write_text(nested_json(150))
    value, depth = Client(spec, spec_limits={"max_depth": 200}).spec.document["x-deep"], 0
    while value:
        value, depth = value[0], depth + 1
    assert depth == 149


@pytest.mark.parametrize(
    "text",
    [
        HEAD + "paths: {}\nx-deep: " + "[" * 100_000 + "]" * 100_000 + "\n",
        HEAD + "paths: {}\nx-deep:\n" + "  " + "- " * 5_000 + "x\n",
        HEAD + "paths: {}\nx-deep:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 300)) + " " * 300 + "v: 1\n",
    ],
    ids=["flow", "block-sequences", "block-mappings"],
)
def test_deep_yaml_is_a_spec_error(tmp_path, text):
    spec = tmp_path / "deep.yaml"
    spec.write_text(text)
    error = refused_quickly(lambda: Client(spec), "nest deeper than 100 levels")
    assert error.source == str(spec)


def test_a_deep_alias_chain_is_a_spec_error(tmp_path):
    lines = ["x-chain:", "  c0: &c0 [1]"] + [f"  c{i}: &c{i} [*c{i - 1}]" for i in range(1, 200)]
    spec = tmp_path / "chain.yaml"
    spec.write_text(HEAD + "paths: {}\n" + "\n".join(lines) + "\n")
    refused_quickly(lambda: Client(spec), "nest deeper than")


def test_a_deep_dict_spec_is_a_spec_error():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    error = refused_quickly(lambda: Client(api(**{"x-deep": deep})), "nest deeper than 100 levels")
    assert error.source == "<dict>"


def test_a_dict_spec_that_contains_itself_is_a_spec_error():
    spec = api()
    spec["x-self"] = {"again": spec}
    refused_quickly(lambda: Client(spec), "contains itself")


def test_a_deep_schema_within_the_limit_still_works():
    schema: dict = {"type": "string"}
    value: object = "leaf"
    for _ in range(40):  # two levels each: 80 levels of schema under the 7 of the operation
        schema = {"type": "object", "properties": {"a": schema}}
        value = {"a": value}
    spec = api(
        paths={
            "/x": {
                "post": {
                    "operationId": "send",
                    "requestBody": {"content": {"application/json": {"schema": schema}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        }
    )
    client = Client(spec, base_url="http://x")
    assert client.send.__doc__
    client.send.prepare(a=value["a"])


# -- options -----------------------------------------------------------------------------------------------------


def test_limits_are_checked():
    assert SpecLimits.of(None) == SpecLimits()
    assert SpecLimits.of({"max_depth": 50}) == SpecLimits(max_depth=50)
    assert Spec(api(), limits=SpecLimits(max_bytes=10)).limits.max_bytes == 10  # a dict spec has no bytes
    with pytest.raises(ConfigurationError, match="max_size"):
        Client(api(), spec_limits={"max_size": 10})
    with pytest.raises(ConfigurationError, match="max_depth"):
        SpecLimits(max_depth=0)
    with pytest.raises(ConfigurationError, match="max_bytes"):
        SpecLimits(max_bytes=True)
    with pytest.raises(ConfigurationError):
        Client(api(), spec_limits=100)


def test_yaml_still_reads_like_yaml(tmp_path):
    spec = tmp_path / "plain.yaml"
    spec.write_text(HEAD + "paths: {}\nx-values: {date: 2024-01-01, 1: one, null: none, yes: true}\n")
    assert Client(spec).spec.document["x-values"] == {"date": "2024-01-01", "1": "one", "null": "none", "true": True}
    (tmp_path / "two.yaml").write_text(HEAD + "paths: {}\n---\nagain: 1\n")
    with pytest.raises(SpecError, match="another document"):
        Client(tmp_path / "two.yaml")
    (tmp_path / "undefined.yaml").write_text(HEAD + "paths: {}\nx: *nope\n")
    with pytest.raises(SpecError, match="undefined alias"):
        Client(tmp_path / "undefined.yaml")
    (tmp_path / "twice.yaml").write_text(HEAD + "paths: {}\nx: &a 1\ny: &a 2\n")
    with pytest.raises(SpecError, match="second occurrence"):
        Client(tmp_path / "twice.yaml")


def test_an_empty_document_is_not_an_object(tmp_path: Path):
    (tmp_path / "empty.yaml").write_text("")
    with pytest.raises(SpecError, match="not a JSON/YAML object"):
        Client(tmp_path / "empty.yaml")

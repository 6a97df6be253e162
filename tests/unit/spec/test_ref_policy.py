"""The $ref policy: references stay in the spec's folder (file spec) or URL prefix (URL spec) unless allow_refs
lets them out; a session's credentials reach the spec's origin only; OpenAPI 3.1 $id references resolve locally.

Every server here is a real one on 127.0.0.1; tests that must not touch the network block every other
connection and DNS lookup.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
import requests

from talos_dynamic import Client, ConfigurationError, RequestValidationError, SpecError
from talos_dynamic.spec.model import Spec
from tests.conftest import CannedServer

ITEM = {"get": {"operationId": "getA", "responses": {"200": {"description": "ok"}}}}
THING = {"Thing": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 3}}}}


def api(paths: dict | None = None, version: str = "3.0.3", **extra: object) -> dict:
    return {"openapi": version, "info": {"title": "T", "version": "1"}, "paths": paths or {}, **extra}


def item_ref(ref: str) -> dict:
    """A spec whose only path item is a $ref: it is resolved when the spec loads."""
    return api({"/a": {"$ref": ref}})


def schema_ref(ref: str) -> dict:
    """A spec whose request body schema is a $ref: it is resolved when a request is prepared."""
    return api(
        {
            "/things": {
                "post": {
                    "operationId": "createThing",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": ref}}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        }
    )


def write(path: Path, document: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))
    return path


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """tmp/spec holds the spec; tmp/outside.json and tmp/secret.json lie outside its folder."""
    write(tmp_path / "outside.json", {"Item": ITEM, **THING})
    write(tmp_path / "secret.json", {"Item": ITEM, **THING})
    write(tmp_path / "spec" / "parts" / "item.json", {"Item": ITEM, **THING})
    return tmp_path / "spec"


@pytest.fixture()
def other() -> CannedServer:
    """A second server: another origin (another port) than `canned`."""
    server = CannedServer()
    yield server
    server.stop()


@pytest.fixture()
def no_network(monkeypatch) -> list:
    """Every connection and DNS lookup to anything but 127.0.0.1 fails, and is recorded."""
    attempts: list = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo, real_create_connection = socket.getaddrinfo, socket.create_connection

    def host_of(address: object) -> object:
        return address[0] if isinstance(address, tuple) else address

    def connect(self, address):
        if host_of(address) != "127.0.0.1":
            attempts.append(("connect", address))
            raise OSError(f"network blocked: {address!r}")
        return real_connect(self, address)

    def connect_ex(self, address):
        if host_of(address) != "127.0.0.1":
            attempts.append(("connect_ex", address))
            raise OSError(f"network blocked: {address!r}")
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if host != "127.0.0.1":
            attempts.append(("getaddrinfo", host))
            raise socket.gaierror(f"DNS blocked: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def create_connection(address, *args, **kwargs):
        if host_of(address) != "127.0.0.1":
            attempts.append(("create_connection", address))
            raise OSError(f"network blocked: {address!r}")
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return attempts


def refused(call, ref: str, source: object, pointer: str) -> SpecError:
    """The SpecError `call` raises, checked to name the $ref, the file and the JSON pointer it was at."""
    with pytest.raises(SpecError) as caught:
        call()
    error = caught.value
    assert "refused" in str(error) and repr(ref) in str(error), str(error)
    assert (error.source, error.pointer) == (str(source), pointer), str(error)
    return error


# -- file specs --------------------------------------------------------------------------------------


def test_relative_refs_inside_the_folder_resolve(folder):
    spec = write(folder / "api.json", item_ref("parts/item.json#/Item"))
    assert [op.__name__ for op in Client(spec, base_url="http://x").operations] == ["get_a"]


def test_a_file_outside_the_folder_is_refused(folder):
    spec = write(folder / "api.json", item_ref("../outside.json#/Item"))
    error = refused(lambda: Client(spec), "../outside.json#/Item", spec, "/paths/~1a")
    assert "outside the spec's folder" in str(error) and "allow_refs" in str(error)


@pytest.mark.parametrize("ref", ["%2e%2e/outside.json#/Item", "parts/../../outside.json#/Item", "/etc/hosts"])
def test_escapes_from_the_folder_are_refused_however_spelled(folder, ref):
    spec = write(folder / "api.json", item_ref(ref))
    refused(lambda: Client(spec), ref, spec, "/paths/~1a")


def test_a_refused_schema_ref_names_the_ref_and_where_it_was(folder):
    spec = write(folder / "api.json", schema_ref("../secret.json#/Thing"))
    client = Client(spec, base_url="http://x")  # schemas resolve lazily: the ref is met when preparing
    pointer = "/paths/~1things/post/requestBody/content/application~1json/schema"
    refused(lambda: client.create_thing.prepare(name="abc"), "../secret.json#/Thing", spec, pointer)


def test_file_urls_are_refused_outside_the_folder(folder):
    ref = (folder.parent / "secret.json").as_uri() + "#/Item"
    spec = write(folder / "api.json", item_ref(ref))
    refused(lambda: Client(spec), ref, spec, "/paths/~1a")
    # a file:// URL is a path like any other: inside the folder it resolves
    inside = write(folder / "inside.json", item_ref((folder / "parts" / "item.json").as_uri() + "#/Item"))
    assert len(Client(inside).operations) == 1


def test_a_file_spec_never_fetches_an_http_ref_silently(folder, canned):
    canned.answer("/common.json", 200, {"Item": ITEM})
    ref = f"{canned.url}/common.json#/Item"
    spec = write(folder / "api.json", item_ref(ref))
    error = refused(lambda: Client(spec), ref, spec, "/paths/~1a")
    assert "on the network" in str(error)
    assert canned.requests == []
    assert len(Client(spec, allow_refs=[f"{canned.url}/"]).operations) == 1
    assert [r["path"] for r in canned.requests] == ["/common.json"]


def test_a_dict_spec_refs_stay_in_the_current_directory(folder, monkeypatch):
    monkeypatch.chdir(folder)
    assert len(Client(item_ref("parts/item.json#/Item")).operations) == 1
    error = refused(lambda: Client(item_ref("../outside.json#/Item")), "../outside.json#/Item", "<dict>", "/paths/~1a")
    assert "current directory" in str(error)


# -- allow_refs ----------------------------------------------------------------------------------------


def test_allow_refs_folders_and_true(folder):
    spec = write(folder / "api.json", item_ref("../outside.json#/Item"))
    assert len(Client(spec, allow_refs=[folder.parent]).operations) == 1
    assert len(Client(spec, allow_refs=str(folder.parent / "outside.json")).operations) == 1
    assert len(Client(spec, allow_refs=folder.parent.as_uri()).operations) == 1
    assert len(Client(spec, allow_refs=True).operations) == 1
    with pytest.raises(SpecError, match="refused"):
        Client(spec, allow_refs=[folder.parent / "secret.json"])
    with pytest.raises(SpecError, match="refused"):
        Client(spec, allow_refs=False)


def test_allow_refs_prefixes_match_whole_segments(tmp_path):
    write(tmp_path / "schemas-old" / "item.json", {"Item": ITEM})
    spec = write(tmp_path / "spec" / "api.json", item_ref("../schemas-old/item.json#/Item"))
    with pytest.raises(SpecError, match="refused"):
        Client(spec, allow_refs=[tmp_path / "schemas"])
    assert len(Client(spec, allow_refs=[tmp_path / "schemas-old"]).operations) == 1


@pytest.mark.parametrize("bad", [3, [object()], "ftp://example.com/", ["mailto:a@b"]])
def test_allow_refs_refuses_what_it_cannot_read(bad):
    with pytest.raises(ConfigurationError, match="allow_refs"):
        Spec(api(), allow_refs=bad)


# -- URL specs -------------------------------------------------------------------------------------------


def test_a_url_spec_resolves_relative_refs_under_its_prefix(canned):
    canned.answer("/v1/api.json", 200, item_ref("parts/item.json#/Item"))
    canned.answer("/v1/parts/item.json", 200, {"Item": ITEM})
    assert len(Client(f"{canned.url}/v1/api.json").operations) == 1


def test_a_url_spec_refuses_another_origin(canned, other):
    other.answer("/common.json", 200, {"Item": ITEM})
    ref = f"{other.url}/common.json#/Item"
    canned.answer("/v1/api.json", 200, item_ref(ref))
    url = f"{canned.url}/v1/api.json"
    error = refused(lambda: Client(url), ref, url, "/paths/~1a")
    assert "another origin" in str(error)
    assert other.requests == []
    assert len(Client(url, allow_refs=[f"{other.url}/common.json"]).operations) == 1
    assert len(other.requests) == 1


def test_a_url_spec_refuses_other_hosts_without_any_lookup(canned, no_network):
    ref = "https://schemas.example.com/common.json#/Item"
    canned.answer("/v1/api.json", 200, item_ref(ref))
    url = f"{canned.url}/v1/api.json"
    refused(lambda: Client(url), ref, url, "/paths/~1a")
    assert no_network == []


def test_a_url_spec_refuses_its_origin_outside_its_prefix_and_local_files(canned, folder):
    canned.answer("/v1/api.json", 200, item_ref("../admin/item.json#/Item"))
    url = f"{canned.url}/v1/api.json"
    error = refused(lambda: Client(url), "../admin/item.json#/Item", url, "/paths/~1a")
    assert "URL prefix" in str(error)
    file_ref = (folder / "parts" / "item.json").as_uri() + "#/Item"
    canned.answer("/v1/local.json", 200, item_ref(file_ref))
    local = f"{canned.url}/v1/local.json"
    assert "local file" in str(refused(lambda: Client(local), file_ref, local, "/paths/~1a"))
    assert [r["path"] for r in canned.requests] == ["/v1/api.json", "/v1/local.json"]


def test_a_ref_redirected_off_its_prefix_is_refused(canned, other):
    other.answer("/item.json", 200, {"Item": ITEM})
    canned.answer("/v1/api.json", 200, item_ref("moved.json#/Item"))
    canned.answer("/v1/moved.json", 302, b"", headers={"Location": f"{other.url}/item.json"})
    url = f"{canned.url}/v1/api.json"
    with pytest.raises(SpecError, match="redirected to") as caught:
        Client(url)
    assert caught.value.pointer == "/paths/~1a"
    assert other.requests == []
    assert len(Client(url, allow_refs=[other.url]).operations) == 1


# -- credentials -------------------------------------------------------------------------------------------

SECRET_HEADERS = ("authorization", "x-api-key", "cookie")


def secret_headers(request: dict) -> dict:
    return {k.lower(): v for k, v in request["headers"].items() if k.lower() in SECRET_HEADERS}


def test_session_credentials_go_to_the_spec_origin_only(canned, other):
    other.answer("/common/item.json", 200, {"Item": ITEM, **THING})
    other.answer("/common/moved.json", 200, THING)
    spec = schema_ref("moved.json#/Thing")
    spec["paths"]["/a"] = {"$ref": f"{other.url}/common/item.json#/Item"}
    canned.answer("/v1/api.json", 200, spec)
    canned.answer("/v1/moved.json", 302, b"", headers={"Location": f"{other.url}/common/moved.json"})
    session = requests.Session()
    session.headers.update({"Authorization": "Bearer spec-secret", "X-Api-Key": "spec-key"})
    session.cookies.set("sid", "spec-cookie", domain="127.0.0.1")
    client = Client(
        f"{canned.url}/v1/api.json", session=session, allow_refs=[f"{other.url}/common/"], base_url="http://x"
    )
    client.create_thing.prepare(name="abc")
    own = [r for r in canned.requests if r["path"] == "/v1/api.json"]
    assert secret_headers(own[0])["authorization"] == "Bearer spec-secret"
    assert secret_headers(own[0])["x-api-key"] == "spec-key"
    assert [r["path"] for r in other.requests] == ["/common/item.json", "/common/moved.json"]
    for request in other.requests:  # an allowed ref elsewhere, and a redirect there: no credentials
        assert secret_headers(request) == {}, request["path"]


# -- OpenAPI 3.1 $id ---------------------------------------------------------------------------------------

PET_ID, TAG_ID = "https://schemas.example.com/pet", "https://schemas.example.com/tag"


def id_spec(tag_ref: str = "tag") -> dict:
    pet = {
        "$id": PET_ID,
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string"}, "tag": {"$ref": tag_ref}},
    }
    spec = schema_ref(PET_ID)
    spec["openapi"] = "3.1.0"
    spec["paths"]["/things"]["post"]["responses"]["200"]["content"] = {"application/json": {"schema": {"$ref": PET_ID}}}
    spec["components"] = {"schemas": {"Pet": pet, "Tag": {"$id": TAG_ID, "type": "string", "maxLength": 3}}}
    return spec


def test_31_id_references_resolve_locally_without_network(tmp_path, no_network):
    spec = write(tmp_path / "api.json", id_spec())
    client = Client(spec, base_url="http://127.0.0.1:9")
    op = client.create_thing
    assert "name" in op.__doc__
    assert json.loads(op.prepare(name="rex", tag="abc").body) == {"name": "rex", "tag": "abc"}
    with pytest.raises(RequestValidationError) as caught:
        op.prepare(name="rex", tag="abcd")
    assert [(v.path, v.rule) for v in caught.value.violations] == [("$.tag", "maxLength")]
    for op in client.operations:
        assert op.__doc__
    assert client.spec.store.get(TAG_ID)["maxLength"] == 3
    assert no_network == []


def test_31_unknown_id_is_a_spec_error_not_a_download(tmp_path, no_network):
    spec = write(tmp_path / "api.json", id_spec("https://schemas.example.com/missing"))
    client = Client(spec, base_url="http://127.0.0.1:9")
    with pytest.raises(SpecError):
        client.create_thing.prepare(name="rex", tag="abc")
    # the store validation's reference registry asks: refused, so the registry answers NoSuchResource
    with pytest.raises(SpecError, match="refused"):
        client.spec.store.get("https://schemas.example.com/missing")
    assert no_network == []


def test_31_id_references_of_a_dict_spec(no_network):
    client = Client(id_spec(), base_url="http://127.0.0.1:9")
    with pytest.raises(RequestValidationError):
        client.create_thing.prepare(name="rex", tag="abcd")
    assert no_network == []


# -- ref_loader ----------------------------------------------------------------------------------------------


def test_ref_loader_supplies_documents_before_the_policy(folder, no_network):
    asked = []

    def loader(uri: str) -> object:
        asked.append(uri)
        if uri == "https://schemas.example.com/common.json":
            return {"Item": ITEM}
        if uri.endswith("/text.yaml"):
            return "Thing:\n  type: string\n"
        return None  # the policy decides

    spec = write(folder / "api.json", item_ref("https://schemas.example.com/common.json#/Item"))
    assert len(Client(spec, ref_loader=loader).operations) == 1
    text = write(folder / "text.json", schema_ref("https://schemas.example.com/text.yaml#/Thing"))
    client = Client(text, ref_loader=loader, base_url="http://x")
    assert json.loads(client.create_thing.prepare(body="s").body) == "s"
    outside = write(folder / "outside.json", item_ref("../outside.json#/Item"))
    refused(lambda: Client(outside, ref_loader=loader), "../outside.json#/Item", outside, "/paths/~1a")
    assert str(spec.as_uri()) not in asked  # never asked for the spec itself
    assert no_network == []


def test_ref_loader_failures_are_spec_errors(folder):
    def loader(uri: str) -> object:
        raise RuntimeError("registry down")

    spec = write(folder / "api.json", item_ref("parts/item.json#/Item"))
    with pytest.raises(SpecError, match="registry down") as caught:
        Client(spec, ref_loader=loader)
    assert caught.value.pointer == "/paths/~1a"
    with pytest.raises(ConfigurationError, match="ref_loader"):
        Client(spec, ref_loader="not callable")

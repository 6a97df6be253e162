"""The Swagger 2.0 upgrade is lazy: binding upgrades nothing, an operation's path item is upgraded when the
operation is first used, and what every reader sees is what the eager upgrade makes."""

import copy
import gc
import json
import pickle
import random
import threading
import warnings

import pytest
import yaml

from talos_dynamic import Client, SpecError
from talos_dynamic.spec.deferred import DeferredDict

from ..test_fuzz import Mutator
from .upgrade_observations import load, observations, unbuilt


def pet_store():
    """A Swagger 2.0 document with a bit of everything the upgrade converts."""
    pet = {"$ref": "#/definitions/Pet"}
    return {
        "swagger": "2.0",
        "info": {"title": "pets", "version": "1"},
        "host": "127.0.0.1:9",
        "basePath": "/v1",
        "schemes": ["http"],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "securityDefinitions": {
            "key": {"type": "apiKey", "name": "X-Key", "in": "header"},
            "oauth": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "u", "tokenUrl": "t"},
        },
        "security": [{"key": []}],
        "parameters": {
            "limit": {"name": "limit", "in": "query", "type": "integer", "maximum": 100},
            "tags": {"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}},
            "petBody": {"name": "pet", "in": "body", "required": True, "schema": pet},
        },
        "responses": {"NotFound": {"description": "no such pet", "schema": {"$ref": "#/definitions/Error"}}},
        "definitions": {
            "Pet": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "tag": {"type": "string", "x-nullable": True},
                    "kind": {"type": "string", "enum": ["cat", "dog"]},
                    "owner": {"$ref": "#/definitions/Owner"},
                },
                "discriminator": "kind",
            },
            "Owner": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "pets": {"type": "array", "items": pet}},
            },
            "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
            "Unused": {"type": "string", "format": "date-time"},
        },
        "paths": {
            "/pets": {
                "x-owner": "team",
                "get": {
                    "operationId": "listPets",
                    "tags": ["pets"],
                    "summary": "List pets",
                    "parameters": [{"$ref": "#/parameters/limit"}, {"$ref": "#/parameters/tags"}],
                    "responses": {"200": {"description": "ok", "schema": {"type": "array", "items": pet}}},
                },
                "post": {
                    "operationId": "createPet",
                    "parameters": [{"$ref": "#/parameters/petBody"}],
                    "responses": {
                        "201": {"description": "made", "schema": pet},
                        "default": {"$ref": "#/responses/NotFound"},
                    },
                },
            },
            "/pets/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "type": "string"}],
                "delete": {
                    "operationId": "deletePet",
                    "deprecated": True,
                    "responses": {"204": {"description": "gone"}},
                },
                "get": {
                    "description": "One pet.",
                    "produces": ["application/json", "application/xml"],
                    "responses": {"200": {"description": "ok", "schema": pet}, "404": {"$ref": "#/responses/NotFound"}},
                },
                "patch": {
                    "operationId": "patchPet",
                    "consumes": ["application/merge-patch+json"],
                    "parameters": [{"$ref": "#/parameters/petBody"}],
                    "responses": {"200": {"description": "ok"}},
                },
            },
            "/pets/{id}/photo": {
                "post": {
                    "operationId": "uploadPhoto",
                    "consumes": ["multipart/form-data"],
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "type": "string"},
                        {"name": "photo", "in": "formData", "type": "file", "required": True},
                        {
                            "name": "labels",
                            "in": "formData",
                            "type": "array",
                            "items": {"type": "string"},
                            "collectionFormat": "pipes",
                        },
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            },
            "/owners": {"get": {"operationId": "listOwners", "responses": {"200": {"description": "ok"}}}},
        },
    }


def test_binding_upgrades_nothing_and_an_operation_upgrades_its_own_path_item_when_first_used():
    client = Client(pet_store())
    document = client.spec.document
    waiting = unbuilt(document)
    assert waiting == 4 + 2 + 1 + 4  # paths, parameters (the body one is no component), responses, definitions
    assert [op.__name__ for op in client.operations] == [
        "list_pets",
        "create_pet",
        "get_pets_id",
        "delete_pet",
        "patch_pet",
        "upload_photo",
        "list_owners",
    ]
    assert "limit" in str(client.list_pets.__signature__)
    assert document["paths"].unbuilt() == ["/pets/{id}", "/pets/{id}/photo", "/owners"]
    sent = client.patch_pet.prepare(id="7", name="Rex", _validate="off")
    assert sent.headers["Content-Type"] == "application/merge-patch+json"
    assert document["paths"].unbuilt() == ["/pets/{id}/photo", "/owners"]
    assert "Unused" in document["components"]["schemas"].unbuilt()


def test_the_lazy_upgrade_shows_exactly_what_the_eager_upgrade_shows():
    lazy, eager = load(pet_store()), load(pet_store(), eager=True)
    assert unbuilt(eager.document) == 0
    assert observations(lazy) == observations(eager)
    assert unbuilt(lazy.document) == 0
    assert json.dumps(lazy.document, sort_keys=True) == json.dumps(eager.document, sort_keys=True)


def test_references_to_other_files_and_to_the_document_itself_upgrade_the_same(tmp_path):
    (tmp_path / "common.yaml").write_text(
        yaml.safe_dump(
            {
                "parameters": {
                    "ids": {"name": "ids", "in": "query", "type": "array", "items": {"type": "integer"}},
                    "again": {"$ref": "api.json#/parameters/limit"},  # back into the root, as written
                    "body": {"name": "body", "in": "body", "schema": {"$ref": "#/definitions/Patch"}},
                },
                "definitions": {"Patch": {"type": "object", "properties": {"size": {"type": "integer"}}}},
                "responses": {"Thing": {"description": "ok", "schema": {"$ref": "#/definitions/Patch"}}},
            }
        )
    )
    (tmp_path / "item.yaml").write_text(
        yaml.safe_dump({"parameters": [{"$ref": "common.yaml#/parameters/ids"}], "get": {"responses": {}}})
    )
    document = pet_store()
    document["paths"]["/things"] = {
        "get": {
            "operationId": "listThings",
            "parameters": [
                {"$ref": "common.yaml#/parameters/ids"},
                {"$ref": "common.yaml#/parameters/again"},
                {"$ref": "api.json#/parameters/tags"},
                {"$ref": "missing.yaml#/parameters/x"},
            ],
            "responses": {
                "200": {"$ref": "common.yaml#/responses/Thing"},
                "400": {"$ref": "api.json#/responses/NotFound"},
            },
        },
        "put": {"parameters": [{"$ref": "common.yaml#/parameters/body"}], "responses": {}},
    }
    document["paths"]["/item"] = {"$ref": "item.yaml"}
    document["paths"]["/self"] = {"$ref": "api.json#/paths/~1owners"}
    (tmp_path / "api.json").write_text(json.dumps(document))
    lazy, eager = load(tmp_path / "api.json"), load(tmp_path / "api.json", eager=True)
    assert observations(lazy) == observations(eager)
    assert "missing.yaml" in str(observations(lazy))  # the $ref that does not load is named, as before


OWNERS_GET = {"operationId": "listOwners", "responses": {"200": {"description": "ok"}}}


@pytest.mark.parametrize(
    "paths",
    [
        {"/alias": {"get": {"$ref": "#/paths/~1owners/get"}}, "/owners": {"get": OWNERS_GET}},
        {"/alias": {"$ref": "#/paths/~1owners"}, "/owners": {"get": OWNERS_GET}},
        {"/odd": {"get": "not an operation"}, "/owners": {"get": OWNERS_GET}},
        {"/odd": "not a path item", "/owners": {"get": OWNERS_GET}},
        {"/odd": {"GET": OWNERS_GET, "trace": OWNERS_GET, "summary": "s", 7: OWNERS_GET, "patch": OWNERS_GET}},
        {"/odd": {"post": OWNERS_GET, "get": {**OWNERS_GET, "operationId": 5}, "parameters": "x"}},
        {7: {"get": OWNERS_GET}},
        [],
        "paths",
        None,
    ],
)
def test_odd_paths_and_path_items_list_the_same_operations_or_errors_either_way(paths):
    document = {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": paths}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert observations(load(document)) == observations(load(document, eager=True))


def mutated_documents(count):
    mutator = Mutator(pet_store())
    for index in range(count):
        rng = random.Random(f"lazy/{index}")
        yield mutator.mutate(rng, rng.choice((1, 1, 2, 3)))


def test_a_malformed_document_fails_with_the_same_error_at_the_same_pointer_either_way():
    compared = failed = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for document, done in mutated_documents(600):
            lazy, eager = observations(load(document)), observations(load(document, eager=True))
            # repr as well: a NaN the mutator put in is unequal to itself, and Python 3.13's dataclass __eq__
            # compares field by field (3.11's compared tuples, which take the same object as equal)
            assert lazy == eager or repr(lazy) == repr(eager), done
            compared += 1
            failed += any(isinstance(seen, tuple) and seen[:1] == ("SpecError",) for seen in lazy)
    assert compared == 600 and failed > 100  # the mutations do break documents


def test_operations_used_from_many_threads_at_once_see_one_upgrade():
    client = Client(pet_store())
    operations = [op for op in client.spec.operations]
    barrier = threading.Barrier(8)
    seen, problems = [], []

    def use() -> None:
        barrier.wait()
        try:
            seen.append([(op.node.value, op.parameters, op.request_body, op.responses) for op in operations])
        except Exception as exc:  # pragma: no cover - reported below
            problems.append(exc)

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not problems
    first = seen[0]
    for other in seen[1:]:
        assert all(a[0] is b[0] for a, b in zip(first, other, strict=True))  # the same node, built once
        assert other == first


# DeferredDict itself


def counted():
    built = []

    def build(value):
        built.append(value)
        return {"built": value}

    return DeferredDict([("a", 1), ("b", 2)], build), built


def test_a_deferred_dict_builds_a_value_when_it_is_read_and_only_once():
    mapping, built = counted()
    assert (len(mapping), list(mapping), "a" in mapping, built) == (2, ["a", "b"], True, [])
    assert mapping["a"] == {"built": 1} and mapping.get("a") is mapping["a"]
    assert (mapping.get("zz", 5), built, mapping.unbuilt()) == (5, [1], ["b"])


@pytest.mark.parametrize(
    "read",
    [
        lambda m: json.dumps(m),
        lambda m: json.dumps(m, indent=1, sort_keys=True),
        lambda m: dict(**m),
        lambda m: (lambda into: (into.update(m), into)[1])({}),
        lambda m: repr(m),
        lambda m: dict(m),
        lambda m: {**m},
        lambda m: m.copy(),
        lambda m: m | {},
        lambda m: {} | m,
        lambda m: list(m.values()),
        lambda m: list(m.items()),
        lambda m: copy.copy(m),
        lambda m: copy.deepcopy(m),
        lambda m: pickle.loads(pickle.dumps(m)),
        lambda m: m == {"a": {"built": 1}, "b": {"built": 2}},
    ],
)
def test_whatever_reads_every_value_of_a_deferred_dict_sees_them_built(read):
    mapping, built = counted()
    result = read(mapping)
    assert built == [1, 2]
    plain = {"a": {"built": 1}, "b": {"built": 2}}
    if isinstance(result, dict):
        assert type(result) is dict and result == plain
    elif isinstance(result, str):
        assert "_Source" not in result and "built" in result
    assert mapping == plain and plain == mapping


def test_threads_reading_one_value_of_a_deferred_dict_at_once_build_it_once():
    calls = []
    gate = threading.Event()

    def slow(value):
        calls.append(value)
        gate.wait(1)
        return [value]

    mapping = DeferredDict([("k", 1)], slow)
    results = []
    threads = [threading.Thread(target=lambda: results.append(mapping["k"])) for _ in range(6)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join()
    assert calls == [1] and len(results) == 6 and all(r is results[0] for r in results)


@pytest.mark.parametrize("collecting", [True, False])
def test_loading_leaves_the_garbage_collector_as_it_found_it(tmp_path, collecting):
    (tmp_path / "api.json").write_text(json.dumps(pet_store()))
    (tmp_path / "broken.json").write_text('{"swagger": "2.0", "paths": {')
    was = gc.isenabled()
    try:
        gc.enable() if collecting else gc.disable()
        Client(tmp_path / "api.json").patch_pet.prepare(id="1", name="x")
        Client(pet_store())
        with pytest.raises(SpecError):
            Client(tmp_path / "broken.json")
        assert gc.isenabled() is collecting
    finally:
        gc.enable() if was else gc.disable()

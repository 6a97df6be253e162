import copy
import json

import pytest
import yaml

from talos_dynamic import Client, RequestValidationError, SpecError
from talos_dynamic.bundled import TALOS_SPEC


def minimal(paths=None, components=None, version="3.0.3"):
    spec = {"openapi": version, "info": {"title": "T", "version": "1"}, "paths": paths or {}}
    if components:
        spec["components"] = components
    return spec


NODE = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string"},
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
    },
}
TREE_OP = {
    "/trees": {
        "post": {
            "operationId": "plantTree",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}},
            },
            "responses": {"204": {"description": "ok"}},
        }
    }
}


def test_bundled_spec_loads_from_yaml_path():
    client = Client(TALOS_SPEC, base_url="http://127.0.0.1:9")
    assert len(client.operations) == 10
    assert client.AdminIssueAPIKey is client.admin_issue_api_key


def test_json_and_yaml_files_give_the_same_operations(tmp_path):
    spec = yaml.safe_load(TALOS_SPEC.read_text())
    (tmp_path / "t.json").write_text(json.dumps(spec))
    from_json = Client(tmp_path / "t.json", base_url="http://x")
    from_yaml = Client(str(TALOS_SPEC), base_url="http://x")
    assert [o.__name__ for o in from_json.operations] == [o.__name__ for o in from_yaml.operations]


def test_dict_source_is_never_mutated():
    spec = minimal(TREE_OP, {"schemas": {"Node": NODE}})
    before = copy.deepcopy(spec)
    client = Client(spec, base_url="http://x")
    client.plant_tree.prepare(name="root", children=[{"name": "leaf", "children": []}])
    assert spec == before


def test_recursive_schema_validates_deep_values():
    client = Client(minimal(TREE_OP, {"schemas": {"Node": NODE}}), base_url="http://x")
    client.plant_tree.prepare(name="a", children=[{"name": "b", "children": [{"name": "c"}]}])
    with pytest.raises(RequestValidationError) as caught:
        client.plant_tree.prepare(name="a", children=[{"name": "b", "children": [{"children": []}]}])
    assert caught.value.violations[0].path == "$.children[0].children[0]"
    assert caught.value.violations[0].rule == "required"


def test_relative_refs_across_files(tmp_path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "pet.yaml").write_text(
        yaml.safe_dump(
            {
                "Pet": {"type": "object", "properties": {"tag": {"$ref": "#/Tag"}}},
                "Tag": {"type": "string", "maxLength": 3},
            }
        )
    )
    (tmp_path / "params.yaml").write_text(
        yaml.safe_dump({"name": "limit", "in": "query", "schema": {"type": "integer"}})
    )
    root = minimal(
        {
            "/pets": {
                "post": {
                    "operationId": "addPet",
                    "parameters": [{"$ref": "params.yaml"}],
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "schemas/pet.yaml#/Pet"}}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        }
    )
    (tmp_path / "api.yaml").write_text(yaml.safe_dump(root))
    client = Client(tmp_path / "api.yaml", base_url="http://x")
    assert client.add_pet.prepare(limit=2, tag="abc").url == "http://x/pets?limit=2"
    with pytest.raises(RequestValidationError) as caught:
        client.add_pet.prepare(limit="two", tag="abcd")
    assert {(v.path, v.rule) for v in caught.value.violations} == {("limit", "type"), ("$.tag", "maxLength")}


def test_openapi_31_type_arrays_and_const():
    spec = minimal(
        {
            "/x": {
                "post": {
                    "operationId": "send",
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"kind": {"const": "a"}, "note": {"type": ["string", "null"]}},
                                }
                            }
                        }
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        version="3.1.0",
    )
    client = Client(spec, base_url="http://x")
    client.send.prepare(kind="a", note=None)
    with pytest.raises(RequestValidationError) as caught:
        client.send.prepare(kind="b", note=3)
    assert {v.rule for v in caught.value.violations} == {"const", "type"}


def test_missing_file(tmp_path):
    with pytest.raises(SpecError) as caught:
        Client(tmp_path / "nope.yaml")
    assert "nope.yaml" in str(caught.value) and "not found" in str(caught.value)


def test_not_json_or_yaml(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: 3.0.0\npaths: [unclosed\n")
    with pytest.raises(SpecError) as caught:
        Client(bad)
    assert "bad.yaml" in str(caught.value) and "line" in str(caught.value)


def test_not_openapi_and_unknown_swagger(tmp_path):
    with pytest.raises(SpecError, match="no 'openapi' version"):
        Client({"info": {}})
    with pytest.raises(SpecError, match="Swagger 1.2 is not supported") as caught:
        Client({"swagger": "1.2", "info": {}, "paths": {}})
    assert caught.value.pointer == "/swagger"


def test_dangling_ref_in_a_parameter_names_the_pointer():
    spec = minimal(
        {
            "/a": {
                "get": {
                    "operationId": "getA",
                    "parameters": [{"$ref": "#/components/parameters/Nope"}],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        }
    )
    client = Client(spec, base_url="http://x")
    with pytest.raises(SpecError) as caught:
        client.get_a.prepare()
    assert caught.value.pointer == "/paths/~1a/get/parameters/0"
    assert "#/components/parameters/Nope" in str(caught.value)


def test_dangling_ref_in_a_schema_names_the_pointer():
    spec = minimal(
        {
            "/a": {
                "post": {
                    "operationId": "postA",
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/Gone"}}}
                            }
                        }
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        }
    )
    with pytest.raises(SpecError) as caught:
        Client(spec, base_url="http://x").post_a.prepare(x=1)
    assert "/paths/~1a/post/requestBody/content/application~1json/schema" in str(caught.value)


def test_dangling_path_item_ref_fails_at_load():
    with pytest.raises(SpecError) as caught:
        Client(minimal({"/a": {"$ref": "#/components/pathItems/A"}}))
    assert caught.value.pointer == "/paths/~1a"


def test_binding_is_lazy():
    client = Client(TALOS_SPEC, base_url="http://x")
    assert client._validators._cache == {}
    assert all("parameters" not in op.__dict__ for op in client.spec.operations)
    client.admin_get_issued_api_key.prepare(key_id="k")
    assert len(client._validators._cache) == 1

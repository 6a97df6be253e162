"""Parameter serialization against the style tables of the OpenAPI specification (3.0.4 / 3.1.1 wording)."""

import pytest

from talos_dynamic.call.serialize import serialize_cookie, serialize_header, serialize_path, serialize_query
from talos_dynamic.spec.operations import Parameter

STRING, ARRAY, OBJECT = "blue", ["blue", "black", "brown"], {"R": 100, "G": 200, "B": 150}


def param(location, style, explode, name="color", allow_reserved=False):
    return Parameter(
        name=name,
        location=location,
        required=False,
        schema=None,
        style=style,
        explode=explode,
        allow_reserved=allow_reserved,
    )


@pytest.mark.parametrize(
    ("style", "explode", "empty", "string", "array", "obj"),
    [
        ("matrix", False, ";color", ";color=blue", ";color=blue,black,brown", ";color=R,100,G,200,B,150"),
        ("matrix", True, ";color", ";color=blue", ";color=blue;color=black;color=brown", ";R=100;G=200;B=150"),
        ("label", False, ".", ".blue", ".blue,black,brown", ".R,100,G,200,B,150"),
        ("label", True, ".", ".blue", ".blue.black.brown", ".R=100.G=200.B=150"),
        ("simple", False, "", "blue", "blue,black,brown", "R,100,G,200,B,150"),
        ("simple", True, "", "blue", "blue,black,brown", "R=100,G=200,B=150"),
    ],
)
def test_path_styles(style, explode, empty, string, array, obj):
    p = param("path", style, explode)
    assert [serialize_path(p, v) for v in ("", STRING, ARRAY, OBJECT)] == [empty, string, array, obj]


@pytest.mark.parametrize(
    ("style", "explode", "string", "array", "obj"),
    [
        ("form", False, ["color=blue"], ["color=blue,black,brown"], ["color=R,100,G,200,B,150"]),
        ("form", True, ["color=blue"], ["color=blue", "color=black", "color=brown"], ["R=100", "G=200", "B=150"]),
        ("spaceDelimited", False, None, ["color=blue%20black%20brown"], ["color=R%20100%20G%20200%20B%20150"]),
        ("pipeDelimited", False, None, ["color=blue|black|brown"], ["color=R|100|G|200|B|150"]),
        ("deepObject", True, None, None, ["color[R]=100", "color[G]=200", "color[B]=150"]),
    ],
)
def test_query_styles(style, explode, string, array, obj):
    p = param("query", style, explode)
    for value, expected in ((STRING, string), (ARRAY, array), (OBJECT, obj)):
        if expected is not None:
            assert serialize_query(p, value) == expected


def test_form_empty_value_and_encoding():
    p = param("query", "form", True)
    assert serialize_query(p, "") == ["color="]
    assert serialize_query(p, "a b&c=d/é") == ["color=a%20b%26c%3Dd%2F%C3%A9"]
    assert serialize_query(p, True) == ["color=true"]
    assert serialize_query(param("query", "form", True, allow_reserved=True), "a/b?c") == ["color=a/b?c"]


def test_path_values_are_percent_encoded_including_reserved_characters():
    p = param("path", "simple", False, name="key_id")
    assert serialize_path(p, "a/b:c d") == "a%2Fb%3Ac%20d"


def test_header_and_cookie():
    assert serialize_header(param("header", "simple", False), ARRAY) == "blue,black,brown"
    assert serialize_header(param("header", "simple", True), OBJECT) == "R=100,G=200,B=150"
    assert serialize_cookie(param("cookie", "form", True), "blue") == ["color=blue"]
    assert serialize_cookie(param("cookie", "form", False), ARRAY) == ["color=blue,black,brown"]


def test_content_typed_parameter_is_json():
    p = Parameter(
        name="filter",
        location="query",
        required=False,
        schema=None,
        style="form",
        explode=True,
        media_type="application/json",
    )
    assert serialize_query(p, {"a": [1, 2]}) == ["filter=%7B%22a%22%3A%5B1%2C2%5D%7D"]


def test_deep_object_nesting_uses_the_bracket_convention():
    p = param("query", "deepObject", True, name="card")
    assert serialize_query(p, {"a": {"b": 1}, "tags": ["x", "y"]}) == [
        "card[a][b]=1",
        "card[tags][0]=x",
        "card[tags][1]=y",
    ]
    assert serialize_query(param("query", "deepObject", True, name="expand"), ["customer", "invoice"]) == [
        "expand[0]=customer",
        "expand[1]=invoice",
    ]

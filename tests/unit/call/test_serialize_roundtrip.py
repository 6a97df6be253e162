"""Property tests: for generated values and every style/explode combination openapi-core can read, what we
put on the wire, openapi-core's request unmarshaller reads back as the same value.

Left out, each because openapi-core cannot read it (our output for them is checked against the spec's own
tables in test_serialize.py): label and matrix path parameters (it expects RFC 6570 {;name} templates) and
spaceDelimited (it splits the decoded value on a literal "%20")."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talos_dynamic import Client

from ...corpus.reference import complaints_and_values

SAFE = string.ascii_letters + string.digits + "-_.~"
# Non-exploded styles join items with a delimiter that percent-decoding brings back, so their items avoid it.
# Path values also avoid "/", "?" and "#": encoded, they are fine on the wire, but a WSGI server decodes
# the path before openapi-core sees it, and openapi-core then re-reads "?" and "#" as URL delimiters.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=",|=&;[] /?#"),
    min_size=1,
    max_size=12,
)
# A path value of only dots is sent with its dots encoded (%2E) so that it cannot become a dot segment; the
# WSGI server decodes it back to "..", which openapi-core's path finder then reads as a dot segment.
PATH_TEXT = TEXT.filter(lambda s: s.strip("."))
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
WORD = st.text(alphabet=SAFE, min_size=1, max_size=10)
INTS = st.integers(min_value=-(2**53), max_value=2**53)
KEYS = ("alpha", "beta", "gamma")


def objects(values, required: int = 1):
    """Objects over KEYS whose first `required` keys are always there."""
    return st.fixed_dictionaries({k: values for k in KEYS[:required]}, optional={k: values for k in KEYS[required:]})


SCHEMAS = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "array": {"type": "array", "items": {"type": "string"}},
    "int_array": {"type": "array", "items": {"type": "integer"}},
    "object": {"type": "object", "properties": {k: {"type": "string"} for k in KEYS}},
}
# (location, style, explode, schema kind, values)
CASES = [
    ("query", "form", True, "string", ANY_TEXT),
    ("query", "form", True, "integer", INTS),
    ("query", "form", True, "array", st.lists(ANY_TEXT, min_size=1, max_size=4)),
    ("query", "form", True, "int_array", st.lists(INTS, min_size=1, max_size=4)),
    ("query", "form", False, "string", ANY_TEXT),
    ("query", "form", False, "array", st.lists(TEXT, min_size=1, max_size=4)),
    ("query", "form", False, "object", objects(TEXT, required=0)),
    ("query", "pipeDelimited", False, "array", st.lists(TEXT, min_size=1, max_size=4)),
    (
        "query",
        "deepObject",
        True,
        "object",
        objects(ANY_TEXT),
    ),
    ("path", "simple", False, "string", PATH_TEXT),
    ("path", "simple", False, "integer", INTS),
    ("path", "simple", False, "array", st.lists(PATH_TEXT, min_size=1, max_size=4)),
    ("path", "simple", True, "array", st.lists(PATH_TEXT, min_size=1, max_size=4)),
    (
        "path",
        "simple",
        False,
        "object",
        objects(TEXT),
    ),
    (
        "path",
        "simple",
        True,
        "object",
        objects(TEXT),
    ),
    ("header", "simple", False, "string", WORD),
    ("header", "simple", False, "array", st.lists(WORD, min_size=1, max_size=4)),
    (
        "header",
        "simple",
        False,
        "object",
        objects(WORD),
    ),
    (
        "header",
        "simple",
        True,
        "object",
        objects(WORD),
    ),
    ("cookie", "form", True, "string", WORD),
    ("cookie", "form", True, "integer", INTS),
]


def case_id(case) -> str:
    location, style, explode, kind, _ = case
    return f"{location}-{style}-{'explode' if explode else 'plain'}-{kind}"


def spec_for(location: str, style: str, explode: bool, kind: str) -> dict:
    path = "/probe/{value}" if location == "path" else "/probe"
    return {
        "openapi": "3.0.3",
        "info": {"title": "probe", "version": "1"},
        "servers": [{"url": "http://127.0.0.1:9"}],
        "paths": {
            path: {
                "get": {
                    "operationId": "probe",
                    "parameters": [
                        {
                            "name": "value",
                            "in": location,
                            "required": True,
                            "style": style,
                            "explode": explode,
                            "schema": SCHEMAS[kind],
                        }
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_openapi_core_reads_back_what_we_serialize(case):
    location, style, explode, kind, values = case
    spec = spec_for(location, style, explode, kind)
    client = Client(spec, base_url="http://127.0.0.1:9")

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(values)
    def roundtrip(value):
        prepared = client.probe.prepare(value=value).request
        problems, parameters = complaints_and_values(client.spec, prepared)
        assert problems == []
        assert getattr(parameters, location)["value"] == value

    roundtrip()

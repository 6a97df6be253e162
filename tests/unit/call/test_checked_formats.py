"""Which formats are checked does not depend on what else is installed (jsonschema checks uri, hostname,
duration... only when optional packages are present): the same request is valid or invalid on every machine."""

import pytest

from talos_dynamic import Client, RequestValidationError
from talos_dynamic.call.validation import CHECKED_FORMATS, validator_classes


def _client(openapi: str) -> Client:
    properties = {
        name.replace("-", "_"): {"type": "string", "format": name}
        for name in ("uri", "hostname", "duration", "iri", "json-pointer", "uri-template", "date", "uuid", "ipv4")
    }
    spec = {
        "openapi": openapi,
        "info": {"title": "formats", "version": "1"},
        "paths": {
            "/x": {
                "post": {
                    "operationId": "send",
                    "requestBody": {
                        "content": {"application/json": {"schema": {"type": "object", "properties": properties}}}
                    },
                    "responses": {"204": {"description": "ok"}},
                }
            }
        },
    }
    return Client(spec, base_url="http://127.0.0.1:9")


@pytest.mark.parametrize("openapi", ["3.0.3", "3.1.0"])
def test_formats_that_need_optional_packages_are_never_checked(openapi):
    client = _client(openapi)
    loose = {"uri": "not a uri", "hostname": "-bad-", "duration": "soon", "iri": "::", "json_pointer": "x"}
    client.send.prepare(body={**loose, "uri_template": "{"})  # no RequestValidationError, installed or not


@pytest.mark.parametrize("openapi", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize(("field", "value"), [("date", "2026-13-45"), ("uuid", "nope"), ("ipv4", "999.1.1.1")])
def test_formats_checked_everywhere_are_checked(openapi, field, value):
    with pytest.raises(RequestValidationError) as caught:
        _client(openapi).send.prepare(body={field: value})
    assert f"$.{field}" in str(caught.value)


@pytest.mark.parametrize("is_31", [False, True])
def test_the_checker_knows_only_the_fixed_formats(is_31):
    _, checker = validator_classes(is_31)
    assert set(checker.checkers) <= CHECKED_FORMATS
    assert {"date", "date-time", "email", "ipv4", "ipv6", "uuid"} <= set(checker.checkers)

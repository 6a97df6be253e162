"""Validating a list answer of 100 and 1,000 IssuedAPIKey objects against the bundled spec.

Contenders, interleaved: this client's read_response (decode, status and content-type checks, fast-path
schema validation, result), its schema check alone (SchemaValidators.check), the jsonschema path it used
before the fast path (openapi-schema-validator on the inlined schema: today's fallback for invalid
answers), jsonschema-rs alone on the translated schema (the floor), fastjsonschema when installed, and
openapi-core's unmarshal_response (100 items only; it takes hundreds of ms for 1,000). Prints medians and
ratios to the 100-item fast check. Target: <= 0.5 ms for 100 items, linear in the item count.
"""

from __future__ import annotations

import json
import statistics

from rounds import interleaved, machine

from talos_dynamic import Client, Response
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.call.read import read_response
from talos_dynamic.call.validation import ACCESS_RULES, RESPONSE

KEY = {
    "key_id": "k",
    "name": "n",
    "actor_id": "a",
    "scopes": ["read", "write"],
    "status": "KEY_STATUS_ACTIVE",
    "metadata": {"env": "prod"},
    "create_time": "2026-11-27T16:37:50Z",
    "update_time": "2026-11-27T16:37:50Z",
    "expire_time": "2026-12-27T16:37:50Z",
}


def body(items: int) -> dict:
    return {"issued_api_keys": [dict(KEY, key_id=str(i)) for i in range(items)], "next_page_token": "next"}


def main() -> None:
    client = Client(TALOS_SPEC, base_url="http://127.0.0.1:9")
    operation = client.admin_list_issued_api_keys.operation
    schema = operation.responses["200"].content["application/json"].schema
    validators = client._validators
    entry = validators._entry(schema, RESPONSE)
    slow = validators.validator(schema, RESPONSE)
    contenders, notes = {}, []
    for items in (100, 1000):
        value = body(items)
        payload = json.dumps(value).encode()

        def read(payload=payload, items=items) -> None:
            response = Response(200, {"Content-Type": "application/json"}, payload)
            result = read_response(operation, response, validators, "strict", None, 1, False)
            assert len(result.issued_api_keys) == items

        def check(value=value) -> None:
            assert validators.check(schema, value, RESPONSE, "body") == []

        def jsonschema_path(value=value) -> None:
            errors = [e for e in slow.iter_errors(value) if not (e.validator in ACCESS_RULES and not e.absolute_path)]
            assert errors == []

        def floor(value=value) -> None:
            assert entry.fast(value)

        contenders[f"{items:>5} items: talos_dynamic read_response"] = read
        contenders[f"{items:>5} items: talos_dynamic schema check"] = check
        contenders[f"{items:>5} items: jsonschema path (before)"] = jsonschema_path
        contenders[f"{items:>5} items: jsonschema-rs alone (floor)"] = floor
        try:
            import fastjsonschema
        except ImportError:
            if items == 100:
                notes.append("fastjsonschema: skipped (not installed)")
        else:
            compiled = fastjsonschema.compile(validators.inlined(schema))
            contenders[f"{items:>5} items: fastjsonschema alone"] = lambda value=value, check=compiled: check(value)
    try:
        from openapi_core import OpenAPI
        from openapi_core.testing import MockRequest, MockResponse
    except ImportError:
        notes.append("openapi-core: skipped (not installed)")
    else:
        reference = OpenAPI.from_file_path(str(TALOS_SPEC))
        request = MockRequest("http://127.0.0.1:9", "get", "/v2alpha1/admin/issuedApiKeys")
        mocked = MockResponse(json.dumps(body(100)).encode(), status_code=200, content_type="application/json")

        def openapi_core() -> None:
            assert not reference.unmarshal_response(request, mocked).errors

        contenders["  100 items: openapi-core unmarshal_response"] = openapi_core
    samples = interleaved(contenders, rounds=30)
    base = statistics.median(samples["  100 items: talos_dynamic schema check"]["wall"])
    print(f"validated read of a list answer, median of 30 interleaved rounds; {machine()}")
    print(f"{'':<48}{'wall ms':>10}{'ratio':>8}")
    for name, measured in samples.items():
        value = statistics.median(measured["wall"])
        print(f"{name:<48}{value * 1000:>10.3f}{value / base:>7.2f}x")
    for note in notes:
        print(note)
    fast_100 = statistics.median(samples["  100 items: talos_dynamic schema check"]["wall"]) * 1000
    fast_1000 = statistics.median(samples[" 1000 items: talos_dynamic schema check"]["wall"]) * 1000
    print(
        f"target: <= 0.5 ms for 100 items: {fast_100:.3f} ms ({'met' if fast_100 <= 0.5 else 'NOT met'}); "
        f"1,000 items / 100 items = {fast_1000 / fast_100:.1f} (linear: 10)"
    )


if __name__ == "__main__":
    main()

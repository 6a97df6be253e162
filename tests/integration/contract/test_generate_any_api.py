"""Generated cases on an API that is not Talos (pets_api.py): negative cases, shrinking, stateful chains
from inference and from links with cleanup, and the domain checks (negative data accepted, use after
delete, ignored auth)."""

from __future__ import annotations

import json

import pytest

from talos_dynamic import Client
from talos_dynamic.call.arguments import ArgumentTable
from talos_dynamic.contract import ContractConfig
from talos_dynamic.contract.generation import generate
from talos_dynamic.contract.negative import negative_cases
from talos_dynamic.contract.strategies import argument_schemas, base_arguments

from .pets_api import API_KEY, PetsServer, pets_spec


def _generate(*bugs: str, config: ContractConfig | None = None, **options):
    with PetsServer(*bugs) as server:
        with Client(
            server.spec, base_url=server.url, auth={"api_key": API_KEY}, contract=config or True, retries=0
        ) as client:
            run = generate(client, **{"seed": 0, "max_cases": 150, **options})
        return run, server.app


def _checks(run) -> set[tuple[str, str]]:
    return {(f.check, f.operation) for f in run.findings if f.severity == "error"}


def test_a_correct_api_gives_no_finding_and_every_operation_runs():
    run, app = _generate()
    assert run.findings == []
    # what the examples, negative and random cases created is deleted at the end, as chains delete theirs
    assert run.cleanup["created"] == run.cleanup["deleted"] > 5 and app.pets == {}
    names = {c.name for c in run.cases}
    for op in ("createPet", "listPets", "getPet", "updatePet", "deletePet", "health"):
        assert f"examples: {op}" in names and f"positive: {op}" in names
    assert "auth: health" not in names  # security: [] is public


def test_a_server_that_accepts_broken_requests_is_found():
    run, _ = _generate("accept-negative", phases=["negative"])
    accepted = {f.rule for f in run.findings if f.check == "negative_data_accepted"}
    assert {"missing required body property name", "wrong type of body property age"} <= accepted
    assert "out of range (minimum 1) of limit" in accepted
    assert "a property the schema forbids" in accepted and "body is not UTF-8" in accepted


def test_a_5xx_is_shrunk_to_the_smallest_request():
    run, _ = _generate("old-pets-500", phases=["positive"], operations=["createPet"])
    finding = next(f for f in run.findings if f.check == "not_a_server_error")
    # the simplest name the schema allows, and the age at the boundary where the server starts failing
    assert finding.curl.endswith("""--data-binary '{"name":"x","age":26}'""")
    assert "X-API-Key: ***" in finding.curl and API_KEY not in finding.curl


def test_inferred_chain_creates_reads_updates_lists_deletes_and_sees_404():
    run, app = _generate(phases=["stateful"])
    (chain,) = run.chains
    assert chain["name"] == "chain: createPet -> getPet -> updatePet -> listPets -> deletePet -> getPet (404)"
    assert chain["statuses"] == [201, 200, 200, 200, 204, 404]
    assert chain["created"] == chain["deleted"] == 1 and app.pets == {}


def test_use_after_delete_is_found():
    run, _ = _generate("resurrect", phases=["stateful"])
    (finding,) = [f for f in run.findings if f.check == "use_after_delete"]
    assert finding.operation == "getPet" and finding.status == 200


def test_a_chain_cut_short_by_the_budget_still_cleans_up():
    run, app = _generate(phases=["stateful"], max_cases=2)
    assert run.chains[0]["stopped"] == "the budget ran out"
    assert run.chains[0]["deleted"] == 1 and app.pets == {}


def test_chains_follow_openapi_links():
    run, app = _generate("links", phases=["stateful"])
    (chain,) = run.chains
    assert chain == {
        "name": "chain (links): createPet -> getPet -> deletePet",
        "source": "links",
        "statuses": [201, 200, 204],
        "created": 0,
        "deleted": 0,
        "stopped": None,
    }
    assert app.pets == {}


def test_ignored_auth_is_found_and_its_severity_can_change():
    run, _ = _generate("ignore-auth", phases=["auth"])
    # the item operations answer 404 for the base call's unknown pet, with or without credentials
    assert {("ignored_auth", "createPet"), ("ignored_auth", "listPets")} == _checks(run)
    # a chain's get is also tried without credentials while its pet exists
    chained, _ = _generate("ignore-auth", phases=["stateful", "auth"])
    assert ("ignored_auth", "getPet") in _checks(chained)
    (chain,) = chained.chains
    assert chain["statuses"] == [201, 200, 200, 200, 204, 404]
    calm, _ = _generate("ignore-auth", phases=["auth"], config=ContractConfig(severities={"ignored_auth": "warning"}))
    assert calm.findings and {f.severity for f in calm.findings} == {"warning"}


def test_each_negative_body_case_breaks_exactly_one_rule():
    client = Client(pets_spec(), base_url="http://127.0.0.1:9")
    bound = client.create_pet
    arguments = argument_schemas(client, bound.operation, ArgumentTable(bound.operation))
    base = base_arguments(client, bound.operation, arguments, every=True)
    validator = client._validators.validator(bound.operation.request_body.content["application/json"].schema, "request")
    assert list(validator.iter_errors(base["body"])) == []
    cases = list(negative_cases(client, bound.operation, arguments, base))
    rules = [case.rule for case in cases]
    assert len(rules) == len(set(rules)) >= 12
    for case in cases:
        if case.raw_body is None and case.content_type is None and case.method is None and "body" in case.kwargs:
            assert len(list(validator.iter_errors(case.kwargs["body"]))) == 1, case.rule
    assert "Content-Type text/plain" in rules and "body is not UTF-8" in rules
    json.dumps([c.kwargs for c in cases])  # every case can be sent
    listing = client.list_pets.operation  # the path's first operation also tries the methods it lacks
    methods = [
        c.method for c in negative_cases(client, listing, argument_schemas(client, listing, ArgumentTable(listing)), {})
    ]
    assert [m for m in methods if m] == ["DELETE", "TRACE"]


@pytest.mark.parametrize("phase", ["examples", "negative"])
def test_a_correct_api_answers_every_negative_and_example_case_as_expected(phase):
    run, _ = _generate(phases=[phase], max_cases=400)
    assert run.findings == [] and run.requests > 20


def test_a_generic_id_is_followed_only_under_its_own_collection():
    from talos_dynamic.contract.stateful import find_chains

    answer = {
        "200": {"description": "x", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/R"}}}}
    }
    item = {"parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]}
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/flows": {"post": {"operationId": "createFlow", "responses": answer}},
            "/flows/{id}": {**item, "get": {"operationId": "readFlow", "responses": answer}},
            "/runs/{id}": {**item, "get": {"operationId": "readRun", "responses": answer}},
        },
        "components": {"schemas": {"R": {"type": "object", "properties": {"id": {"type": "string"}}}}},
    }
    (chain,) = find_chains(Client(spec, base_url="http://127.0.0.1:9"))
    assert chain.name == "chain: createFlow -> readFlow"

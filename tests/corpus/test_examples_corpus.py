"""Every documented example call, and every skeleton call with the required arguments only and with every
optional one filled too, passes the client's own validation, on every document of ../shared."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from talos_dynamic import RequestValidationError
from talos_dynamic.explore.docs import skeleton_arguments
from talos_dynamic.explore.samples import _read_only as read_only
from talos_dynamic.spec.schemas import collect_object

from .documents import corpus_client, corpus_documents

# (document, operation, which call) -> why the document makes a valid call impossible
IMPOSSIBLE = {
    ("apisguru-linode.com.json", "create_firewalls", "required"): (
        "label's pattern (?!--|__|..) forbids any two characters in a row, yet minLength is 3"
    ),
    ("apisguru-linode.com.json", "create_firewalls", "example"): "as above",
    ("apisguru-linode.com.json", "create_firewalls", "optional"): "as above",
}
# (document, operation) -> arguments the call with every optional argument filled must leave out, and why
LEFT_OUT = {
    ("apisguru-linode.com.json", "create_linode_instance"): ({"label"}, "label: the same impossible pattern"),
    ("apisguru-linode.com.json", "update_linode_instance"): ({"label"}, "label: the same impossible pattern"),
    ("apisguru-linode.com.json", "update_firewall"): ({"label"}, "label: the same impossible pattern"),
    ("apisguru-linode.com.json", "create_firewalls"): ({"devices", "tags"}, "no valid call at all (above)"),
    ("github-api.github.com.json", "projects_add_item_for_org"): (
        {"number"},
        "a oneOf of required sets: either id, or owner, repo and number; one alternative is sent",
    ),
    ("github-api.github.com.json", "projects_add_item_for_user"): (
        {"number"},
        "a oneOf of required sets: either id, or owner, repo and number; one alternative is sent",
    ),
    ("github-api.github.com.json", "code_scanning_create_variant_analysis"): (
        {"repository_lists", "repository_owners"},
        "a oneOf: exactly one of repositories, repository_lists and repository_owners",
    ),
}


def left_out(op, arguments: dict) -> set[str]:
    """The arguments (parameters and body fields that are not readOnly) missing from a call."""
    table = op.arguments
    properties, _ = collect_object(table.resolver, table.object_body_schema, first_branch=True)
    out = set()
    for name, argument in table.by_name.items():
        schemas = properties.get(argument.property_name, []) if argument.property_name else []
        if name not in arguments and not any(read_only(table.resolver, s) for s in schemas):
            out.add(name)
    return out


def pytest_generate_tests(metafunc):
    if "document" in metafunc.fixturenames:
        shared = os.environ.get("TALOS_DYNAMIC_SHARED")
        documents = corpus_documents(Path(shared)) if shared and Path(shared).is_dir() else []
        metafunc.parametrize("document", documents or [None], ids=[d.name for d in documents] or ["none"])


def documented_example(op) -> dict:
    """The keyword arguments of the example call at the end of an operation's docstring, read back as Python."""
    line = op.__doc__.rstrip().splitlines()[-1]
    call = ast.parse(line.strip(), mode="eval").body
    assert isinstance(call, ast.Call) and not call.args, line
    return {k.arg: ast.literal_eval(k.value) for k in call.keywords}


def test_every_example_call_is_valid(document, shared_dir):
    if document is None:
        pytest.fail("no corpus documents found")
    client = corpus_client(document)
    failures, counts = [], {"example": 0, "required": 0, "optional": 0}
    for op in client.operations:
        calls = {
            "example": lambda op=op: documented_example(op),
            "required": lambda op=op: skeleton_arguments(op.arguments),
            "optional": lambda op=op: skeleton_arguments(op.arguments, optional=True),
        }
        for which, arguments in calls.items():
            key = (document.name, op.__name__, which)
            try:
                values = arguments()
                op.prepare(**values)
                counts[which] += 1
                expected = LEFT_OUT.get((document.name, op.__name__), (set(), ""))[0]
                missing = left_out(op, values) if which == "optional" else expected
                if missing != expected:
                    failures.append(f"{op.__name__} (optional): leaves out {sorted(missing)}")
            except RequestValidationError as exc:
                if key not in IMPOSSIBLE:
                    failures.append(f"{op.__name__} ({which}): {exc}")
    print(f"\n{document.name}: valid calls {counts} of {len(client.operations)} operations")
    assert not failures, "\n".join(failures[:40]) + f"\n({len(failures)} in all)"

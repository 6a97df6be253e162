"""What importing talos_dynamic loads: `import talos_dynamic` nothing but the package's own file; `from
talos_dynamic import Client` nothing heavy (the JSON Schema stack, openapi-core and pydantic, httpx, asyncio,
the contract, server and CLI packages load where they are first used); `talos-dynamic --help` and the parser
that completion scripts are generated from, neither requests, PyYAML, nor the client. Tests of structure, not
of timing: benchmarks/bench_cli.py measures the time."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "openapi_core",
    "openapi_schema_validator",
    "openapi_spec_validator",
    "pydantic",
    "pydantic_core",
    "jsonschema",
    "jsonschema_specifications",
    "jsonschema_rs",
    "fastjsonschema",
    "referencing",
    "httpx",
    "asyncio",
    "werkzeug",
    "jwt",
    "talos_dynamic.contract",
    "talos_dynamic.server",
    "talos_dynamic.cli",
    "talos_dynamic.call.httpx_transports",
    "talos_dynamic.explore.docs",
    "talos_dynamic.explore.signatures",
    "talos_dynamic.explore.models",
)


def loaded_after(code: str) -> set[str]:
    """The top-level module names and talos_dynamic modules loaded by a fresh interpreter running `code`."""
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_importing_the_package_loads_none_of_its_modules():
    loaded = loaded_after("import talos_dynamic")
    assert sorted(name for name in loaded if name.startswith("talos_dynamic.")) == []
    assert not {"requests", "urllib3", "yaml"} & loaded


def test_importing_the_client_loads_nothing_heavy():
    loaded = loaded_after("from talos_dynamic import Client, MockTransport, Response")
    assert "talos_dynamic.client" in loaded
    assert sorted(name for name in HEAVY if name in loaded) == []


# what `talos-dynamic --help` must not load (each is tens of milliseconds, or loads more that is)
NOT_FOR_HELP = (
    "requests",
    "yaml",
    "asyncio",
    "rich",
    "jsonschema",
    "openapi_core",
    "talos_dynamic.contract",
    "talos_dynamic.client",
    "talos_dynamic.spec",
    "talos_dynamic.call",
)


@pytest.mark.parametrize("argv", [["--help"], ["call", "--help"], ["contract", "--help"], ["--version"]])
def test_the_command_line_help_loads_neither_requests_yaml_asyncio_nor_the_contract_package(argv):
    loaded = loaded_after(
        "import contextlib, io\n"
        "from talos_dynamic.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        f"    main({argv!r})"
    )
    assert "talos_dynamic.cli.parser" in loaded
    assert sorted(name for name in NOT_FOR_HELP if name in loaded) == []


def test_building_the_parser_loads_nothing_heavy():
    loaded = loaded_after("from talos_dynamic.cli.parser import build_parser\nbuild_parser()")
    assert sorted(name for name in NOT_FOR_HELP if name in loaded) == []


def test_a_json_spec_file_is_parsed_without_yaml_or_requests(tmp_path):
    spec = tmp_path / "spec.json"
    spec.write_text('{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}')
    loaded = loaded_after(
        "from talos_dynamic.spec.documents import DocumentStore, source_uri\n"
        f"store = DocumentStore()\nassert store.get(source_uri({str(spec)!r})[0])['openapi'] == '3.0.3'"
    )
    assert not {"yaml", "requests", "urllib3"} & loaded


def test_a_yaml_spec_file_loads_yaml_but_not_requests(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n")
    loaded = loaded_after(
        "from talos_dynamic.spec.documents import DocumentStore, source_uri\n"
        f"store = DocumentStore()\nassert store.get(source_uri({str(spec)!r})[0])['openapi'] == '3.0.3'"
    )
    assert "yaml" in loaded
    assert not {"requests", "urllib3"} & loaded


def test_lazy_names_still_import_and_are_listed():
    import talos_dynamic

    assert talos_dynamic.ContractConfig.__module__.startswith("talos_dynamic.contract")
    assert talos_dynamic.HttpxTransport.__name__ == "HttpxTransport"
    assert {"ContractConfig", "AsyncHttpxTransport", "Client"} <= set(dir(talos_dynamic))
    assert set(talos_dynamic.__all__) <= set(dir(talos_dynamic))
    with pytest.raises(AttributeError, match="no_such_name"):
        talos_dynamic.no_such_name  # noqa: B018


def test_building_a_client_and_preparing_loads_no_json_schema_library_before_validating():
    loaded = loaded_after(
        "from talos_dynamic import Client\n"
        "from talos_dynamic.bundled import TALOS_SPEC\n"
        "c = Client(TALOS_SPEC, base_url='http://127.0.0.1:9')\n"
        "c.admin_get_issued_api_key.prepare(key_id='k1', _validate='off')"
    )
    assert not {"jsonschema", "referencing", "openapi_core", "pydantic", "httpx"} & loaded


def test_a_valid_call_validated_both_ways_loads_no_jsonschema():
    loaded = loaded_after(
        "from talos_dynamic import Client, MockTransport, Response\n"
        "from talos_dynamic.bundled import TALOS_SPEC\n"
        "key = {'key_id': 'k', 'actor_id': 'a', 'name': 'n', 'scopes': ['read'], 'status': 'KEY_STATUS_ACTIVE',\n"
        "       'create_time': '2026-01-01T00:00:00Z', 'update_time': '2026-01-01T00:00:00Z'}\n"
        "answer = Response(200, json={'issued_api_key': key, 'secret': 'sk_x'})\n"
        "c = Client(TALOS_SPEC, base_url='http://x', transport=MockTransport(lambda r: answer),\n"
        "           response_validation='strict')\n"
        "assert c.admin_issue_api_key(actor_id='a', scopes=['read'], ttl='720h').secret == 'sk_x'"
    )
    assert "jsonschema_rs" in loaded  # the fast path checked both
    assert not {"jsonschema", "referencing", "openapi_schema_validator", "openapi_core"} & loaded

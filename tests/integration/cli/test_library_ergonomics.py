"""Issue 12, point 8: the README's first snippet runs as written from an empty folder; TALOS_SPEC and
TalosClient; py.typed; jedi completes `client.admin_` in a plain script; the User-Agent sent; .netrc never
sent; "did you mean" from Python; json.dumps(result). Point 9: Python 3.11 to 3.13 declared and tested."""

import configparser
import json
import re
import subprocess
import sys

import jedi
import pytest

import talos_dynamic
from talos_dynamic import Client, HttpxTransport
from talos_dynamic.bundled import TALOS_SPEC

from ...conftest import ADMIN_TOKEN
from .cli_run import ROOT


def readme_first_snippet() -> str:
    text = (ROOT / "README.md").read_text()
    return re.search(r"## As a library\n\n```python\n(.*?)```", text, re.DOTALL).group(1)


def test_the_readme_snippet_runs_verbatim_from_an_empty_folder(tmp_path):
    snippet = readme_first_snippet()
    assert "TalosClient(" in snippet and "specs/" not in snippet
    (tmp_path / "snippet.py").write_text(snippet)
    done = subprocess.run([sys.executable, "snippet.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snippet.py"]


def test_the_bundled_spec_has_a_public_name(talos_server):
    assert talos_dynamic.TALOS_SPEC == TALOS_SPEC and "TALOS_SPEC" in talos_dynamic.__all__
    assert TALOS_SPEC.is_file() and TALOS_SPEC.is_absolute()
    with Client(TALOS_SPEC, base_url=talos_server.url) as client:
        assert client.get_jwks().jwks["keys"]


def test_talos_client_declares_exactly_the_bundled_operations():
    from talos_dynamic import TalosClient

    declared = set(TalosClient.__annotations__)
    client = TalosClient(base_url="http://127.0.0.1:9")
    assert declared == {op.__name__ for op in client.operations}
    assert isinstance(client, Client) and client.admin_issue_api_key.operation.name == "AdminIssueAPIKey"


def test_the_package_ships_type_information():
    assert (ROOT / "talos_dynamic" / "py.typed").is_file()
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    assert "py.typed" in config["options.package_data"]["talos_dynamic"]
    assert "Typing :: Typed" in config["metadata"]["classifiers"]


def test_jedi_completes_operations_in_a_plain_script(tmp_path):
    source = (
        'from talos_dynamic import TalosClient\nclient = TalosClient(base_url="http://127.0.0.1:4420")\nclient.admin_'
    )
    script = jedi.Script(source, path=tmp_path / "script.py")
    names = {c.name for c in script.complete(3, len("client.admin_"))}
    assert {"admin_issue_api_key", "admin_revoke_api_key", "admin_verify_api_key"} <= names


@pytest.mark.parametrize("transport", [None, HttpxTransport], ids=["requests", "httpx"])
def test_the_user_agent_is_sent_and_netrc_never_is(canned, tmp_path, monkeypatch, transport):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1\nlogin netrc-user\npassword netrc-password\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".netrc").write_text(netrc.read_text())
    (tmp_path / ".netrc").chmod(0o600)
    canned.answer("/v2alpha1/derivedKeys/jwks.json", 200, {"Content-Type": "application/json"}, b'{"keys": []}')
    options = {"transport": transport()} if transport else {}
    with Client(TALOS_SPEC, base_url=canned.url, response_validation="off", **options) as client:
        client.get_jwks()
        curl = client.get_jwks.prepare().to_curl()
    headers = {k.lower(): v for k, v in canned.requests[-1]["headers"].items()}
    assert headers["user-agent"] == "talos-dynamic/0.1" and "'User-Agent: talos-dynamic/0.1'" in curl
    assert "authorization" not in headers and "Authorization" not in curl


def test_a_typo_in_an_operation_name_suggests_the_right_one():
    client = Client(TALOS_SPEC, base_url="http://127.0.0.1:9")
    with pytest.raises(AttributeError, match="did you mean admin_revoke_api_key"):
        client.admin_revok_api_key  # noqa: B018
    with pytest.raises(AttributeError, match="did you mean AdminRevokeAPIKey"):
        client.AdminRevokeApiKey  # noqa: B018


def test_json_dumps_of_a_result(talos_server):
    with Client(TALOS_SPEC, base_url=talos_server.url, token=ADMIN_TOKEN) as client:
        issued = client.admin_issue_api_key(actor_id="json-user", scopes=["read"])
        listed = client.admin_list_issued_api_keys(filter='actor_id="json-user"')
    assert json.loads(json.dumps(issued)) == issued.to_json()
    assert json.loads(json.dumps(listed.issued_api_keys)) == listed.to_json()["issued_api_keys"]
    assert json.loads(json.dumps({"wrapped": issued.issued_api_key})) == {"wrapped": issued.to_json()["issued_api_key"]}
    assert issued.issued_api_key.scopes == ("read",) and issued["secret"] == issued.secret
    with pytest.raises(TypeError, match="read-only"):
        issued["secret"] = "x"
    with pytest.raises(TypeError, match="read-only"):
        issued.pop("secret")


def test_a_list_field_named_items_is_still_the_field():
    result = talos_dynamic.Result({"items": [{"id": 1}], "keys": "k", "total": 1})
    assert len(result.items) == 1 and result.items[0].id == 1 and result.keys == "k"
    assert json.loads(json.dumps(result)) == {"items": [{"id": 1}], "keys": "k", "total": 1}


def test_python_versions_are_declared_for_3_11_to_3_13():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    classifiers = config["metadata"]["classifiers"]
    assert all(f"Programming Language :: Python :: 3.{minor}" in classifiers for minor in (11, 12, 13))
    tox = configparser.ConfigParser()
    tox.read(ROOT / "tox.ini")
    assert {"py311", "py312", "py313"} <= {e.strip() for e in tox["tox"]["envlist"].split(",")}
    assert "tox -e py312,py313" in (ROOT / ".ci" / "run").read_text()


def test_a_spec_download_never_sends_netrc_credentials(canned, tmp_path, monkeypatch):
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1\nlogin netrc-user\npassword netrc-password\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))
    canned.answer("/openapi.json", 200, {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}})
    Client(f"{canned.url}/openapi.json")
    assert canned.requests and "authorization" not in {k.lower() for k in canned.requests[-1]["headers"]}

"""Issue 11: the command line parses a YAML spec once; later commands read its JSON form from the cache in
$XDG_CACHE_HOME/talos-dynamic/documents, named by the file's content (an edited spec is parsed again).
Documents with YAML anchors are never kept; the depth limit holds on a hit; the library alone keeps none."""

import json
import subprocess
import sys

import pytest

from talos_dynamic.errors import SpecError
from talos_dynamic.spec import parsed_cache
from talos_dynamic.spec.documents import DocumentStore, SpecLimits, source_uri

from .cli_run import clean_env, run

SPEC = """openapi: 3.0.3
info: {title: cached, version: "1"}
paths:
  /ping:
    get:
      operationId: NAME
      responses: {"200": {description: ok}}
"""


def entries(cache):
    return sorted((cache / "talos-dynamic" / "documents").glob("*.json"))


def test_a_yaml_spec_is_parsed_once_then_read_from_the_cache(tmp_path):
    cache, spec = tmp_path / "cache", tmp_path / "spec.yaml"
    env = clean_env(XDG_CACHE_HOME=str(cache))
    spec.write_text(SPEC.replace("NAME", "Ping"))
    first = run("ops", "--names", "--spec", str(spec), env=env)
    assert (first.returncode, first.stdout) == (0, "ping\n"), first.stderr
    [entry] = entries(cache)
    kept = json.loads(entry.read_text())
    assert kept["paths"]["/ping"]["get"]["operationId"] == "Ping"
    kept["paths"]["/ping"]["get"]["operationId"] = "FromTheCache"  # what the next command reads, if it does
    entry.write_text(json.dumps(kept))
    assert run("ops", "--names", "--spec", str(spec), env=env).stdout == "from_the_cache\n"
    spec.write_text(SPEC.replace("NAME", "Pong"))  # another content: another entry, parsed from the file
    assert run("ops", "--names", "--spec", str(spec), env=env).stdout == "pong\n"
    assert len(entries(cache)) == 2


def test_a_yaml_spec_with_anchors_is_never_kept(tmp_path):
    cache, spec = tmp_path / "cache", tmp_path / "spec.yaml"
    shared = SPEC.replace("NAME", "Ping").replace('{"200": {description: ok}}', '&answers {"200": {description: ok}}')
    spec.write_text(shared + "  /pong:\n    get:\n      operationId: Pong\n      responses: *answers\n")
    result = run("ops", "--names", "--spec", str(spec), env=clean_env(XDG_CACHE_HOME=str(cache)))
    assert (result.returncode, result.stdout) == (0, "ping\npong\n"), result.stderr
    assert entries(cache) == []


def test_the_depth_limit_holds_on_a_cache_hit(tmp_path):
    spec = tmp_path / "deep.yaml"
    spec.write_text(SPEC.replace("NAME", "Ping") + "x-deep: {a: {b: {c: {d: 1}}}}\n")
    uri = source_uri(spec)[0]
    with parsed_cache.kept_in(tmp_path / "cache"):
        assert DocumentStore().get(uri)["x-deep"]["a"]["b"]["c"] == {"d": 1}  # parsed, then kept
        assert len(list((tmp_path / "cache").glob("*.json"))) == 1
        with pytest.raises(SpecError, match="max_depth"):
            DocumentStore(limits=SpecLimits(max_depth=4)).get(uri)


def test_the_library_alone_keeps_no_cache(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.replace("NAME", "Ping"))
    code = (
        "from talos_dynamic import Client\n"
        f"assert Client({str(spec)!r}, base_url='http://127.0.0.1:9').ping.__name__ == 'ping'"
    )
    env = clean_env(XDG_CACHE_HOME=str(tmp_path / "cache"), HOME=str(tmp_path))
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)
    assert not (tmp_path / "cache").exists()

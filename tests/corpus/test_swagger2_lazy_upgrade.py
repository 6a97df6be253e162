"""Every Swagger 2.0 document of ../shared shows the same operations, parts, schemas, signatures, docstrings
and requests whether it is upgraded lazily (as it loads now) or whole at load; mutated, the same errors."""

import inspect
import json
import random
import warnings

import pytest

from talos_dynamic import Client
from talos_dynamic.explore.docs import skeleton_arguments

from ..unit.spec.upgrade_observations import eager_upgrade, load, observations, unbuilt
from ..unit.test_fuzz import Mutator


def swagger2_documents(shared):
    specs = shared / "specs"
    rows = [row.split("\t") for row in (specs / "INDEX.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    found = [specs / row[0] for row in rows if row[5] == "2.0"]
    found += sorted((shared / "talos" / "upstream").glob("talos-v2-*.json"))
    return found


@pytest.fixture(scope="module")
def documents(shared_dir):
    found = swagger2_documents(shared_dir)
    assert len(found) >= 10, found  # 4 in specs/, 6 Talos versions
    return found


def client_views(client):
    """Each operation's name, signature, docstring and the request its example arguments make."""
    views = []
    for op in client.operations:
        try:
            sent = op.prepare(**skeleton_arguments(op.arguments), _validate="off")
            request = (sent.method, sent.url, dict(sent.headers), sent.body)
            boundary = sent.headers.get("Content-Type", "").partition("boundary=")[2]
            if boundary:  # random for each request
                request = repr(request).replace(boundary, "BOUNDARY")
        except Exception as exc:  # the same refusal either way is what is compared
            request = (type(exc).__name__, str(exc))
        views.append((op.__name__, str(inspect.signature(op)), op.__doc__, request))
    return views


def test_each_document_shows_the_same_whether_upgraded_lazily_or_whole(documents):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in documents:
            lazy = Client(path, base_url="http://127.0.0.1:9", token="T")
            assert unbuilt(lazy.spec.document) > 0, path.name  # bound, nothing upgraded yet
            with eager_upgrade():
                eager = Client(path, base_url="http://127.0.0.1:9", token="T")
            assert unbuilt(eager.spec.document) == 0
            assert client_views(lazy) == client_views(eager), path.name
            assert observations(load(path)) == observations(load(path, eager=True)), path.name
            assert json.dumps(lazy.spec.document) == json.dumps(eager.spec.document), path.name


def test_mutated_talos_documents_fail_with_the_same_errors_either_way(documents):
    bases = [Mutator(json.loads(p.read_text(encoding="utf-8"))) for p in documents if "talos-v2-" in p.name]
    compared = failed = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for index in range(900):
            rng = random.Random(f"lazy-upgrade/{index}")
            document, done = bases[index % len(bases)].mutate(rng, rng.choice((1, 1, 2, 3)))
            lazy, eager = observations(load(document)), observations(load(document, eager=True))
            assert lazy == eager or repr(lazy) == repr(eager), done  # a NaN is unequal to itself (3.13)
            compared += 1
            failed += any(isinstance(seen, tuple) and seen[:1] == ("SpecError",) for seen in lazy)
    assert compared == 900 and failed > 100

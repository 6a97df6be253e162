"""The real-world documents of ../shared, and clients for them that carry a credential for every scheme."""

from __future__ import annotations

import warnings
from pathlib import Path

from talos_dynamic import Client
from talos_dynamic.call.auth import Credentials

BASE_URL = "http://127.0.0.1:9"
MULTI_FILE_ROOTS = ("digitalocean/DigitalOcean-public.v2.yaml", "redocly-starter/openapi.yaml")


def corpus_documents(shared: Path) -> list[Path]:
    """Every document of shared/specs (multi-file ones by their root) and every Talos version."""
    specs = shared / "specs"
    index = (specs / "INDEX.tsv").read_text(encoding="utf-8").splitlines()[1:]
    single = [specs / row.split("\t")[0] for row in index if not row.split("\t")[0].endswith(")")]
    multi = [specs / root for root in MULTI_FILE_ROOTS]
    talos = sorted((shared / "talos" / "upstream").glob("talos-*.json"))
    documents = [p for p in single if "/" not in p.name] + multi + talos
    missing = [str(p) for p in documents if not p.exists()]
    assert not missing, f"documents listed but missing: {missing}"
    return documents


def dummy_auth(path: Path | str) -> dict[str, object]:
    """A made-up credential for each security scheme of a document, so every operation carries one."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spec = Client(path, base_url=BASE_URL).spec
    auth: dict[str, object] = {}
    for name, scheme in Credentials(spec).schemes.items():
        kind = scheme.get("type")
        if kind in ("apiKey", "oauth2", "openIdConnect"):
            auth[name] = "dummy-credential"
        elif kind == "http":
            auth[name] = ("user", "pass") if str(scheme.get("scheme")).lower() == "basic" else "dummy-token"
    return auth


def corpus_client(path: Path | str) -> Client:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # name clashes are reported by their own tests
        return Client(path, base_url=BASE_URL, token="dummy-token", auth=dummy_auth(path))

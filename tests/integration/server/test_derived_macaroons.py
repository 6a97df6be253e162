"""AdminDeriveToken with TOKEN_ALGORITHM_MACAROON derives a real macaroon, checked with pymacaroons (an
independent implementation of libmacaroons' format and HMAC chain) and by hand from the documented
construction."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import pytest
import requests
from pymacaroons import Macaroon, Verifier
from pymacaroons.exceptions import MacaroonInvalidSignatureException

from talos_dynamic import Client
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.server import start_server

TOKEN = "macaroon-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
DERIVE = "/v2alpha1/admin/apiKeys:derive"


@pytest.fixture(scope="module")
def server():
    with start_server(token=TOKEN) as running:
        yield running


@pytest.fixture(scope="module")
def issued(server) -> dict:
    body = {"actor_id": "user_7", "scopes": ["read", "write", "keys:admin"], "ttl": "720h"}
    return requests.post(f"{server.url}/v2alpha1/admin/issuedApiKeys", json=body, headers=AUTH, timeout=10).json()


def derive(server, issued, **extra) -> requests.Response:
    body = {"credential": issued["secret"], "algorithm": "TOKEN_ALGORITHM_MACAROON", **extra}
    return requests.post(server.url + DERIVE, json=body, headers=AUTH, timeout=10)


def test_the_answer_has_the_shape_of_a_derived_jwt(server, issued):
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    answer = derive(server, issued, scopes=["read"], ttl="5m")
    assert answer.status_code == 200, answer.text
    token = answer.json()["token"]
    assert token["algorithm"] == "TOKEN_ALGORITHM_MACAROON" and token["scopes"] == ["read"]
    expires = dt.datetime.fromisoformat(token["expire_time"].replace("Z", "+00:00"))
    assert before + dt.timedelta(minutes=5) <= expires <= before + dt.timedelta(minutes=5, seconds=5)
    key_id = issued["issued_api_key"]["key_id"]
    assert token["claims"]["caveats"] == [
        f"key_id = {key_id}",
        "actor_id = user_7",
        'scopes = ["read"]',
        f"time < {token['expire_time']}",
    ]


def test_pymacaroons_verifies_it_with_the_server_root_key_and_its_caveats(server, issued):
    token = derive(server, issued).json()["token"]
    macaroon = Macaroon.deserialize(token["token"])
    assert macaroon.version == 2 and macaroon.location == "talos-dynamic-local"
    assert macaroon.identifier_bytes == token["claims"]["identifier"].encode()
    assert [c.caveat_id_bytes.decode() for c in macaroon.first_party_caveats()] == token["claims"]["caveats"]
    assert 'scopes = ["read","write","keys:admin"]' in token["claims"]["caveats"]  # the key's scopes by default
    verifier = Verifier()
    for caveat in token["claims"]["caveats"]:
        verifier.satisfy_exact(caveat)
    assert verifier.verify(macaroon, server.app.macaroons.root_key)
    with pytest.raises(MacaroonInvalidSignatureException):
        verifier.verify(macaroon, b"another root key")
    unmet = Verifier()
    for caveat in token["claims"]["caveats"][:-1]:  # the expiry is not satisfied
        unmet.satisfy_exact(caveat)
    with pytest.raises(MacaroonInvalidSignatureException):  # pymacaroons' answer to an unmet caveat
        unmet.verify(macaroon, server.app.macaroons.root_key)


def test_a_holder_can_narrow_it_but_not_widen_it(server, issued):
    token = derive(server, issued, scopes=["read"]).json()["token"]
    root_key = server.app.macaroons.root_key
    narrowed = Macaroon.deserialize(token["token"])
    narrowed.add_first_party_caveat("ip = 127.0.0.1")
    verifier = Verifier()
    for caveat in [*token["claims"]["caveats"], "ip = 127.0.0.1"]:
        verifier.satisfy_exact(caveat)
    assert verifier.verify(Macaroon.deserialize(narrowed.serialize()), root_key)
    widened = Macaroon(
        location="talos-dynamic-local", identifier=token["claims"]["identifier"], key=b"guess", version=2
    )
    for caveat in token["claims"]["caveats"]:
        widened.add_first_party_caveat(caveat.replace('["read"]', '["read","write"]'))
    verifier.satisfy_exact('scopes = ["read","write"]')
    with pytest.raises(MacaroonInvalidSignatureException):  # without the root key, no valid chain
        verifier.verify(widened, root_key)


def test_the_signature_is_the_documented_hmac_chain(server, issued):
    """libmacaroons: key = HMAC(b"macaroons-key-generator", root key); sig = HMAC(key, identifier); then
    sig = HMAC(sig, caveat) for each caveat. The version 2 form ends with field 6: 32 signature bytes."""
    token = derive(server, issued).json()["token"]
    raw = base64.urlsafe_b64decode(token["token"] + "=" * (-len(token["token"]) % 4))
    assert raw[0] == 2 and raw[-34:-32] == bytes([6, 32])

    def mac(key: bytes, message: bytes) -> bytes:
        return hmac.new(key, message, hashlib.sha256).digest()

    signature = mac(
        mac(b"macaroons-key-generator", server.app.macaroons.root_key), token["claims"]["identifier"].encode()
    )
    for caveat in token["claims"]["caveats"]:
        signature = mac(signature, caveat.encode())
    assert raw[-32:] == signature


def test_unspecified_and_unset_algorithms_derive_a_jwt(server, issued):
    for body in ({"algorithm": "TOKEN_ALGORITHM_UNSPECIFIED"}, {}):
        answer = requests.post(
            server.url + DERIVE, json={"credential": issued["secret"], **body}, headers=AUTH, timeout=10
        )
        token = answer.json()["token"]
        assert token["algorithm"] == "TOKEN_ALGORITHM_JWT" and token["token"].count(".") == 2


def test_the_client_derives_a_macaroon_with_the_enum_constant(server, issued):
    with Client(TALOS_SPEC, base_url=server.url, token=TOKEN, response_validation="strict") as talos:
        algorithm = talos.enums.TokenAlgorithm.TOKEN_ALGORITHM_MACAROON
        out = talos.admin_derive_token(credential=issued["secret"], algorithm=algorithm, ttl="1m")
        assert out.token.algorithm == algorithm and Macaroon.deserialize(out.token.token).signature

"""Masking holds everywhere (issue 9, point 5): real calls at DEBUG with known secrets, and not one of them may
appear in any log record (the root logger at DEBUG, urllib3 and httpx included), repr, exception text, curl
line or contract report.

Each secret class has its own test, and each test also shows that the channel was exercised and masked (a
`***` or a body summary where the secret would have been), so a test cannot pass by seeing nothing:
- the bearer token given as `token=` (and echoed back by a server in an error message),
- an apiKey sent in the query through `auth=` (urllib3's and httpx's own log lines print the request target),
  and query/header parameters with secret names, valid or not,
- the secrets the local Talos server issues and rotates, and the JWT it derives,
- credentials in batch verify, in shapes the spec refuses (strict: the exception; warn: the log and curl lines),
- bodies that are not JSON and carry a secret: warn and strict response validation, errors, contract findings,
- the whole Talos lifecycle scenario in contract mode, and its JSON and JUnit reports.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from talos_dynamic import Client, HttpxTransport, MockTransport, Response
from talos_dynamic.bundled import TALOS_SPEC
from talos_dynamic.contract.reports import build_report, findings_text, write_json, write_junit
from talos_dynamic.contract.scenarios import TALOS_LIFECYCLE, run_scenario
from talos_dynamic.errors import ApiError, RequestValidationError, ResponseValidationError, TalosDynamicError
from talos_dynamic.server import start_server

TOKEN = "tok-LEAKCHECK-bearer-7f3a9c1e"  # token=: a distinctive string, no credential shape
API_KEY = "apikey-LEAKCHECK-q8w7e6r5"  # auth= for an apiKey query scheme named `key` (not a built-in secret name)
QUERY_SECRET = "hunter-LEAKCHECK-query-param"  # an `access_token` query parameter, valid or not
HEADER_SECRET = "hunter-LEAKCHECK-header-param"  # an `X-Api-Key` header parameter
PLAIN = "hunter2-LEAKCHECK-plain-credential"  # a credential in a batch verify shape the spec refuses
BODY_SECRET = "LEAKCHECK-body-secret-in-unparsed-text"  # inside bodies that are not JSON


class Leaks:
    """Everything the package showed during a test: log records, reprs, exception texts, curl lines, files."""

    def __init__(self) -> None:
        self.records: list[logging.LogRecord] = []
        self.texts: list[str] = []
        self.secrets: set[str] = set()
        self._handler = _Collect(self)

    def add(self, *texts: object) -> None:
        self.texts += [t if isinstance(t, str) else repr(t) for t in texts]

    def error(self, error: BaseException) -> None:
        """str and repr of the error and of what it carries that the package renders (violations, the
        Response, a body kept as text); a JSON body is the server's data, as the server sent it."""
        self.add(str(error), repr(error), repr(getattr(error, "violations", None)))
        if getattr(error, "response", None) is not None:
            self.add(repr(error.response))
        if isinstance(getattr(error, "body", None), str | bytes):
            self.add(repr(error.body))

    def result(self, result: object) -> None:
        self.add(repr(result))
        http = getattr(result, "http", None)
        if http is not None:
            self.add(repr(http), repr(http.request), repr(http.response), repr(list(http.violations)))
            if http.request is not None:
                self.add(http.request.to_curl())

    def lines(self) -> list[str]:
        return [self._handler.format(r) for r in self.records] + self.texts

    def found(self, secrets: set[str] | None = None) -> list[tuple[str, str]]:
        """(secret, where) for every place a secret appears, as text, URL-encoded or JSON-escaped."""
        hits = []
        for secret in secrets if secrets is not None else self.secrets:
            forms = {secret, quote(secret, safe=""), json.dumps(secret)[1:-1]}
            hits += [(secret, line) for line in self.lines() if any(form in line for form in forms)]
        return hits

    def assert_clean(self) -> None:
        assert self.secrets, "no secret was registered: the test would pass vacuously"
        leaked = self.found()
        assert not leaked, "secrets leaked:\n" + "\n".join(f"{s!r} in: {line[:400]}" for s, line in leaked[:10])

    def logged(self, logger: str) -> list[str]:
        return [r.getMessage() for r in self.records if r.name == logger]


class _Collect(logging.Handler):
    def __init__(self, leaks: Leaks) -> None:
        super().__init__(logging.DEBUG)
        self.leaks = leaks
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.leaks.records.append(record)


@pytest.fixture()
def leaks() -> Iterator[Leaks]:
    """Every log record at DEBUG from every logger (urllib3, httpx, talos_dynamic...), through the root logger."""
    collected = Leaks()
    root = logging.getLogger()
    level = root.level
    root.addHandler(collected._handler)
    root.setLevel(logging.DEBUG)
    try:
        yield collected
    finally:
        root.removeHandler(collected._handler)
        root.setLevel(level)
    collected.assert_clean()


@pytest.fixture(scope="module")
def server():
    """The local Talos server, requiring TOKEN."""
    with start_server(token=TOKEN) as running:
        yield running


def grab_secrets(leaks: Leaks):
    """A response hook that registers every secret the server answers with (issued, rotated, derived)."""

    def grab(request, response) -> None:
        try:
            data = response.json()
        except ValueError:
            return
        if isinstance(data, dict):
            for value in (data.get("secret"), (data.get("token") or {}).get("token")):
                if isinstance(value, str) and value:
                    leaks.secrets.add(value)

    return grab


def test_the_detector_finds_a_planted_leak(leaks):
    """The check itself can fail: a secret logged in clear, raw or URL-encoded, is found."""
    planted = Leaks()
    planted.secrets = {TOKEN}
    planted.add(f"Authorization: Bearer {TOKEN}")
    planted.add(f"GET /x?key={quote(TOKEN)}")
    assert len(planted.found()) == 2
    with pytest.raises(AssertionError, match="secrets leaked"):
        planted.assert_clean()
    leaks.secrets.add(TOKEN)  # and this test's own capture stays clean


def test_bearer_token_and_issued_secrets_through_the_talos_flow(server, leaks):
    leaks.secrets.add(TOKEN)
    with Client(TALOS_SPEC, base_url=server.url, token=TOKEN, response_validation="strict") as talos:
        talos.hooks["response"].append(grab_secrets(leaks))
        out = talos.admin_issue_api_key(name="leak-check", actor_id="user_leak", scopes=["read"], ttl="720h")
        secret = out.secret
        assert secret in leaks.secrets
        leaks.result(out)
        leaks.add(repr(out.issued_api_key), out.issued_api_key, talos.history, talos.last_response)
        for result in (
            talos.admin_verify_api_key(credential=secret),
            talos.admin_batch_verify_api_keys(requests=[{"credential": secret}, {"credential": PLAIN}]),
            talos.admin_derive_token(credential=secret, algorithm="TOKEN_ALGORITHM_JWT"),
            talos.admin_rotate_issued_api_key(key_id=out.issued_api_key.key_id, body={}),
        ):
            leaks.result(result)
        assert len(leaks.secrets) >= 4  # the token, the issued and rotated secrets, the derived JWT
        prepared = talos.admin_verify_api_key.prepare(credential=secret)
        leaks.add(prepared, prepared.to_curl(), prepared.request)
        assert "Bearer ***" in prepared.to_curl() and '"credential":"***"' in prepared.to_curl()
        with pytest.raises(ApiError) as caught:
            talos.admin_get_issued_api_key(key_id="nonexistent-leak-check")
        leaks.error(caught.value)
    requests = [line for line in leaks.logged("talos_dynamic") if line.startswith("-> POST")]
    assert requests and all("'Authorization': 'Bearer ***'" in line for line in requests)
    assert any('"secret":"***"' in line for line in leaks.logged("talos_dynamic"))
    assert any('"token":"***"' in line for line in leaks.logged("talos_dynamic"))
    leaks.secrets.add(PLAIN)


def test_a_token_echoed_by_the_server_is_masked(leaks):
    """A server that quotes the caller's credential back in an error message or a body."""

    def echo(request):
        token = request.headers["Authorization"].split(" ", 1)[1]
        return Response(401, json={"code": 16, "message": f"token {token} is not valid", "echo": token})

    spec = {
        "openapi": "3.0.3",
        "info": {"title": "echo", "version": "1"},
        "paths": {"/me": {"get": {"operationId": "getMe", "responses": {"200": {"description": "ok"}}}}},
    }
    leaks.secrets.add(TOKEN)
    client = Client(spec, base_url="https://echo.test", token=TOKEN, transport=MockTransport(echo))
    with pytest.raises(ApiError) as caught:
        client.get_me()
    leaks.error(caught.value)
    assert caught.value.message == "token *** is not valid"
    assert any('"echo":"***"' in line for line in leaks.logged("talos_dynamic"))


def api_key_spec() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "keys", "version": "1"},
        "components": {"securitySchemes": {"keyQuery": {"type": "apiKey", "in": "query", "name": "key"}}},
        "security": [{"keyQuery": []}],
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "parameters": [
                        {"name": "page", "in": "query", "schema": {"type": "integer"}},
                        {"name": "access_token", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]+$"}},
                        {"name": "X-Api-Key", "in": "header", "schema": {"type": "string", "minLength": 40}},
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            }
        },
    }


@pytest.mark.parametrize("transport", ["requests", "httpx"])
def test_api_key_in_the_query_and_secret_named_parameters(canned, leaks, transport):
    leaks.secrets |= {API_KEY, QUERY_SECRET, HEADER_SECRET}
    canned.answer("/things", 200, {"items": []})
    chosen = HttpxTransport() if transport == "httpx" else None
    with Client(api_key_spec(), base_url=canned.url, auth={"keyQuery": API_KEY}, transport=chosen) as client:
        result = client.list_things(page=2)
        leaks.result(result)
        assert canned.requests[-1]["path"] == f"/things?page=2&key={API_KEY}"  # it was sent, in the query
        prepared = client.list_things.prepare(page=3)
        leaks.add(prepared, prepared.to_curl())
        assert "key=***" in prepared.to_curl()
        for kwargs in ({"access_token": QUERY_SECRET}, {"x_api_key": HEADER_SECRET}):
            with pytest.raises(RequestValidationError) as caught:  # invalid values: the message must not quote them
                client.list_things(**kwargs)
            leaks.error(caught.value)
            assert "***" in str(caught.value)
            warned = client.list_things(**kwargs, _validate="warn")  # sent anyway: logged and sent masked
            leaks.result(warned)
    third_party = leaks.logged("httpx") if transport == "httpx" else leaks.logged("urllib3.connectionpool")
    target = [line for line in third_party if "/things?" in line]
    assert target and all("key=***" in line for line in target), third_party
    assert any("access_token=***" in line for line in target)


def test_batch_verify_credentials_in_shapes_the_spec_refuses(server, leaks):
    leaks.secrets |= {TOKEN, PLAIN}
    with Client(TALOS_SPEC, base_url=server.url, token=TOKEN, response_validation="strict") as talos:
        talos.hooks["response"].append(grab_secrets(leaks))
        issued = talos.admin_issue_api_key(actor_id="user_leak").secret
        shapes = [[issued], [PLAIN], PLAIN, [[PLAIN]], [{"credential": 12345678901}], [{"credentail": PLAIN}]]
        shapes += [{"credential": PLAIN}, [{"credential": PLAIN}] * 101]
        for shape in shapes:
            with pytest.raises(RequestValidationError) as caught:
                talos.admin_batch_verify_api_keys(requests=shape)
            leaks.error(caught.value)
            assert "***" in str(caught.value) or "is a required property" in str(caught.value)
            assert all(v.value == "***" for v in caught.value.violations), caught.value.violations
        with pytest.raises(RequestValidationError) as caught:
            talos.admin_batch_verify_api_keys(body=PLAIN)
        leaks.error(caught.value)
        with pytest.raises(RequestValidationError) as caught:
            talos.admin_verify_api_key(body=[PLAIN])
        leaks.error(caught.value)
        # valid, though a credential sits in a field the spec does not declare: the same call carries it under
        # a secret name, so it is masked wherever it appears in that call
        leaks.result(talos.admin_batch_verify_api_keys(requests=[{"credential": PLAIN, "extra": PLAIN}]))
        # warn mode: the request is sent as it is, and its log line and curl line mask the credential too
        for shape in ([PLAIN], [[PLAIN]], [issued]):
            prepared = talos.admin_batch_verify_api_keys.prepare(requests=shape, _validate="warn")
            leaks.add(prepared.to_curl())
            assert "***" in prepared.to_curl()
            with pytest.raises(ApiError) as sent:  # the local server refuses the shape (400)
                talos.admin_batch_verify_api_keys(requests=shape, _validate="warn")
            leaks.error(sent.value)
    warnings = [r.getMessage() for r in leaks.records if r.levelno == logging.WARNING]
    assert any("$.requests[0]: *** (string) is not of type 'object'" in w for w in warnings), warnings
    assert any('"requests":["***"]' in line for line in leaks.logged("talos_dynamic"))


def json_spec() -> dict:
    schema = {"type": "object", "properties": {"id": {"type": "string"}}}
    status = {"type": "object", "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "bodies", "version": "1"},
        "paths": {
            "/thing": {
                "get": {
                    "operationId": "getThing",
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": schema}}},
                        "default": {"description": "error", "content": {"application/json": {"schema": status}}},
                    },
                }
            }
        },
    }


NOT_JSON = [
    (200, b'{"id": "t1", "note": "' + BODY_SECRET.encode() + b'"', "application/json"),  # cut short
    (200, f"id={BODY_SECRET}".encode(), "application/json"),
    (200, f"<html>{BODY_SECRET}</html>".encode(), "text/html; charset=utf-8"),
    (200, BODY_SECRET.encode(), "text/plain"),
    (500, f"<html><body>Internal error: {BODY_SECRET}</body></html>".encode(), "text/html"),
    (502, f"upstream said {BODY_SECRET}".encode(), "application/json"),
    (400, f'{{"code": 3, "message": "{BODY_SECRET}'.encode(), "application/json"),
]


@pytest.mark.parametrize(("status", "body", "content_type"), NOT_JSON, ids=[f"{s}-{t}" for s, _, t in NOT_JSON])
def test_bodies_that_are_not_json(canned, leaks, status, body, content_type):
    leaks.secrets.add(BODY_SECRET)
    canned.answer("/thing", status, body, content_type=content_type)
    shown = f"{len(body)} bytes of {content_type.split(';')[0]}"
    for mode in ("warn", "strict"):
        with Client(json_spec(), base_url=canned.url, response_validation=mode) as client:
            try:
                result = client.get_thing()
            except TalosDynamicError as error:
                assert status >= 400 or (mode == "strict" and isinstance(error, ResponseValidationError))
                leaks.error(error)
            else:
                assert mode == "warn" and status < 400 and BODY_SECRET in str(result)  # the value itself is intact
                leaks.result(result)
                assert shown in repr(result) or "characters" in repr(result)
    with Client(json_spec(), base_url=canned.url, contract=True) as client:
        try:
            leaks.result(client.get_thing())
        except ApiError as error:
            leaks.error(error)
        findings = client.contract.findings
        assert findings
        for finding in findings:
            leaks.add(str(finding), repr(finding), json.dumps(finding.to_json(), default=str))
    assert any(shown in line for line in leaks.lines()), "the body must be summarised somewhere"


def test_the_talos_lifecycle_in_contract_mode_and_its_reports(server, leaks, tmp_path):
    leaks.secrets.add(TOKEN)
    started = dt.datetime.now(dt.UTC)
    with Client(TALOS_SPEC, base_url=server.url, token=TOKEN, contract=True) as client:
        client.hooks["response"].append(grab_secrets(leaks))
        cases = run_scenario(client, TALOS_LIFECYCLE)
        for case in cases:
            leaks.add(repr(case), case.message or "")
            for finding in case.findings:
                leaks.add(str(finding), repr(finding))
        report = build_report(
            client.contract,
            cases,
            spec_source=client.spec.source,
            title="Talos",
            base_url=server.url,
            started=started,
            seconds=1.0,
            baseline=set(),
        )
    assert len(leaks.secrets) >= 3, "the scenario issues and rotates keys and derives a token"
    write_json(report, tmp_path / "report.json")
    write_junit(report, tmp_path / "report.xml", "talos")
    leaks.add((tmp_path / "report.json").read_text(), (tmp_path / "report.xml").read_text(), findings_text(report))
    logged = leaks.logged("talos_dynamic")
    assert any('"secret":"***"' in line for line in logged) and any('"credential":"***"' in line for line in logged)

"""The whole suite runs at DEBUG with its secrets known, and no test may show one (issue 9, point 5).

A pytest plugin loaded by conftest.py. For the whole session:
- every logger (talos_dynamic, urllib3, httpx, the local server's) logs at DEBUG into a collector;
- the known secrets are every credential the suite hands to a client (`token=`, `auth=` values, secret-named
  `headers=`), the admin token of the local server, and every API-key secret and JWT a local server issues;
- each test's captured log records, the str and repr of every library error it created, the repr of every
  result it received and every masked curl line it built are searched for those secrets when it ends, and a
  test that showed one fails with where it appeared. Report files written under the session's temporary
  folder are searched when the session ends.

A test that shows a secret on purpose (an unmasked curl line, a masking unit test feeding one in) is marked
`@pytest.mark.shows_secrets`, with the reason in the test.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from talos_dynamic import client as client_module
from talos_dynamic.call import prepare as prepare_module
from talos_dynamic.call import results as results_module
from talos_dynamic.errors import TalosDynamicError
from talos_dynamic.masking import SECRET_HEADERS
from talos_dynamic.server import credentials as credentials_module
from talos_dynamic.server import tokens as tokens_module

MIN_LENGTH = 8  # shorter strings ("t", "abc") occur by chance in ordinary text
LOGGERS = ("talos_dynamic", "urllib3", "httpx", "httpcore", "werkzeug", "talos_dynamic.server")


class Seen:
    """What the package showed during one test, and the secrets known so far."""

    def __init__(self) -> None:
        self.secrets: set[str] = set()
        self.records: list[logging.LogRecord] = []
        self.errors: list[BaseException] = []
        self.results: list[Any] = []
        self.curls: list[str] = []
        self.checked = {"log records": 0, "error texts": 0, "result reprs": 0, "curl lines": 0, "report files": 0}

    def know(self, *values: Any) -> None:
        self.secrets.update(v for v in values if isinstance(v, str) and len(v) >= MIN_LENGTH)

    def clear(self) -> None:
        self.records.clear()
        self.errors.clear()
        self.results.clear()
        self.curls.clear()

    def shown(self) -> Iterator[tuple[str, str]]:
        """(where, text) for everything shown during the test."""
        formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
        for record in self.records:
            yield f"log record of {record.name}", formatter.format(record)
        for error in self.errors:
            yield f"{type(error).__name__} text", f"{error}\n{error!r}"
        for result in self.results:
            yield f"repr of a {type(result).__name__}", repr(result)
        for line in self.curls:
            yield "curl line", line

    def leaks(self) -> list[str]:
        found = []
        for key, items in zip(self.checked, (self.records, self.errors, self.results, self.curls), strict=False):
            self.checked[key] += len(items)
        for where, text in self.shown():
            for secret in self.secrets:
                if secret in text:
                    found.append(f"{where} shows a known secret ({secret[:4]}…): {text[:300]!r}")
        return found


SEEN = Seen()


class _Collector(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        SEEN.records.append(record)


def _credentials(token: Any, auth: Any, headers: Any) -> Iterable[Any]:
    yield token
    if isinstance(auth, Mapping):
        for value in auth.values():
            yield from value if isinstance(value, tuple | list) else (value,)
    if isinstance(headers, Mapping):
        for name, value in headers.items():
            if isinstance(name, str) and name.lower() in SECRET_HEADERS and isinstance(value, str):
                yield value
                yield value.partition(" ")[2]


def _wrap(owner: Any, name: str, after: Any) -> None:
    """Replace owner.name by a function that calls the original, then after(args, kwargs, result)."""
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        after(args, kwargs, result)
        return result

    wrapper.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(owner, name, wrapper)


def _install() -> None:
    def on_client(args: tuple, kwargs: dict, _: Any) -> None:
        SEEN.know(*_credentials(kwargs.get("token"), kwargs.get("auth"), kwargs.get("headers")))

    def on_secret(args: tuple, kwargs: dict, pair: tuple[str, str]) -> None:
        SEEN.know(pair[1])

    def on_token(args: tuple, kwargs: dict, token: Any) -> None:
        SEEN.know(token)

    def on_result(args: tuple, kwargs: dict, _: Any) -> None:
        SEEN.results.append(args[0])

    def on_curl(args: tuple, kwargs: dict, line: str) -> None:
        if kwargs.get("mask", args[1] if len(args) > 1 else True):
            SEEN.curls.append(line)

    _wrap(client_module.BaseClient, "__init__", on_client)
    _wrap(credentials_module.SecretFactory, "new", on_secret)
    _wrap(tokens_module.TokenSigner, "sign", on_token)
    _wrap(results_module.Result, "__init__", on_result)
    _wrap(results_module.StreamResult, "__init__", on_result)
    _wrap(prepare_module.PreparedRequest, "to_curl", on_curl)
    _wrap(client_module.PreparedCall, "to_curl", on_curl)

    def new_error(cls: type, *args: Any, **kwargs: Any) -> Any:
        error = Exception.__new__(cls, *args, **kwargs)
        SEEN.errors.append(error)
        return error

    TalosDynamicError.__new__ = new_error  # type: ignore[method-assign,assignment]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "shows_secrets(reason): the test shows a secret on purpose")
    _install()
    collector = _Collector(logging.DEBUG)
    logging.getLogger().addHandler(collector)
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    config._leak_collector = collector  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def no_secret_shown(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fails the test (at teardown, after its other fixtures) when it showed a known secret."""
    SEEN.clear()
    yield
    leaks = [] if request.node.get_closest_marker("shows_secrets") else SEEN.leaks()
    SEEN.clear()
    if leaks:
        pytest.fail(f"showed {len(leaks)} secret(s):\n" + "\n".join(leaks[:10]), pytrace=False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    factory = getattr(session.config, "_tmp_path_factory", None)
    base = factory.getbasetemp() if factory is not None and factory._basetemp is not None else None
    leaks = []
    for path in Path(base).rglob("*") if base is not None else ():
        if path.is_file() and path.suffix in (".json", ".xml", ".txt", ".md", ".log", ".html"):
            SEEN.checked["report files"] += 1
            text = path.read_text("utf-8", "replace")
            leaks += [f"{path}: shows a known secret ({s[:4]}…)" for s in SEEN.secrets if s in text]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if leaks:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if reporter is not None:
        counts = ", ".join(f"{n} {what}" for what, n in SEEN.checked.items())
        reporter.write_line(f"leak guard: {len(SEEN.secrets)} known secrets; checked {counts}; {len(leaks)} leaks")
        if leaks:
            reporter.write_line("Secrets found in report files:\n" + "\n".join(leaks[:20]), red=True)

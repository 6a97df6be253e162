"""The suite-wide leak guard (tests/leak_guard.py) fails a test that shows a known secret, and only then."""

import os
from pathlib import Path

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
INNER = """
import logging
import pytest
from talos_dynamic import Client, ConfigurationError

SPEC = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
SECRET = "tok-INNER-known-secret-42"


def test_logs_it():
    Client(SPEC, base_url="http://127.0.0.1:9", token=SECRET)
    logging.getLogger("talos_dynamic").debug("sending %s", SECRET)


def test_puts_it_in_an_error():
    Client(SPEC, base_url="http://127.0.0.1:9", token=SECRET)
    ConfigurationError(f"bad value {SECRET}")


def test_masks_it():
    Client(SPEC, base_url="http://127.0.0.1:9", token=SECRET)
    logging.getLogger("talos_dynamic").debug("sending ***")


@pytest.mark.shows_secrets("this test shows it on purpose")
def test_shows_it_on_purpose():
    Client(SPEC, base_url="http://127.0.0.1:9", token=SECRET)
    logging.getLogger("urllib3").debug("sending %s", SECRET)
"""


def test_a_test_that_shows_a_known_secret_fails(pytester):
    pytester.makepyfile(test_inner=INNER)
    env = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = f"{ROOT}{os.pathsep}{env}" if env else str(ROOT)
    try:
        result = pytester.runpytest_subprocess("-p", "tests.leak_guard", "-q", "-p", "no:cacheprovider")
    finally:
        os.environ["PYTHONPATH"] = env
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed") == 4 and outcomes.get("errors") == 2, result.stdout.str()
    text = result.stdout.str()
    assert "test_logs_it" in text and "log record of talos_dynamic shows a known secret" in text
    assert "ConfigurationError text shows a known secret" in text
    assert "leak guard: 1 known secrets" in text

"""Python names for operations, parameters and enum members: stable, acronym-aware snake_case."""

from __future__ import annotations

import keyword
import re

# One word each: a few mixed-case brand acronyms, plural acronyms (APIs, IDs), an acronym before a
# capitalised word (API in APIKey), capitalised or lower words with trailing digits, acronyms, digits.
_WORD = re.compile(
    r"""
    OAuth\d*|IPv\d+|
    [A-Z]{2,}s(?![a-z])|
    [A-Z]+(?=[A-Z][a-z])|
    [A-Z]?[a-z]+\d*|
    [A-Z]+\d*|
    \d+[a-z]*
    """,
    re.VERBOSE,
)


def snake_case(name: str) -> str:
    """CamelCase, camelCase, kebab-case or dotted names to snake_case: AdminIssueAPIKey -> admin_issue_api_key.

    Acronyms stay whole (APIKeys -> api_keys, GetJWKS -> get_jwks, OAuth2Token -> oauth2_token,
    IPv6Address -> ipv6_address); any character that is not a letter or digit separates words.
    """
    return safe_identifier("_".join(_WORD.findall(name)).lower())


def safe_identifier(name: str) -> str:
    """Make a name usable as a Python keyword argument: keywords get a trailing _, digits a leading _."""
    if not name:
        return "_"
    if name[0].isdigit():
        name = f"_{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name = f"{name}_"
    return name


def argument_name(name: str) -> str:
    """The keyword-argument name of a parameter or body property.

    A name that is already a Python identifier stays as it is (page_size, pageSize); any other is
    turned into snake_case (X-Request-Id -> x_request_id, issued_api_key.key_id -> issued_api_key_key_id).
    """
    if name.isidentifier() and name.isascii():
        return safe_identifier(name)
    return snake_case(name)


def operation_name_from_route(method: str, path: str) -> str:
    """A deterministic name for an operation without operationId: GET /users/{id}/repos -> get_users_id_repos."""
    return snake_case(f"{method} {path}")


def constant_name(value: object) -> str:
    """An attribute name for an enum value: the value itself when it is an identifier, else UPPER_SNAKE.

    Names that would start with a digit or an underscore get a leading V (2xx -> V2XX, _id -> V_ID);
    Python keywords get a trailing underscore (class -> class_).
    """
    text = str(value)
    if text.isidentifier() and text.isascii() and not text.startswith("_"):
        return f"{text}_" if keyword.iskeyword(text) else text
    words = re.findall(r"[A-Za-z0-9]+", text)
    if not words:
        return "EMPTY" if text == "" else "VALUE"
    name = "_".join(w.upper() for w in words)
    if text.startswith("_"):
        return f"V_{name}"
    return f"V{name}" if name[0].isdigit() else name

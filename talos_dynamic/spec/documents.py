"""Fetch and parse spec documents (file, http(s) URL or dict; JSON or YAML, safe loading only)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
import yaml

from ..errors import SpecError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SpecYamlLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML loading that keeps timestamps as strings and makes every mapping key a string."""


_SpecYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    pairs = loader.construct_pairs(node, deep=True)
    return {k if isinstance(k, str) else _key_text(k): v for k, v in pairs}


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


_SpecYamlLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def parse_text(text: str, source: str) -> Any:
    """Parse JSON or YAML text; errors name the source and the line."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            pass  # YAML flow style is a superset of JSON; let YAML report the problem
    try:
        return yaml.load(text, Loader=_SpecYamlLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SpecError(f"not valid JSON or YAML{where}: {problem}", source=source) from None


class DocumentStore:
    """Loads each document once, by absolute URI, and keeps it for $ref resolution."""

    def __init__(self, session: requests.Session | None = None, timeout: float = 30.0) -> None:
        self._documents: dict[str, Any] = {}
        self._session = session
        self._timeout = timeout
        self.transform: Callable[[Any], Any] | None = None  # applied to every document loaded from now on

    @property
    def documents(self) -> dict[str, Any]:
        """Every document loaded so far, by URI."""
        return self._documents

    def add(self, uri: str, document: Any) -> None:
        """Register a document that did not come from a file or URL (a dict source)."""
        self._documents[uri] = document

    def get(self, uri: str) -> Any:
        """The parsed document at an absolute URI (file:// or http(s)://), loaded on first use."""
        if uri not in self._documents:
            document = self._fetch(uri)
            self._documents[uri] = self.transform(document) if self.transform else document
        return self._documents[uri]

    def _fetch(self, uri: str) -> Any:
        scheme = urlsplit(uri).scheme
        if scheme == "file":
            path = Path(unquote(urlsplit(uri).path))
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise SpecError("file not found", source=str(path)) from None
            except (OSError, UnicodeDecodeError) as exc:
                raise SpecError(f"cannot read the file: {exc}", source=str(path)) from None
            return parse_text(text, str(path))
        if scheme in ("http", "https"):
            return parse_text(self._download(uri), uri)
        raise SpecError(f"cannot load a document from {scheme or 'a relative'} URI", source=uri)

    def _download(self, uri: str) -> str:
        session = self._session or requests.Session()
        try:
            response = session.get(
                uri, timeout=self._timeout, headers={"Accept": "application/json, application/yaml;q=0.9, */*;q=0.5"}
            )
        except requests.RequestException as exc:
            raise SpecError(f"cannot download the spec: {type(exc).__name__}", source=uri) from None
        if response.status_code != 200:
            raise SpecError(f"downloading the spec answered HTTP {response.status_code}", source=uri)
        return response.text


def source_uri(source: str | Path) -> tuple[str, str]:
    """The absolute URI of a path or URL source, and the name to show the user."""
    text = str(source)
    if urlsplit(text).scheme in ("http", "https", "file"):
        return text, text
    path = Path(text).expanduser().absolute()
    return path.as_uri(), str(source)


def copy_dict_source(source: dict[str, Any]) -> dict[str, Any]:
    """A private deep copy, so the caller's dict is never touched."""
    return copy.deepcopy(source)

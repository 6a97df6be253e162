"""Fetch and parse spec documents (file, http(s) URL or dict; JSON or YAML, safe loading only), within limits.

Every document is bounded by SpecLimits (its size, its nesting, what YAML aliases may add) and, when a $ref
names it, by the spec's RefPolicy (refs.py): the store refuses, with SpecError, any document that policy does
not allow, so nothing (validation's registry included) reaches a file or a host the user did not allow.
"""

from __future__ import annotations

import base64
import copy
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from ..errors import ConfigurationError, SpecError
from ..json_depth import deeper_than
from . import parsed_cache

if TYPE_CHECKING:
    import requests
    from requests.cookies import RequestsCookieJar

    from .refs import RefPolicy

ACCEPT = "application/json, application/yaml;q=0.9, */*;q=0.5"
CHUNK_BYTES = 64 * 1024
MAX_REDIRECTS = 10
DATA_KEYWORDS = frozenset({"enum", "const", "default", "example", "examples"})  # values, never schemas


@dataclass(frozen=True)
class SpecLimits:
    """What loading a spec may cost; a document past any limit is refused with SpecError naming it.

    - `max_bytes` (default 64 MiB): the size of each document: the spec and every file or URL its $refs
      load. A file is read, and a download streamed, no further than the limit, so a URL that never ends
      stops there.
    - `max_depth` (default 100): how deeply objects and arrays nest, YAML aliases expanded. Real specs stay
      under 30; the limit keeps every later step (upgrading Swagger 2.0, inlining, validation, docs) clear
      of Python's recursion limit, so a too deeply nested JSON, YAML or dict spec is a SpecError, never a
      RecursionError.
    - `max_alias_nodes` (default 1,000,000): how many nodes YAML aliases (`*name`, and merge keys `<<`) may
      add to a document once expanded: go-yaml's "excessive aliasing" check, counted while the document is
      composed, before anything is expanded, so an alias bomb (a few hundred bytes that expand to billions
      of nodes) is refused at once. A dict (or ref_loader) document's shared containers count the same
      way, and a document that contains itself (a recursive alias, a cyclic dict) is refused.

    Spec takes `limits=SpecLimits(...)`, Client `spec_limits=`; either also takes a dict of the limits to
    change, such as `{"max_bytes": 200_000_000}`.
    """

    max_bytes: int = 64 * 1024 * 1024
    max_depth: int = 100
    max_alias_nodes: int = 1_000_000

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            lowest = 0 if field.name == "max_alias_nodes" else 1
            if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
                raise ConfigurationError(f"SpecLimits.{field.name} must be an integer >= {lowest}, not {value!r}")

    @classmethod
    def of(cls, value: SpecLimits | Mapping[str, int] | None) -> SpecLimits:
        """The limits from None (the defaults), a SpecLimits, or a mapping of the limits to change."""
        if value is None:
            return cls()
        if isinstance(value, SpecLimits):
            return value
        if isinstance(value, Mapping):
            names = [field.name for field in fields(cls)]
            unknown = sorted(str(key) for key in value if key not in names)
            if unknown:
                raise ConfigurationError(f"spec limits: unknown {', '.join(unknown)} (the limits: {', '.join(names)})")
            return cls(**value)
        raise ConfigurationError(f"spec limits are a SpecLimits or a dict, not {type(value).__name__}")


def parse_text(text: str, source: str, limits: SpecLimits | None = None) -> Any:
    """Parse JSON or YAML text within `limits`; errors name the source and the line."""
    limits = limits or SpecLimits()
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            pass  # YAML flow style is a superset of JSON; let YAML report the problem
        except RecursionError:
            raise too_deep_for_python(limits, source) from None
        except ValueError as exc:  # an integer past Python's digit limit
            raise SpecError(f"not valid JSON: {exc}", source=source) from None
        else:
            _check_tree_depth(document, limits, source)
            return document
    from .yaml_text import parse_yaml  # PyYAML loads only for a document that is not JSON

    return parse_yaml(text, source, limits)


def _parse_file(data: bytes, source: str, limits: SpecLimits) -> Any:
    """parse_text for a file's bytes; a YAML file comes from the parsed-document cache when the command line
    keeps one (parsed_cache.py), and goes there once parsed."""
    text = _decode(data, None, source)
    if text.lstrip().startswith(("{", "[")) or not parsed_cache.active():
        return parse_text(text, source, limits)
    document = parsed_cache.lookup(data)
    if document is not None:
        _check_tree_depth(document, limits, source)
        return document
    from .yaml_text import parse_yaml_noting_anchors

    document, anchored = parse_yaml_noting_anchors(text, source, limits)
    if not anchored:  # an alias shares nodes, which JSON would copy (and the alias limit could not count)
        parsed_cache.keep(data, document)
    return document


def too_deep(limits: SpecLimits, source: str, mark: Any = None) -> SpecError:
    """The error for a document nested deeper than max_depth (at the YAML mark, when known)."""
    where = f" at line {mark.line + 1}" if mark is not None else ""
    return SpecError(
        f"objects and arrays nest deeper than {limits.max_depth} levels{where} (SpecLimits.max_depth)", source=source
    )


def too_deep_for_python(limits: SpecLimits, source: str) -> SpecError:
    """The error for a document nested past Python's recursion limit (max_depth raised that far)."""
    return SpecError(
        f"objects and arrays nest deeper than Python's recursion limit allows (SpecLimits.max_depth is"
        f" {limits.max_depth})",
        source=source,
    )


def too_many_aliases(limits: SpecLimits, source: str, mark: Any = None) -> SpecError:
    """The error for shared nodes (YAML aliases, a dict's shared containers) past max_alias_nodes."""
    where = f" (at line {mark.line + 1})" if mark is not None else ""
    return SpecError(
        f"excessive aliasing: aliases would expand the document by more than {limits.max_alias_nodes} nodes"
        f"{where} (SpecLimits.max_alias_nodes)",
        source=source,
    )


def check_shape(document: Any, limits: SpecLimits, source: str) -> None:
    """Refuse a parsed document (dicts and lists) nested deeper than max_depth, whose shared containers (one
    dict or list reached from several places) add more than max_alias_nodes nodes once expanded, or that
    contains itself. Iterative: a document of any depth gives SpecError, never RecursionError."""
    if not isinstance(document, dict | list):
        return
    shapes: dict[int, tuple[int, int]] = {}  # id(container) -> (height, expanded size), once complete
    open_ids = {id(document)}
    stack: list[list[Any]] = [[document, iter(_members(document)), 0, 1]]  # container, members, height, size
    added = 0
    while stack:
        frame = stack[-1]
        for member in frame[1]:
            if not isinstance(member, dict | list):
                frame[3] += 1
                continue
            key = id(member)
            if key in shapes:
                height, size = shapes[key]
                added += size
                if added > limits.max_alias_nodes:
                    raise too_many_aliases(limits, source)
                if len(stack) + height > limits.max_depth:
                    raise too_deep(limits, source)
                frame[2], frame[3] = max(frame[2], height), frame[3] + size
                continue
            if key in open_ids:
                raise SpecError("the document contains itself (a dict or list inside itself)", source=source)
            if len(stack) >= limits.max_depth:
                raise too_deep(limits, source)
            open_ids.add(key)
            stack.append([member, iter(_members(member)), 0, 1])
            break
        else:
            stack.pop()
            open_ids.discard(id(frame[0]))
            height, size = frame[2] + 1, frame[3]
            shapes[id(frame[0])] = (height, size)
            if stack:
                parent = stack[-1]
                parent[2], parent[3] = max(parent[2], height), parent[3] + size


def _check_tree_depth(document: Any, limits: SpecLimits, source: str) -> None:
    """check_shape for a tree (what json.loads returns: nothing shared, no cycles), much faster."""
    if deeper_than(document, limits.max_depth):
        raise too_deep(limits, source)


def _members(container: dict[Any, Any] | list[Any]) -> Any:
    return container.values() if isinstance(container, dict) else container


class DocumentStore:
    """Loads each document once, by absolute URI, and keeps it for $ref resolution.

    A document is loaded only when the spec's RefPolicy allows its URI (or `ref_loader` supplies it), within
    the SpecLimits. Downloads stream, stopping at max_bytes, and follow redirects one hop at a time: the
    user's `session` (its headers, auth, cookies, client certificate and params) is used only on the spec's
    own origin; any other origin (an allowed $ref elsewhere, a redirect) gets a plain session that keeps
    just the proxies and TLS verification settings, so credentials never leave the spec's origin.
    """

    def __init__(
        self,
        session: requests.Session | None = None,
        timeout: float = 30.0,
        *,
        limits: SpecLimits | None = None,
        policy: RefPolicy | None = None,
        ref_loader: Callable[[str], Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._documents: dict[str, Any] = {}
        self._session = session
        self._timeout = timeout
        self._headers = dict(headers or {})  # the client's credentials, for the spec's own origin only
        self._cookies: RequestsCookieJar | None = None
        self.limits = limits or SpecLimits()
        self.policy = policy
        self.ref_loader = ref_loader
        self.transform: Callable[[Any], Any] | None = None  # applied to every document loaded from now on
        self.schema_ids = False  # OpenAPI 3.1: a URI may name a schema by its "$id" in a loaded document
        self._ids: dict[str, tuple[str, str, Any]] = {}
        self._ids_of = 0  # how many documents self._ids was built from

    @property
    def documents(self) -> dict[str, Any]:
        """Every document loaded so far, by URI."""
        return self._documents

    def add(self, uri: str, document: Any) -> None:
        """Register a document that did not come from a file or URL (a dict source)."""
        self._documents[uri] = document

    def get(self, uri: str) -> Any:
        """The parsed document (or, OpenAPI 3.1, the schema identified by that $id) at an absolute URI.

        A document not loaded yet is loaded now when the policy allows it; anything else raises SpecError
        (and never touches the network), which is what validation's reference registry relies on.
        """
        return self.locate(uri)[2]

    def locate(self, uri: str) -> tuple[str, str, Any]:
        """(document URI, JSON pointer, value) for an absolute URI without fragment: a loaded document; a
        schema a loaded document identifies with that "$id" (OpenAPI 3.1, resolved locally, never fetched);
        or a document loaded now, from `ref_loader` or where the policy allows. SpecError otherwise."""
        if uri in self._documents:
            return uri, "", self._documents[uri]
        found = self.identified(uri)
        if found is not None:
            return found
        document = self._load(uri)
        self._documents[uri] = self.transform(document) if self.transform else document
        return uri, "", self._documents[uri]

    def identified(self, uri: str) -> tuple[str, str, Any] | None:
        """(document URI, pointer, schema) of the schema whose "$id" is `uri` (or whose "$anchor" is the
        fragment of `uri`) in a loaded document; None when none is, or the spec is not OpenAPI 3.1."""
        if not self.schema_ids:
            return None
        if self._ids_of != len(self._documents):
            ids: dict[str, tuple[str, str, Any]] = {}
            for document_uri, document in list(self._documents.items()):
                for key, found in _schema_ids(document_uri, document):
                    ids.setdefault(key, found)
            self._ids, self._ids_of = ids, len(self._documents)
        return self._ids.get(uri)

    def _load(self, uri: str) -> Any:
        if self.policy is None or uri != self.policy.root:  # the spec itself is what the user asked for
            supplied = self._supplied(uri) if self.ref_loader is not None else None
            if supplied is not None:
                return supplied
            if self.policy is not None:
                self.policy.check(uri)
        return self._fetch(uri)

    def _supplied(self, uri: str) -> Any:
        """What the user's ref_loader answers for `uri`: None to let the policy decide."""
        assert self.ref_loader is not None
        try:
            supplied = self.ref_loader(uri)
        except SpecError:
            raise
        except Exception as exc:
            raise SpecError(f"ref_loader failed: {type(exc).__name__}: {exc}", source=uri) from exc
        if supplied is None:
            return None
        if isinstance(supplied, str):
            supplied = supplied.encode("utf-8")
        if isinstance(supplied, bytes | bytearray):
            if len(supplied) > self.limits.max_bytes:
                raise _too_large(self.limits, uri)
            return parse_text(_decode(bytes(supplied), None, uri), uri, self.limits)
        return copy_dict_source(supplied, self.limits, uri)

    def _fetch(self, uri: str) -> Any:
        parts = urlsplit(uri)
        if parts.scheme == "file":
            path = Path(unquote(parts.path))
            try:
                with path.open("rb") as handle:
                    data = handle.read(self.limits.max_bytes + 1)
            except FileNotFoundError:
                raise SpecError("file not found", source=str(path)) from None
            except (OSError, ValueError) as exc:  # ValueError: a NUL or a lone surrogate in the path
                raise SpecError(f"cannot read the file: {exc}", source=str(path)) from None
            if len(data) > self.limits.max_bytes:
                raise _too_large(self.limits, str(path))
            return _parse_file(data, str(path), self.limits)
        if parts.scheme in ("http", "https"):
            return parse_text(self._download(uri), uri, self.limits)
        raise SpecError(f"cannot load a document from {parts.scheme or 'a relative'} URI", source=uri)

    def _download(self, uri: str) -> str:
        """The text at `uri`, redirects followed one hop at a time, all of it within the store's timeout.

        The timeout bounds the whole download (every hop, the headers and the body): a server that drips
        the document one byte at a time is cut off at the deadline, not once per read.
        """
        import requests  # loaded only when a spec is downloaded

        from ..call.deadlines import WATCHDOG, install  # the same watchdog the calls use (urllib3 only)

        own_session = self._own_session()
        plain_session = self._plain_session()
        watched = install(own_session) & install(plain_session)
        exchange = WATCHDOG.watch(self._timeout) if watched else None
        deadline = time.monotonic() + self._timeout
        url, hops = uri, []
        try:
            for _ in range(MAX_REDIRECTS + 1):
                own = self.policy is None or self.policy.same_origin(url)
                session = own_session if own else plain_session
                headers = {**(self._headers if own else {}), "Accept": ACCEPT}
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _too_slow(self._timeout, uri)
                response = session.get(url, timeout=remaining, headers=headers, stream=True, allow_redirects=False)
                with response:
                    if response.is_redirect:
                        url = self._redirect(uri, url, session.get_redirect_target(response) or "")
                        hops.append(url)
                        if _looks_like_login(url):
                            raise SpecError(
                                f"the spec's URL redirected to a login page ({_shown_url(url)}): pass the"
                                " credentials it needs with headers=, token= or auth= (or session=)",
                                source=uri,
                            )
                        continue
                    if response.status_code in (401, 403):
                        raise SpecError(
                            f"downloading the spec answered HTTP {response.status_code}: it needs credentials"
                            " (headers=, token= or auth=, sent to the spec's own origin only)",
                            source=uri,
                        )
                    if response.status_code != 200:
                        raise SpecError(f"downloading the spec answered HTTP {response.status_code}", source=uri)
                    text = self._read(response, uri, deadline)
                    if exchange is not None and exchange.expired:
                        raise _too_slow(self._timeout, uri)
                    _refuse_html(response.headers.get("Content-Type", ""), text, hops, uri)
                    return text
        except requests.RequestException as exc:
            if (exchange is not None and exchange.expired) or time.monotonic() >= deadline:
                raise _too_slow(self._timeout, uri) from None
            raise SpecError(f"cannot download the spec: {type(exc).__name__}", source=uri) from None
        finally:
            if exchange is not None:
                WATCHDOG.release(exchange)
            plain_session.close()
            if self._session is None:
                own_session.close()  # a session of the user's shares its connection pools: left open
        raise SpecError(f"more than {MAX_REDIRECTS} redirects", source=uri)

    def _own_session(self) -> requests.Session:
        """The session for the spec's own origin: the user's settings and credentials, but the store's own
        cookie jar (a copy of the user's), so a cookie set while the spec loads (a login page's) never
        authenticates the calls made later on the user's session."""
        import requests
        from requests.cookies import RequestsCookieJar
        from requests.structures import CaseInsensitiveDict

        own = requests.Session()
        user = self._session
        if user is not None:
            own.headers = CaseInsensitiveDict(user.headers)
            own.auth, own.cert, own.params = user.auth, user.cert, dict(user.params)
            own.proxies, own.verify, own.trust_env = dict(user.proxies), user.verify, user.trust_env
            own.adapters = user.adapters
        if self._cookies is None:
            self._cookies = user.cookies.copy() if user is not None else RequestsCookieJar()
        own.cookies = self._cookies
        own.auth = own.auth or _no_netrc
        return own

    def _redirect(self, uri: str, url: str, location: str) -> str:
        """Where a redirect goes: http(s) only and, for a $ref, only where the policy lets the $ref go."""
        target = urljoin(url, location)
        if urlsplit(target).scheme not in ("http", "https"):
            raise SpecError(f"redirected to {target}, which is not an http(s) URL", source=uri)
        if self.policy is not None and uri != self.policy.root:
            try:
                self.policy.check(target)
            except SpecError as exc:
                raise SpecError(f"redirected to {target}: {exc.reason}", source=uri) from None
        return target

    def _plain_session(self) -> requests.Session:
        """A session without the user's credentials, for origins other than the spec's."""
        import requests

        plain = requests.Session()
        if self._session is not None:
            plain.proxies = dict(self._session.proxies)
            plain.verify = self._session.verify
            plain.trust_env = self._session.trust_env
        plain.auth = _no_netrc
        return plain

    def _read(self, response: requests.Response, uri: str, deadline: float) -> str:
        limit = self.limits.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(self.limits, uri)
        body = bytearray()
        for chunk in response.iter_content(CHUNK_BYTES):
            body += chunk
            if len(body) > limit:
                raise _too_large(self.limits, uri)
            if time.monotonic() > deadline:  # where no watchdog could be fitted (a custom adapter)
                raise _too_slow(self._timeout, uri)
        return _decode(bytes(body), _charset(response.headers.get("Content-Type", "")), uri)


def _too_slow(timeout: float, source: str) -> SpecError:
    return SpecError(
        f"downloading the spec took longer than the timeout ({timeout:g}s for the whole download)", source=source
    )


LOGIN_WORDS = ("login", "log-in", "log_in", "signin", "sign-in", "sign_in")  # inside a path segment
LOGIN_SEGMENTS = frozenset({"sso", "oauth", "oauth2", "saml", "saml2", "auth", "authorize", "authenticate", "cas"})


def _looks_like_login(url: str) -> bool:
    """Whether a URL's path names a login page: a segment such as /login, /ServiceLogin, /sign-in, or one
    that is exactly /auth, /sso, /oauth2, /saml, /authorize (not /authors)."""
    for segment in urlsplit(url).path.lower().split("/"):
        if any(word in segment for word in LOGIN_WORDS) or segment.rsplit(".", 1)[0] in LOGIN_SEGMENTS:
            return True
    return False


def _shown_url(url: str) -> str:
    """A URL without its query and fragment (where a login page's return address, or a token, may be)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _refuse_html(content_type: str, text: str, hops: list[str], uri: str) -> None:
    """SpecError when the answer is an HTML page (a login form, a portal, an error page), not the spec."""
    head = text.lstrip()[:200].lower()
    if "html" not in content_type.lower() and not head.startswith(("<!doctype html", "<html")):
        return
    where = f" after a redirect to {_shown_url(hops[-1])}" if hops else ""
    login = (
        'type="password"' in text.lower() or "type='password'" in text.lower() or (hops and _looks_like_login(hops[-1]))
    )
    what = "a login page" if login else "an HTML page"
    raise SpecError(
        f"the server answered {what}{where}, not a JSON or YAML document"
        + (": pass the credentials it needs with headers=, token= or auth= (or session=)" if login else ""),
        source=uri,
    )


def _too_large(limits: SpecLimits, source: str) -> SpecError:
    return SpecError(f"the document is larger than {limits.max_bytes} bytes (SpecLimits.max_bytes)", source=source)


def _charset(content_type: str) -> str | None:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _decode(data: bytes, charset: str | None, source: str) -> str:
    """The text of a document: in its declared charset, else UTF-8 (a byte order mark is dropped)."""
    try:
        return data.decode(charset or "utf-8-sig")
    except (LookupError, UnicodeDecodeError) as exc:
        raise SpecError(f"cannot read the document as {charset or 'UTF-8'} text: {exc}", source=source) from None


def _schema_ids(document_uri: str, document: Any) -> list[tuple[str, tuple[str, str, Any]]]:
    """Every schema a document identifies, as (its "$id" URI, or "$id URI#$anchor", (document URI, pointer,
    schema)); iterative, skipping data keywords (enum, const, default, examples), whose values are not schemas."""
    found = []
    stack: list[tuple[Any, str, str]] = [(document, "", document_uri)]
    while stack:
        value, pointer, base = stack.pop()
        if isinstance(value, dict):
            if isinstance(value.get("$id"), str):
                base = urldefrag(urljoin(base, value["$id"]))[0]
                found.append((base, (document_uri, pointer, value)))
            if isinstance(value.get("$anchor"), str):
                found.append((f"{base}#{value['$anchor']}", (document_uri, pointer, value)))
            members = [(key, member) for key, member in value.items() if key not in DATA_KEYWORDS]
        elif isinstance(value, list):
            members = list(enumerate(value))
        else:
            continue
        for key, member in reversed(members):
            if isinstance(member, dict | list):
                token = str(key).replace("~", "~0").replace("/", "~1")
                stack.append((member, f"{pointer}/{token}", base))
    return found


def download_headers(
    source: Any,
    base_url: str | None,
    headers: Mapping[str, str] | None = None,
    token: str | None = None,
    auth: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """The client's credentials as headers for downloading its spec: `headers=`, `token=` as a bearer token
    and an `auth=` (username, password) pair as HTTP Basic (other auth= values need the spec to say where
    they go, so they are not sent). None for a spec that is not a URL, or whose origin is not the API's
    (`base_url=` elsewhere): the API's credentials never go to another host that serves its document."""
    if not isinstance(source, str) or urlsplit(source).scheme not in ("http", "https"):
        return {}
    if base_url is not None and _origin(base_url) != _origin(source):
        return {}
    found = {str(name): str(value) for name, value in (headers or {}).items()}
    names = {name.lower() for name in found}
    if "authorization" not in names and token:
        found["Authorization"] = f"Bearer {token}"
    pairs = [v for v in (auth or {}).values() if isinstance(v, tuple | list) and len(v) == 2]
    if "authorization" not in names and not token and pairs:
        raw = f"{pairs[0][0]}:{pairs[0][1]}".encode()
        found["Authorization"] = f"Basic {base64.b64encode(raw).decode()}"
    return found


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def source_uri(source: str | Path) -> tuple[str, str]:
    """The absolute URI of a path or URL source, and the name to show the user."""
    text = str(source)
    if urlsplit(text).scheme in ("http", "https", "file"):
        return text, text
    path = Path(text).expanduser().absolute()
    return path.as_uri(), str(source)


def copy_dict_source(source: dict[str, Any], limits: SpecLimits | None = None, name: str = "<dict>") -> dict[str, Any]:
    """A private deep copy, so the caller's dict is never touched; refused first when past the limits."""
    limits = limits or SpecLimits()
    check_shape(source, limits, name)
    try:
        return copy.deepcopy(source)
    except RecursionError:  # only when max_depth was raised past what Python's recursion limit allows
        raise too_deep_for_python(limits, name) from None


def _no_netrc(request: Any) -> Any:
    """A session auth that adds nothing: with it, requests never reads ~/.netrc (it does so only for a session
    with no auth), so no credential the user did not give the client goes out with a spec download."""
    return request

"""openapi-core's server-side request validator as an independent reference for our wire requests."""

from __future__ import annotations

import copy
import re
from urllib.parse import unquote_to_bytes, urlsplit

from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from talos_dynamic import PreparedRequest
from talos_dynamic.server.openapi_core_compat import without_dotted_path_names
from talos_dynamic.spec.model import Spec

from .documents import BASE_URL

# Disagreements that are openapi-core's (or the document's), each explained. Our side of each is covered by
# its own tests. (document name, operation regex, text in the reference's complaint, why)
ALLOWED = [
    (
        "readme-3.1-parameters-style.yaml",
        r"paths_(label|matrix)_.*",
        "Missing required path parameter",
        "openapi-core reads label and matrix path parameters only from RFC 6570 templates such as {;name}; with "
        "the plain {name} templates OpenAPI uses it reports them missing (our output follows the spec's table)",
    ),
    (
        "github-api.github.com.json",
        r".*",
        "Tried to write read-only property",
        "openapi-core applies readOnly to path parameter values (alert_number); readOnly describes properties",
    ),
    (
        "apisguru-linode.com.json",
        r"create_firewall_device",
        "Tried to write read-only property",
        "the request body's schema is itself readOnly (an allOf of a response property); we apply readOnly to "
        "properties only, as OpenAPI defines it",
    ),
    (
        "stripe-spec3-2023-09-12.yaml",
        r".*",
        "deepObject",
        "openapi-core cannot read deepObject parameters whose schema is an array or an anyOf, even when absent",
    ),
    (
        "openapi.yaml",
        r"create_menu_item",
        "discriminating property",
        "openapi-core reads a multipart body whose schema is a oneOf (no top-level properties) as {}",
    ),
    ("readme-3.1-security.yaml", r".*", "mutualTLS", "openapi-core has no mutualTLS security provider"),
    (
        "apisguru-evemarketer.com-swagger2.yaml",
        r".*marketstat.*",
        "Request body validation error: ('form', 'typeid')",
        "openapi-core cannot read a multipart field with an explicit style (collectionFormat csv upgrades to "
        "style: form, explode: false, which OpenAPI 3.1 applies to multipart); the bravado-core differential "
        "checks that field",
    ),
    (
        "stripe-spec3-2023-09-12.yaml",
        r".*",
        "Failed to cast value to object type",
        "openapi-core cannot read nested objects from deepObject-encoded form fields",
    ),
]
# Form and multipart bodies: openapi-core reads every field as text (bytes, for urlencoded), so it refuses
# any field that is not a plain string, and it cannot read the delimited or deepObject encodings.
FORM_BODY_LIMITS = (
    "is not of type 'integer'",
    "is not of type 'number'",
    "is not of type 'boolean'",
    "is not of type 'string'",
    "deepObject",
    "pipeDelimited",
    "spaceDelimited",
    "Failed to cast value",
)
# Documents openapi-core cannot load at all.
UNLOADABLE = {
    "DigitalOcean-public.v2.yaml": "its $refs in tags[].description (invalid OpenAPI) crash openapi-core's "
    "reference resolution",
}


def allowed(document: str, operation: str, complaint: str, content_type: str = "") -> str | None:
    """The reason a disagreement is known and accepted, or None."""
    for name, pattern, text, why in ALLOWED:
        if name == document and re.fullmatch(pattern, operation) and text in complaint:
            return why
    form = content_type.startswith(("multipart/", "application/x-www-form-urlencoded"))
    if form and "RequestBody" in complaint and any(text in complaint for text in FORM_BODY_LIMITS):
        return "openapi-core's limits with form and multipart bodies (FORM_BODY_LIMITS)"
    return None


def reference_for(spec: Spec) -> OpenAPI:
    """openapi-core over the (upgraded) document, with our base URL as its only server."""
    document = copy.deepcopy(spec.document)
    document["servers"] = [{"url": BASE_URL}]
    for item in document.get("paths", {}).values():
        for owner in (item, *item.values()) if isinstance(item, dict) else ():
            if isinstance(owner, dict):
                owner.pop("servers", None)
    without_dotted_path_names(document)
    return OpenAPI.from_dict(document, base_uri=spec.uri, config=Config(spec_validator_cls=None))


def wire_request(prepared: PreparedRequest) -> WerkzeugOpenAPIRequest:
    """Our request as a WSGI server would receive it (path decoded, query and body as sent)."""
    parts = urlsplit(prepared.url)
    environ = EnvironBuilder(
        method=prepared.method,
        base_url=f"{parts.scheme}://{parts.netloc}",
        headers=prepared.headers,
        data=prepared.body,
    ).get_environ()
    environ["PATH_INFO"] = unquote_to_bytes(parts.path).decode("latin-1")  # WSGI carries bytes as latin-1
    environ["QUERY_STRING"] = parts.query
    environ["RAW_URI"] = environ["REQUEST_URI"] = parts.path + (f"?{parts.query}" if parts.query else "")
    return WerkzeugOpenAPIRequest(Request(environ))


def complaints_and_values(spec: Spec, prepared: PreparedRequest) -> tuple[list[str], object]:
    """openapi-core's unmarshalling of our request: its complaints and the parameters it read."""
    result = reference_for(spec).unmarshal_request(wire_request(prepared))
    return [str(e) for e in result.errors], result.parameters


def complaints(reference: OpenAPI, prepared: PreparedRequest) -> list[str]:
    """What openapi-core's request validator finds wrong with our request, as it went on the wire."""
    try:
        errors = list(reference.request_validator.iter_errors(wire_request(prepared)))
    except Exception as exc:  # the reference itself crashed
        return [f"{type(exc).__name__}: {exc}"]
    found = []
    for error in errors:
        cause = error.__cause__
        details = [getattr(e, "message", str(e)) for e in getattr(cause, "schema_errors", ())][:3]
        found.append(" | ".join(str(x) for x in (type(error).__name__, error, cause, *details) if x))
    return found

"""The library's logger and the masked one-line renderings of requests and responses.

Importing this module also adds one masking filter (MaskingFilter) to the loggers of the HTTP libraries the
transports use (THIRD_PARTY_LOGGERS: urllib3's connection pool, pool manager and retry loggers, httpx) and to
"talos_dynamic": it rewrites a record's text so that secret query values, `user:password@` and
credential-shaped words read `***`. It changes no level, handler or propagation, never drops a record, and is
added once per logger; `remove_masking_filters()` takes it off again.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode

from .json_depth import JsonTooDeep, loads_bounded
from .masking import MASK, credential_values, is_secret_name, looks_secret, mask_json, mask_text, summarize_body

logger = logging.getLogger("talos_dynamic")

THIRD_PARTY_LOGGERS = ("urllib3.connectionpool", "urllib3.poolmanager", "urllib3.util.retry", "httpx")
_secret_names: frozenset[str] = frozenset()  # names learned from requests (apiKey scheme names, writeOnly fields)


def learn_secret_names(names: frozenset[str]) -> None:
    """Add names (an apiKey scheme's parameter name...) to those the log filter masks in any URL."""
    global _secret_names
    if not names <= _secret_names:
        _secret_names = _secret_names | {n.lower() for n in names}


class MaskingFilter(logging.Filter):
    """Masks secrets in a log record's text (query values of secret-named parameters, URL userinfo,
    credential-shaped words). The record is kept; only its message is rewritten, and only when it changed."""

    talos_dynamic_masking = True

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # a malformed record: let logging report it as it would
            return True
        masked = mask_text(text, _secret_names)
        if masked != text:
            record.msg, record.args = masked, ()
        return True


def install_masking_filters(names: tuple[str, ...] = (*THIRD_PARTY_LOGGERS, "talos_dynamic")) -> None:
    """Add the masking filter to each named logger, once."""
    for name in names:
        target = logging.getLogger(name)
        if not any(getattr(f, "talos_dynamic_masking", False) for f in target.filters):
            target.addFilter(MaskingFilter())


def remove_masking_filters(names: tuple[str, ...] = (*THIRD_PARTY_LOGGERS, "talos_dynamic")) -> None:
    """Take the masking filter off the named loggers again."""
    for name in names:
        target = logging.getLogger(name)
        for found in [f for f in target.filters if getattr(f, "talos_dynamic_masking", False)]:
            target.removeFilter(found)


install_masking_filters()


def body_preview(
    body: bytes | None, content_type: str, secrets: frozenset[str] = frozenset(), limit: int | None = 500
) -> str:
    """A body as text for logs and curl lines. Only bodies that can be masked field by field are shown: JSON
    (secret fields masked) and form-urlencoded (secret names masked). Any other body (text, HTML, XML,
    multipart, binary, JSON that does not parse) is summarised by size and media type, never shown."""
    if not body:
        return ""
    base = content_type.split(";", 1)[0].strip().lower()
    if base == "application/json" or base.endswith("+json"):
        try:
            text = json.dumps(mask_json(loads_bounded(body), secrets), ensure_ascii=False, separators=(",", ":"))
        except JsonTooDeep as exc:
            text = summarize_body(body, base, str(exc))
        except ValueError:
            text = summarize_body(body, base, "not valid JSON")
    elif base == "application/x-www-form-urlencoded":
        pairs = parse_qsl(body.decode("ascii", "replace"), keep_blank_values=True)
        text = urlencode(
            [(k, MASK if is_secret_name(k, secrets) or looks_secret(v, secrets) else v) for k, v in pairs], safe="*"
        )
    else:
        text = summarize_body(body, base)
    if limit is not None and len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def log_request(request: Any) -> None:
    """Request hook: at DEBUG, one line per request (`-> POST url headers body`), secrets masked.

    Whatever the level, it also tells the log filter the request's secret names, so that urllib3's own line
    for this request masks an apiKey query parameter however the spec names it."""
    learn_secret_names(request.secret_names)
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "-> %s %s headers=%s body=%s",
            request.method,
            request.masked_url(),
            request.masked_headers(),
            _without_credentials(
                request, body_preview(request.body, request.headers.get("Content-Type", ""), request.secret_names)
            ),
        )


def _without_credentials(request: Any, text: str) -> str:
    """A preview with the request's own credential values masked (a server may echo them back)."""
    values = credential_values(request.headers, request.url, request.secret_names)
    return mask_text(text, request.secret_names, values) if values else text


def log_response(request: Any, response: Any) -> None:
    """Response hook: at DEBUG, one line per response (`<- 200 POST url (ms) body`), secrets masked."""
    if logger.isEnabledFor(logging.DEBUG):
        streamed = not response.is_read
        logger.debug(
            "<- %s %s %s (%.1f ms) body=%s",
            response.status_code,
            request.method,
            request.masked_url(),
            response.elapsed.total_seconds() * 1000,
            "<streamed>"
            if streamed
            else _without_credentials(
                request,
                body_preview(response.content, response.headers.get("Content-Type", ""), request.secret_names),
            ),
        )

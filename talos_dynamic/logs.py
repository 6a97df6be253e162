"""The library's logger and the masked one-line renderings of requests and responses."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode

from .masking import MASK, is_secret_name, mask_json

logger = logging.getLogger("talos_dynamic")


def body_preview(
    body: bytes | None, content_type: str, secrets: frozenset[str] = frozenset(), limit: int | None = 500
) -> str:
    """A body as text for logs and curl lines: JSON with secret fields masked, other bodies summarised."""
    if not body:
        return ""
    base = content_type.split(";", 1)[0].strip().lower()
    if base == "application/json" or base.endswith("+json"):
        try:
            text = json.dumps(mask_json(json.loads(body), secrets), ensure_ascii=False, separators=(",", ":"))
        except ValueError:
            text = f"<{len(body)} bytes, not valid JSON>"
    elif base == "application/x-www-form-urlencoded":
        pairs = parse_qsl(body.decode("ascii", "replace"), keep_blank_values=True)
        text = urlencode([(k, MASK if is_secret_name(k, secrets) else v) for k, v in pairs], safe="*")
    elif base.startswith("text/"):
        text = body.decode("utf-8", "replace")
    else:
        text = f"<{len(body)} bytes of {base or 'unknown type'}>"
    if limit is not None and len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def log_request(request: Any) -> None:
    """Request hook: at DEBUG, one line per request (`-> POST url headers body`), secrets masked."""
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "-> %s %s headers=%s body=%s",
            request.method,
            request.masked_url(),
            request.masked_headers(),
            body_preview(request.body, request.headers.get("Content-Type", ""), request.secret_names),
        )


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
            else body_preview(response.content, response.headers.get("Content-Type", ""), request.secret_names),
        )

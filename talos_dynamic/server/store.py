"""The server's state: issued and imported keys in memory, with the Talos behaviour (idempotency, paging,
revocation, rotation, self-revocation)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import math
import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from .credentials import SecretFactory
from .messages import shown

_DURATION = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|h)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
_FILTER = re.compile(r'\s*(actor_id|name|status)\s*=\s*("([^"]*)"|[A-Za-z0-9_\-.]+)\s*')
MUTABLE_FIELDS = ("name", "scopes", "metadata")
# Settings newer Talos versions keep on a key and echo back; this server stores them as given.
KEY_SETTINGS = ("visibility", "ip_restriction", "rate_limit_policy")
# Go's time.Duration is an int64 of nanoseconds: about 2562047h. Talos cannot read a longer ttl either.
MAX_DURATION = dt.timedelta(microseconds=(2**63 - 1) // 1000)
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 1000
_PAGE_TOKEN = re.compile(r"[0-9]{1,15}")


class StoreError(Exception):
    """A request the server refuses: gRPC status name, ErrorInfo reason and a message.

    `http_status` overrides the status the gRPC code maps to (405, 413); `headers` are sent with the answer;
    `metadata` and `extra_details` go into the google.rpc.Status body.
    """

    def __init__(
        self,
        status: str,
        reason: str,
        message: str,
        *,
        http_status: int | None = None,
        headers: dict[str, str] | None = None,
        metadata: dict[str, str] | None = None,
        extra_details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message
        self.http_status, self.headers = http_status, dict(headers or {})
        self.metadata, self.extra_details = dict(metadata or {}), list(extra_details or [])


def parse_duration(text: str, field: str = "ttl") -> dt.timedelta:
    """A Go-style duration ("720h", "1h30m", "3600s") as a timedelta, at most MAX_DURATION."""
    if not isinstance(text, str):
        raise StoreError("INVALID_ARGUMENT", "TTL_INVALID", f"{field} must be a string such as 720h")
    pos, seconds = 0, 0.0
    for match in _DURATION.finditer(text):
        if match.start() != pos:
            break
        seconds += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos != len(text) or not text or seconds <= 0:
        raise StoreError(
            "INVALID_ARGUMENT",
            "TTL_INVALID",
            f"{field} {shown(text)} is not a positive duration like 720h",
            metadata={"field": field},
        )
    if not math.isfinite(seconds) or seconds > MAX_DURATION.total_seconds():
        raise StoreError(
            "INVALID_ARGUMENT",
            "TTL_INVALID",
            f"{field} {shown(text)} is too long: at most {int(MAX_DURATION.total_seconds() // 3600)}h",
            metadata={"field": field},
        )
    return dt.timedelta(seconds=seconds)


def timestamp(moment: dt.datetime) -> str:
    """RFC 3339 in UTC with a Z."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class IssuedKey:
    """One issued or imported key; the secret itself is not kept, only its identifier (for an imported key,
    the hash of its raw key, which is also its key_id)."""

    key_id: str
    identifier: str
    name: str
    actor_id: str
    scopes: list[str]
    metadata: dict[str, Any]
    create_time: dt.datetime
    update_time: dt.datetime
    expire_time: dt.datetime | None
    revoked: bool = False
    revocation_reason: str | None = None
    revocation_description: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def status(self, now: dt.datetime) -> str:
        if self.revoked:
            return "KEY_STATUS_REVOKED"
        if self.expire_time is not None and self.expire_time <= now:
            return "KEY_STATUS_EXPIRED"
        return "KEY_STATUS_ACTIVE"

    def to_json(self, now: dt.datetime) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key_id": self.key_id,
            "name": self.name,
            "actor_id": self.actor_id,
            "scopes": list(self.scopes),
            "status": self.status(now),
            "metadata": dict(self.metadata),
            "create_time": timestamp(self.create_time),
            "update_time": timestamp(self.update_time),
        }
        if self.expire_time is not None:
            out["expire_time"] = timestamp(self.expire_time)
        if self.revocation_reason:
            out["revocation_reason"] = self.revocation_reason
        if self.revocation_description:
            out["revocation_description"] = self.revocation_description
        out.update(self.extra)
        return out


class KeyStore:
    """Thread-safe in-memory keys."""

    def __init__(self, secrets: SecretFactory | None = None) -> None:
        self.secrets = secrets or SecretFactory()
        self._lock = threading.Lock()
        self._keys: dict[str, IssuedKey] = {}
        self._by_identifier: dict[str, str] = {}
        self._by_request_id: dict[str, dict[str, Any]] = {}
        self._imported: dict[str, IssuedKey] = {}  # by key_id, the hash of the raw key
        self._imported_by_request_id: dict[str, dict[str, Any]] = {}

    @staticmethod
    def now() -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def _get(self, key_id: str) -> IssuedKey:
        key = self._keys.get(key_id)
        if key is None:
            raise StoreError("NOT_FOUND", "API_KEY_NOT_FOUND", f"issued API key {shown(key_id, 80)} not found")
        return key

    def _new_key(self, body: dict[str, Any], now: dt.datetime) -> tuple[IssuedKey, str]:
        identifier, secret = self.secrets.new()
        ttl = body.get("ttl")
        key = IssuedKey(
            key_id=str(uuid.uuid4()),
            identifier=identifier,
            name=body.get("name", ""),
            actor_id=body["actor_id"],
            scopes=list(body.get("scopes") or []),
            metadata=dict(body.get("metadata") or {}),
            create_time=now,
            update_time=now,
            expire_time=now + parse_duration(ttl) if ttl else None,
            extra={name: body[name] for name in KEY_SETTINGS if name in body},
        )
        self._keys[key.key_id] = key
        self._by_identifier[identifier] = key.key_id
        return key, secret

    def issue(self, body: dict[str, Any]) -> dict[str, Any]:
        if not body.get("actor_id"):
            raise StoreError("INVALID_ARGUMENT", "ACTOR_ID_REQUIRED", "actor_id is required")
        request_id = body.get("request_id")
        if request_id is not None and len(request_id) > 36:
            raise StoreError("INVALID_ARGUMENT", "REQUEST_ID_INVALID", "request_id is longer than 36 characters")
        with self._lock:
            if request_id and request_id in self._by_request_id:
                return self._by_request_id[request_id]
            now = self.now()
            key, secret = self._new_key(body, now)
            answer = {"issued_api_key": key.to_json(now), "secret": secret}
            if request_id:
                self._by_request_id[request_id] = answer
            return answer

    def get(self, key_id: str) -> dict[str, Any]:
        with self._lock:
            return self._get(key_id).to_json(self.now())

    def list(self, page_size: int | None, page_token: str | None, filter_text: str | None) -> dict[str, Any]:
        return self._page(self._keys, "issued_api_keys", page_size, page_token, filter_text)

    def _page(
        self,
        keys: dict[str, IssuedKey],
        field_name: str,
        page_size: int | None,
        page_token: str | None,
        filter_text: str | None,
    ) -> dict[str, Any]:
        conditions = _parse_filter(filter_text or "")
        if page_size is not None and page_size < 0:
            raise StoreError(
                "INVALID_ARGUMENT",
                "PAGE_SIZE_INVALID",
                "page_size must not be negative",
                metadata={"field": "page_size"},
            )
        size = min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        offset = _page_offset(page_token or "")  # AIP-158: an empty page_token asks for the first page
        with self._lock:
            now = self.now()
            rows = [k.to_json(now) for k in keys.values()]
        rows = [r for r in rows if all(r.get(f) == v for f, v in conditions)]
        page = rows[offset : offset + size]
        more = offset + size < len(rows)
        token = base64.urlsafe_b64encode(str(offset + size).encode()).decode() if more else ""
        return {field_name: page, "next_page_token": token}

    def update(self, key_id: str, body: dict[str, Any], update_mask: str | None) -> dict[str, Any]:
        return self._update(self._get, key_id, body, update_mask)

    def _update(self, find: Any, key_id: str, body: dict[str, Any], update_mask: str | None) -> dict[str, Any]:
        fields = (
            [f.strip() for f in update_mask.split(",") if f.strip()]
            if update_mask
            else [f for f in MUTABLE_FIELDS if f in body]
        )
        unknown = [f for f in fields if f not in MUTABLE_FIELDS]
        if unknown:
            raise StoreError(
                "INVALID_ARGUMENT",
                "UPDATE_MASK_INVALID",
                f"update_mask names fields that cannot be updated: {', '.join(shown(f) for f in unknown[:5])}"
                f"; allowed: {', '.join(MUTABLE_FIELDS)}",
                metadata={"field": "update_mask"},
            )
        with self._lock:
            key = find(key_id)
            now = self.now()
            if key.status(now) != "KEY_STATUS_ACTIVE":
                raise StoreError("FAILED_PRECONDITION", "API_KEY_NOT_ACTIVE", "only an active key can be updated")
            for name in fields:
                default: Any = {"name": "", "scopes": [], "metadata": {}}[name]
                setattr(key, name, body.get(name, default))
            key.update_time = now
            return key.to_json(now)

    def rotate(self, key_id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            old = self._get(key_id)
            now = self.now()
            if old.status(now) != "KEY_STATUS_ACTIVE":
                raise StoreError("FAILED_PRECONDITION", "API_KEY_NOT_ACTIVE", "only an active key can be rotated")
            inherited = {
                "name": old.name,
                "actor_id": old.actor_id,
                "scopes": old.scopes,
                "metadata": old.metadata,
                **{k: v for k, v in body.items() if k in MUTABLE_FIELDS},
            }
            if "ttl" in body:
                inherited["ttl"] = body["ttl"]
            new, secret = self._new_key(inherited, now)
            if "ttl" not in body:
                new.expire_time = old.expire_time
            self._revoke(old, "REVOCATION_REASON_SUPERSEDED", None, now)
            return {"issued_api_key": new.to_json(now), "secret": secret, "old_issued_api_key": old.to_json(now)}

    def revoke(self, key_id: str, reason: str | None, description: str | None) -> dict[str, Any]:
        """Revoke an issued key (the seed-era revoke path also reaches imported keys: see revoke_any)."""
        return self._revoke_found(self._get, key_id, reason, description)

    def revoke_imported(self, key_id: str, reason: str | None, description: str | None) -> dict[str, Any]:
        return self._revoke_found(self._get_imported, key_id, reason, description)

    def revoke_any(self, key_id: str, reason: str | None, description: str | None) -> dict[str, Any]:
        """The one revoke of the older Talos versions: an issued or an imported key."""
        find = self._get_imported if key_id in self._imported and key_id not in self._keys else self._get
        return self._revoke_found(find, key_id, reason, description)

    def _revoke_found(self, find: Any, key_id: str, reason: str | None, description: str | None) -> dict[str, Any]:
        reason = reason or "REVOCATION_REASON_UNSPECIFIED"
        if description and reason != "REVOCATION_REASON_PRIVILEGE_WITHDRAWN":
            raise StoreError(
                "INVALID_ARGUMENT",
                "REVOCATION_DESCRIPTION_NOT_ALLOWED",
                "description is only allowed with REVOCATION_REASON_PRIVILEGE_WITHDRAWN",
            )
        with self._lock:
            key = find(key_id)
            if not key.revoked:
                self._revoke(key, reason, description, self.now())
        return {}

    def self_revoke(self, credential: str, reason: str | None) -> dict[str, Any]:
        """Revoke the key whose own secret is `credential` (proof of possession); not for PRIVILEGE_WITHDRAWN."""
        if reason == "REVOCATION_REASON_PRIVILEGE_WITHDRAWN":
            raise StoreError(
                "INVALID_ARGUMENT",
                "REVOCATION_REASON_NOT_ALLOWED",
                "REVOCATION_REASON_PRIVILEGE_WITHDRAWN is for admins; a key holder cannot use it",
                metadata={"field": "reason"},
            )
        key = self._find_by_credential(credential)
        if key is None:
            raise StoreError("NOT_FOUND", "API_KEY_NOT_FOUND", "no key matches the credential")
        with self._lock:
            if not key.revoked:
                self._revoke(key, reason or "REVOCATION_REASON_UNSPECIFIED", None, self.now())
        return {}

    # -- imported keys -----------------------------------------------------------------------------
    def _get_imported(self, key_id: str) -> IssuedKey:
        key = self._imported.get(key_id)
        if key is None:
            raise StoreError("NOT_FOUND", "API_KEY_NOT_FOUND", f"imported API key {shown(key_id, 80)} not found")
        return key

    def import_key(self, body: dict[str, Any]) -> dict[str, Any]:
        """Store a key issued elsewhere under the hash of its raw key; answers the ImportedApiKey."""
        for name in ("raw_key", "name", "actor_id"):
            if not body.get(name):
                raise StoreError(
                    "INVALID_ARGUMENT", f"{name.upper()}_REQUIRED", f"{name} is required", metadata={"field": name}
                )
        request_id = body.get("request_id")
        if request_id is not None and len(request_id) > 36:
            raise StoreError("INVALID_ARGUMENT", "REQUEST_ID_INVALID", "request_id is longer than 36 characters")
        key_id = imported_key_id(body["raw_key"])
        with self._lock:
            if request_id and request_id in self._imported_by_request_id:
                return self._imported_by_request_id[request_id]
            if key_id in self._imported:
                raise StoreError("ALREADY_EXISTS", "API_KEY_ALREADY_EXISTS", "this raw key is already imported")
            now = self.now()
            ttl = body.get("ttl")
            key = IssuedKey(
                key_id=key_id,
                identifier=key_id,
                name=body["name"],
                actor_id=body["actor_id"],
                scopes=list(body.get("scopes") or []),
                metadata=dict(body.get("metadata") or {}),
                create_time=now,
                update_time=now,
                expire_time=now + parse_duration(ttl) if ttl else None,
                extra={name: body[name] for name in KEY_SETTINGS if name in body},
            )
            self._imported[key_id] = key
            answer = key.to_json(now)
            if request_id:
                self._imported_by_request_id[request_id] = answer
            return answer

    def batch_import(self, requests: list[dict[str, Any]], error_prefix: str) -> dict[str, Any]:
        """Import each key on its own: one result per request, in order, with an error code where it failed
        (`error_prefix` + the gRPC status name: the enum was renamed along with batchImport → batchCreate)."""
        results: list[dict[str, Any]] = []
        for index, request in enumerate(requests):
            try:
                results.append({"index": index, "imported_api_key": self.import_key(request)})
            except StoreError as exc:
                code = _BATCH_ERRORS.get(exc.status, "INTERNAL")
                results.append({"index": index, "error_code": error_prefix + code, "error_message": exc.message})
        failures = sum(1 for r in results if "error_code" in r)
        return {"results": results, "success_count": len(results) - failures, "failure_count": failures}

    def get_imported(self, key_id: str) -> dict[str, Any]:
        with self._lock:
            return self._get_imported(key_id).to_json(self.now())

    def list_imported(self, page_size: int | None, page_token: str | None, filter_text: str | None) -> dict[str, Any]:
        return self._page(self._imported, "imported_api_keys", page_size, page_token, filter_text)

    def update_imported(self, key_id: str, body: dict[str, Any], update_mask: str | None) -> dict[str, Any]:
        return self._update(self._get_imported, key_id, body, update_mask)

    def delete_imported(self, key_id: str) -> dict[str, Any]:
        with self._lock:
            self._get_imported(key_id)
            del self._imported[key_id]
        return {}

    @staticmethod
    def _revoke(key: IssuedKey, reason: str, description: str | None, now: dt.datetime) -> None:
        key.revoked, key.revocation_reason, key.revocation_description = True, reason, description
        key.update_time = now

    def _find_by_credential(self, credential: str) -> IssuedKey | None:
        """The issued or imported key whose secret is `credential`, whatever its status."""
        with self._lock:
            imported = self._imported.get(imported_key_id(credential))
            if imported is not None:
                return imported
        identifier, _ = self.secrets.parse(credential)
        with self._lock:
            key_id = self._by_identifier.get(identifier or "")
            return self._keys.get(key_id) if key_id else None

    def verify(self, credential: str) -> tuple[dict[str, Any], IssuedKey | None]:
        """The verify answer (200 in every case) and the key when it is active."""
        with self._lock:
            key = self._imported.get(imported_key_id(credential))
        identifier, error = (key.identifier, None) if key is not None else self.secrets.parse(credential)
        if identifier is not None and key is None:
            with self._lock:
                key_id = self._by_identifier.get(identifier)
                key = self._keys.get(key_id) if key_id else None
            if key is None:
                error = "VERIFICATION_ERROR_NOT_FOUND"
        now = self.now()
        if key is not None:
            status = key.status(now)
            error = {
                "KEY_STATUS_REVOKED": "VERIFICATION_ERROR_REVOKED",
                "KEY_STATUS_EXPIRED": "VERIFICATION_ERROR_EXPIRED",
            }.get(status)
        if error:
            answer: dict[str, Any] = {
                "is_active": False,
                "is_valid": False,
                "error_code": error,
                "error_message": _VERIFY_MESSAGES[error],
            }
            if key is not None:
                answer.update(key_id=key.key_id, actor_id=key.actor_id, status=key.status(now))
            return answer, None
        answer = {
            "is_active": True,
            "is_valid": True,
            "key_id": key.key_id,
            "actor_id": key.actor_id,
            "scopes": list(key.scopes),
            "status": key.status(now),
            "error_code": "VERIFICATION_ERROR_UNSPECIFIED",
        }
        if key.expire_time is not None:
            answer["expire_time"] = timestamp(key.expire_time)
        return answer, key


_BATCH_ERRORS = {
    "INVALID_ARGUMENT": "INVALID_ARGUMENT",
    "ALREADY_EXISTS": "ALREADY_EXISTS",
    "FAILED_PRECONDITION": "FAILED_PRECONDITION",
}


def imported_key_id(raw_key: str) -> str:
    """An imported key's id: the SHA-512/256 hash of its raw key, in hex (as Talos names it)."""
    return hashlib.new("sha512_256", raw_key.encode("utf-8", "surrogatepass")).hexdigest()


_VERIFY_MESSAGES = {
    "VERIFICATION_ERROR_INVALID_FORMAT": "the credential is not a Talos API key",
    "VERIFICATION_ERROR_SIGNATURE_INVALID": "the credential's checksum does not match",
    "VERIFICATION_ERROR_NOT_FOUND": "no key matches the credential",
    "VERIFICATION_ERROR_REVOKED": "the key has been revoked",
    "VERIFICATION_ERROR_EXPIRED": "the key has expired",
}


def _page_offset(token: str) -> int:
    """The offset a next_page_token encodes; a token this server did not issue is INVALID_ARGUMENT."""
    if not token:
        return 0
    try:
        text = base64.b64decode(token.encode("ascii"), altchars=b"-_", validate=True).decode("ascii")
    except (ValueError, binascii.Error):  # UnicodeError is a ValueError
        text = ""
    if not _PAGE_TOKEN.fullmatch(text):
        raise StoreError(
            "INVALID_ARGUMENT",
            "PAGE_TOKEN_INVALID",
            "page_token is not a next_page_token this server issued; leave it empty for the first page",
            metadata={"field": "page_token"},
        )
    return int(text)


def _parse_filter(text: str) -> list[tuple[str, str]]:
    if not text.strip():
        return []
    conditions = []
    for part in re.split(r"\s+AND\s+", text.strip()):
        match = _FILTER.fullmatch(part)
        if match is None:
            raise StoreError(
                "INVALID_ARGUMENT",
                "FILTER_INVALID",
                f'cannot read filter {shown(part)}; use actor_id="x", name="x" or status=KEY_STATUS_...',
                metadata={"field": "filter"},
            )
        value = match.group(3) if match.group(3) is not None else match.group(2)
        conditions.append((match.group(1), value))
    return conditions

"""The header fields of an HTTP/1.x request, read straight from the connection.

http.server hands the header block to the email package's parser, about a tenth of the local server's own
CPU time per request. These fields follow the same limits (a line of at most 65536 bytes, at most 100 lines)
and the message syntax of RFC 9112: `name: value`, no whitespace in or after the name, no bare CR or NUL; a
folded line (obs-fold) continues the previous value, joined with a space. A line that breaks that syntax is
refused (400), where the email parser would have dropped it and every field after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

MAX_LINE = 65536
MAX_FIELDS = 100
_END = (b"\r\n", b"\n", b"")
WHITESPACE = " \t"


class HeadTooLarge(Exception):
    """A header line over MAX_LINE bytes, or more than MAX_FIELDS lines (431)."""


class HeadMalformed(Exception):
    """A header line that is not `name: value` (400)."""


class RequestFields:
    """The header fields in the order sent; names ignore case, and `get` gives the first of repeated fields
    (as http.server's message does)."""

    def __init__(self, fields: list[tuple[str, str]]) -> None:
        self._fields = fields

    def get(self, name: str, default: str | None = None) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self._fields if key.lower() == wanted), default)

    def get_all(self, name: str, default: list[str] | None = None) -> list[str] | None:
        wanted = name.lower()
        return [value for key, value in self._fields if key.lower() == wanted] or default

    def items(self) -> list[tuple[str, str]]:
        return list(self._fields)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and any(key.lower() == name.lower() for key, _ in self._fields)

    def __getitem__(self, name: str) -> str | None:
        return self.get(name)

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self._fields)

    def __len__(self) -> int:
        return len(self._fields)


def read_fields(stream: BinaryIO) -> RequestFields:
    """The header fields up to the empty line (or the end of the stream); HeadTooLarge or HeadMalformed."""
    fields: list[tuple[str, str]] = []
    lines = 0
    while True:
        raw = stream.readline(MAX_LINE + 1)
        if len(raw) > MAX_LINE:
            raise HeadTooLarge("a header line is too long")
        if raw in _END:
            return RequestFields(fields)
        lines += 1
        if lines > MAX_FIELDS:
            raise HeadTooLarge("too many header lines")
        line = raw.decode("iso-8859-1").rstrip("\r\n")
        if not line or "\r" in line or "\0" in line:  # a stray carriage return, a NUL (RFC 9112 forbids both)
            raise HeadMalformed("a header line holds a bare CR or a NUL")
        if line[0] in " \t":  # obs-fold: the previous field's value goes on
            if not fields:
                raise HeadMalformed("a header block starts with a folded line")
            name, value = fields[-1]
            fields[-1] = (name, f"{value} {line.strip(WHITESPACE)}".strip(" "))
            continue
        name, colon, value = line.partition(":")
        if not colon or not name or any(c in name for c in WHITESPACE):
            raise HeadMalformed("a header line is not name: value")
        fields.append((name, value.strip(WHITESPACE)))

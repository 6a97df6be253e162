"""Wire values: each argument is converted once (call/convert.py::to_wire), and the value strict validation
checks is the value that goes on the wire.

Part 1 shows each conversion as a user sees it (MockTransport records the exact request). Part 2 is a
property test: for generated Python values of every type and format, openapi-core's server-side request
unmarshaller reads back exactly the wire value the client validated, and means by it what the Python value
meant (the same instant, day, UUID, bytes, number, text)."""

from __future__ import annotations

import base64
import datetime
import decimal
import enum
import json
import uuid
import zoneinfo
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_core import Config, OpenAPI

from talos_dynamic import Client, MockTransport, PreparedCall, RequestValidationError, Response, Result
from talos_dynamic.call.convert import to_wire

from ...corpus.reference import wire_request

BASE_URL = "http://127.0.0.1:9"
UTC = datetime.UTC
DATE_TIME = {"type": "string", "format": "date-time"}
DATE = {"type": "string", "format": "date"}
UUID = {"type": "string", "format": "uuid"}
BYTE = {"type": "string", "format": "byte"}
NUMBER = {"type": "number"}
DECIMAL_TEXT = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}
COLOR = {"type": "string", "enum": ["red", "dark blue"]}


# ---------------------------------------------------------------------------------------------------------
# Part 1: one example per conversion, as a user sees it
# ---------------------------------------------------------------------------------------------------------


class Color(str, enum.Enum):  # noqa: UP042 (the str mixin, as much user code has it)
    RED = "red"
    DARK_BLUE = "dark blue"


EVENTS = {
    "openapi": "3.0.3",
    "info": {"title": "events", "version": "1"},
    "paths": {
        "/events/{event_id}": {
            "put": {
                "operationId": "putEvent",
                "parameters": [
                    {"name": "event_id", "in": "path", "required": True, "schema": UUID},
                    {"name": "since", "in": "query", "schema": DATE_TIME},
                    {"name": "day", "in": "query", "schema": DATE},
                    {"name": "color", "in": "query", "schema": COLOR},
                    {"name": "amount", "in": "query", "schema": NUMBER},
                    {"name": "price", "in": "query", "schema": DECIMAL_TEXT},
                    {"name": "token", "in": "query", "schema": BYTE},
                    {"name": "X-Sent-At", "in": "header", "schema": DATE_TIME},
                    {"name": "X-Trace", "in": "header", "schema": UUID},
                ],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "additionalProperties": False,
                                "properties": {
                                    "starts_at": DATE_TIME,
                                    "on": DATE,
                                    "ref": UUID,
                                    "total": NUMBER,
                                    "label": DECIMAL_TEXT,
                                    "blob": BYTE,
                                    "shade": COLOR,
                                    "owner": {
                                        "type": "object",
                                        "required": ["name"],
                                        "additionalProperties": False,
                                        "properties": {"name": {"type": "string"}, "joined": DATE_TIME},
                                    },
                                },
                            }
                        }
                    }
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        }
    },
}
EVENT_ID = uuid.UUID("12345678-1234-5678-1234-567812345678")
EVENT_PATH = f"{BASE_URL}/events/{EVENT_ID}"


def recording_client() -> tuple[Client, list]:
    """A client whose MockTransport records every request it is asked to send, answering 200 {"ok": true}."""
    sent: list = []

    def handler(request):
        sent.append(request)
        return Response(200, json={"ok": True})

    return Client(EVENTS, base_url=BASE_URL, transport=MockTransport(handler)), sent


def test_the_old_bug_a_datetime_query_parameter_is_sent_as_validated():
    client, sent = recording_client()
    result = client.put_event(event_id=EVENT_ID, since=datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert result.ok is True
    [request] = sent
    assert request.method == "PUT"
    assert request.url == f"{EVENT_PATH}?since=2024-01-02T03%3A04%3A05Z"
    assert unquote(urlsplit(request.url).query) == "since=2024-01-02T03:04:05Z"
    # what used to go on the wire is not a date-time: strict validation refuses it, and nothing is sent
    with pytest.raises(RequestValidationError) as caught:
        client.put_event(event_id=EVENT_ID, since="2024-01-02 03:04:05+00:00")
    assert [(v.location, v.path, v.rule) for v in caught.value.violations] == [("query", "since", "format")]
    assert len(sent) == 1


def test_every_conversion_in_one_call_exactly_as_sent():
    client, sent = recording_client()
    client.put_event(
        event_id=EVENT_ID,
        since=datetime.datetime(2024, 1, 2, 8, 34, 5, 250000, tzinfo=datetime.timezone(datetime.timedelta(hours=5.5))),
        day=datetime.date(2024, 2, 29),
        color=Color.DARK_BLUE,
        amount=decimal.Decimal("12.50"),
        price=decimal.Decimal("12.50"),
        token=b"\xfb\xff\x00",
        x_sent_at=datetime.datetime(2024, 1, 2, 3, 4, 5),  # naive: taken as UTC
        x_trace=uuid.UUID(int=1),
        starts_at=datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=-8))),
        on=datetime.date(2024, 1, 2),
        ref=uuid.UUID(int=2),
        total=decimal.Decimal("3.00"),
        label=decimal.Decimal("0.10"),
        blob=b"hello\xff",
        shade=Color.RED,
        owner=Result({"name": "Ada", "joined": "2020-05-06T07:08:09Z"}),
    )
    [request] = sent
    assert request.url == (
        f"{EVENT_PATH}?since=2024-01-02T08%3A34%3A05.250000%2B05%3A30&day=2024-02-29&color=dark%20blue"
        "&amount=12.5&price=12.50&token=%2B%2F8A"
    )
    assert request.headers["X-Sent-At"] == "2024-01-02T03:04:05Z"
    assert request.headers["X-Trace"] == "00000000-0000-0000-0000-000000000001"
    assert request.headers["Content-Type"] == "application/json"
    assert request.body == (
        b'{"starts_at":"2024-01-02T03:04:05-08:00","on":"2024-01-02","ref":"00000000-0000-0000-0000-000000000002",'
        b'"total":3,"label":"0.10","blob":"aGVsbG//","shade":"red","owner":{"name":"Ada","joined":"2020-05-06T07:08:09Z"}}'
    )
    assert request.json()["total"] == 3 and isinstance(request.json()["total"], int)


def test_prepare_returns_the_request_that_send_sends():
    client, sent = recording_client()
    prepared = client.put_event.prepare(
        event_id=str(EVENT_ID), since=datetime.datetime(2024, 1, 2, tzinfo=UTC), body=Result({"on": "2024-01-02"})
    )
    assert isinstance(prepared, PreparedCall)
    assert sent == []  # prepare sends nothing
    assert prepared.url == f"{EVENT_PATH}?since=2024-01-02T00%3A00%3A00Z"
    assert prepared.body == b'{"on":"2024-01-02"}'
    assert prepared.headers["Content-Length"] == str(len(prepared.body))
    assert prepared.send().ok is True
    [request] = sent
    assert (request.url, request.headers, request.body) == (prepared.url, prepared.headers, prepared.body)


@dataclass(frozen=True)
class Case:
    argument: str  # the keyword argument
    location: str  # where it goes: path, query, header or body
    name: str  # its name there
    value: Any  # the Python value a user passes
    wire: Any  # what is sent (and validated)
    broken: Any  # a plain value of the wrong form, which strict validation refuses


CASES = [
    Case("since", "query", "since", datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "2024-01-02T03:04:05Z",
         "2024-01-02 03:04:05+00:00"),
    Case("since", "query", "since", datetime.datetime(2024, 1, 2, 3, 4, 5), "2024-01-02T03:04:05Z", "2024-01-02"),
    Case("since", "query", "since",
         datetime.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=datetime.timezone(-datetime.timedelta(hours=3, minutes=30))),
         "2024-01-02T03:04:05.000006-03:30", "2024-01-02T03:04:05-0330"),
    # RFC 3339 offsets are whole minutes: a datetime in a zone with a sub-minute offset goes out in UTC
    Case("since", "query", "since",
         datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(minutes=19, seconds=32))),
         "2024-01-02T02:44:33Z", "2024-01-02T03:04:05+00:19:32"),
    Case("day", "query", "day", datetime.date(2024, 1, 2), "2024-01-02", "2024-1-2"),
    Case("event_id", "path", "event_id", EVENT_ID, str(EVENT_ID), "not-a-uuid"),
    Case("amount", "query", "amount", decimal.Decimal("12.50"), 12.5, "12.5"),
    Case("amount", "query", "amount", decimal.Decimal("1E+2"), 100, True),
    Case("price", "query", "price", decimal.Decimal("12.50"), "12.50", "12,50"),
    Case("price", "query", "price", decimal.Decimal("1E+2"), "100", "1E+2"),
    Case("price", "query", "price", decimal.Decimal("1E-7"), "0.0000001", "1E-7"),
    Case("token", "query", "token", b"\xfb\xff\x00", "+/8A", "+/8"),
    Case("color", "query", "color", Color.DARK_BLUE, "dark blue", "dark-blue"),
    Case("x_sent_at", "header", "X-Sent-At", datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
         "2024-01-02T03:04:05Z", "2024-01-02T03:04:05"),
    Case("x_trace", "header", "X-Trace", uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001", "1"),
    Case("starts_at", "body", "starts_at", datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
         "2024-01-02T03:04:05Z", "2024-01-02 03:04:05"),
    Case("on", "body", "on", datetime.date(2024, 1, 2), "2024-01-02", "02/01/2024"),
    Case("ref", "body", "ref", uuid.UUID(int=2), "00000000-0000-0000-0000-000000000002", "ref-2"),
    Case("total", "body", "total", decimal.Decimal("0.25"), 0.25, "0.25"),
    Case("label", "body", "label", decimal.Decimal("-7.000"), "-7.000", -7),
    Case("blob", "body", "blob", b"\x00\x01\x02", "AAEC", "AAE"),
    Case("blob", "body", "blob", bytearray(b"hi"), "aGk=", "aGk"),
    Case("shade", "body", "shade", Color.RED, "red", "Red"),
    Case("owner", "body", "owner", Result({"name": "Ada"}), {"name": "Ada"}, {"name": "Ada", "age": 36}),
]  # fmt: skip


def sent_value(prepared: PreparedCall, case: Case) -> Any:
    """The value of the argument as it went on the wire (percent-decoding undone)."""
    if case.location == "query":
        pieces = dict(piece.split("=", 1) for piece in urlsplit(prepared.url).query.split("&"))
        return unquote(pieces[case.name])
    if case.location == "path":
        return unquote(urlsplit(prepared.url).path.rsplit("/", 1)[1])
    if case.location == "header":
        return prepared.headers[case.name]
    return json.loads(prepared.body)[case.name]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.argument}-{type(c.value).__name__}" for c in CASES])
def test_a_python_value_is_sent_as_its_plain_form_which_strict_validation_accepts(case: Case):
    client = Client(EVENTS, base_url=BASE_URL)
    arguments = {"event_id": EVENT_ID}
    prepared = client.put_event.prepare(**{**arguments, case.argument: case.value})
    wire = case.wire if case.location == "body" else str(case.wire)
    assert sent_value(prepared, case) == wire
    # the plain JSON form of the same value passes strict validation and makes the very same request
    plain = client.put_event.prepare(**{**arguments, case.argument: case.wire})
    assert (plain.url, plain.headers, plain.body) == (prepared.url, prepared.headers, prepared.body)
    # and strict validation does look at this argument: a wrong form of it is refused
    with pytest.raises(RequestValidationError) as caught:
        client.put_event.prepare(**{**arguments, case.argument: case.broken})
    where = case.name if case.location != "body" else f"$.{case.name}"
    assert [v.path for v in caught.value.violations if v.path.startswith(where)], caught.value.violations


def test_a_datetime_in_a_zone_with_a_local_mean_time_offset_is_sent_in_utc():
    try:
        amsterdam = zoneinfo.ZoneInfo("Europe/Amsterdam")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time zone database")
    client = Client(EVENTS, base_url=BASE_URL)
    when = datetime.datetime(1900, 1, 1, tzinfo=amsterdam)  # Amsterdam kept +00:19:32 until 1937
    prepared = client.put_event.prepare(event_id=EVENT_ID, since=when, starts_at=when)
    assert unquote(urlsplit(prepared.url).query) == "since=1899-12-31T23:40:28Z"
    assert json.loads(prepared.body) == {"starts_at": "1899-12-31T23:40:28Z"}


# ---------------------------------------------------------------------------------------------------------
# Part 2: property test against openapi-core's server-side request unmarshaller
# ---------------------------------------------------------------------------------------------------------
#
# Each generated argument is a pair (Python value, meaning). Two readings of the same request are checked:
#  1. openapi-core with its format unmarshalling switched off (formats still validated): it must read back
#     exactly to_wire(value), the value the client validated. This is the "validated == sent" check.
#  2. openapi-core as a server runs it (date-time -> datetime, date -> date, uuid -> UUID, and byte decoded
#     from base64): it must read what the Python value meant, compared after normalize(): instants in UTC,
#     numbers as exact decimals. This one checks the conversion itself, independently of to_wire.

WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~"
# text in a delimited value (non-exploded arrays and objects) avoids the delimiters, as in
# test_serialize_roundtrip.py; header text is plain words; exploded query values and JSON take anything.
DELIMITED_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=",|=&;[] /?#"),
    min_size=1,
    max_size=10,
)
QUERY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=10)
HEADER_TEXT = st.text(alphabet=WORD_CHARS, min_size=1, max_size=10)
JSON_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10)

# Integers stay within 2**53 and decimals within 15 significant digits, so that a double carries them exactly
# (a server reads a JSON or query number as a double, and then means the same number); floats are doubles.
INTS = st.integers(min_value=-(2**53), max_value=2**53)
FLOATS = st.floats(allow_nan=False, allow_infinity=False)
DECIMALS = st.decimals(min_value=-(10**9), max_value=10**9, places=4) | st.sampled_from(
    [decimal.Decimal(d) for d in ("1E+2", "-0", "2.50", "0E-3", "-12.000", "123456789012345")]
)
OFFSETS = st.timedeltas(
    min_value=-datetime.timedelta(hours=23, minutes=59), max_value=datetime.timedelta(hours=23, minutes=59)
)
WHOLE_MINUTES = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
    lambda m: datetime.timezone(datetime.timedelta(minutes=m))
)
# years kept off the ends of Python's range, where converting to UTC would leave it
DATETIMES = st.datetimes(min_value=datetime.datetime(1000, 1, 2), max_value=datetime.datetime(9998, 12, 30))


def as_utc(value: datetime.datetime) -> datetime.datetime:
    return (value if value.utcoffset() is not None else value.replace(tzinfo=UTC)).astimezone(UTC)


def same(values):
    return values.map(lambda v: (v, v))


def date_times(text):
    aware = DATETIMES.flatmap(
        lambda d: st.one_of(st.timezones(), OFFSETS.map(datetime.timezone)).map(lambda tz: d.replace(tzinfo=tz))
    )
    return st.one_of(
        DATETIMES.map(lambda d: (d, as_utc(d))),  # naive: UTC
        aware.map(lambda d: (d, as_utc(d))),
        # already text (whole-minute offsets, the only kind RFC 3339 has)
        st.builds(lambda d, tz: d.replace(tzinfo=tz), DATETIMES, WHOLE_MINUTES).map(
            lambda d: (d.isoformat(), as_utc(d))
        ),
    )


def dates(text):
    return st.dates().flatmap(lambda d: st.sampled_from([(d, d), (d.isoformat(), d)]))


def uuids(text):
    return st.uuids().flatmap(lambda u: st.sampled_from([(u, u), (str(u), u), (str(u).upper(), u)]))


def byte_strings(text, min_size=1):
    return st.binary(min_size=min_size, max_size=16).flatmap(
        lambda b: st.sampled_from([(b, b), (bytearray(b), b), (base64.b64encode(b).decode(), b)])
    )


def texts(text):
    # a str, or a member of a str-valued Enum (StrEnum or a str mixin)
    return text.flatmap(
        lambda t: st.sampled_from(
            [(t, t), (enum.StrEnum("Tag", {"TAG": t}).TAG, t), (enum.Enum("Label", {"LABEL": t}, type=str).LABEL, t)]
        )
    )


def decimal_texts(text):
    # the meaning of a Decimal as text is its positional notation, digits kept ("2.50", "100", not "1E+2")
    return DECIMALS.flatmap(lambda d: st.sampled_from([(d, format(d, "f")), (format(d, "f"), format(d, "f"))]))


def integers(text):
    return INTS.flatmap(
        lambda i: st.sampled_from(
            [
                (i, i),
                (decimal.Decimal(i), i),
                (decimal.Decimal(f"{i}.00"), i),
                (enum.IntEnum("Level", {"LEVEL": i}).LEVEL, i),
                (enum.Enum("Count", {"COUNT": i}).COUNT, i),
            ]
        )
    )


def numbers(text):
    return st.one_of(same(FLOATS), same(INTS), same(DECIMALS))


def booleans(text):
    return same(st.booleans())


@dataclass(frozen=True)
class Kind:
    schema: dict
    values: Any  # text strategy -> strategy of (value, meaning)


KINDS = {
    "dt": Kind(DATE_TIME, date_times),
    "day": Kind(DATE, dates),
    "uid": Kind(UUID, uuids),
    "blob": Kind(BYTE, byte_strings),
    "text": Kind({"type": "string"}, texts),
    "dec": Kind(DECIMAL_TEXT, decimal_texts),
    "count": Kind({"type": "integer"}, integers),
    "amount": Kind(NUMBER, numbers),
    "flag": Kind({"type": "boolean"}, booleans),
}


def arrays(pairs, min_size=1):
    """A list or a tuple of values, meaning the list of their meanings."""
    return st.tuples(st.lists(pairs, min_size=min_size, max_size=4), st.sampled_from([list, tuple])).map(
        lambda found: (found[1](v for v, _ in found[0]), [m for _, m in found[0]])
    )


def objects(pairs_by_key: dict):
    """A dict of some of the keys (at least one), meaning the dict of their meanings."""
    return (
        st.fixed_dictionaries({}, optional=pairs_by_key)
        .filter(bool)
        .map(lambda found: ({k: v for k, (v, _) in found.items()}, {k: m for k, (_, m) in found.items()}))
    )


def results(text):
    """A Result (say, one an earlier call returned) whose JSON becomes part of the body."""
    plain = {"text": text, "count": INTS, "amount": FLOATS, "flag": st.booleans()}
    return st.fixed_dictionaries({}, optional=plain).map(lambda data: (Result(data), data))


@dataclass(frozen=True)
class Param:
    name: str
    location: str
    style: str
    explode: bool
    schema: dict
    values: Any  # strategy of (value, meaning)

    def spec(self) -> dict:
        return {
            "name": self.name,
            "in": self.location,
            "required": self.location == "path",
            "style": self.style,
            "explode": self.explode,
            "schema": self.schema,
        }


def array_schema(kind: str) -> dict:
    return {"type": "array", "items": KINDS[kind].schema}


def object_schema(kinds) -> dict:
    return {"type": "object", "properties": {k: KINDS[k].schema for k in kinds}}


# Operations, one per group of arguments (a smaller failing example shrinks faster and reads better).
GROUPS = {
    # path, simple style (byte and text left out: a WSGI server decodes the path before reading it)
    "path": [Param(f"p_{k}", "path", "simple", False, KINDS[k].schema, KINDS[k].values(None))
             for k in ("dt", "uid", "amount", "count", "day")],
    # query, form style: one of each kind, and objects (name=key,value,...)
    "query": [
        *(Param(f"q_{k}", "query", "form", True, s.schema, s.values(QUERY_TEXT)) for k, s in KINDS.items()),
        Param("q_form", "query", "form", False, object_schema(KINDS),
              objects({k: s.values(DELIMITED_TEXT) for k, s in KINDS.items()})),
    ],
    # query arrays: form exploded (name=a&name=b), form (name=a,b) and pipeDelimited (name=a|b)
    "query_arrays": [
        *(Param(f"qa_{k}", "query", "form", True, array_schema(k), arrays(s.values(QUERY_TEXT)))
          for k, s in KINDS.items()),
        *(Param(f"qc_{k}", "query", "form", False, array_schema(k), arrays(s.values(DELIMITED_TEXT)))
          for k, s in KINDS.items()),
        *(Param(f"qp_{k}", "query", "pipeDelimited", False, array_schema(k), arrays(KINDS[k].values(DELIMITED_TEXT)))
          for k in ("dt", "uid", "blob", "amount")),
    ],
    # query objects, deepObject style (name[key]=value)
    "deep_object": [
        Param("q_deep", "query", "deepObject", True, object_schema(KINDS),
              objects({k: s.values(QUERY_TEXT) for k, s in KINDS.items()})),
    ],
    # headers, simple style: one of each kind, and arrays
    "headers": [
        *(Param(f"X-{k}", "header", "simple", False, s.schema, s.values(HEADER_TEXT)) for k, s in KINDS.items()),
        *(Param(f"X-List-{k}", "header", "simple", False, array_schema(k), arrays(KINDS[k].values(HEADER_TEXT)))
          for k in KINDS if k != "text"),
    ],
    "body": [],  # a JSON body and nothing else
}  # fmt: skip

BODY_SCHEMA = {
    "type": "object",
    "properties": {
        **{k: s.schema for k, s in KINDS.items()},
        **{f"{k}_list": array_schema(k) for k in KINDS},
        "nested": object_schema(KINDS),
        "records": {"type": "array", "items": object_schema(KINDS)},
        "result": object_schema(("text", "count", "amount", "flag")),
    },
}
BODY_VALUES = {k: s.values(JSON_TEXT) for k, s in KINDS.items()}
BODIES = objects(
    {
        **BODY_VALUES,
        "blob": byte_strings(JSON_TEXT, min_size=0),
        **{f"{k}_list": arrays(v, min_size=0) for k, v in BODY_VALUES.items()},
        "nested": objects(BODY_VALUES),
        "records": arrays(objects(BODY_VALUES), min_size=0),
        "result": results(JSON_TEXT),
    }
)


def operation(group: str) -> dict:
    found = {
        "operationId": f"probe_{group}",
        "parameters": [p.spec() for p in GROUPS[group]],
        "responses": {"200": {"description": "ok"}},
    }
    if group == "body":
        found["requestBody"] = {"required": True, "content": {"application/json": {"schema": BODY_SCHEMA}}}
    return found


def path(group: str) -> str:
    return "/".join([f"/{group}", *("{" + p.name + "}" for p in GROUPS[group] if p.location == "path")])


PROBE = {
    "openapi": "3.0.3",
    "info": {"title": "probe", "version": "1"},
    "servers": [{"url": BASE_URL}],
    "paths": {path(group): {"post": operation(group)} for group in GROUPS},
}
CLIENT = Client(PROBE, base_url=BASE_URL)


def identity(value: Any) -> Any:
    return value


# 1. formats validated but not unmarshalled: openapi-core hands back the strings that were sent
AS_SENT = OpenAPI.from_dict(
    PROBE,
    config=Config(
        spec_validator_cls=None,
        extra_format_unmarshallers={f: identity for f in ("date", "date-time", "uuid", "byte", "binary")},
    ),
)
# 2. formats unmarshalled as a server would; openapi-core's own byte unmarshaller decodes to UTF-8 text (and
# gives up on other bytes), so this server decodes base64 to bytes
AS_MEANT = OpenAPI.from_dict(
    PROBE,
    config=Config(
        spec_validator_cls=None,
        extra_format_unmarshallers={"byte": lambda text: base64.b64decode(text, validate=True)},
    ),
)


def normalize(value: Any) -> Any:
    """Meanings made comparable: instants in UTC, numbers as exact decimals, sequences as lists."""
    if isinstance(value, bool | str | bytes | uuid.UUID) or value is None:
        return value
    if isinstance(value, datetime.datetime):
        return value.astimezone(UTC)
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, float):
        return decimal.Decimal(repr(value))
    if isinstance(value, int | decimal.Decimal):
        return decimal.Decimal(value)
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalize(v) for v in value]
    raise AssertionError(f"unexpected value {value!r}")


@st.composite
def calls(draw, group: str):
    """(keyword arguments, [(parameter, value, meaning)], body (value, meaning) or None) for a group."""
    names = {a.parameter.name: python for python, a in operation_of(group).arguments.by_name.items() if a.parameter}
    arguments, given_ = {}, []
    for param in GROUPS[group]:
        if param.location == "path" or draw(st.booleans()):
            value, meaning = draw(param.values)
            arguments[names[param.name]] = value
            given_.append((param, value, meaning))
    body = draw(BODIES) if group == "body" else None
    if body is not None:
        arguments["body"] = body[0]
    return arguments, given_, body


def operation_of(group: str):
    return getattr(CLIENT, f"probe_{group}")


def by_location(found: list, pick) -> dict[str, dict[str, Any]]:
    """{location: {name: pick(parameter, value, meaning)}} for path, query and header."""
    table: dict[str, dict[str, Any]] = {"path": {}, "query": {}, "header": {}}
    for param, value, meaning in found:
        table[param.location][param.name] = pick(param, value, meaning)
    return table


@pytest.mark.parametrize("group", GROUPS)
def test_openapi_core_reads_back_the_validated_wire_value_and_its_meaning(group):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(calls(group))
    def roundtrip(call):
        arguments, found, body = call
        # strict validation (the client's default) raises here if a wire value breaks the spec
        request = operation_of(group).prepare(**arguments).request

        as_sent = AS_SENT.unmarshal_request(wire_request(request))
        assert [str(e) for e in as_sent.errors] == []
        wire = by_location(found, lambda param, value, _: to_wire(value, param.schema))
        for location, values in wire.items():
            assert getattr(as_sent.parameters, location) == values
        if body is not None:
            assert as_sent.body == to_wire(body[0], BODY_SCHEMA) == json.loads(request.body)

        as_meant = AS_MEANT.unmarshal_request(wire_request(request))
        assert [str(e) for e in as_meant.errors] == []
        meant = by_location(found, lambda _, __, meaning: meaning)
        for location, values in meant.items():
            assert normalize(getattr(as_meant.parameters, location)) == normalize(values)
        if body is not None:
            assert normalize(as_meant.body) == normalize(body[1])

    roundtrip()

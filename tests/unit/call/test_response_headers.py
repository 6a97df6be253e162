"""Response.headers: names compare without case, keep the case they came in, and a repeated name holds its
values joined (as urllib3 and requests give them)."""

from urllib3 import HTTPHeaderDict

from talos_dynamic import Response


def test_names_compare_without_case_and_keep_their_own():
    response = Response(200, {"Content-Type": "application/json", "X-Request-Id": "r1"})
    headers = response.headers
    assert headers["content-type"] == headers.get("CONTENT-TYPE") == "application/json"
    assert "x-request-id" in headers and list(headers) == ["Content-Type", "X-Request-Id"]
    headers["x-request-id"] = "r2"
    assert headers == {"X-REQUEST-ID": "r2", "content-type": "application/json"} and len(headers) == 2


def test_a_repeated_header_holds_its_values_joined():
    raw = HTTPHeaderDict()
    raw.add("Set-Cookie", "a=1")
    raw.add("set-cookie", "b=2")
    assert Response(200, raw).headers["Set-Cookie"] == "a=1, b=2"

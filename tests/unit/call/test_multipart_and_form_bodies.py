"""Multipart parts take one concrete content type from their Encoding Object; form bodies with an array
schema are sent, or refused with a typed error."""

import pytest

from talos_dynamic import Client, RequestValidationError


def body_spec(media_type, schema, encoding=None):
    media = {"schema": schema, **({"encoding": encoding} if encoding else {})}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "http://127.0.0.1:9"}],
        "paths": {
            "/send": {
                "post": {
                    "operationId": "send",
                    "requestBody": {"required": True, "content": {media_type: media}},
                    "responses": {"204": {"description": "done"}},
                }
            }
        },
    }


UPLOAD = {"type": "object", "properties": {"clip": {"type": "string", "format": "binary"}}}


def part_types(sent):
    return [line.split(b": ", 1)[1].decode() for line in sent.body.split(b"\r\n") if line.startswith(b"Content-Type")]


def test_a_part_gets_one_allowed_content_type_from_the_encoding_list(tmp_path):
    listed = Client(
        body_spec(
            "multipart/form-data", UPLOAD, {"clip": {"contentType": "video/mp4, video/webm, application/octet-stream"}}
        )
    )
    assert part_types(listed.send.prepare(clip=b"...")) == ["video/mp4"]
    assert part_types(listed.send.prepare(clip=("a.webm", b"...", "video/webm"))) == ["video/webm"]
    (tmp_path / "b.webm").write_bytes(b"...")
    assert part_types(listed.send.prepare(clip=tmp_path / "b.webm")) == ["video/webm"]  # guessed from the name
    with pytest.raises(RequestValidationError, match="part 'clip': content type 'text/plain' is not allowed"):
        listed.send.prepare(clip=("a.txt", b"...", "text/plain"))

    images = Client(body_spec("multipart/form-data", UPLOAD, {"clip": {"contentType": "image/*"}}))
    assert part_types(images.send.prepare(clip=b"...")) == ["application/octet-stream"]
    assert part_types(images.send.prepare(clip=("p.png", b"..."))) == ["image/png"]
    assert part_types(images.send.prepare(clip=("p", b"...", "image/webp"))) == ["image/webp"]
    with pytest.raises(RequestValidationError, match="not allowed"):
        images.send.prepare(clip=("p.png", b"...", "video/mp4"))


@pytest.mark.parametrize("mode", ["strict", "warn", "off"])
def test_a_form_body_whose_schema_is_an_array_is_a_list_of_pairs(mode):
    pairs = {"type": "array", "items": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2}}
    client = Client(body_spec("application/x-www-form-urlencoded", pairs), request_validation=mode)
    sent = client.send.prepare(body=[("tag", "a"), ["tag", "b c"]])
    assert (sent.body, sent.headers["Content-Type"]) == (b"tag=a&tag=b+c", "application/x-www-form-urlencoded")
    strings = Client(body_spec("application/x-www-form-urlencoded", {"type": "array"}), request_validation=mode)
    for body in (["a", "b"], [{"a": 1}], "a=b"):
        with pytest.raises(
            RequestValidationError, match="mapping of field names to values, or a list of|is not of type .array."
        ):
            strings.send.prepare(body=body)

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asyncio_adapter import HTTPError, Request, RequestBodyTooLarge, UploadedFile
from asyncio_adapter._request import parse_cookies, parse_header_params, parse_multipart


def make(body=b"", content_type=None, **kwargs):
    headers = [(b"content-type", content_type.encode())] if content_type else []
    headers += kwargs.pop("headers", [])
    return Request("POST", "/p", headers=headers, body=body, **kwargs)


def test_plain_attributes():
    request = Request(
        "GET",
        "/a b",
        query_string="x=1",
        path_params={"id": 3},
        client=("127.0.0.1", 5),
        http_version="1.0",
    )
    assert (request.method, request.path, request.query_string) == ("GET", "/a b", "x=1")
    assert request.path_params == {"id": 3}
    assert request.client == ("127.0.0.1", 5)
    assert request.http_version == "1.0"
    assert repr(request) == "<Request GET '/a b'>"


def test_headers_are_case_insensitive_and_keep_repeats():
    request = Request(
        "GET", "/", headers=[(b"X-Thing", b"1"), (b"accept", b"a"), (b"x-thing", b"\xe9")]
    )
    headers = request.headers
    assert headers["x-thing"] == headers["X-THING"] == "1"
    assert headers.get_all("X-Thing") == ["1", "é"]
    assert headers.get("missing") is None
    assert list(headers) == ["x-thing", "accept"]
    assert len(headers) == 2
    assert "Accept" in headers
    assert "accept" in headers
    with pytest.raises(KeyError):
        headers["nope"]
    assert request.headers is headers  # cached
    assert "x-thing" in repr(headers)


def test_query_params_are_a_dict_of_lists_and_cached():
    request = Request("GET", "/", query_string="a=1&a=2&b=&c=%20x")
    assert request.query_params == {"a": ["1", "2"], "b": [""], "c": [" x"]}
    assert request.query_params is request.query_params


def test_cookies_from_every_cookie_header():
    request = Request(
        "GET", "/", headers=[(b"cookie", b'a=1; b="two"'), (b"cookie", b"a=9; junk; c=3")]
    )
    assert request.cookies == {"a": "1", "b": "two", "c": "3"}
    assert request.cookies is request.cookies


def test_parse_cookies_skips_pairs_without_a_name_or_equals():
    assert parse_cookies(["=x; y; z=1 ; w="]) == {"z": "1", "w": ""}


def test_urlencoded_form_is_a_dict_of_lists():
    request = make(b"name=ada&password=s%26cret&name=bob", "application/x-www-form-urlencoded")
    assert request.body == {"name": ["ada", "bob"], "password": ["s&cret"]}
    assert request.body_raw == b"name=ada&password=s%26cret&name=bob"


def test_form_in_declared_charset():
    request = make("n=é".encode("latin-1"), "application/x-www-form-urlencoded; charset=latin-1")
    assert request.body == {"n": ["é"]}


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=nope"],
)
def test_form_not_in_its_charset_is_a_400(content_type):
    with pytest.raises(HTTPError) as caught:
        make(b"n=\xff", content_type).body  # noqa: B018
    assert caught.value.status_code == 400


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/problem+json", "Application/JSON; charset=utf-8"],
)
def test_json_body(content_type):
    assert make(b'{"a": [1, 2]}', content_type).body == {"a": [1, 2]}


@pytest.mark.parametrize("raw", [b"{", b"\xff"])
def test_malformed_json_is_a_400(raw):
    with pytest.raises(HTTPError) as caught:
        make(raw, "application/json").body  # noqa: B018
    assert caught.value.status_code == 400


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/octet-stream"])
def test_other_bodies_parse_to_none(content_type):
    request = make(b"hello", content_type)
    assert request.body is None
    assert request.body_raw == b"hello"


def test_body_is_parsed_once():
    request = make(b"[1]", "application/json")
    assert request.body is request.body


MULTIPART = (
    b"preamble\r\n"
    b"--XyZ\r\n"
    b'Content-Disposition: form-data; name="name"\r\n\r\n'
    b"ad\xc3\xa9\r\n"
    b"--XyZ\r\n"
    b'Content-Disposition: form-data; name="file"; filename="a \\"b\\".txt"\r\n'
    b"Content-Type: text/plain\r\n\r\n"
    b"line1\r\nline2\r\n"
    b"--XyZ\r\n"
    b'Content-Disposition: form-data; name="name"\r\n\r\n'
    b"\r\n"
    b"--XyZ--\r\n"
)


def test_multipart_form_is_a_dict_of_lists_with_files():
    request = make(MULTIPART, 'multipart/form-data; boundary="XyZ"')
    assert request.body == {
        "name": ["adé", ""],
        "file": [UploadedFile('a "b".txt', "text/plain", b"line1\r\nline2")],
    }


@pytest.mark.parametrize(
    ("body", "boundary"),
    [
        (MULTIPART, ""),
        (MULTIPART, "x" * 71),
        (b"no delimiter", "XyZ"),
        (b"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nunterminated", "XyZ"),
        (b"--XyZ\r\nContent-Disposition: form-data; name=a\r\n--XyZ--", "XyZ"),
        (b"--XyZ\r\nno colon\r\n\r\nv\r\n--XyZ--", "XyZ"),
        (b"--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nv\r\n--XyZ--", "XyZ"),
        (b"--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--", "XyZ"),
        (b"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n\xff\r\n--XyZ--", "XyZ"),
        (b"--XyZjunk", "XyZ"),
    ],
)
def test_malformed_multipart_is_a_400(body, boundary):
    with pytest.raises(HTTPError) as caught:
        parse_multipart(body, boundary)
    assert caught.value.status_code == 400


@given(st.dictionaries(st.text("abc_", min_size=1), st.lists(st.text(), min_size=1), max_size=4))
def test_multipart_round_trip(fields):
    boundary = "b0undary"
    parts = []
    for name, values in fields.items():
        for value in values:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + value.encode()
                + b"\r\n"
            )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    if not fields:
        body = f"--{boundary}--\r\n".encode()
    # a value that contains the delimiter cannot round-trip; hypothesis' text here cannot
    assert parse_multipart(body, boundary) == fields


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Text/HTML", ("text/html", {})),
        (
            'multipart/form-data; Boundary="a;b\\"c"; x=1',
            ("multipart/form-data", {"boundary": 'a;b"c', "x": "1"}),
        ),
        ("a/b; junk; c = d ;", ("a/b", {"c": "d"})),
        ("a/b; =x; y=", ("a/b", {"y": ""})),
        ('a/b; k="unterminated', ("a/b", {"k": "unterminated"})),
    ],
)
def test_parse_header_params(value, expected):
    assert parse_header_params(value) == expected


class FakeSource:
    def __init__(self, chunks):
        self.chunks = list(chunks)

    async def read_body_chunk(self):
        return self.chunks.pop(0) if self.chunks else b""


async def test_body_over_the_limit_raises_413_and_streams():
    request = Request(
        "POST", "/", body=None, limit=4, prefix=b"ab", source=FakeSource([b"cd", b"ef"])
    )
    with pytest.raises(RequestBodyTooLarge) as caught:
        request.body_raw  # noqa: B018
    assert caught.value.status_code == 413
    assert "4 bytes" in caught.value.detail
    with pytest.raises(RequestBodyTooLarge):
        request.body  # noqa: B018
    assert [chunk async for chunk in request.stream()] == [b"ab", b"cd", b"ef"]
    with pytest.raises(RuntimeError, match="already streamed"):
        [chunk async for chunk in request.stream()]


async def test_stream_of_a_buffered_body_repeats():
    request = make(b"xyz")
    assert [c async for c in request.stream()] == [b"xyz"]
    assert [c async for c in request.stream()] == [b"xyz"]
    assert [c async for c in make(b"").stream()] == []

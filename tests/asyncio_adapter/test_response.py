from __future__ import annotations

import pytest

from asyncio_adapter import HTTPError, Response
from asyncio_adapter._response import error_response, to_response


def test_str_body_is_utf8_text_plain():
    response = Response("héllo")
    assert response.body == "héllo".encode()
    assert response.get_header("content-type") == "text/plain; charset=utf-8"
    assert response.code == 200
    assert not response.is_streaming


def test_bytes_body_is_octet_stream():
    response = Response(b"\x00\x01", code=201)
    assert response.body == b"\x00\x01"
    assert response.get_header("Content-Type") == "application/octet-stream"


@pytest.mark.parametrize(
    ("document", "encoded"),
    [({"a": [1, 2], "b": "é"}, '{"a":[1,2],"b":"é"}'.encode()), ([1, None], b"[1,null]")],
)
def test_dict_and_list_bodies_are_json(document, encoded):
    response = Response(document)
    assert response.body == encoded
    assert response.get_header("content-type") == "application/json"


def test_content_type_argument_wins_over_the_default():
    response = Response("<b>x</b>", content_type="text/html")
    assert response.get_header("content-type") == "text/html"
    assert [name.lower() for name, _ in response.headers].count("content-type") == 1


def test_set_header_replaces_case_insensitively_as_the_article_does():
    response = Response()
    response.set_header("Content-Type", "text/html")
    response.body = "<html></html>"
    assert response.body == b"<html></html>"
    assert response.headers == [("Content-Type", "text/html")]
    response.set_header("content-type", "text/plain")
    assert response.headers == [("content-type", "text/plain")]


def test_empty_body_gets_no_content_type():
    assert Response().headers == []


def test_add_header_keeps_repeated_fields():
    response = Response(headers={"Set-Cookie": "a=1"})
    response.add_header("Set-Cookie", "b=2")
    assert [v for k, v in response.headers if k == "Set-Cookie"] == ["a=1", "b=2"]


def test_headers_accept_pairs():
    response = Response(headers=[("X-A", "1"), ("X-A", "2")])
    assert response.headers == [("X-A", "1"), ("X-A", "2")]


async def test_async_iterable_body_streams():
    async def chunks():
        yield b"a"
        yield "b"

    response = Response(chunks())
    assert response.is_streaming
    assert [c async for c in response.body] == [b"a", "b"]


@pytest.mark.parametrize("code", [204, 304])
def test_no_content_statuses_refuse_a_body(code):
    assert Response(code=code).body == b""
    with pytest.raises(ValueError, match="cannot have a body"):
        Response("x", code=code)


def test_unsupported_body_type():
    with pytest.raises(TypeError, match="int"):
        Response(3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("result", "body"),
    [("hi", b"hi"), (b"raw", b"raw"), ({"k": 1}, b'{"k":1}'), ([], b"[]")],
)
def test_to_response_converts_plain_results(result, body):
    assert to_response(result).body == body


def test_to_response_passes_responses_through_and_refuses_none():
    response = Response("x")
    assert to_response(response) is response
    with pytest.raises(TypeError, match="NoneType"):
        to_response(None)


def test_error_response_uses_the_reason_phrase_by_default():
    response = error_response(HTTPError(403))
    assert (response.code, response.body) == (403, b"Forbidden")
    response = error_response(HTTPError(429, "slow down", {"Retry-After": "1"}))
    assert response.get_header("retry-after") == "1"
    assert response.body == b"slow down"


def test_error_with_unknown_status_has_empty_detail():
    assert HTTPError(599).detail == ""


def test_repr():
    assert repr(Response("abc")) == "<Response 200 3 bytes>"


@pytest.mark.parametrize("code", [99, 100, 101, 199, 600, 999, 1000])
def test_a_response_code_outside_200_599_is_refused_when_built(code):
    """RFC 9110 §15: final status codes run 200-599; 1xx are the server's own."""
    with pytest.raises(ValueError, match="200-599"):
        Response("x", code)

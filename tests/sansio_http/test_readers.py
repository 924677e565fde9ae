"""The readers: bytes in, events out, through ``parse_into``.

Every case goes through ``three_ways`` (whole, one byte at a time, with
trailing bytes), so each one also checks that the split of the input
changes nothing.
"""

from __future__ import annotations

import pytest

from sansio_http import (
    ConnectionClosed,
    Data,
    EndOfMessage,
    InformationalResponse,
    Limits,
    RemoteProtocolError,
    Request,
    RequestParser,
    Response,
    ResponseParser,
    parse_into,
)

from .helpers import (
    bytewise,
    feed,
    normalize,
    request_parser,
    response_parser,
    three_ways,
    three_ways_error,
)

HOST = b"Host: example.com\r\n"


def get(target: bytes = b"/", headers: list[tuple[bytes, bytes]] | None = None) -> Request:
    return Request(b"GET", target, headers or [(b"host", b"example.com")])


def post(*fields: tuple[bytes, bytes]) -> Request:
    return Request(b"POST", b"/", [(b"host", b"example.com"), *fields])


CHUNKED = (b"transfer-encoding", b"chunked")


# --- requests: valid messages --------------------------------------------------

VALID_REQUESTS = [
    pytest.param(
        b"GET / HTTP/1.1\r\n" + HOST + b"\r\n",
        [get(), EndOfMessage()],
        id="simple-get",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: 5\r\n\r\nhello",
        [post((b"content-length", b"5")), Data(b"hello"), EndOfMessage()],
        id="content-length",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: 0\r\n\r\n",
        [post((b"content-length", b"0")), EndOfMessage()],
        id="content-length-zero",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length:  5 \r\n\r\nhello",
        [post((b"content-length", b"5")), Data(b"hello"), EndOfMessage()],
        id="content-length-with-ows",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n1\r\n!\r\n0\r\n\r\n",
        [post(CHUNKED), Data(b"hello!"), EndOfMessage()],
        id="chunked",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n"
        b"5;name=value;flag\r\nhello\r\n"
        b'3 ; q="quoted \\" ; string"\r\nabc\r\n0;last\r\n\r\n',
        [post(CHUNKED), Data(b"helloabc"), EndOfMessage()],
        id="chunk-extensions",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n"
        b"00005\r\nhello\r\n000\r\n\r\n",
        [post(CHUNKED), Data(b"hello"), EndOfMessage()],
        id="chunk-size-leading-zeros",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\n"
        + HOST
        + b"Transfer-Encoding: chunked\r\n\r\n"
        + b"0" * 40
        + b"5\r\nhello\r\n"
        + b"0" * 40
        + b"\r\n\r\n",
        [post(CHUNKED), Data(b"hello"), EndOfMessage()],
        id="chunk-size-many-leading-zeros",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: " + b"0" * 5000 + b"2\r\n\r\nhi",
        [post((b"content-length", b"0" * 5000 + b"2")), Data(b"hi"), EndOfMessage()],
        id="content-length-many-leading-zeros",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: " + b"0" * 30 + b"\r\n\r\n",
        [post((b"content-length", b"0" * 30)), EndOfMessage()],
        id="content-length-all-zeros",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n"
        b"a\r\n0123456789\r\nA\r\n0123456789\r\n0\r\n\r\n",
        [post(CHUNKED), Data(b"01234567890123456789"), EndOfMessage()],
        id="chunk-size-hex-any-case",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n"
        b"2\r\nhi\r\n0\r\nExpires: never\r\nX-Sum: 1234\r\n\r\n",
        [
            post(CHUNKED),
            Data(b"hi"),
            EndOfMessage([(b"expires", b"never"), (b"x-sum", b"1234")]),
        ],
        id="trailers",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n"
        b"2\r\nhi\r\n0\r\nX-Sum: 1234\r\n\r\n",
        [post(CHUNKED), Data(b"hi"), EndOfMessage([(b"x-sum", b"1234")])],
        id="one-trailer-line",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: Chunked\r\n\r\n0\r\n\r\n",
        [post((b"transfer-encoding", b"Chunked")), EndOfMessage()],
        id="transfer-coding-is-case-insensitive",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: ,chunked\r\n\r\n0\r\n\r\n",
        [post((b"transfer-encoding", b",chunked")), EndOfMessage()],
        id="transfer-encoding-empty-list-element",
    ),
    pytest.param(
        b"GET / HTTP/1.1\r\n" + HOST + b"Empty:\r\nSpaces:   \r\n\r\n",
        [
            get(headers=[(b"host", b"example.com"), (b"empty", b""), (b"spaces", b"")]),
            EndOfMessage(),
        ],
        id="empty-field-values",
    ),
    pytest.param(
        b"GET / HTTP/1.1\r\n" + HOST + b"X-Latin: caf\xe9 \x80\xff\r\n\r\n",
        [
            get(headers=[(b"host", b"example.com"), (b"x-latin", b"caf\xe9 \x80\xff")]),
            EndOfMessage(),
        ],
        id="obs-text-in-values",
    ),
    pytest.param(
        b"GET / HTTP/1.1\r\n" + HOST + b"X-Tab:\tinner\tspace\t\r\n\r\n",
        [get(headers=[(b"host", b"example.com"), (b"x-tab", b"inner\tspace")]), EndOfMessage()],
        id="tabs-around-and-inside-values",
    ),
    pytest.param(
        b"GET / HTTP/1.1\r\n" + HOST + b"Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n",
        [
            get(
                headers=[
                    (b"host", b"example.com"),
                    (b"set-cookie", b"a=1"),
                    (b"set-cookie", b"b=2"),
                ]
            ),
            EndOfMessage(),
        ],
        id="repeated-fields-kept",
    ),
    pytest.param(
        b"\r\n\r\nGET / HTTP/1.1\r\n" + HOST + b"\r\n",
        [get(), EndOfMessage()],
        id="empty-lines-before-request-line",
    ),
    pytest.param(
        b"GET http://example.com/a?b HTTP/1.1\r\n" + HOST + b"\r\n",
        [get(b"http://example.com/a?b"), EndOfMessage()],
        id="absolute-form",
    ),
    pytest.param(
        b"GET http://[::1]:8080?u@x HTTP/1.1\r\n" + HOST + b"\r\n",
        [get(b"http://[::1]:8080?u@x"), EndOfMessage()],
        id="absolute-form-ip-literal-port-and-at-in-query",
    ),
    pytest.param(
        b"GET ftp://u@example.com/a@b HTTP/1.1\r\n" + HOST + b"\r\n",
        [get(b"ftp://u@example.com/a@b"), EndOfMessage()],
        id="absolute-form-other-scheme-keeps-its-userinfo",
    ),
    pytest.param(
        b"OPTIONS * HTTP/1.1\r\n" + HOST + b"\r\n",
        [Request(b"OPTIONS", b"*", [(b"host", b"example.com")]), EndOfMessage()],
        id="asterisk-form",
    ),
    pytest.param(
        b"GET /a/b;c=d/%7E%e9?x=1&y=/?z HTTP/1.1\r\n" + HOST + b"\r\n",
        [get(b"/a/b;c=d/%7E%e9?x=1&y=/?z"), EndOfMessage()],
        id="origin-form-with-escapes-and-query",
    ),
    pytest.param(
        b"GET / HTTP/1.0\r\n\r\n",
        [Request(b"GET", b"/", [], b"1.0"), EndOfMessage()],
        id="http-1.0-without-host",
    ),
    pytest.param(
        b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        [Request(b"GET", b"/", [(b"connection", b"keep-alive")], b"1.0"), EndOfMessage()],
        id="http-1.0-keep-alive",
    ),
    pytest.param(
        b"GET / HTTP/1.7\r\n" + HOST + b"\r\n",
        [get(), EndOfMessage()],
        id="higher-minor-version-is-1.1",
    ),
    pytest.param(
        b"GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n",
        [get(headers=[(b"host", b"[::1]:8080")]), EndOfMessage()],
        id="host-ipv6-literal",
    ),
    pytest.param(
        b"GET / HTTP/1.1\r\nHost:\r\n\r\n",
        [get(headers=[(b"host", b"")]), EndOfMessage()],
        id="host-empty",
    ),
]


@pytest.mark.parametrize(("data", "expected"), VALID_REQUESTS)
def test_valid_request(data: bytes, expected: list[object]) -> None:
    assert three_ways(request_parser(), data) == expected


def test_connect_request_takes_authority_form_and_pauses() -> None:
    """RFC 9112 §3.2.3: CONNECT has an authority-form target; what follows is a tunnel."""
    data = b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"
    events = three_ways(request_parser(), data)
    assert events == [
        Request(b"CONNECT", b"example.com:443", [(b"host", b"example.com:443")]),
        EndOfMessage(),
    ]
    parser = RequestParser()
    buffer = bytearray(data + b"\x16\x03\x01 TLS bytes")
    parse_into(parser, buffer)
    assert parser.paused
    assert buffer == b"\x16\x03\x01 TLS bytes"


def test_pipelined_requests_come_out_together() -> None:
    """``parse_into`` returns every message the bytes complete; pausing is the Connection's job."""
    data = (
        b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: 1\r\n\r\nx"
        b"GET /2 HTTP/1.1\r\n" + HOST + b"\r\n"
    )
    assert three_ways(request_parser(), data) == [
        post((b"content-length", b"1")),
        Data(b"x"),
        EndOfMessage(),
        get(b"/2"),
        EndOfMessage(),
    ]


def test_pause_after_message_stops_at_each_message() -> None:
    parser = RequestParser()
    parser.pause_after_message = True
    buffer = bytearray(b"GET /1 HTTP/1.1\r\n" + HOST + b"\r\nGET /2 HTTP/1.1\r\n" + HOST + b"\r\n")
    assert parse_into(parser, buffer) == [get(b"/1"), EndOfMessage()]
    assert parse_into(parser, buffer) == [get(b"/2"), EndOfMessage()]
    assert parse_into(parser, buffer) == []
    assert buffer == b""


def test_parsed_headers_keep_the_original_spelling() -> None:
    parser = RequestParser()
    buffer = bytearray(b"GET / HTTP/1.1\r\nHOST: a\r\nX-Mixed-Case:  v \r\n\r\n")
    request = parse_into(parser, buffer)[0]
    assert isinstance(request, Request)
    assert request.headers == [(b"host", b"a"), (b"x-mixed-case", b"v")]
    assert request.headers.raw_items() == [(b"HOST", b"a"), (b"X-Mixed-Case", b"v")]
    assert request.headers.get(b"x-MIXED-case") == b"v"


# --- requests: strictness ----------------------------------------------------------


def _request_with(*lines: bytes, body: bytes = b"", version: bytes = b"1.1") -> bytes:
    return (
        b"POST / HTTP/"
        + version
        + b"\r\n"
        + b"".join(line + b"\r\n" for line in lines)
        + b"\r\n"
        + body
    )


INVALID_REQUESTS = [
    # Framing that could smuggle a request (RFC 9112 §6.1, §6.3).
    pytest.param(
        _request_with(HOST[:-2], b"Content-Length: 3", b"Transfer-Encoding: chunked"),
        400,
        id="content-length-and-transfer-encoding",
    ),
    pytest.param(
        _request_with(HOST[:-2], b"Transfer-Encoding: chunked", b"Content-Length: 3"),
        400,
        id="transfer-encoding-and-content-length",
    ),
    pytest.param(
        _request_with(HOST[:-2], b"Content-Length: 3", b"Content-Length: 3", body=b"abc"),
        400,
        id="duplicate-content-length",
    ),
    pytest.param(
        _request_with(HOST[:-2], b"Content-Length: 1, 1", body=b"a"),
        400,
        id="content-length-list",
    ),
    pytest.param(_request_with(HOST[:-2], b"Content-Length: +1", body=b"a"), 400, id="cl-plus"),
    pytest.param(_request_with(HOST[:-2], b"Content-Length: -1"), 400, id="cl-negative"),
    pytest.param(_request_with(HOST[:-2], b"Content-Length: 0x10"), 400, id="cl-hex"),
    pytest.param(_request_with(HOST[:-2], b"Content-Length:"), 400, id="cl-empty"),
    pytest.param(_request_with(HOST[:-2], b"Content-Length: 1 2"), 400, id="cl-inner-space"),
    pytest.param(
        _request_with(HOST[:-2], b"Content-Length: 1234567890123456789"),
        413,
        id="cl-too-many-digits",
    ),
    pytest.param(_request_with(HOST[:-2], b"Transfer-Encoding: gzip"), 400, id="te-not-chunked"),
    pytest.param(
        _request_with(HOST[:-2], b"Transfer-Encoding: chunked, gzip"),
        400,
        id="te-chunked-not-final",
    ),
    pytest.param(
        _request_with(HOST[:-2], b"Transfer-Encoding: gzip, chunked"),
        501,
        id="te-gzip-then-chunked",
    ),
    pytest.param(
        _request_with(HOST[:-2], b"Transfer-Encoding: chunked, chunked"),
        400,
        id="te-chunked-twice",
    ),
    pytest.param(
        _request_with(HOST[:-2], b"Transfer-Encoding: chunked", b"Transfer-Encoding: chunked"),
        400,
        id="te-chunked-twice-in-two-lines",
    ),
    pytest.param(_request_with(HOST[:-2], b"Transfer-Encoding:"), 400, id="te-empty"),
    pytest.param(
        _request_with(b"Transfer-Encoding: chunked", version=b"1.0"), 400, id="te-in-http-1.0"
    ),
    # Octets and line structure (RFC 9112 §2.2, §5).
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n", 400, id="bare-cr-in-head"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400, id="bare-cr-in-value"),
    pytest.param(b"GET / HTTP/1.1\nHost: a\r\n\r\n", 400, id="bare-lf-after-request-line"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n", 400, id="bare-lf-in-headers"),
    pytest.param(b"GET / HTTP/1.1\n\n", 400, id="lf-lf-terminator"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\n\n", 400, id="lf-lf-after-field"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n z\r\n\r\n", 400, id="obs-fold"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\tz\r\n\r\n", 400, id="obs-fold-tab"),
    pytest.param(b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, id="space-before-colon"),
    pytest.param(b"GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", 400, id="tab-before-colon"),
    pytest.param(b"GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400, id="space-before-first-field"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\nX\x00: y\r\n\r\n", 400, id="nul-in-name"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\nX: y\x00z\r\n\r\n", 400, id="nul-in-value"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\nX: y\x7f\r\n\r\n", 400, id="del-in-value"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\nX\x7f: y\r\n\r\n", 400, id="del-in-name"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\nX: \x01\r\n\r\n", 400, id="ctl-in-value"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\nX\xe9: y\r\n\r\n", 400, id="obs-text-in-name"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\nX(y): z\r\n\r\n", 400, id="separator-in-name"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\n: empty-name\r\n\r\n", 400, id="empty-name"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\nno colon\r\n\r\n", 400, id="no-colon"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\nnocolon\r\n\r\n", 400, id="no-colon-token"),
    # Host (RFC 9112 §3.2).
    pytest.param(b"GET / HTTP/1.1\r\n\r\n", 400, id="missing-host"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400, id="duplicate-host"),
    pytest.param(b"GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400, id="duplicate-host-1.0"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, id="host-with-space"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400, id="host-with-slash"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a:b\r\n\r\n", 400, id="host-port-not-digits"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400, id="host-unclosed-literal"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: [:]\r\n\r\n", 400, id="host-ipv6-not-an-address"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: [1::2::3]:80\r\n\r\n", 400, id="host-ipv6-two-gaps"),
    pytest.param(b"GET http://[:]/ HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="absolute-ipv6-bad"),
    pytest.param(b"CONNECT [::1::]:443 HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="connect-ipv6-bad"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a@b\r\n\r\n", 400, id="host-with-userinfo"),
    # The request line (RFC 9112 §3).
    pytest.param(b"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, id="http-2.0"),
    pytest.param(b"GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505, id="http-0.9-version"),
    pytest.param(b"GET /\r\n\r\n", 400, id="http-0.9-no-version"),
    pytest.param(b"GET / HTTP/1.10\r\nHost: a\r\n\r\n", 400, id="two-digit-minor"),
    pytest.param(b"GET / HTTP/11\r\nHost: a\r\n\r\n", 400, id="no-dot-in-version"),
    pytest.param(b"GET / http/1.1\r\nHost: a\r\n\r\n", 400, id="lowercase-http-name"),
    pytest.param(b" GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="leading-space"),
    pytest.param(b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="double-space"),
    pytest.param(b"GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="tab-separator"),
    pytest.param(b"GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400, id="trailing-space"),
    pytest.param(b"G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="method-not-token"),
    pytest.param(b"GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="space-in-target"),
    pytest.param(b'GET /a"b HTTP/1.1\r\nHost: a\r\n\r\n', 400, id="quote-in-target"),
    pytest.param(b"GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="bad-escape-in-target"),
    pytest.param(b"GET /%4 HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="short-escape-in-target"),
    pytest.param(b"GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="fragment-in-target"),
    pytest.param(b"GET /\xe9 HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="obs-text-in-target"),
    pytest.param(b"GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="asterisk-for-get"),
    pytest.param(b"GET 127.0.0.1:80 HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="authority-for-get"),
    pytest.param(b"CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="origin-form-for-connect"),
    pytest.param(
        b"CONNECT example.com HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="connect-without-port"
    ),
    pytest.param(
        b"CONNECT http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="absolute-form-for-connect"
    ),
    pytest.param(b"GET 1http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="bad-scheme"),
    # RFC 9110 §4.2.1: an http(s) URI has an authority with a host; §4.2.4:
    # userinfo in one is an error (it disguises the authority).
    pytest.param(b"GET http:///a HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="http-empty-host"),
    pytest.param(b"GET https:// HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="https-no-host"),
    pytest.param(b"GET http://:80/ HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="http-port-only"),
    pytest.param(b"GET http:a/b HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="http-no-authority"),
    pytest.param(b"GET http://u@a/ HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="http-userinfo"),
    pytest.param(b"GET HTTPS://u:p@a HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="https-userinfo-upper"),
    pytest.param(b"GET http://a:8x/ HTTP/1.1\r\nHost: a\r\n\r\n", 400, id="http-bad-port"),
    pytest.param(b"\r\n\r\n\r\nGET\r\n\r\n", 400, id="request-line-without-target"),
]


@pytest.mark.parametrize(("data", "status"), INVALID_REQUESTS)
def test_invalid_request(data: bytes, status: int) -> None:
    assert three_ways_error(request_parser(), data).status_code == status


BAD_CHUNKED_BODIES = [
    pytest.param(b"zz\r\n", 400, id="non-hex-size"),
    pytest.param(b"\r\n", 400, id="empty-size"),
    pytest.param(b"-5\r\n", 400, id="negative-size"),
    pytest.param(b"0x5\r\nhello\r\n", 400, id="hex-prefix"),
    pytest.param(b"5 \r\nhello\r\n", 400, id="trailing-space-without-extension"),
    pytest.param(b"5;\r\nhello\r\n", 400, id="extension-without-name"),
    pytest.param(b"5;a=\r\nhello\r\n", 400, id="extension-without-value"),
    pytest.param(b'5;a="open\r\nhello\r\n', 400, id="unterminated-quoted-string"),
    pytest.param(b"5;a=b c\r\nhello\r\n", 400, id="space-in-extension-value"),
    pytest.param(b"5\nhello\r\n", 400, id="bare-lf-after-size"),
    pytest.param(b"5\r\nhelloXX", 400, id="no-crlf-after-data"),
    pytest.param(b"5\r\nhello\rX", 400, id="cr-without-lf-after-data"),
    pytest.param(b"5\r\nhelloX", 400, id="one-wrong-byte-after-data"),
    pytest.param(b"1" * 17 + b"\r\n", 413, id="size-too-many-digits"),
    pytest.param(b"1\r\na\r\nzz\r\n", 400, id="non-hex-size-after-a-chunk"),
    pytest.param(b"1\r\na\r\n5 \r\nhello\r\n", 400, id="trailing-space-after-a-chunk"),
    pytest.param(b"1\r\na\r\n1\r\nbXX", 400, id="no-crlf-after-a-later-chunk"),
    pytest.param(b"1\r\na\r\n1\nb\r\n", 400, id="bare-lf-after-a-later-size"),
    pytest.param(b"1\r\na\r\n" + b"1" * 17 + b"\r\n", 413, id="too-many-digits-after-a-chunk"),
    pytest.param(b"0\r\nX: y\n\n", 400, id="bare-lf-in-trailers"),
    pytest.param(b"0\r\n\n", 400, id="lf-ending-the-trailers"),
    pytest.param(b"0\r\nX: a\rb\r\n\r\n", 400, id="bare-cr-in-trailers"),
    pytest.param(b"0\r\nX : y\r\n\r\n", 400, id="space-before-colon-in-trailers"),
    pytest.param(b"0\r\nX: y\r\n z\r\n\r\n", 400, id="obs-fold-in-trailers"),
    pytest.param(b"0\r\nX: \x00\r\n\r\n", 400, id="nul-in-trailers"),
    pytest.param(b"0\r\nA: 1\r\nX: \x00\r\n\r\n", 400, id="nul-in-a-later-trailer-line"),
    pytest.param(b"0\r\nX: a\nb\r\n\r\n", 400, id="bare-lf-inside-a-trailer-line"),
]


@pytest.mark.parametrize(("body", "status"), BAD_CHUNKED_BODIES)
def test_invalid_chunked_body(body: bytes, status: int) -> None:
    data = _request_with(HOST[:-2], b"Transfer-Encoding: chunked", body=body)
    assert three_ways_error(request_parser(), data).status_code == status


def test_complete_chunks_in_one_call_come_out_as_one_data() -> None:
    data = _request_with(
        HOST[:-2], b"Transfer-Encoding: chunked", body=b"3\r\nabc\r\n2\r\nde\r\n1\r\nf"
    )
    buffer = bytearray(data)
    events = parse_into(RequestParser(), buffer)
    assert events[1:] == [Data(b"abcde"), Data(b"f")]
    assert buffer == b""


def test_a_bad_chunk_after_good_ones_leaves_the_buffer_usable() -> None:
    """The views of the good chunks must not keep the buffer locked."""
    data = _request_with(HOST[:-2], b"Transfer-Encoding: chunked", body=b"3\r\nabc\r\n2\r\ndeXX")
    buffer = bytearray(data)
    with pytest.raises(RemoteProtocolError, match="not followed by CRLF"):
        parse_into(RequestParser(), buffer)
    buffer.extend(b"more")
    del buffer[:2]


def test_a_chunk_size_of_sixteen_digits_with_leading_zeros_is_read() -> None:
    """Leading zeros do not count against the cap of 15 significant hex digits
    (test_fuzz_regressions has the 413 past it)."""
    data = _request_with(HOST[:-2], b"Transfer-Encoding: chunked", body=b"000000000000000a\r\n")
    parser = RequestParser()
    events, rest = feed(parser, [data + b"01234"])
    assert normalize(events)[1:] == [Data(b"01234")]
    assert rest == b""


def test_a_failed_parser_keeps_failing_with_the_same_status() -> None:
    """After an error the stream's framing is lost: nothing more may be read from it."""
    parser = RequestParser()
    with pytest.raises(RemoteProtocolError):
        parse_into(parser, bytearray(b"GET / HTTP/2.0\r\nHost: a\r\n\r\n"))
    with pytest.raises(RemoteProtocolError) as info:
        parse_into(parser, bytearray(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
    assert info.value.status_code == 505


# --- limits -------------------------------------------------------------------------

SMALL = Limits(
    max_request_line=30,
    max_header_line=30,
    max_header_count=3,
    max_header_block=60,
    max_chunk_line=10,
    max_trailer_block=30,
    max_body=10,
)


def _line_of(size: int) -> bytes:
    """A request line of exactly ``size`` bytes."""
    target = b"/" + b"a" * (size - len(b"GET / HTTP/1.1"))
    return b"GET " + target + b" HTTP/1.1"


def _field_of(size: int, name: bytes = b"X") -> bytes:
    """A field line of exactly ``size`` bytes."""
    return name + b": " + b"v" * (size - len(name) - 2)


def test_request_line_at_the_limit_is_read() -> None:
    data = _line_of(30) + b"\r\nHost: a\r\n\r\n"
    assert len(three_ways(request_parser(SMALL), data)) == 2


def test_request_line_over_the_limit_is_414() -> None:
    data = _line_of(31) + b"\r\nHost: a\r\n\r\n"
    assert three_ways_error(request_parser(SMALL), data).status_code == 414


def test_header_line_at_the_limit_is_read() -> None:
    data = b"GET / HTTP/1.1\r\nHost: a\r\n" + _field_of(30) + b"\r\n\r\n"
    assert len(three_ways(request_parser(SMALL), data)) == 2


def test_header_line_over_the_limit_is_431() -> None:
    data = b"GET / HTTP/1.1\r\nHost: a\r\n" + _field_of(31) + b"\r\n\r\n"
    assert three_ways_error(request_parser(SMALL), data).status_code == 431


def test_header_count_at_the_limit_is_read() -> None:
    data = b"GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n"
    assert len(three_ways(request_parser(SMALL), data)) == 2


def test_header_count_over_the_limit_is_431() -> None:
    data = b"GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"
    assert three_ways_error(request_parser(SMALL), data).status_code == 431


def _head_with_section_of(size: int) -> bytes:
    """A request whose header section (each field line with its CRLF) is ``size`` bytes."""
    return b"GET / HTTP/1.1\r\nHost: a\r\n" + _field_of(size - 11) + b"\r\n\r\n"


def test_header_block_at_the_limit_is_read() -> None:
    limits = Limits(max_header_block=40, max_header_line=40)
    assert len(three_ways(request_parser(limits), _head_with_section_of(40))) == 2


def test_header_block_over_the_limit_is_431() -> None:
    limits = Limits(max_header_block=40, max_header_line=40)
    error = three_ways_error(request_parser(limits), _head_with_section_of(41))
    assert error.status_code == 431


def test_header_block_over_the_limit_in_short_lines_is_431() -> None:
    limits = Limits(max_header_block=40, max_header_line=20)
    fields = b"".join(_field_of(18, name) + b"\r\n" for name in (b"A", b"B", b"C"))
    data = b"GET / HTTP/1.1\r\nHost: a\r\n" + fields + b"\r\n"
    assert three_ways_error(request_parser(limits), data).status_code == 431


@pytest.mark.parametrize(("size", "read"), [(30, True), (31, False)])
def test_trailer_block_at_and_over_the_limit(size: int, read: bool) -> None:
    """The trailer block counted is the trailer lines, up to the CRLF CRLF that ends them."""
    trailers = b"A: 1\r\n" + _field_of(size - 6) + b"\r\n\r\n"
    data = _request_with(HOST[:-2], b"Transfer-Encoding: chunked", body=b"0\r\n" + trailers)
    limits = Limits(max_trailer_block=30)
    if read:
        assert len(three_ways(request_parser(limits), data)[-1].headers) == 2
    else:
        assert three_ways_error(request_parser(limits), data).status_code == 431


def test_trailer_block_over_the_limit_is_431() -> None:
    trailers = b"A: 1234567890\r\nB: 1234567890\r\nC: 1234567890\r\n\r\n"
    data = _request_with(HOST[:-2], b"Transfer-Encoding: chunked", body=b"0\r\n" + trailers)
    limits = Limits(max_trailer_block=30)
    assert three_ways_error(request_parser(limits), data).status_code == 431


def test_trailer_line_over_the_header_line_limit_is_431() -> None:
    data = _request_with(
        HOST[:-2], b"Transfer-Encoding: chunked", body=b"0\r\n" + _field_of(21) + b"\r\n\r\n"
    )
    limits = Limits(max_header_line=20)
    assert three_ways_error(request_parser(limits), data).status_code == 431


@pytest.mark.parametrize(
    "first", [pytest.param(b"", id="one-line"), pytest.param(b"A: 1\r\n", id="two-lines")]
)
@pytest.mark.parametrize(("size", "read"), [(30, True), (31, False)])
def test_trailer_line_at_and_over_the_header_line_limit(
    first: bytes, size: int, read: bool
) -> None:
    """The head's lines fit ``max_header_line``: the trailer line alone decides."""
    trailers = first + _field_of(size) + b"\r\n\r\n"
    data = _request_with(b"Host: a", b"Transfer-Encoding: chunked", body=b"0\r\n" + trailers)
    limits = Limits(max_header_line=30)
    if read:
        assert three_ways(request_parser(limits), data)[-1].headers[-1] == (b"x", b"v" * (size - 3))
    else:
        assert three_ways_error(request_parser(limits), data).status_code == 431


@pytest.mark.parametrize(
    "first", [pytest.param(b"", id="one-line"), pytest.param(b"A: 1\r\n", id="two-lines")]
)
def test_trailer_line_seen_before_still_counts_against_the_line_limit(first: bytes) -> None:
    """A trailer line looked up, not parsed, is held to the limit of the parser reading it."""
    trailers = first + _field_of(31) + b"\r\n\r\n"
    data = _request_with(b"Host: a", b"Transfer-Encoding: chunked", body=b"0\r\n" + trailers)
    assert three_ways(request_parser(), data)[-1].headers[-1] == (b"x", b"v" * 28)
    limits = Limits(max_header_line=30)
    assert three_ways_error(request_parser(limits), data).status_code == 431


def test_trailers_after_chunks_in_one_buffer_with_a_request_behind() -> None:
    """Trailers read with the chunks before them leave the next message in the buffer."""
    body = b"3\r\nabc\r\n0\r\nX-Sum: 1\r\nX-Sig: 2\r\n\r\n"
    data = _request_with(HOST[:-2], b"Transfer-Encoding: chunked", body=body)
    events = three_ways(request_parser(), data + b"GET / HTTP/1.1\r\n" + HOST + b"\r\n")
    assert events[1:3] == [Data(b"abc"), EndOfMessage([(b"x-sum", b"1"), (b"x-sig", b"2")])]
    assert events[3:] == [get(), EndOfMessage()]


def test_header_count_over_the_limit_is_431_when_every_line_was_seen_before() -> None:
    # Lines seen before are looked up, not parsed: the count still holds.
    data = _request_with(HOST[:-2], b"A: 1", b"B: 2")
    assert len(three_ways(request_parser(), data)) == 2  # every line now remembered
    assert three_ways_error(request_parser(Limits(max_header_count=2)), data).status_code == 431


def test_trailer_count_over_the_limit_is_431() -> None:
    data = _request_with(
        HOST[:-2], b"Transfer-Encoding: chunked", body=b"0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"
    )
    limits = Limits(max_header_count=2)
    assert three_ways_error(request_parser(limits), data).status_code == 431


def test_chunk_line_at_the_limit_is_read() -> None:
    data = _request_with(
        HOST[:-2], b"Transfer-Encoding: chunked", body=b"1;abcdefg\r\nx\r\n0\r\n\r\n"
    )
    events = three_ways(request_parser(Limits(max_chunk_line=9)), data)
    assert events[1:] == [Data(b"x"), EndOfMessage()]


@pytest.mark.parametrize(("size_line", "read"), [(b"01", True), (b"001", False)])
def test_a_plain_size_line_after_a_chunk_keeps_the_line_limit(size_line: bytes, read: bool) -> None:
    """A size line without extension, after a chunk's data, is held to ``max_chunk_line``."""
    body = b"1\r\nx\r\n" + size_line + b"\r\ny\r\n0\r\n\r\n"
    data = _request_with(HOST[:-2], b"Transfer-Encoding: chunked", body=body)
    limits = Limits(max_chunk_line=2)
    if read:
        assert three_ways(request_parser(limits), data)[1:] == [Data(b"xy"), EndOfMessage()]
    else:
        assert three_ways_error(request_parser(limits), data).status_code == 413


def test_chunk_line_over_the_limit_is_413() -> None:
    data = _request_with(
        HOST[:-2], b"Transfer-Encoding: chunked", body=b"1;abcdefgh\r\nx\r\n0\r\n\r\n"
    )
    assert three_ways_error(request_parser(Limits(max_chunk_line=9)), data).status_code == 413


def test_endless_chunk_line_is_413() -> None:
    data = _request_with(HOST[:-2], b"Transfer-Encoding: chunked", body=b"1" + b";a" * 20)
    assert three_ways_error(request_parser(Limits(max_chunk_line=9)), data).status_code == 413


@pytest.mark.parametrize(
    ("framing", "body"),
    [
        pytest.param(b"Content-Length: 11", b"hello world", id="content-length"),
        pytest.param(
            b"Transfer-Encoding: chunked", b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", id="chunked"
        ),
    ],
)
def test_body_over_max_body_is_413(framing: bytes, body: bytes) -> None:
    data = _request_with(HOST[:-2], framing, body=body)
    assert three_ways_error(request_parser(SMALL), data).status_code == 413


def test_chunk_announced_over_max_body_is_413_before_its_data() -> None:
    # The size line alone breaks the limit: nothing of the body is handed
    # out, and no more bytes are waited for.
    data = _request_with(HOST[:-2], b"Transfer-Encoding: chunked", body=b"5\r\nhello\r\nb\r\nhel")
    parser = request_parser(SMALL)()
    with pytest.raises(RemoteProtocolError) as info:
        parse_into(parser, bytearray(data))
    assert info.value.status_code == 413


def test_chunk_sizes_spelled_differently_read_the_same() -> None:
    # Sizes are looked up by their digits once seen: every spelling of
    # ten (case, leading zeros) must still read as ten, each time.
    spellings = [b"a", b"A", b"0a", b"00A", b"a", b"A"]
    body = b"".join(size + b"\r\n" + b"%d" % n * 10 + b"\r\n" for n, size in enumerate(spellings))
    data = _request_with(HOST[:-2], b"Transfer-Encoding: chunked", body=body + b"0\r\n\r\n")
    events = three_ways(request_parser(), data)
    assert b"".join(event.data for event in events if isinstance(event, Data)) == b"".join(
        b"%d" % n * 10 for n in range(len(spellings))
    )
    assert events[-1] == EndOfMessage()


SIZE_LINE_SEQUENCES = [
    pytest.param([b"3", b"3", b"3"], id="one-size-repeated"),
    pytest.param([b"3", b"2", b"3", b"2"], id="sizes-alternating"),
    pytest.param([b"3", b"30", b"3"], id="a-longer-line-starting-like-the-last"),
    pytest.param([b"3", b"03", b"3"], id="the-same-size-spelled-otherwise"),
    pytest.param([b"3", b"3;a=b", b"3"], id="the-same-size-with-an-extension"),
    pytest.param([b"3;a=b", b"3", b"3"], id="an-extension-first"),
    pytest.param([b"2", b"3;a=b", b"2"], id="a-plain-size-again-after-an-extension"),
    pytest.param([b"201", b"201", b"3"], id="large-chunks-repeated"),
]


@pytest.mark.parametrize("size_lines", SIZE_LINE_SEQUENCES)
@pytest.mark.parametrize("last", [b"0", b"00", b"0;a=b"])
def test_chunk_size_lines_read_as_written_whatever_came_before(
    size_lines: list[bytes], last: bytes
) -> None:
    """The size line after a chunk is read for what it says, not for what the last one said.

    A line equal to the last plain one is compared in place, not matched:
    it must still stand for its own size, and nothing else may pass for it.
    Each chunk's data holds the CRLF, size line and CRLF that came before
    it, which must not be taken for the line after it.
    """
    chunks = []
    for number, line in enumerate(size_lines):
        size = int(line.partition(b";")[0], 16)
        fill = (b"\r\n%s\r\n" % line + bytes([0x61 + number]) * size)[:size]
        chunks.append((line, fill))
    body = b"".join(line + b"\r\n" + fill + b"\r\n" for line, fill in chunks)
    data = _request_with(HOST[:-2], b"Transfer-Encoding: chunked", body=body + last + b"\r\n\r\n")
    events = three_ways(request_parser(), data)
    assert events[1:] == [Data(b"".join(fill for _, fill in chunks)), EndOfMessage()]


def test_a_repeated_size_line_counts_against_max_chunk_line() -> None:
    """A size line like the last is still held to the limit the last one met."""
    body = b"01\r\nx\r\n01\r\ny\r\n001\r\nz\r\n0\r\n\r\n"
    data = _request_with(HOST[:-2], b"Transfer-Encoding: chunked", body=body)
    assert three_ways_error(request_parser(Limits(max_chunk_line=2)), data).status_code == 413


@pytest.mark.parametrize("size", [1, 512, 513, 4096], ids=lambda size: f"{size}B")
def test_chunks_small_and_large_mixed_with_a_request_behind(size: int) -> None:
    # Small chunks are copied out, large ones viewed: the data comes out
    # whole and in order either way, and the buffer is free again after.
    chunks = [(b"a" * size), b"b" * 7, (b"c" * size)]
    body = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for chunk in chunks) + b"0\r\n\r\n"
    data = _request_with(HOST[:-2], b"Transfer-Encoding: chunked", body=body)
    events = three_ways(request_parser(), data + b"GET / HTTP/1.1\r\n" + HOST + b"\r\n")
    assert b"".join(event.data for event in events if isinstance(event, Data)) == b"".join(chunks)
    assert [type(event) for event in events][-2:] == [Request, EndOfMessage]


def test_buffer_can_be_resized_after_an_error_in_a_large_chunk() -> None:
    # A view of the buffer taken for a large chunk is released on errors too.
    bad = b"300\r\n" + b"x" * 0x300 + b"\r\n" + b"5\r\n" + b"y" * 5 + b"XX"
    buffer = bytearray(_request_with(HOST[:-2], b"Transfer-Encoding: chunked", body=bad))
    with pytest.raises(RemoteProtocolError):
        parse_into(RequestParser(), buffer)
    buffer += b"more"
    del buffer[:10]


def test_parsed_events_are_immutable() -> None:
    # The parser builds events its own way (not through __init__): they
    # must refuse changes as constructed ones do.
    data = _request_with(HOST[:-2], b"Content-Length: 2", body=b"hi")
    for event in parse_into(RequestParser(), bytearray(data)):
        with pytest.raises(AttributeError):
            event.headers = ()  # type: ignore[misc,union-attr]
        assert type(event) in (Request, Data, EndOfMessage)


@pytest.mark.parametrize(
    ("framing", "body"),
    [
        pytest.param(b"Content-Length: 10", b"0123456789", id="content-length"),
        pytest.param(
            b"Transfer-Encoding: chunked", b"5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n", id="chunked"
        ),
    ],
)
def test_body_at_max_body_is_read(framing: bytes, body: bytes) -> None:
    data = _request_with(b"Host: a", framing, body=body)
    assert three_ways(request_parser(SMALL), data)[1:] == [Data(b"0123456789"), EndOfMessage()]


@pytest.mark.parametrize(
    ("framing", "body", "data"),
    [
        pytest.param(b"Content-Length: 5", b"hel", b"hel", id="content-length"),
        pytest.param(b"Transfer-Encoding: chunked", b"5\r\nhel", b"hel", id="chunk-data"),
    ],
)
def test_a_call_with_no_new_bytes_inside_a_body_reads_nothing(
    framing: bytes, body: bytes, data: bytes
) -> None:
    parser = RequestParser()
    events, rest = feed(parser, [_request_with(HOST[:-2], framing, body=body), b""])
    assert events[1:] == [Data(data)]
    assert rest == b""


def test_max_body_zero_refuses_any_body() -> None:
    data = _request_with(HOST[:-2], b"Content-Length: 1", body=b"x")
    assert three_ways_error(request_parser(Limits(max_body=0)), data).status_code == 413


# --- linear cost and bounded memory -------------------------------------------------


def test_a_60_kib_head_fed_one_byte_at_a_time_is_read() -> None:
    """Feeding byte by byte must complete, and give what feeding whole gives."""
    value = b"v" * 7800
    fields = b"".join(b"X-%d: %s\r\n" % (n, value) for n in range(8))
    data = b"GET / HTTP/1.1\r\nHost: a\r\n" + fields + b"\r\n"
    assert len(data) > 60 * 1024
    events = three_ways(request_parser(), data)
    request = events[0]
    assert isinstance(request, Request)
    assert request.headers.get_all(b"x-7") == [value]


def test_head_search_resumes_where_it_stopped() -> None:
    """White box: a waiting head reader remembers how far it searched.

    The next call must search only the new bytes (less the three that
    may begin CRLF CRLF), so a head fed byte by byte costs what it costs
    whole.
    """
    parser = RequestParser()
    buffer = bytearray()
    searched = []
    for octet in bytewise(b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"y" * 50):
        buffer += octet
        assert parse_into(parser, buffer) == []
        searched.append(parser._searched)
    assert searched[-1] == len(buffer) - 3
    assert searched == sorted(searched)
    buffer += b"\r\n\r\n"
    assert len(parse_into(parser, buffer)) == 2
    assert parser._searched == 0


def test_chunk_line_search_resumes_where_it_stopped() -> None:
    """White box: the chunk-size line reader searches only the new bytes."""
    parser = RequestParser()
    buffer = bytearray(_request_with(HOST[:-2], b"Transfer-Encoding: chunked"))
    assert len(parse_into(parser, buffer)) == 1
    for octet in bytewise(b"5;ext=abcdef"):
        buffer += octet
        assert parse_into(parser, buffer) == []
        assert parser._searched == len(buffer) - 1
    buffer += b"\r\nhello\r\n"
    assert parse_into(parser, buffer) == [Data(b"hello")]
    assert parser._searched == 0


def test_trailer_search_resumes_where_it_stopped() -> None:
    parser = RequestParser()
    buffer = bytearray(_request_with(HOST[:-2], b"Transfer-Encoding: chunked", body=b"0\r\n"))
    assert len(parse_into(parser, buffer)) == 1
    for octet in bytewise(b"X-Trailer: abcdefgh"):
        buffer += octet
        assert parse_into(parser, buffer) == []
        assert parser._searched == max(len(buffer) - 3, 0)
    buffer += b"\r\n\r\n"
    assert parse_into(parser, buffer) == [EndOfMessage([(b"x-trailer", b"abcdefgh")])]


def _feed_until_refused(
    parser: RequestParser, buffer: bytearray, filler: bytes, bound: int
) -> RemoteProtocolError:
    for _ in range(200):
        buffer += filler
        assert len(buffer) <= bound + len(filler)
        try:
            parse_into(parser, buffer)
        except RemoteProtocolError as error:
            return error
    pytest.fail("the reader kept buffering an endless head")


@pytest.mark.parametrize(
    ("start", "filler", "status"),
    [
        pytest.param(b"GET /", b"a" * 1000, 414, id="endless-request-line"),
        pytest.param(b"GET / HTTP/1.1\r\nX: ", b"a" * 1000, 431, id="endless-header"),
        pytest.param(b"GET / HTTP/1.1\r\n", b"X: a\r\n" * 100, 431, id="endless-section"),
    ],
)
def test_an_endless_head_is_refused_with_the_buffer_bounded(
    start: bytes, filler: bytes, status: int
) -> None:
    """A peer that never ends its head gets an error, not unbounded buffering.

    The buffer may hold at most the request line limit plus the header
    block limit (and the few bytes of a terminator) before the reader
    refuses it.
    """
    limits = Limits()
    bound = limits.max_request_line + limits.max_header_block + 8
    error = _feed_until_refused(RequestParser(limits), bytearray(start), filler, bound)
    assert error.status_code == status


def _refused_at(parser: RequestParser, data: bytes) -> tuple[int, int]:
    """Feed ``data`` a byte per call: (status, bytes buffered) when the reader refuses."""
    buffer = bytearray()
    for octet in bytewise(data):
        buffer += octet
        try:
            parse_into(parser, buffer)
        except RemoteProtocolError as error:
            return error.status_code, len(buffer)
    pytest.fail("the reader never refused the head")


START = b"GET / HTTP/1.1\r\nHost: a\r\n"


@pytest.mark.parametrize("pieces", [1, 2], ids=["whole", "two-pieces"])
def test_a_field_line_over_the_limit_is_refused_before_the_head_ends(pieces: int) -> None:
    """The line has ended, the head has not: the check must look at ended lines too."""
    limits = Limits()
    line = b"X: " + b"a" * limits.max_header_line + b"\r\n"
    data = START + line + START[-len(b"Host: a\r\n") :] * 3
    cut = len(data) // 2 if pieces == 2 else len(data)
    parts = [part for part in (data[:cut], data[cut:]) if part]
    with pytest.raises(RemoteProtocolError) as info:
        feed(RequestParser(limits), parts)
    assert info.value.status_code == 431


@pytest.mark.parametrize(
    ("limits", "data", "refused_by"),
    [
        pytest.param(
            Limits(),
            START + b"X: " + b"a" * 20_000,
            len(START) + Limits().max_header_line + 2,
            id="field-line",
        ),
        pytest.param(
            Limits(max_header_line=100),
            START + b"X: " + b"a" * 500,
            len(START) + 102,
            id="field-line-below-the-request-line-limit",
        ),
        pytest.param(
            Limits(),
            START + b"".join(b"X%d: a\r\n" % n for n in range(200)),
            len(START) + sum(len(b"X%d: a\r\n" % n) for n in range(100)),
            id="field-count",
        ),
    ],
)
def test_an_unfinished_head_is_refused_once_its_bytes_break_a_limit(
    limits: Limits, data: bytes, refused_by: int
) -> None:
    """No need to wait for the blank line, nor for the header section limit:
    the bytes buffered prove a field line too long, or too many of them."""
    status, buffered = _refused_at(RequestParser(limits), data)
    assert status == 431
    assert buffered <= refused_by


def test_endless_trailers_are_refused_with_the_buffer_bounded() -> None:
    limits = Limits()
    parser = RequestParser(limits)
    buffer = bytearray(_request_with(HOST[:-2], b"Transfer-Encoding: chunked", body=b"0\r\n"))
    parse_into(parser, buffer)
    error = _feed_until_refused(
        parser, buffer, b"T: " + b"t" * 997 + b"\r\n", limits.max_trailer_block + 4
    )
    assert error.status_code == 431


def test_a_long_head_does_not_delay_the_checks_of_the_next() -> None:
    """White box: the size a waiting head may reach unchecked is the current head's.

    The first head outgrows ``max_request_line`` while it waits, which lets
    it wait up to its header block limit; the endless request line after
    it must still be refused one byte past its own limit.
    """
    limits = Limits(max_request_line=30, max_header_block=1000)
    first = b"GET / HTTP/1.1\r\nHost: a\r\n" + _field_of(100) + b"\r\n\r\n"
    parser = RequestParser(limits)
    events, rest = feed(parser, bytewise(first))
    assert len(events) == 2
    assert rest == b""
    error = _feed_until_refused(parser, bytearray(), b"a", limits.max_request_line + 1)
    assert error.status_code == 414


def test_empty_lines_before_a_request_do_not_accumulate() -> None:
    """RFC 9112 §2.2: empty lines before the request line are skipped as they come."""
    parser = RequestParser()
    buffer = bytearray()
    for _ in range(10_000):
        buffer += b"\r\n"
        assert parse_into(parser, buffer) == []
        assert len(buffer) == 0
    buffer += b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"
    assert parse_into(parser, buffer)[0] == get(headers=[(b"host", b"a")])


# --- end of input -------------------------------------------------------------------


def test_close_between_requests_is_connection_closed() -> None:
    data = b"GET / HTTP/1.1\r\n" + HOST + b"\r\n"
    assert three_ways(request_parser(), data, eof=True) == [
        get(),
        EndOfMessage(),
        ConnectionClosed(),
    ]


def test_close_before_anything_is_connection_closed() -> None:
    assert three_ways(request_parser(), b"", eof=True) == [ConnectionClosed()]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"GET / HTTP/1.1\r\nHo", id="mid-head"),
        pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\n\r", id="mid-terminator"),
        pytest.param(_request_with(b"Host: a", b"Content-Length: 5", body=b"hel"), id="mid-body"),
        pytest.param(_request_with(b"Host: a", b"Content-Length: 5"), id="before-body"),
        pytest.param(
            _request_with(b"Host: a", b"Transfer-Encoding: chunked", body=b"5"), id="mid-size"
        ),
        pytest.param(
            _request_with(b"Host: a", b"Transfer-Encoding: chunked", body=b"5\r\nhel"),
            id="mid-chunk",
        ),
        pytest.param(
            _request_with(b"Host: a", b"Transfer-Encoding: chunked", body=b"5\r\nhello"),
            id="before-chunk-crlf",
        ),
        pytest.param(
            _request_with(b"Host: a", b"Transfer-Encoding: chunked", body=b"5\r\nhello\r"),
            id="mid-chunk-crlf",
        ),
        pytest.param(
            _request_with(b"Host: a", b"Transfer-Encoding: chunked", body=b"0\r\n"),
            id="before-trailers",
        ),
        pytest.param(
            _request_with(b"Host: a", b"Transfer-Encoding: chunked", body=b"0\r\nX: y\r\n"),
            id="mid-trailers",
        ),
    ],
)
def test_close_inside_a_message_is_an_error(data: bytes) -> None:
    assert three_ways_error(request_parser(), data, eof=True).status_code == 400


@pytest.mark.parametrize("pause", [True, False])
def test_close_after_a_complete_message_hands_it_out_before_failing(pause: bool) -> None:
    """A complete request buffered before a cut-off one is still delivered.

    With ``pause_after_message`` (how ``Connection`` reads) or without it,
    the message comes out first; only the next call reports the half head.
    """
    parser = RequestParser()
    parser.pause_after_message = pause
    parser.feed_eof()
    buffer = bytearray(b"GET / HTTP/1.1\r\n" + HOST + b"\r\nGET /2 HT")
    assert parse_into(parser, buffer) == [get(), EndOfMessage()]
    with pytest.raises(RemoteProtocolError):
        parse_into(parser, buffer)


def test_nothing_is_read_after_connection_closed() -> None:
    parser = RequestParser()
    parser.feed_eof()
    buffer = bytearray()
    assert parse_into(parser, buffer) == [ConnectionClosed()]
    assert parser.at_message_boundary
    assert parse_into(parser, buffer) == []


# --- responses ----------------------------------------------------------------------


def ok(*fields: tuple[bytes, bytes], status: int = 200, reason: bytes = b"OK") -> Response:
    return Response(status, list(fields), reason)


VALID_RESPONSES = [
    pytest.param(
        [b"GET"],
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        [ok((b"content-length", b"5")), Data(b"hello"), EndOfMessage()],
        id="content-length",
    ),
    pytest.param(
        [b"GET"],
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        [ok((b"content-length", b"0")), EndOfMessage()],
        id="content-length-zero",
    ),
    pytest.param(
        [b"GET"],
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\n",
        [ok(CHUNKED), Data(b"abc"), EndOfMessage([(b"t", b"v")])],
        id="chunked-with-trailers",
    ),
    pytest.param(
        [b"GET"],
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        [ok((b"transfer-encoding", b"gzip, chunked")), Data(b"abc"), EndOfMessage()],
        id="gzip-then-chunked-is-framed-by-chunked",
    ),
    pytest.param(
        [b"GET"],
        # RFC 9110 §5.6.1: the empty element after the comma is ignored.
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked,\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        [ok((b"transfer-encoding", b"chunked,")), Data(b"abc"), EndOfMessage()],
        id="chunked-then-empty-element-is-framed-by-chunked",
    ),
    pytest.param(
        [b"HEAD"],
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
        [ok((b"content-length", b"5")), EndOfMessage()],
        id="head-has-no-body",
    ),
    pytest.param(
        [b"HEAD"],
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        [ok(CHUNKED), EndOfMessage()],
        id="head-chunked-has-no-body",
    ),
    pytest.param(
        [b"GET"],
        b"HTTP/1.1 204 No Content\r\n\r\n",
        [ok(status=204, reason=b"No Content"), EndOfMessage()],
        id="204-has-no-body",
    ),
    pytest.param(
        [b"GET"],
        b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n",
        [ok((b"content-length", b"5"), status=304, reason=b"Not Modified"), EndOfMessage()],
        id="304-has-no-body",
    ),
    pytest.param(
        [b"GET"],
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
        [
            InformationalResponse(100, [], b"Continue"),
            InformationalResponse(103, [(b"link", b"</s>")], b"Early Hints"),
            ok((b"content-length", b"1")),
            Data(b"x"),
            EndOfMessage(),
        ],
        id="informational-responses-have-no-body",
    ),
    pytest.param(
        [b"GET"],
        b"HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
        [ok((b"content-length", b"0"), reason=b""), EndOfMessage()],
        id="no-reason-no-space",
    ),
    pytest.param(
        [b"GET"],
        b"HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n",
        [ok((b"content-length", b"0"), reason=b""), EndOfMessage()],
        id="empty-reason",
    ),
    pytest.param(
        [b"GET"],
        b"HTTP/1.1 200 All \tgood caf\xe9\r\nContent-Length: 0\r\n\r\n",
        [ok((b"content-length", b"0"), reason=b"All \tgood caf\xe9"), EndOfMessage()],
        id="reason-with-tab-and-obs-text",
    ),
    pytest.param(
        [b"GET"],
        b"HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx",
        [Response(200, [(b"content-length", b"1")], b"OK", b"1.0"), Data(b"x"), EndOfMessage()],
        id="http-1.0",
    ),
    pytest.param(
        [b"GET"],
        b"HTTP/1.9 200 OK\r\nContent-Length: 0\r\n\r\n",
        [ok((b"content-length", b"0")), EndOfMessage()],
        id="higher-minor-version-is-1.1",
    ),
    pytest.param(
        [b"GET"],
        b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 1\r\n\r\nx",
        [
            ok((b"set-cookie", b"a=1"), (b"set-cookie", b"b=2"), (b"content-length", b"1")),
            Data(b"x"),
            EndOfMessage(),
        ],
        id="repeated-fields",
    ),
    pytest.param(
        [b"GET"],
        b"HTTP/1.1 200 OK\r\nX: 1\r\nX: 2\r\nTransfer-Encoding: gzip\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
        [
            ok((b"x", b"1"), (b"x", b"2"), (b"transfer-encoding", b"gzip"), CHUNKED),
            Data(b"x"),
            EndOfMessage(),
        ],
        id="transfer-codings-over-two-fields",
    ),
    pytest.param(
        [b"GET", b"HEAD", b"GET"],
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"
        b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"
        b"HTTP/1.1 204 No Content\r\n\r\n",
        [
            ok((b"content-length", b"1")),
            Data(b"x"),
            EndOfMessage(),
            ok((b"content-length", b"9")),
            EndOfMessage(),
            ok(status=204, reason=b"No Content"),
            EndOfMessage(),
        ],
        id="pipelined-responses-framed-by-their-methods",
    ),
]


@pytest.mark.parametrize(("methods", "data", "expected"), VALID_RESPONSES)
def test_valid_response(methods: list[bytes], data: bytes, expected: list[object]) -> None:
    assert three_ways(response_parser(*methods), data) == expected


def test_body_until_close_ends_at_eof() -> None:
    """RFC 9112 §6.3 ¶8: with neither framing field, a response body runs until close."""
    data = b"HTTP/1.1 200 OK\r\n\r\nsome body\r\n\r\nthat ends at close"
    events = three_ways(response_parser(), data, eof=True)
    assert events == [
        ok(reason=b"OK"),
        Data(b"some body\r\n\r\nthat ends at close"),
        EndOfMessage(),
        ConnectionClosed(),
    ]


def test_body_until_close_marks_the_connection_not_reusable() -> None:
    parser = ResponseParser()
    parse_into(parser, bytearray(b"HTTP/1.1 200 OK\r\n\r\nabc"))
    assert parser.keep_alive is False
    assert not parser.at_message_boundary


@pytest.mark.parametrize(
    "coding",
    [b"gzip", b"chunked, gzip", b"br", b"identity", b"x-unregistered", b"", b"gzip, \x80chunked"],
)
def test_a_response_whose_last_coding_is_not_chunked_is_read_until_close(coding: bytes) -> None:
    """RFC 9112 §6.3 ¶4: a response whose last coding is not chunked runs until
    close, whatever the codings are: a client has no 501 to answer with."""
    data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: " + coding + b"\r\n\r\n3\r\nabc\r\n"
    parser = response_parser()
    events = three_ways(parser, data, eof=True)
    assert events[1:] == [Data(b"3\r\nabc\r\n"), EndOfMessage(), ConnectionClosed()]


@pytest.mark.parametrize(
    ("trailers", "expected"),
    [
        (b"X: a\r\n b", [(b"x", b"a b")]),
        (b"X: a\r\n\t b\r\nY: c", [(b"x", b"a b"), (b"y", b"c")]),
        (b"Y: c\r\nX: a\r\n b\r\n  c", [(b"y", b"c"), (b"x", b"a b c")]),
    ],
    ids=["one-fold", "fold-then-a-line", "two-folds-after-a-line"],
)
def test_a_client_unfolds_obs_fold_in_a_responses_trailers(
    trailers: bytes, expected: list[tuple[bytes, bytes]]
) -> None:
    """RFC 9112 §5.2: a user agent replaces each obs-fold in a response with
    SP, and trailer fields have the syntax of header fields (§7.1.2); a
    request's are refused (BAD_CHUNKED_BODIES, obs-fold-in-trailers)."""
    data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n"
    events = three_ways(response_parser(), data + trailers + b"\r\n\r\n")
    assert events[1:] == [Data(b"x"), EndOfMessage(expected)]


def test_whitespace_before_the_first_trailer_field_is_refused() -> None:
    """RFC 9112 §2.2: a line starting with whitespace folds nothing when no
    line is before it."""
    data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n X: a\r\nY: b\r\n\r\n"
    assert three_ways_error(response_parser(), data).status_code == 400


def test_a_response_with_an_unknown_coding_before_chunked_is_framed_by_chunked() -> None:
    data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: x-unregistered, chunked\r\n\r\n"
    data += b"3\r\nabc\r\n0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"
    events = three_ways(response_parser(b"GET", b"GET"), data)
    kinds = [type(event) for event in events]
    assert kinds == [Response, Data, EndOfMessage, Response, EndOfMessage]
    assert events[1] == Data(b"abc")


def test_body_until_close_over_max_body_is_413() -> None:
    data = b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 11
    error = three_ways_error(response_parser(limits=SMALL), data, eof=True)
    assert error.status_code == 413


def test_2xx_to_connect_starts_a_tunnel() -> None:
    """RFC 9112 §6.3 ¶3: a 2xx to CONNECT has no body; the bytes after are the tunnel's."""
    data = b"HTTP/1.1 200 Connection Established\r\nContent-Length: 99\r\n\r\n"
    assert three_ways(response_parser(b"CONNECT"), data) == [
        ok((b"content-length", b"99"), reason=b"Connection Established"),
        EndOfMessage(),
    ]
    parser = ResponseParser()
    parser.expect_response_to(b"CONNECT")
    buffer = bytearray(data + b"HTTP/1.1 200 OK\r\n\r\n")
    parse_into(parser, buffer)
    assert parser.paused
    assert parse_into(parser, buffer) == []
    assert buffer == b"HTTP/1.1 200 OK\r\n\r\n"


def test_refused_connect_is_an_ordinary_response() -> None:
    data = b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 2\r\n\r\nno"
    events = three_ways(response_parser(b"CONNECT"), data)
    assert events[1:] == [Data(b"no"), EndOfMessage()]


def test_101_hands_over_the_rest_of_the_buffer() -> None:
    """RFC 9110 §15.2.2: after a 101 the bytes belong to the new protocol."""
    data = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"
    events = three_ways(response_parser(), data)
    assert events == [
        InformationalResponse(101, [(b"upgrade", b"websocket")], b"Switching Protocols")
    ]
    parser = ResponseParser()
    buffer = bytearray(data + b"\x81\x05hello")
    parse_into(parser, buffer)
    assert parser.paused
    assert buffer == b"\x81\x05hello"


def test_resume_reads_http_again_after_a_pause() -> None:
    parser = RequestParser()
    buffer = bytearray(
        b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
    )
    assert len(parse_into(parser, buffer)) == 2
    assert parser.paused
    assert parse_into(parser, buffer) == []
    parser.resume()
    assert parse_into(parser, buffer) == [get(b"/2", [(b"host", b"a")]), EndOfMessage()]


def test_a_response_with_no_request_queued_is_read_as_one_to_get() -> None:
    parser = ResponseParser()
    buffer = bytearray(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx")
    assert normalize(parse_into(parser, buffer))[1:] == [Data(b"x"), EndOfMessage()]


def test_status_above_599_is_read() -> None:
    """Any three digits from 100 make a status-code on the wire (RFC 9110 §15)."""
    parser = ResponseParser()
    events = parse_into(parser, bytearray(b"HTTP/1.1 600 Odd\r\nContent-Length: 0\r\n\r\n"))
    head = events[0]
    assert isinstance(head, Response)
    assert head.status_code == 600


def test_response_keep_alive_follows_the_version_and_connection() -> None:
    """RFC 9112 §9.3: 1.1 persists unless "close"; 1.0 only with "keep-alive"; close wins."""
    cases = {
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n": True,
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n": False,
        b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n": False,
        b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n": True,
        b"HTTP/1.0 200 OK\r\nConnection: x, keep-alive\r\nContent-Length: 0\r\n\r\n": True,
        b"HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n": False,
    }
    for data, keep_alive in cases.items():
        parser = ResponseParser()
        parse_into(parser, bytearray(data))
        assert parser.keep_alive is keep_alive, data


INVALID_RESPONSES = [
    pytest.param(
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        400,
        id="content-length-and-transfer-encoding",
    ),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
        400,
        id="duplicate-content-length",
    ),
    pytest.param(b"HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello", 400, id="cl-list"),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
        400,
        id="chunked-twice",
    ),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: Chunked\r\n\r\n",
        400,
        id="chunked-on-two-lines",
    ),
    pytest.param(
        b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 400, id="te-in-http-1.0"
    ),
    pytest.param(b"HTTP/2.0 200 OK\r\n\r\n", 505, id="http-2"),
    pytest.param(b"HTTP/1.1 099 Odd\r\n\r\n", 400, id="status-below-100"),
    pytest.param(b"HTTP/1.1 20 OK\r\n\r\n", 400, id="two-digit-status"),
    pytest.param(b"HTTP/1.1 2000 OK\r\n\r\n", 400, id="four-digit-status"),
    pytest.param(b"HTTP/1.1 200 O\x00K\r\n\r\n", 400, id="nul-in-reason"),
    pytest.param(b"HTTP/1.1  200 OK\r\n\r\n", 400, id="double-space"),
    pytest.param(b"http/1.1 200 OK\r\n\r\n", 400, id="lowercase-name"),
    pytest.param(b"HTTP/1.1 200 OK\r\nX : y\r\n\r\n", 400, id="space-before-colon"),
    pytest.param(b"HTTP/1.1 200 OK\nContent-Length: 0\n\n", 400, id="bare-lf"),
    pytest.param(b"HTTP/1.1 200 " + b"x" * 9000, 400, id="status-line-too-long"),
]


@pytest.mark.parametrize(("data", "status"), INVALID_RESPONSES)
def test_invalid_response(data: bytes, status: int) -> None:
    assert three_ways_error(response_parser(), data).status_code == status


def test_status_line_over_the_limit_is_400() -> None:
    """A client has no 414 to send: a too long status line is malformed (400)."""
    data = b"HTTP/1.1 200 " + b"x" * 30 + b"\r\n\r\n"
    error = three_ways_error(response_parser(limits=Limits(max_request_line=20)), data)
    assert error.status_code == 400


def test_close_in_a_sized_response_body_is_an_error() -> None:
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel"
    assert three_ways_error(response_parser(), data, eof=True).status_code == 400


def test_close_after_a_sized_response_is_connection_closed() -> None:
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"
    assert three_ways(response_parser(), data, eof=True)[-1] == ConnectionClosed()


@pytest.mark.parametrize(
    ("parser", "data"),
    [
        (RequestParser, b"GET /\x00 HTTP/1.1\r\nHost: a\r\n\r\n"),
        (RequestParser, b"GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x7f\r\n\r\n"),
        (ResponseParser, b"HTTP/1.1 200 O\x0b\r\n\r\n"),
    ],
)
def test_a_control_character_is_named_in_the_error(
    parser: type[RequestParser | ResponseParser], data: bytes
) -> None:
    with pytest.raises(RemoteProtocolError, match="control character"):
        parse_into(parser(), bytearray(data))

"""Inputs the fuzz targets (fuzz/targets.py) found, kept as tests once fixed.

Each test names the target that found it; fuzz/README.md lists them.
"""

from __future__ import annotations

import pytest

from sansio_http import (
    CLIENT,
    SERVER,
    Connection,
    ConnectionClosed,
    Data,
    EndOfMessage,
    InformationalResponse,
    LocalProtocolError,
    RemoteProtocolError,
    Request,
    RequestWriter,
    Response,
    ResponseParser,
    ResponseWriter,
    State,
    parse_into,
    serialize,
)
from sansio_http._writers import serialize_complete

from .helpers import MakeParser, request_parser, response_parser, three_ways, three_ways_error


def test_an_http_1_0_response_is_never_framed_as_chunked() -> None:
    """RFC 9112 §6.1: a recipient treats an HTTP/1.0 message that carries
    Transfer-Encoding as badly framed, so a Response event that says
    HTTP/1.0 ends by closing, even to an HTTP/1.1 peer; our own parser
    refused what the writer produced (found by round_trip)."""
    writer = ResponseWriter()
    head = serialize(Response(200, http_version="1.0"), writer)
    assert head == b"HTTP/1.0 200 OK\r\n\r\n"
    assert writer.closes_connection
    wire = head + serialize(Data(b"hello"), writer) + serialize(EndOfMessage(), writer)
    parser = ResponseParser()
    parser.feed_eof()
    events = parse_into(parser, bytearray(wire))
    assert events[1:] == [Data(b"hello"), EndOfMessage(), ConnectionClosed()]


def test_transfer_encoding_in_an_http_1_0_response_is_refused() -> None:
    """RFC 9112 §6.1: Transfer-Encoding is HTTP/1.1; whoever the peer is,
    an HTTP/1.0 response must not carry it (found by round_trip)."""
    with pytest.raises(LocalProtocolError):
        serialize(
            Response(200, [("Transfer-Encoding", "chunked")], http_version="1.0"), ResponseWriter()
        )


def test_a_server_sending_an_http_1_0_response_closes() -> None:
    """The Connection follows the writer: a body that ends at close
    announces ``Connection: close`` and ends the connection."""
    conn = Connection(SERVER)
    conn.receive_data(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    data = conn.send(Response(200, http_version="1.0"))
    assert data == b"HTTP/1.0 200 OK\r\nConnection: close\r\n\r\n"
    conn.send(Data(b"x"))
    conn.send(EndOfMessage())
    assert not conn.keep_alive


@pytest.mark.parametrize(
    "framing",
    [
        b"Content-Length: 5\r\n\r\nhello",
        b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    ],
    ids=["content-length", "chunked"],
)
def test_a_connect_request_announcing_content_is_refused(framing: bytes) -> None:
    """RFC 9110 §9.3.6: a CONNECT request has no content, and what follows
    its head belongs to the tunnel. h11 read these bytes as a body,
    httptools as the tunnel's: refusing is the only reading nobody can
    split differently (found by differential.py)."""
    data = b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n" + framing
    assert three_ways_error(request_parser(), data).status_code == 400


def test_a_connect_request_with_content_length_zero_is_read() -> None:
    """Zero announces no content, which is what RFC 9110 §9.3.6 asks."""
    data = b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nContent-Length: 0\r\n\r\n"
    events = three_ways(request_parser(), data)
    assert events[-1] == EndOfMessage()


def test_a_connect_request_with_content_cannot_be_sent() -> None:
    """The writer refuses what the reader refuses (RFC 9110 §9.3.6)."""
    head = Request("CONNECT", "example.com:443", [("Host", "example.com:443")])
    with pytest.raises(LocalProtocolError):
        serialize(
            Request("CONNECT", "example.com:443", [("Host", "a:1"), ("Content-Length", "2")]),
            RequestWriter(),
        )
    with pytest.raises(LocalProtocolError):
        serialize_complete(head, b"body", RequestWriter())
    conn = Connection(CLIENT)
    assert conn.send_complete(head) == (
        b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"
    )


def test_a_server_that_closed_reads_a_crossing_request_but_cannot_answer_it() -> None:
    """A request may cross our close on the wire: it is read, but our side
    stays CLOSED and a response to it is refused (as in h11). The server
    used to move back to SEND_RESPONSE and answer on a closed connection
    (found by test_stateful.py)."""
    conn = Connection(SERVER)
    conn.send(ConnectionClosed())
    events = conn.receive_data(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    assert [type(event) for event in events] == [Request, EndOfMessage]
    assert conn.our_state is State.CLOSED
    with pytest.raises(LocalProtocolError):
        conn.send(Response(200))
    assert conn.our_state is State.CLOSED


def test_a_client_refuses_a_101_to_connect() -> None:
    """RFC 9110 §15.2.2: a server switches only to a protocol the request's
    Upgrade field named; CONNECT asks for a tunnel, answered with a 2xx.
    We took a 101 to CONNECT as the switch; h11 refuses it (found by
    differential.py)."""
    conn = Connection(CLIENT)
    conn.send_complete(Request("CONNECT", "example.com:443", [("Host", "example.com:443")]))
    with pytest.raises(RemoteProtocolError):
        conn.receive_data(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n")
    assert conn.their_state is State.ERROR


def test_a_client_refuses_a_101_to_a_request_before_the_upgrade() -> None:
    """The 101 answers the first request outstanding: only the last one, the
    one that asked to Upgrade, may be answered so (RFC 9110 §15.2.2)."""
    conn = Connection(CLIENT)
    conn.send_complete(Request("GET", "/", [("Host", "a")]))
    conn.send_complete(Request("GET", "/chat", [("Host", "a"), ("Upgrade", "x")]))
    with pytest.raises(RemoteProtocolError):
        conn.receive_data(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n")


def test_a_server_cannot_answer_connect_with_101() -> None:
    """RFC 9110 §9.3.6: CONNECT is accepted with a 2xx, not a 101."""
    conn = Connection(SERVER)
    conn.receive_data(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
    with pytest.raises(LocalProtocolError):
        conn.send(InformationalResponse(101, [("Upgrade", "x")]))
    assert conn.send(Response(200)).startswith(b"HTTP/1.1 200 ")
    assert conn.our_state is State.SWITCHED_PROTOCOL


def test_a_client_unfolds_obs_fold_in_a_response() -> None:
    """RFC 9112 §5.2: a user agent MUST replace each obs-fold in a response
    with SP before reading the value (a server may refuse them in a
    request, and does). We refused them; h11 unfolds them (found by
    differential.py)."""
    data = b"HTTP/1.1 200 OK\r\nX-Long: a\r\n \tb\r\nContent-Length: 2\r\n\r\nok"
    events = three_ways(response_parser(), data)
    assert events[0] == Response(200, [(b"x-long", b"a b"), (b"content-length", b"2")], b"OK")
    assert events[1:] == [Data(b"ok"), EndOfMessage()]


def test_a_folded_framing_field_is_read_unfolded() -> None:
    """Unfolded first, then checked: a Content-Length folded into two
    numbers is no number (RFC 9110 §8.6)."""
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n 2\r\n\r\nok"
    assert three_ways_error(response_parser(), data).status_code == 400


def test_whitespace_before_the_first_response_field_is_still_refused() -> None:
    """RFC 9112 §2.2: a line starting with whitespace right after the start
    line folds nothing; it is refused."""
    data = b"HTTP/1.1 200 OK\r\n X: y\r\nContent-Length: 0\r\n\r\n"
    assert three_ways_error(response_parser(), data).status_code == 400


@pytest.mark.parametrize(
    ("start_line", "make_parser"),
    [
        (b"POST / HTTP/2.1", request_parser()),
        (b"HTTP/2.1 200 OK", response_parser()),
    ],
    ids=["request", "response"],
)
def test_a_lf_lf_in_a_head_of_an_unsupported_version_is_400_however_it_arrives(
    start_line: bytes, make_parser: MakeParser
) -> None:
    """A reader waiting for a head refuses a LF LF at once (400); a head that came
    whole reads its start line first, whose version is a 505. Both must say 400
    (found by request_parser and response_parser)."""
    head = start_line + b"\r\nHost: a\r\nX: a\n\n\r\n\r\n"
    assert three_ways_error(make_parser, head).status_code == 400
    # The LF LF and the end of the head in one last piece: read as whole.
    cut = head.index(b"X:")
    reader = make_parser()
    assert parse_into(reader, bytearray(head[:cut])) == []
    with pytest.raises(RemoteProtocolError) as refused:
        parse_into(reader, bytearray(head))
    assert refused.value.status_code == 400


@pytest.mark.parametrize(
    "size_line",
    [b"EEEEEEEEEEEEEEEE", b"0EEEEEEEEEEEEEEEE", b"8000000000000000;ext=1"],
    ids=["plain", "leading-zero", "extension"],
)
@pytest.mark.parametrize(
    ("start", "make_parser"),
    [
        (b"POST / HTTP/1.1\r\nHost: a\r\n", request_parser()),
        (b"HTTP/1.1 200 OK\r\n", response_parser()),
    ],
    ids=["request", "response"],
)
def test_a_chunk_size_of_16_significant_hex_digits_is_413(
    size_line: bytes, start: bytes, make_parser: MakeParser
) -> None:
    """Sixteen hex digits can say 2^63 or more, which no buffer position
    holds: bytearray's methods raised OverflowError (found by response_parser)."""
    head = start + b"Transfer-Encoding: chunked\r\n\r\n"
    assert three_ways_error(make_parser, head + size_line + b"\r\n").status_code == 413
    # The largest size read still: 15 digits, waiting for its data.
    reader = make_parser()
    events = parse_into(reader, bytearray(head + b"0FFFFFFFFFFFFFFF\r\nabc"))
    assert [type(event) for event in events] == [Request if b"POST" in start else Response, Data]

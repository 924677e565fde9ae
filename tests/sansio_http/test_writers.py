"""The writers: events in, bytes out, through ``serialize``.

What the peer could misread is refused with ``LocalProtocolError``, and
a refused event leaves the writer as it was: the next correct event
still works.
"""

from __future__ import annotations

import pytest

from sansio_http import (
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    LocalProtocolError,
    Request,
    RequestWriter,
    Response,
    ResponseWriter,
    serialize,
)
from sansio_http._writers import serialize_complete

HOST = (b"Host", b"example.com")


def write_all(writer: RequestWriter | ResponseWriter, *events: Event) -> bytes:
    return b"".join(serialize(event, writer) for event in events)


def response_writer(method: bytes = b"GET", peer_http_version: bytes = b"1.1") -> ResponseWriter:
    writer = ResponseWriter()
    writer.request_method = method
    writer.peer_http_version = peer_http_version
    return writer


# --- requests -------------------------------------------------------------------------


def test_request_without_body() -> None:
    writer = RequestWriter()
    data = write_all(writer, Request("GET", "/path?q=1", [HOST, ("Accept", "*/*")]), EndOfMessage())
    assert data == b"GET /path?q=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n"


def test_request_keeps_the_spelling_of_names() -> None:
    data = serialize(Request("GET", "/", [("hOsT", "a"), ("X-CamelCase", "v")]), RequestWriter())
    assert data == b"GET / HTTP/1.1\r\nhOsT: a\r\nX-CamelCase: v\r\n\r\n"


def test_request_with_content_length() -> None:
    writer = RequestWriter()
    data = write_all(
        writer,
        Request("PUT", "/", [HOST, ("Content-Length", "5")]),
        Data(b"hel"),
        Data(b"lo"),
        EndOfMessage(),
    )
    assert data == b"PUT / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhello"


def test_post_without_framing_is_chunked() -> None:
    """RFC 9112 §6.1: chunked lets an HTTP/1.1 sender stream a body of unknown length."""
    writer = RequestWriter()
    data = write_all(writer, Request("POST", "/", [HOST]), Data(b"abc"), Data(b""), EndOfMessage())
    assert data == (
        b"POST / HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n0\r\n\r\n"
    )


def test_chunked_request_with_trailers() -> None:
    writer = RequestWriter()
    data = write_all(
        writer,
        Request("POST", "/", [HOST, ("Transfer-Encoding", "chunked")]),
        Data(b"x" * 26),
        EndOfMessage([("Checksum", "abc"), ("X-Done", "1")]),
    )
    assert data.endswith(b"1a\r\n" + b"x" * 26 + b"\r\n0\r\nChecksum: abc\r\nX-Done: 1\r\n\r\n")
    assert data.count(b"Transfer-Encoding") == 1


def test_get_request_has_no_body() -> None:
    writer = RequestWriter()
    serialize(Request("GET", "/", [HOST]), writer)
    with pytest.raises(LocalProtocolError):
        serialize(Data(b"x"), writer)
    assert serialize(Data(b""), writer) == b""
    assert serialize(EndOfMessage(), writer) == b""


def test_http_1_0_post_needs_content_length() -> None:
    """An HTTP/1.0 server cannot read chunked (RFC 9112 §6.1), and a request cannot end by close."""
    with pytest.raises(LocalProtocolError, match="Content-Length"):
        serialize(Request("POST", "/", [], "1.0"), RequestWriter())


def test_transfer_encoding_in_an_http_1_0_request_is_refused() -> None:
    with pytest.raises(LocalProtocolError, match=r"HTTP/1\.0"):
        serialize(Request("POST", "/", [("Transfer-Encoding", "chunked")], "1.0"), RequestWriter())


def test_a_second_request_head_waits_for_the_first_body() -> None:
    writer = RequestWriter()
    serialize(Request("POST", "/", [HOST, ("Content-Length", "1")]), writer)
    with pytest.raises(LocalProtocolError, match="not finished"):
        serialize(Request("GET", "/", [HOST]), writer)
    assert write_all(writer, Data(b"x"), EndOfMessage()) == b"x"
    assert serialize(Request("GET", "/", [HOST]), writer).startswith(b"GET / HTTP/1.1\r\n")


# --- responses -------------------------------------------------------------------------


def test_response_with_content_length() -> None:
    data = write_all(
        response_writer(), Response(200, [("Content-Length", "2")]), Data(b"ok"), EndOfMessage()
    )
    assert data == b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


@pytest.mark.parametrize(
    ("event", "status_line"),
    [
        (Response(404), b"HTTP/1.1 404 Not Found\r\n"),
        (Response(200, reason="Fine"), b"HTTP/1.1 200 Fine\r\n"),
        (Response(299), b"HTTP/1.1 299 \r\n"),
        (Response(200, http_version="1.0"), b"HTTP/1.0 200 OK\r\n"),
        (InformationalResponse(103), b"HTTP/1.1 103 Early Hints\r\n"),
    ],
)
def test_status_line(event: Response | InformationalResponse, status_line: bytes) -> None:
    assert serialize(event, response_writer()).startswith(status_line)


def test_response_to_http_1_1_without_framing_is_chunked() -> None:
    writer = response_writer()
    data = write_all(writer, Response(200), Data(b"hello"), EndOfMessage())
    assert data == b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
    assert not writer.closes_connection


def test_response_to_http_1_0_without_framing_ends_by_closing() -> None:
    """RFC 9112 §6.3 ¶8: an HTTP/1.0 peer cannot read chunked; the body ends at close."""
    writer = response_writer(peer_http_version=b"1.0")
    data = write_all(writer, Response(200), Data(b"hello"), EndOfMessage())
    assert data == b"HTTP/1.1 200 OK\r\n\r\nhello"
    assert writer.closes_connection


def test_transfer_encoding_to_http_1_0_is_refused() -> None:
    writer = response_writer(peer_http_version=b"1.0")
    with pytest.raises(LocalProtocolError):
        serialize(Response(200, [("Transfer-Encoding", "chunked")]), writer)
    assert serialize(Response(200, [("Content-Length", "0")]), writer).startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize(
    ("method", "status"),
    [(b"HEAD", 200), (b"GET", 204), (b"GET", 304), (b"CONNECT", 200), (b"HEAD", 404)],
)
def test_no_body_where_rfc_9112_says_none(method: bytes, status: int) -> None:
    """RFC 9112 §6.3 ¶1-3: HEAD, 204, 304 and a 2xx to CONNECT have no content."""
    writer = response_writer(method)
    head = serialize(Response(status), writer)
    assert b"Transfer-Encoding" not in head
    assert b"Content-Length" not in head
    with pytest.raises(LocalProtocolError, match="no body"):
        serialize(Data(b"x"), writer)
    assert serialize(Data(b""), writer) == b""
    assert serialize(EndOfMessage(), writer) == b""


def test_head_response_may_state_the_get_length() -> None:
    """RFC 9110 §8.6: a HEAD response may carry the length a GET would get."""
    writer = response_writer(b"HEAD")
    data = write_all(writer, Response(200, [("Content-Length", "1234")]), EndOfMessage())
    assert data == b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"


def test_304_may_carry_content_length_but_no_body() -> None:
    writer = response_writer()
    data = serialize(Response(304, [("Content-Length", "10")]), writer)
    assert data == b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n"
    with pytest.raises(LocalProtocolError):
        serialize(Data(b"x"), writer)


@pytest.mark.parametrize("field", [("Content-Length", "0"), ("Transfer-Encoding", "chunked")])
def test_204_with_a_framing_field_is_refused(field: tuple[str, str]) -> None:
    """RFC 9110 §8.6, RFC 9112 §6.1: a 204 sends neither Content-Length nor Transfer-Encoding."""
    writer = response_writer()
    with pytest.raises(LocalProtocolError):
        serialize(Response(204, [field]), writer)
    assert serialize(Response(204), writer) == b"HTTP/1.1 204 No Content\r\n\r\n"


def test_informational_response() -> None:
    writer = response_writer()
    assert serialize(InformationalResponse(100), writer) == b"HTTP/1.1 100 Continue\r\n\r\n"
    data = serialize(InformationalResponse(103, [("Link", "</s.css>")]), writer)
    assert data == b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
    assert serialize(Response(200, [("Content-Length", "0")]), writer).startswith(b"HTTP/1.1 200")


def test_informational_response_with_content_length_is_refused() -> None:
    """RFC 9110 §8.6: a 1xx response must not carry Content-Length."""
    writer = response_writer()
    with pytest.raises(LocalProtocolError):
        serialize(InformationalResponse(100, [("Content-Length", "0")]), writer)
    assert serialize(InformationalResponse(100), writer) == b"HTTP/1.1 100 Continue\r\n\r\n"


def test_informational_response_to_http_1_0_is_refused() -> None:
    """RFC 9110 §15.2: HTTP/1.0 has no 1xx; the client would read it as the final response."""
    writer = response_writer(peer_http_version=b"1.0")
    with pytest.raises(LocalProtocolError):
        serialize(InformationalResponse(100), writer)
    assert serialize(Response(200, [("Content-Length", "0")]), writer).startswith(b"HTTP/1.1 200")


def test_informational_response_after_the_final_head_is_refused() -> None:
    writer = response_writer()
    serialize(Response(200, [("Content-Length", "0")]), writer)
    with pytest.raises(LocalProtocolError):
        serialize(InformationalResponse(100), writer)


def test_a_second_response_head_waits_for_the_first_body() -> None:
    writer = response_writer()
    serialize(Response(200, [("Content-Length", "1")]), writer)
    with pytest.raises(LocalProtocolError, match="not finished"):
        serialize(Response(200), writer)


# --- framing fields the caller gives -------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param([("Content-Length", "1"), ("Content-Length", "1")], id="duplicate-cl"),
        pytest.param([("Content-Length", "+1")], id="cl-plus"),
        pytest.param([("Content-Length", "1, 1")], id="cl-list"),
        pytest.param([("Content-Length", "")], id="cl-empty"),
        pytest.param([("Content-Length", "1"), ("Transfer-Encoding", "chunked")], id="cl-and-te"),
        pytest.param([("Transfer-Encoding", "gzip")], id="te-not-chunked"),
        pytest.param([("Transfer-Encoding", "chunked, gzip")], id="te-chunked-not-final"),
        pytest.param([("Transfer-Encoding", "chunked, chunked")], id="te-chunked-twice"),
        pytest.param(
            [("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "chunked")],
            id="te-chunked-twice-in-two-fields",
        ),
        pytest.param([("Transfer-Encoding", "")], id="te-empty"),
    ],
)
def test_framing_the_peer_could_misread_is_refused(fields: list[tuple[str, str]]) -> None:
    request_writer = RequestWriter()
    with pytest.raises(LocalProtocolError):
        serialize(Request("POST", "/", [HOST, *fields]), request_writer)
    assert serialize(Request("GET", "/", [HOST]), request_writer).startswith(b"GET")
    writer = response_writer()
    with pytest.raises(LocalProtocolError):
        serialize(Response(200, fields), writer)
    assert serialize(Response(200), writer).startswith(b"HTTP/1.1 200")


def test_gzip_then_chunked_is_written_as_chunked() -> None:
    writer = response_writer()
    data = write_all(
        writer, Response(200, [("Transfer-Encoding", "gzip, chunked")]), Data(b"z"), EndOfMessage()
    )
    assert data.endswith(b"\r\n\r\n1\r\nz\r\n0\r\n\r\n")
    assert data.count(b"chunked") == 1


# --- refusals change nothing -----------------------------------------------------------------


def test_more_bytes_than_the_content_length_is_refused() -> None:
    writer = response_writer()
    serialize(Response(200, [("Content-Length", "3")]), writer)
    assert serialize(Data(b"ab"), writer) == b"ab"
    with pytest.raises(LocalProtocolError, match="Content-Length"):
        serialize(Data(b"cd"), writer)
    assert serialize(Data(b"c"), writer) == b"c"
    assert serialize(EndOfMessage(), writer) == b""


def test_fewer_bytes_than_the_content_length_is_refused() -> None:
    writer = response_writer()
    serialize(Response(200, [("Content-Length", "3")]), writer)
    serialize(Data(b"ab"), writer)
    with pytest.raises(LocalProtocolError, match="short"):
        serialize(EndOfMessage(), writer)
    assert write_all(writer, Data(b"c"), EndOfMessage()) == b"c"


def test_data_before_a_head_is_refused() -> None:
    writer = response_writer()
    with pytest.raises(LocalProtocolError, match="before"):
        serialize(Data(b"x"), writer)
    with pytest.raises(LocalProtocolError, match="before"):
        serialize(EndOfMessage(), writer)
    assert serialize(Response(200, [("Content-Length", "1")]), writer).startswith(b"HTTP/1.1")
    assert serialize(Data(b"x"), writer) == b"x"


def test_trailers_without_chunked_are_refused() -> None:
    writer = response_writer()
    serialize(Response(200, [("Content-Length", "0")]), writer)
    with pytest.raises(LocalProtocolError, match="trailers"):
        serialize(EndOfMessage([("X", "y")]), writer)
    assert serialize(EndOfMessage(), writer) == b""


def test_events_that_are_not_written_are_refused() -> None:
    with pytest.raises(LocalProtocolError):
        serialize(ConnectionClosed(), response_writer())


def test_each_writer_writes_only_its_own_heads() -> None:
    with pytest.raises(LocalProtocolError, match="client"):
        serialize(Request("GET", "/", [HOST]), ResponseWriter())
    with pytest.raises(LocalProtocolError, match="server"):
        serialize(Response(200), RequestWriter())  # type: ignore[arg-type]
    with pytest.raises(LocalProtocolError, match="server"):
        serialize(InformationalResponse(100), RequestWriter())


@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param("X", "a\r\nSet-Cookie: evil=1", id="crlf-in-value"),
        pytest.param("X", "a\nb", id="lf-in-value"),
        pytest.param("X", "a\rb", id="cr-in-value"),
        pytest.param("X", "a\x00b", id="nul-in-value"),
        pytest.param("X", "a\x7fb", id="del-in-value"),
        pytest.param("X\r\nY", "a", id="crlf-in-name"),
        pytest.param("X Y", "a", id="space-in-name"),
        pytest.param("X:", "a", id="colon-in-name"),
        pytest.param("", "a", id="empty-name"),
    ],
)
def test_response_splitting_is_refused_when_the_event_is_built(name: str, value: str) -> None:
    """A CR or LF in a field would let the caller's data start a new field or message."""
    with pytest.raises(LocalProtocolError):
        Response(200, [(name, value)])
    with pytest.raises(LocalProtocolError):
        EndOfMessage([(name, value)])


# --- whole messages --------------------------------------------------------------------------


def test_serialize_complete_adds_content_length() -> None:
    writer = response_writer()
    data = serialize_complete(Response(200), b"hello", writer)
    assert data == b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"


def test_serialize_complete_keeps_the_callers_framing() -> None:
    data = serialize_complete(
        Response(200, [("Transfer-Encoding", "chunked")]), b"hello", response_writer()
    )
    assert data.endswith(b"\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    data = serialize_complete(
        Response(200, [("Transfer-Encoding", "chunked")]), b"", response_writer()
    )
    assert data.endswith(b"\r\n\r\n0\r\n\r\n")


def test_serialize_complete_to_head_sends_the_length_only() -> None:
    data = serialize_complete(Response(200), b"hello", response_writer(b"HEAD"))
    assert data == b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"


def test_serialize_complete_refuses_a_content_length_that_lies() -> None:
    with pytest.raises(LocalProtocolError, match="Content-Length says 3"):
        serialize_complete(Response(200, [("Content-Length", "3")]), b"hello", response_writer())


@pytest.mark.parametrize("status", [204, 304])
def test_serialize_complete_refuses_a_body_on_204_and_304(status: int) -> None:
    with pytest.raises(LocalProtocolError):
        serialize_complete(Response(status), b"x", response_writer())
    assert b"Content-Length" not in serialize_complete(Response(status), b"", response_writer())


def test_serialize_complete_refuses_a_body_on_a_tunnel() -> None:
    with pytest.raises(LocalProtocolError):
        serialize_complete(Response(200), b"x", response_writer(b"CONNECT"))


def test_serialize_complete_request() -> None:
    data = serialize_complete(Request("POST", "/", [HOST]), b"abc", RequestWriter())
    assert data == b"POST / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\n\r\nabc"
    data = serialize_complete(Request("POST", "/", [], "1.0"), b"abc", RequestWriter())
    assert data == b"POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc"
    data = serialize_complete(Request("GET", "/", [HOST]), b"", RequestWriter())
    assert data == b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"


def test_serialize_complete_checks_the_writer() -> None:
    with pytest.raises(LocalProtocolError):
        serialize_complete(Request("GET", "/", [HOST]), b"", ResponseWriter())
    with pytest.raises(LocalProtocolError):
        serialize_complete(Response(200), b"", RequestWriter())
    writer = response_writer()
    serialize(Response(200, [("Content-Length", "1")]), writer)
    with pytest.raises(LocalProtocolError, match="not finished"):
        serialize_complete(Response(200), b"", writer)

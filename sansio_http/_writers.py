"""Writing: events to bytes, one writer per framing.

``serialize(event, writer)`` checks the event against the writer's state
before it changes anything, so a refused event leaves the writer as it
was. Framing is settled when the head is written: the user's
Content-Length or Transfer-Encoding if given, otherwise what the peer
can read (chunked for HTTP/1.1, until close for an HTTP/1.0 peer), and
no body at all where RFC 9112 §6.3 says there is none (HEAD, 1xx, 204,
304, a 2xx to CONNECT). What the peer could misread is refused with
``LocalProtocolError``: body bytes where no body may be, more or fewer
bytes than the Content-Length sent, a chunked response to HTTP/1.0.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Final

from ._abnf import CONTENT_LENGTH_RE
from ._errors import LocalProtocolError, quote
from ._events import (
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    Request,
    Response,
    WireFacts,
    keep_wire,
)
from ._headers import Headers, field_lines, list_elements

__all__ = [
    "RequestWriter",
    "ResponseWriter",
    "serialize",
    "serialize_complete",
    "write_request_head",
    "write_response_head",
]

# Body framings of the message being written.
NO_BODY: Final = 0
LENGTH: Final = 1
CHUNKED: Final = 2
UNTIL_CLOSE: Final = 3

#: The standard reason phrase of each status, used when the event has none.
REASONS: Final = {status.value: status.phrase.encode("ascii") for status in HTTPStatus}

#: Methods whose requests usually carry content: without a framing header
#: we frame their body as chunked; other requests get no body.
_METHODS_WITH_CONTENT: Final = frozenset({b"POST", b"PUT", b"PATCH"})


class _Writer:
    """Writing state shared by both directions."""

    __slots__ = ("_framing", "_in_body", "_remaining")

    def __init__(self) -> None:
        self._in_body = False
        self._framing = NO_BODY
        self._remaining = 0

    @property
    def closes_connection(self) -> bool:
        """Whether the body being written ends only when we close."""
        return self._framing == UNTIL_CLOSE


class RequestWriter(_Writer):
    """The writing state of a client."""

    __slots__ = ()


class ResponseWriter(_Writer):
    """The writing state of a server.

    A response's framing depends on its request, so the server sets
    ``request_method`` and ``peer_http_version`` before writing each head.
    """

    __slots__ = ("peer_http_version", "request_method")

    def __init__(self) -> None:
        # The base's stores repeated, not super().__init__(): a server makes
        # a writer per connection. Measured with callgrind on
        # bench/server_inprocess.py "ours", connection per request: 1.3k
        # instructions less per connection.
        self._in_body = False
        self._framing = NO_BODY
        self._remaining = 0
        self.request_method = b"GET"
        self.peer_http_version = b"1.1"


def _framing_fields(headers: Headers) -> tuple[bytes | None, bytes | None]:
    """The Content-Length and Transfer-Encoding a head carries, checked."""
    lengths = headers.get_all(b"content-length")
    codings = headers.get_all(b"transfer-encoding")
    if len(lengths) > 1:
        raise LocalProtocolError("more than one Content-Length header")
    length = lengths[0] if lengths else None
    if length is not None and CONTENT_LENGTH_RE.fullmatch(length) is None:
        raise LocalProtocolError(f"invalid Content-Length {quote(length)}")
    coding = b", ".join(codings).lower() if codings else None
    if coding is not None:
        if length is not None:
            raise LocalProtocolError("both Content-Length and Transfer-Encoding")
        elements = list_elements(coding)
        if not elements or elements[-1] != b"chunked" or elements.count(b"chunked") > 1:
            raise LocalProtocolError(
                f"Transfer-Encoding {quote(coding)} must end with a single chunked"
            )
    return length, coding


def _field_lines(headers: Headers, extra: bytes = b"") -> bytes:
    """A header or trailer section: the field lines, ``extra`` and the blank line."""
    return field_lines(headers) + extra + b"\r\n"


def connection_options(headers: Headers) -> frozenset[bytes]:
    """The lowered options of a head's Connection field (RFC 9110 §7.6.1).

    Every Connection line counts, as the reader counts them: a ``close``
    on a second line closes the connection for the peer too.
    """
    values = headers.get_all(b"connection")
    if not values:
        return frozenset()
    return frozenset(list_elements(b",".join(values)))


def response_facts(event: Response) -> WireFacts:
    """What a response head's fields say, worked out once per event.

    Events and their headers are immutable, so a head an embedder sends
    again (asyncio_adapter's cached 200 heads) is serialized and checked
    once, not per response. Measured on bench/server_inprocess.py: 15.8
    to 12.3 us per request (``send_complete`` alone, 4.5 to 1.2 us). A
    head whose framing fields are refused keeps nothing, and is refused
    again each time it is sent.
    """
    facts = event._wire
    if facts is None:
        headers = event.headers
        length, coding = _framing_fields(headers)
        facts = (
            _status_line(event) + field_lines(headers),
            length,
            coding,
            connection_options(headers),
        )
        keep_wire(event, facts)
    return facts


def request_framing(event: Request) -> tuple[int, int, bytes]:
    """(framing, length, header line to add) for a request head."""
    length, coding = _framing_fields(event.headers)
    if event.method == b"CONNECT" and (coding is not None or (length and length.strip(b"0"))):
        raise LocalProtocolError("a CONNECT request has no content (RFC 9110 §9.3.6)")
    if coding is not None:
        if event.http_version == b"1.0":
            raise LocalProtocolError("Transfer-Encoding in an HTTP/1.0 request")
        return CHUNKED, 0, b""
    if length is not None:
        return LENGTH, int(length), b""
    if event.method in _METHODS_WITH_CONTENT:
        if event.http_version == b"1.0":
            raise LocalProtocolError(
                "an HTTP/1.0 request with a body needs a Content-Length header"
            )
        return CHUNKED, 0, b"Transfer-Encoding: chunked\r\n"
    return NO_BODY, 0, b""


def response_framing(
    event: Response, request_method: bytes, peer_http_version: bytes
) -> tuple[int, int, bytes]:
    """(framing, length, header line to add) for a final response head."""
    _, length, coding, _ = response_facts(event)
    status = event.status_code
    # RFC 9110 §8.6 and §9.3.6, RFC 9112 §6.1: a 204, and a 2xx that opens
    # a CONNECT tunnel, carry no framing field: the bytes after them are
    # no body, and a peer that believed the field would misread them.
    tunnel = request_method == b"CONNECT" and 200 <= status < 300
    if (status == 204 or tunnel) and (length is not None or coding is not None):
        raise LocalProtocolError(
            f"a {status} response{' to CONNECT' if tunnel else ''} must not carry "
            "Content-Length or Transfer-Encoding"
        )
    if request_method == b"HEAD" or status in (204, 304) or tunnel:
        return NO_BODY, 0, b""
    # RFC 9112 §6.1: chunked is for HTTP/1.1 at both ends; a recipient
    # treats an HTTP/1.0 message with Transfer-Encoding as badly framed.
    http_1_0 = peer_http_version == b"1.0" or event.http_version == b"1.0"
    if coding is not None:
        if http_1_0:
            raise LocalProtocolError("Transfer-Encoding in an HTTP/1.0 response or to HTTP/1.0")
        return CHUNKED, 0, b""
    if length is not None:
        return LENGTH, int(length), b""
    if http_1_0:
        return UNTIL_CLOSE, 0, b""
    return CHUNKED, 0, b"Transfer-Encoding: chunked\r\n"


def _write_request(writer: _Writer, event: Event) -> bytes:
    assert isinstance(event, Request)
    if not isinstance(writer, RequestWriter):
        raise LocalProtocolError("only a client writes requests")
    if writer._in_body:
        raise LocalProtocolError("the previous request's body is not finished")
    return write_request_head(writer, event, request_framing(event))


def write_request_head(writer: _Writer, event: Request, framing: tuple[int, int, bytes]) -> bytes:
    """Write a request head whose framing the caller already settled."""
    writer._framing, writer._remaining, extra = framing
    writer._in_body = True
    return b"%s %s HTTP/%s\r\n" % (event.method, event.target, event.http_version) + _field_lines(
        event.headers, extra
    )


def _status_line(event: InformationalResponse | Response) -> bytes:
    reason = event.reason or REASONS.get(event.status_code, b"")
    return b"HTTP/%s %d %s\r\n" % (event.http_version, event.status_code, reason)


def _write_informational(writer: _Writer, event: Event) -> bytes:
    assert isinstance(event, InformationalResponse)
    if not isinstance(writer, ResponseWriter):
        raise LocalProtocolError("only a server writes responses")
    if writer._in_body:
        raise LocalProtocolError("a 1xx response cannot follow a response head")
    if writer.peer_http_version == b"1.0":
        # RFC 9110 §15.2: HTTP/1.0 has no 1xx; the client would take it
        # for the final response.
        raise LocalProtocolError("a 1xx response cannot be sent to an HTTP/1.0 client")
    # RFC 9110 §8.6 and RFC 9112 §6.1: no framing field on a 1xx.
    headers = event.headers
    if headers.get(b"content-length") is not None or headers.get(b"transfer-encoding") is not None:
        raise LocalProtocolError(
            "a 1xx response must not carry Content-Length or Transfer-Encoding"
        )
    return _status_line(event) + _field_lines(headers)


def _write_response(writer: _Writer, event: Event) -> bytes:
    assert isinstance(event, Response)
    if not isinstance(writer, ResponseWriter):
        raise LocalProtocolError("only a server writes responses")
    if writer._in_body:
        raise LocalProtocolError("the previous response's body is not finished")
    framing = response_framing(event, writer.request_method, writer.peer_http_version)
    return write_response_head(writer, event, framing, b"")


def write_response_head(
    writer: _Writer, event: Response, framing: tuple[int, int, bytes], extra_fields: bytes
) -> bytes:
    """Write a response head whose framing the caller already settled.

    ``extra_fields`` are whole field lines the ``Connection`` adds (its
    ``Connection: close`` or ``keep-alive``).
    """
    writer._framing, writer._remaining, extra = framing
    writer._in_body = True
    return response_facts(event)[0] + extra + extra_fields + b"\r\n"


def _write_data(writer: _Writer, event: Event) -> bytes:
    assert isinstance(event, Data)
    if not writer._in_body:
        raise LocalProtocolError("Data before a message head")
    data = event.data
    framing = writer._framing
    if framing == CHUNKED:
        return b"%x\r\n%s\r\n" % (len(data), data) if data else b""
    if framing == LENGTH:
        if len(data) > writer._remaining:
            raise LocalProtocolError(
                f"{len(data)} bytes of Data, but only {writer._remaining} left of the Content-Length"
            )
        writer._remaining -= len(data)
        return data
    if framing == NO_BODY and data:
        raise LocalProtocolError("this message has no body (HEAD, 1xx, 204, 304 or no framing)")
    return data


def _write_end(writer: _Writer, event: Event) -> bytes:
    assert isinstance(event, EndOfMessage)
    if not writer._in_body:
        raise LocalProtocolError("EndOfMessage before a message head")
    framing = writer._framing
    if event.headers and framing != CHUNKED:
        raise LocalProtocolError("trailers need a chunked body")
    if framing == LENGTH and writer._remaining:
        raise LocalProtocolError(
            f"the body ended {writer._remaining} bytes short of its Content-Length"
        )
    writer._in_body = False
    if framing == CHUNKED:
        return b"0\r\n" + _field_lines(event.headers)
    return b""


_WRITERS: Final[dict[type[Event], Callable[[_Writer, Event], bytes]]] = {
    Request: _write_request,
    InformationalResponse: _write_informational,
    Response: _write_response,
    Data: _write_data,
    EndOfMessage: _write_end,
}


def serialize(event: Event, writer: RequestWriter | ResponseWriter) -> bytes:
    """The bytes that send ``event``, advancing ``writer``.

    Raises ``LocalProtocolError``, leaving ``writer`` unchanged, when the
    event does not fit the writer's state or would frame a body the peer
    could misread.
    """
    write = _WRITERS.get(type(event))
    if write is None:
        raise LocalProtocolError(f"{type(event).__name__} is not written to the wire")
    return write(writer, event)


def serialize_complete(
    head: Request | Response,
    body: bytes,
    writer: RequestWriter | ResponseWriter,
    extra_fields: bytes = b"",
) -> bytes:
    """A whole message in one piece: head, body and end; ``writer`` is unchanged.

    The body is known up front, so a message without a framing header
    gets ``Content-Length`` (RFC 9110 §8.6), except where none is allowed
    (204, 304, a 2xx to CONNECT). A response to HEAD gets the length the
    body would have had, and no body bytes.
    """
    if writer._in_body:
        raise LocalProtocolError("the previous message's body is not finished")
    length_line = b"Content-Length: %d\r\n" % len(body)
    if isinstance(head, Request):
        if not isinstance(writer, RequestWriter):
            raise LocalProtocolError("only a client writes requests")
        headers = head.headers
        user_framed = (
            headers.get(b"content-length") is not None
            or headers.get(b"transfer-encoding") is not None
        )
        # Checked first: an HTTP/1.0 POST without a framing field is
        # refused by ``request_framing``, but here it gets Content-Length.
        if not user_framed and (body or head.method in _METHODS_WITH_CONTENT):
            if head.method == b"CONNECT":
                raise LocalProtocolError("a CONNECT request has no content (RFC 9110 §9.3.6)")
            framing, length, extra = LENGTH, len(body), length_line
        else:
            framing, length, extra = request_framing(head)
        start = b"%s %s HTTP/%s\r\n" % (head.method, head.target, head.http_version)
        start += field_lines(headers)
    else:
        if not isinstance(writer, ResponseWriter):
            raise LocalProtocolError("only a server writes responses")
        method = writer.request_method
        status = head.status_code
        start, user_length, user_coding, _ = response_facts(head)
        framing, length, extra = response_framing(head, method, writer.peer_http_version)
        if user_length is None and user_coding is None:
            if framing != NO_BODY:
                framing, length, extra = LENGTH, len(body), length_line
            elif method == b"HEAD" and status not in (204, 304):
                extra = length_line
        if status in (204, 304) and body:
            raise LocalProtocolError(f"a {status} response has no body")
        if method == b"HEAD":
            body = b""
    if framing == NO_BODY:
        if body:
            raise LocalProtocolError("this message has no body (1xx, 204, 304 or no framing)")
        payload = b""
    elif framing == LENGTH:
        if length != len(body):
            raise LocalProtocolError(
                f"Content-Length says {length} but the body has {len(body)} bytes"
            )
        payload = body
    else:  # CHUNKED: a body known up front is never framed until close
        payload = (b"%x\r\n%s\r\n" % (len(body), body) if body else b"") + b"0\r\n\r\n"
    writer._framing = framing
    return start + extra + extra_fields + b"\r\n" + payload

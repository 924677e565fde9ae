"""Reading: bytes in a receive buffer to events, one reader per framing.

``parse_into(parser, buffer)`` runs the reader that the parser's state
selects from ``_READERS`` until the buffer holds nothing more it can use.
Readers consume what they parse from the front of the ``bytearray``
(CPython deletes a bytearray's prefix in O(1)) and leave the rest.

Linear cost: a reader that must wait for more bytes records in
``parser._searched`` how far it looked, so the next call searches only
the new bytes. Feeding a head one byte per call therefore costs about
what feeding it whole does.

Strictness: everything RFC 9112 lets a recipient read two ways is a
``RemoteProtocolError`` (see README "Strictness"). The head is parsed in
one piece once its blank line has arrived: find the terminator, check
every octet at once with ``bytes.translate``, split the lines, and build
the fields in one comprehension. Measured on bench/parser.py case (b),
that is 1.6x faster than one compiled pattern over the whole head.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from itertools import repeat
from typing import ClassVar, Final

from ._abnf import (
    ABSOLUTE_FORM_RE,
    AUTHORITY_FORM_RE,
    CHUNK_LINE_RE,
    CONTENT_LENGTH_RE,
    FIELD_OCTETS,
    HOST_RE,
    MAX_CHUNK_SIZE_DIGITS,
    MAX_LENGTH_DIGITS,
    REQUEST_LINE_RE,
    STATUS_LINE_RE,
    TCHARS_LOWER,
)
from ._errors import RemoteProtocolError, quote
from ._events import (
    CONNECTION_CLOSED,
    END_OF_MESSAGE,
    Event,
    InformationalResponse,
    Response,
    new_data,
    new_end_of_message,
    new_request,
    new_response_head,
)
from ._headers import Headers
from ._limits import Limits

__all__ = ["RequestParser", "ResponseParser", "parse_into"]

# Reader states.
HEAD: Final = 0
LENGTH: Final = 1
CHUNK_LINE: Final = 2
CHUNK_DATA: Final = 3
CHUNK_END: Final = 4
TRAILERS: Final = 5
UNTIL_CLOSE: Final = 6
#: After a message that may switch protocols (CONNECT, Upgrade, a 101 or
#: a 2xx to CONNECT): the bytes that follow are not HTTP/1.1 any more, or
#: not yet known to be, so nothing reads them until ``resume()``.
PAUSED: Final = 7
CLOSED: Final = 8
ERROR: Final = 9

_CRLF: Final = b"\r\n"
_OWS: Final = b" \t"
_EMPTY_HEADERS: Final = Headers()
_VERSIONS: Final = {b"0": b"1.0", b"1": b"1.1"}

#: Transfer codings RFC 9110 registers that this core does not decode. A
#: request that applies one before ``chunked`` gets 501 (RFC 9112 §6.1).
_KNOWN_CODINGS: Final = frozenset({b"gzip", b"x-gzip", b"deflate", b"compress", b"x-compress"})


class _Parser:
    """Reading state shared by both directions; see the two subclasses."""

    __slots__ = (
        "_body_seen",
        "_eof",
        "_error",
        "_remaining",
        "_searched",
        "_state",
        "expects_continue",
        "http_version",
        "keep_alive",
        "limits",
        "may_switch",
        "pause_after_message",
    )

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits if limits is not None else Limits()
        self._state = HEAD
        self._remaining = 0
        self._searched = 0
        self._body_seen = 0
        self._eof = False
        self._error: RemoteProtocolError | None = None
        #: Set by the embedder: stop after each complete message, so the
        #: next one is read only when asked (a server answers in order).
        self.pause_after_message = False
        #: What the head of the message being read said, for the
        #: ``Connection``: framing aside, the few facts it acts on.
        self.keep_alive = True
        self.expects_continue = False
        self.may_switch = False
        self.http_version = b"1.1"

    def feed_eof(self) -> None:
        """Note that the peer closed: the next ``parse_into`` ends the input.

        At a message boundary that yields ``ConnectionClosed``; a body read
        until close ends with ``EndOfMessage``; anything else half-read is
        a ``RemoteProtocolError``.
        """
        self._eof = True

    def resume(self) -> None:
        """Read HTTP/1.1 again after a message that might have switched.

        Call it when the protocol switch was refused (the server did not
        answer 101 or 2xx to CONNECT). The refusal may come before the
        request's body has all arrived; the message then ends as an
        ordinary one, without pausing.
        """
        self.may_switch = False
        if self._state == PAUSED:
            self._state = HEAD

    @property
    def at_message_boundary(self) -> bool:
        """Whether no message is partly read."""
        return self._state in (HEAD, PAUSED, CLOSED)

    @property
    def paused(self) -> bool:
        """Whether reading stopped after a message that may switch protocols."""
        return self._state == PAUSED

    _start_line_too_long: ClassVar[tuple[str, int]]

    def _read_head(self, buffer: bytearray, events: list[Event]) -> bool:
        raise NotImplementedError


class RequestParser(_Parser):
    """The reading state of a server: requests, one after another."""

    __slots__ = ()
    _start_line_too_long = ("request line is longer than the limit", 414)

    def _read_head(self, buffer: bytearray, events: list[Event]) -> bool:
        lines = _take_head(self, buffer)
        if lines is None:
            return False
        limits = self.limits
        request_line = lines[0]
        match = REQUEST_LINE_RE.fullmatch(request_line)
        if match is None:
            raise _bad_request_line(request_line)
        method, origin_target, other_target, major, minor = match.groups()
        if major != b"1":
            raise RemoteProtocolError(f"HTTP version {major.decode()}.x is not supported", 505)
        # RFC 9110 §2.5: a higher 1.x minor version is handled as 1.1.
        version = _VERSIONS.get(minor, b"1.1")
        if origin_target is not None:
            target = origin_target
            if method == b"CONNECT":
                raise RemoteProtocolError("CONNECT needs an authority-form target")
        else:
            target = _check_other_target(method, other_target)
        del lines[0]
        items, index = _parse_fields(lines, limits)
        if len(index) == len(items):
            host = index.get(b"host")
            length = index.get(b"content-length")
            coding = index.get(b"transfer-encoding")
            connection = index.get(b"connection")
        else:
            host = _single(items, b"host")
            length = _single(items, b"content-length")
            coding = _joined(items, b"transfer-encoding")
            connection = _joined(items, b"connection")
        # RFC 9112 §3.2: 400 for a missing Host in HTTP/1.1, a repeated
        # one (``_single``), or one whose value is not a valid authority.
        if host is None:
            if version == b"1.1":
                raise RemoteProtocolError("an HTTP/1.1 request needs a Host header")
        elif HOST_RE.fullmatch(host) is None:
            raise RemoteProtocolError(f"invalid Host header {quote(host)}")
        self.http_version = version
        self.keep_alive = _keep_alive(version, connection)
        # RFC 9110 §10.1.1: an HTTP/1.0 request's 100-continue is ignored.
        expect = index.get(b"expect") if len(index) == len(items) else _joined(items, b"expect")
        self.expects_continue = (
            expect is not None and version == b"1.1" and expect.lower() == b"100-continue"
        )
        # RFC 9110 §7.8: a server MUST ignore Upgrade in an HTTP/1.0 request.
        self.may_switch = method == b"CONNECT" or (b"upgrade" in index and version == b"1.1")
        events.append(
            new_request(method, target, Headers._from_parser(items, index, lines), version)
        )
        if coding is not None:
            _start_chunked_request(self, coding, length, version)
        elif length is not None:
            _start_length(self, length)
        else:
            return _finish(self, events, END_OF_MESSAGE)
        return True


class ResponseParser(_Parser):
    """The reading state of a client: responses, matched to requests.

    A response's framing depends on the request it answers (no body for
    HEAD; a tunnel after a 2xx to CONNECT), so the client calls
    ``expect_response_to(method)`` for each request it sends, in order.
    A response that arrives with no method queued is read as one to GET.
    """

    __slots__ = ("_methods",)
    _start_line_too_long = ("status line is longer than the limit", 400)

    def __init__(self, limits: Limits | None = None) -> None:
        super().__init__(limits)
        self._methods: deque[bytes] = deque()

    def expect_response_to(self, method: bytes) -> None:
        """Queue the method of a request sent, to frame its response."""
        self._methods.append(method)

    def _read_head(self, buffer: bytearray, events: list[Event]) -> bool:
        lines = _take_head(self, buffer)
        if lines is None:
            return False
        limits = self.limits
        status_line = lines[0]
        match = STATUS_LINE_RE.fullmatch(status_line)
        if match is None:
            raise RemoteProtocolError(f"malformed status line {quote(status_line)}")
        major, minor, code, reason = match.groups()
        if major != b"1":
            raise RemoteProtocolError(f"HTTP version {major.decode()}.x is not supported", 505)
        version = _VERSIONS.get(minor, b"1.1")
        status = int(code)
        if status < 100:
            raise RemoteProtocolError(f"invalid status code {status}")
        del lines[0]
        items, index = _parse_fields(lines, limits)
        headers = Headers._from_parser(items, index, lines)
        reason = reason or b""
        if status < 200:
            events.append(
                new_response_head(InformationalResponse, status, headers, reason, version)
            )
            if status == 101:
                # RFC 9110 §15.2.2: the bytes after a 101 belong to the new
                # protocol; the request that asked for it is answered.
                self._pop_method()
                self.may_switch = True
                self._state = PAUSED
                return False
            return True
        method = self._pop_method()
        events.append(new_response_head(Response, status, headers, reason, version))
        if len(index) == len(items):
            length = index.get(b"content-length")
            coding = index.get(b"transfer-encoding")
            connection = index.get(b"connection")
        else:
            length = _single(items, b"content-length")
            coding = _joined(items, b"transfer-encoding")
            connection = _joined(items, b"connection")
        self.http_version = version
        self.keep_alive = _keep_alive(version, connection)
        self.expects_continue = False
        self.may_switch = method == b"CONNECT" and status < 300
        # RFC 9112 §6.3, in its order.
        if method == b"HEAD" or status in (204, 304):
            return _finish(self, events, END_OF_MESSAGE)
        if self.may_switch:
            self._state = PAUSED
            events.append(END_OF_MESSAGE)
            return False
        if coding is not None:
            _start_response_coding(self, coding, length, version)
        elif length is not None:
            _start_length(self, length)
        else:
            self.keep_alive = False
            self._state = UNTIL_CLOSE
        return True

    def _pop_method(self) -> bytes:
        return self._methods.popleft() if self._methods else b"GET"


# --- the head ---------------------------------------------------------------


def _take_head(parser: _Parser, buffer: bytearray) -> list[bytes] | None:
    """Cut a complete head off ``buffer`` and split it into lines.

    ``None`` means the head is not complete yet. Sizes are checked before
    anything is copied, and every octet of the head is checked at once:
    only field octets and CRLF pairs may appear, which rejects NUL, bare
    CR and bare LF everywhere.
    """
    # RFC 9112 §2.2: a server SHOULD ignore empty lines before a request
    # line. They are dropped as they come, so they never accumulate.
    while buffer.startswith(_CRLF):
        del buffer[:2]
    end = buffer.find(b"\r\n\r\n", parser._searched)
    if end < 0:
        _check_partial_head(parser, buffer)
        return None
    parser._searched = 0
    limits = parser.limits
    line_end = buffer.find(_CRLF, 0, end + 2)
    if line_end > limits.max_request_line:
        raise RemoteProtocolError(*parser._start_line_too_long)
    if end - line_end > limits.max_header_block:
        raise RemoteProtocolError("header section is larger than the limit", 431)
    head = bytes(buffer[:end])
    del buffer[: end + 4]
    lines = head.split(_CRLF)
    if head.translate(None, FIELD_OCTETS) != _CRLF * (len(lines) - 1):
        raise _bad_octet(head)
    _check_line_lengths(lines[1:], end - line_end, limits)
    return lines


def _check_line_lengths(lines: list[bytes], block_size: int, limits: Limits) -> None:
    """431 for a field line over its limit.

    Only a block larger than the line limit can hold such a line, so most
    heads skip the scan.
    """
    max_line = limits.max_header_line
    if block_size > max_line and max(map(len, lines), default=0) > max_line:
        raise RemoteProtocolError("a header field line is longer than the limit", 431)


def _check_partial_head(parser: _Parser, buffer: bytearray) -> None:
    """Fail early on a head that is already too big or badly terminated."""
    size = len(buffer)
    limits = parser.limits
    if not size:
        return
    # A LF LF pair ends the head for a lenient reader but not for us; say
    # so now rather than wait for a CRLF CRLF that may never come.
    if buffer.find(b"\n\n", max(parser._searched - 1, 0)) >= 0:
        raise RemoteProtocolError("a line ends with a bare LF; HTTP/1.1 lines end with CRLF")
    line_end = buffer.find(_CRLF, 0, limits.max_request_line + 2)
    # One byte past the limit may be the CR of a line exactly at it.
    if line_end < 0 and size > limits.max_request_line + 1:
        raise RemoteProtocolError(*parser._start_line_too_long)
    if line_end >= 0 and size - line_end > limits.max_header_block + 4:
        raise RemoteProtocolError("header section is larger than the limit", 431)
    # Keep the last three bytes: they may begin the CRLF CRLF terminator.
    parser._searched = max(size - 3, 0)


def _parse_fields(
    lines: list[bytes], limits: Limits
) -> tuple[list[tuple[bytes, bytes]], dict[bytes, bytes]]:
    """Turn validated-octet field lines into ``(name, value)`` pairs.

    field-line = field-name ":" OWS field-value OWS     (RFC 9112 §5)

    Names must be tokens, which also rejects whitespace before the colon
    (RFC 9112 §5.1) and obs-fold continuation lines (RFC 9112 §5.2): both
    put SP or HTAB into what would be the name.
    """
    if len(lines) > limits.max_header_count:
        raise RemoteProtocolError(f"more than {limits.max_header_count} header fields", 431)
    try:
        # One comprehension over a C-level split: measured on
        # bench/parser.py case (b), 1.9x faster than a loop of partition,
        # strip and two appends. A line with no colon fails to unpack.
        items = [
            (name.lower(), value.strip(_OWS))
            for name, value in map(bytes.split, lines, repeat(b":"), repeat(1))
        ]
    except ValueError:
        raise _bad_field_line(lines) from None
    index = dict(items)
    # Every name at once: join the distinct names and delete the tchars.
    if b"".join(index).translate(None, TCHARS_LOWER) or b"" in index:
        raise _bad_field_line(lines)
    return items, index


def _single(items: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    """The one value of ``name``, refusing a field that must not repeat."""
    values = [value for item_name, value in items if item_name == name]
    if len(values) > 1:
        raise RemoteProtocolError(f"more than one {name.decode()} header")
    return values[0] if values else None


def _joined(items: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    """A list-valued field's lines combined, as RFC 9110 §5.3 allows."""
    values = [value for item_name, value in items if item_name == name]
    return b", ".join(values) if values else None


def _tokens(value: bytes) -> list[bytes]:
    """The lowered, non-empty elements of a comma-separated list."""
    return [
        element for element in value.lower().replace(b"\t", b" ").split(b",") if element.strip()
    ]


def _keep_alive(version: bytes, connection: bytes | None) -> bool:
    """RFC 9112 §9.3: whether the connection persists after this message."""
    if connection is None:
        return version == b"1.1"
    # The two values nearly every client sends, without building a set.
    option = connection.lower()
    if option == b"keep-alive":
        return True
    if option == b"close":
        return False
    options = {element.strip() for element in _tokens(connection)}
    if b"close" in options:
        return False
    return version == b"1.1" or b"keep-alive" in options


def _check_other_target(method: bytes, target: bytes) -> bytes:
    """Validate a target that is not origin-form, by the method's rules.

    RFC 9112 §3.2.3: authority-form is for CONNECT only; §3.2.4:
    asterisk-form is for OPTIONS only; §3.2.2: otherwise absolute-form.
    """
    if method == b"CONNECT":
        if AUTHORITY_FORM_RE.fullmatch(target) is None:
            raise RemoteProtocolError(f"invalid CONNECT target {quote(target)}")
    elif target == b"*":
        if method != b"OPTIONS":
            raise RemoteProtocolError("the asterisk target is only for OPTIONS")
    elif target[:1] == b"/" or ABSOLUTE_FORM_RE.fullmatch(target) is None:
        raise RemoteProtocolError(f"invalid request target {quote(target)}")
    return target


# --- framing -----------------------------------------------------------------


def _codings(value: bytes) -> list[bytes]:
    return [element.strip() for element in _tokens(value)]


def _start_chunked_request(
    parser: _Parser, coding: bytes, length: bytes | None, version: bytes
) -> None:
    """Frame a request that has Transfer-Encoding (RFC 9112 §6.1, §6.3)."""
    if version == b"1.0":
        raise RemoteProtocolError("Transfer-Encoding in an HTTP/1.0 request")
    if length is not None:
        raise RemoteProtocolError("both Transfer-Encoding and Content-Length")
    codings = _codings(coding)
    if not codings or codings[-1] != b"chunked":
        raise RemoteProtocolError(f"Transfer-Encoding {quote(coding)} does not end in chunked")
    if b"chunked" in codings[:-1]:
        raise RemoteProtocolError("chunked applied more than once")
    if len(codings) > 1:
        raise RemoteProtocolError(f"transfer coding {quote(codings[0])} is not implemented", 501)
    parser._state = CHUNK_LINE
    parser._body_seen = 0


def _start_response_coding(
    parser: _Parser, coding: bytes, length: bytes | None, version: bytes
) -> None:
    """Frame a response that has Transfer-Encoding (RFC 9112 §6.3 ¶4)."""
    if version == b"1.0":
        raise RemoteProtocolError("Transfer-Encoding in an HTTP/1.0 response")
    if length is not None:
        raise RemoteProtocolError("both Transfer-Encoding and Content-Length")
    codings = _codings(coding)
    if codings.count(b"chunked") > 1 or (b"chunked" in codings and codings[-1] != b"chunked"):
        raise RemoteProtocolError(f"invalid Transfer-Encoding {quote(coding)}")
    if not all(c in _KNOWN_CODINGS or c == b"chunked" for c in codings):
        raise RemoteProtocolError(f"unknown transfer coding in {quote(coding)}", 501)
    parser._body_seen = 0
    if codings and codings[-1] == b"chunked":
        parser._state = CHUNK_LINE
    else:
        # Not chunked last: the body runs until the server closes.
        parser.keep_alive = False
        parser._state = UNTIL_CLOSE


def _start_length(parser: _Parser, length: bytes) -> None:
    """Frame a body by Content-Length (RFC 9110 §8.6, RFC 9112 §6.3 ¶5).

    Anything but plain digits is refused, including a list of repeated
    values that RFC 9112 lets a recipient collapse: a front end that reads
    the list differently is how requests get smuggled.
    """
    if CONTENT_LENGTH_RE.fullmatch(length) is None:
        raise RemoteProtocolError(f"invalid Content-Length {quote(length)}")
    if len(length) > MAX_LENGTH_DIGITS:
        # Leading zeros are valid (1*DIGIT) and add nothing to the size.
        length = length.lstrip(b"0") or b"0"
        if len(length) > MAX_LENGTH_DIGITS:
            raise RemoteProtocolError("Content-Length is too large", 413)
    size = int(length)
    max_body = parser.limits.max_body
    if max_body is not None and size > max_body:
        raise RemoteProtocolError(f"body of {size} bytes is over the limit of {max_body}", 413)
    parser._remaining = size
    parser._state = LENGTH


# --- the readers ---------------------------------------------------------------


def _finish(parser: _Parser, events: list[Event], end: Event) -> bool:
    """End the current message; say whether to read on in this call."""
    events.append(end)
    if parser.may_switch:
        parser._state = PAUSED
        return False
    parser._state = HEAD
    return not parser.pause_after_message


def _read_head(parser: _Parser, buffer: bytearray, events: list[Event]) -> bool:
    if not buffer:
        if parser._eof:
            parser._state = CLOSED
            events.append(CONNECTION_CLOSED)
        return False
    complete = len(events)
    read = parser._read_head(buffer, events)
    # Only a head that is still incomplete was cut off by the close: a
    # message this call completed is handed out, and the half head that
    # follows it fails on the next call.
    if not read and parser._eof and len(events) == complete and buffer:
        raise RemoteProtocolError("the peer closed the connection in the middle of a head")
    return read


def _read_length(parser: _Parser, buffer: bytearray, events: list[Event]) -> bool:
    remaining = parser._remaining
    if not remaining:
        # Content-Length: 0 ends the message with its head; waiting for a
        # byte first would hold the message back until the next one.
        return _finish(parser, events, END_OF_MESSAGE)
    available = len(buffer)
    if not available:
        if parser._eof:
            raise RemoteProtocolError(
                f"the peer closed the connection {parser._remaining} bytes before the body's end"
            )
        return False
    if available <= remaining:
        data = bytes(buffer)
        buffer.clear()
    else:
        data = bytes(buffer[:remaining])
        del buffer[:remaining]
        available = remaining
    events.append(new_data(data))
    parser._remaining = remaining = remaining - available
    if remaining:
        return False
    return _finish(parser, events, END_OF_MESSAGE)


def _read_chunk_line(parser: _Parser, buffer: bytearray, events: list[Event]) -> bool:
    limit = parser.limits.max_chunk_line
    end = buffer.find(_CRLF, parser._searched, limit + 2)
    if end < 0:
        # One byte past the limit may be the CR of a line exactly at it.
        if len(buffer) > limit + 1:
            raise RemoteProtocolError("chunk-size line is longer than the limit", 413)
        if parser._eof:
            raise RemoteProtocolError("the peer closed the connection inside a chunked body")
        parser._searched = max(len(buffer) - 1, 0)
        return False
    parser._searched = 0
    match = CHUNK_LINE_RE.fullmatch(buffer, 0, end)
    if match is None:
        raise RemoteProtocolError(f"malformed chunk-size line {quote(buffer[:end])}")
    digits = match.group(1)
    if len(digits) > MAX_CHUNK_SIZE_DIGITS:
        # Leading zeros are valid (RFC 9112 §7.1) and add nothing to the size.
        digits = digits.lstrip(b"0") or b"0"
        if len(digits) > MAX_CHUNK_SIZE_DIGITS:
            raise RemoteProtocolError("chunk size is too large", 413)
    size = int(digits, 16)
    del buffer[: end + 2]
    if not size:
        parser._state = TRAILERS
        return True
    seen = parser._body_seen + size
    max_body = parser.limits.max_body
    if max_body is not None and seen > max_body:
        raise RemoteProtocolError(f"chunked body is over the limit of {max_body} bytes", 413)
    parser._body_seen = seen
    parser._remaining = size
    parser._state = CHUNK_DATA
    return True


def _read_chunk_data(parser: _Parser, buffer: bytearray, events: list[Event]) -> bool:
    available = len(buffer)
    if not available:
        if parser._eof:
            raise RemoteProtocolError("the peer closed the connection inside a chunk")
        return False
    remaining = parser._remaining
    if available <= remaining:
        data = bytes(buffer)
        buffer.clear()
    else:
        data = bytes(buffer[:remaining])
        del buffer[:remaining]
        available = remaining
    events.append(new_data(data))
    parser._remaining = remaining - available
    if parser._remaining:
        return False
    parser._state = CHUNK_END
    return True


def _read_chunk_end(parser: _Parser, buffer: bytearray, events: list[Event]) -> bool:
    if len(buffer) < 2:
        if buffer and buffer[0] != 0x0D:
            raise RemoteProtocolError("chunk data is not followed by CRLF")
        if parser._eof:
            raise RemoteProtocolError("the peer closed the connection inside a chunked body")
        return False
    if buffer[:2] != _CRLF:
        raise RemoteProtocolError("chunk data is not followed by CRLF")
    del buffer[:2]
    parser._state = CHUNK_LINE
    return True


def _read_trailers(parser: _Parser, buffer: bytearray, events: list[Event]) -> bool:
    if buffer[:2] == _CRLF:
        del buffer[:2]
        return _finish(parser, events, END_OF_MESSAGE)
    limits = parser.limits
    end = buffer.find(b"\r\n\r\n", parser._searched)
    if end < 0:
        if len(buffer) > limits.max_trailer_block + 4:
            raise RemoteProtocolError("trailer section is larger than the limit", 431)
        if buffer.find(b"\n\n", max(parser._searched - 1, 0)) >= 0 or buffer[:1] == b"\n":
            raise RemoteProtocolError("a line ends with a bare LF; HTTP/1.1 lines end with CRLF")
        if parser._eof:
            raise RemoteProtocolError("the peer closed the connection inside the trailers")
        parser._searched = max(len(buffer) - 3, 0)
        return False
    parser._searched = 0
    if end > limits.max_trailer_block:
        raise RemoteProtocolError("trailer section is larger than the limit", 431)
    block = bytes(buffer[:end])
    del buffer[: end + 4]
    lines = block.split(_CRLF)
    if block.translate(None, FIELD_OCTETS) != _CRLF * (len(lines) - 1):
        raise _bad_octet(block)
    _check_line_lengths(lines, end, limits)
    items, index = _parse_fields(lines, limits)
    return _finish(parser, events, new_end_of_message(Headers._from_parser(items, index, lines)))


def _read_until_close(parser: _Parser, buffer: bytearray, events: list[Event]) -> bool:
    if buffer:
        seen = parser._body_seen + len(buffer)
        max_body = parser.limits.max_body
        if max_body is not None and seen > max_body:
            raise RemoteProtocolError(f"body is over the limit of {max_body} bytes", 413)
        parser._body_seen = seen
        events.append(new_data(bytes(buffer)))
        buffer.clear()
    if parser._eof:
        _finish(parser, events, END_OF_MESSAGE)
        return True
    return False


def _read_nothing(parser: _Parser, buffer: bytearray, events: list[Event]) -> bool:
    return False


_Reader = Callable[[_Parser, bytearray, list[Event]], bool]

_READERS: Final[dict[int, _Reader]] = {
    HEAD: _read_head,
    LENGTH: _read_length,
    CHUNK_LINE: _read_chunk_line,
    CHUNK_DATA: _read_chunk_data,
    CHUNK_END: _read_chunk_end,
    TRAILERS: _read_trailers,
    UNTIL_CLOSE: _read_until_close,
    PAUSED: _read_nothing,
    CLOSED: _read_nothing,
}


def parse_into(parser: RequestParser | ResponseParser, buffer: bytearray) -> list[Event]:
    """Consume what ``parser`` can from ``buffer``; return the complete events.

    Bytes that do not complete an event yet stay in ``buffer``. Every
    message the bytes complete is returned, pipelined ones included,
    unless ``parser.pause_after_message`` is set; reading always stops
    after a message that may switch protocols (see ``resume``).
    """
    if parser._state == ERROR:
        raise RemoteProtocolError(
            f"the parser already failed: {parser._error}",
            parser._error.status_code if parser._error else 400,
        )
    events: list[Event] = []
    try:
        while _READERS[parser._state](parser, buffer, events):
            pass
    except RemoteProtocolError as error:
        parser._state = ERROR
        parser._error = error
        raise
    return events


# --- diagnosis: cold paths that explain why bytes were refused ---------------


def _bad_octet(head: bytes) -> RemoteProtocolError:
    for position, octet in enumerate(head):
        if octet == 0x0D and head[position + 1 : position + 2] != b"\n":
            return RemoteProtocolError(f"bare CR in {quote(head[max(position - 20, 0) :])}")
        if octet == 0x0A and head[position - 1 : position] != b"\r":
            return RemoteProtocolError("a line ends with a bare LF; HTTP/1.1 lines end with CRLF")
        if (octet < 0x20 and octet not in (0x09, 0x0D, 0x0A)) or octet == 0x7F:
            return RemoteProtocolError(
                f"control character {octet:#04x} in {quote(head[max(position - 20, 0) :])}"
            )
    return RemoteProtocolError("invalid octet in the message head")  # pragma: no cover


def _bad_field_line(lines: list[bytes]) -> RemoteProtocolError:
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            return RemoteProtocolError(
                f"obs-fold (a line starting with whitespace) is not accepted: {quote(line)}"
            )
        name, colon, _ = line.partition(b":")
        if not colon:
            return RemoteProtocolError(f"header line without a colon: {quote(line)}")
        if name[-1:] in (b" ", b"\t"):
            return RemoteProtocolError(f"whitespace before the colon in {quote(line)}")
        if not name or name.lower().translate(None, TCHARS_LOWER):
            return RemoteProtocolError(f"invalid header name in {quote(line)}")
    return RemoteProtocolError("malformed header section")  # pragma: no cover


def _bad_request_line(line: bytes) -> RemoteProtocolError:
    if line[:1] in (b" ", b"\t") or b"  " in line:
        return RemoteProtocolError(f"extra whitespace in the request line {quote(line)}")
    return RemoteProtocolError(f"malformed request line {quote(line)}")

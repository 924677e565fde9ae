"""Message heads: the start line and the header section, for both directions.

A head is parsed in one piece once its blank line has arrived: find the
terminator, check every octet at once, split the lines, build the fields
in one comprehension. Until then each call only searches the bytes it
has not searched before (``parser._searched``), so a head fed one byte
per call costs about what it costs fed whole.
"""

from __future__ import annotations

from typing import Final

from .._abnf import (
    ABSOLUTE_FORM_RE,
    AUTHORITY_FORM_RE,
    FIELD_OCTETS,
    HOST_RE,
    REG_NAME_OCTETS,
    REQUEST_LINE_RE,
    STATUS_LINE_RE,
)
from .._errors import RemoteProtocolError, quote
from .._events import (
    CONNECTION_CLOSED,
    END_OF_MESSAGE,
    Data,
    Event,
    InformationalResponse,
    OpenData,
    OpenRequest,
    OpenResponseHead,
    Request,
    Response,
)
from .._headers import Headers, fill_headers, list_elements, new_headers
from .._memo import Memo
from ._fields import (
    FIELD_LINES,
    bad_octet,
    check_line_lengths,
    cut_lines,
    joined,
    parse_fields,
    parse_response_fields,
    single,
)
from ._framing import (
    CONTENT_LENGTHS,
    body_size,
    keep_alive,
    start_request_coding,
    start_response_coding,
)
from ._parser import (
    CLOSED,
    LENGTH,
    PAUSED,
    UNTIL_CLOSE,
    Parser,
    ResponseParser,
    finish,
    first_wait_limit,
)

_CRLF: Final = b"\r\n"
_VERSIONS: Final = {b"0": b"1.0", b"1": b"1.1"}
#: Accepted request lines and what they say (see ``_memo``). Targets vary
#: more than field lines, so the budget is smaller.
REQUEST_LINES: Final[Memo[bytes, tuple[bytes, bytes, bytes]]] = Memo(128 * 1024)
#: Accepted status lines and what they say: a client meets few distinct ones.
STATUS_LINES: Final[Memo[bytes, tuple[bytes, int, bytes]]] = Memo(16 * 1024)
#: Host values that passed the check: a server is named by a few.
HOSTS: Final[Memo[bytes, bool]] = Memo(16 * 1024)
_BARE_LF: Final = "a line ends with a bare LF; HTTP/1.1 lines end with CRLF"


def read_request_head(parser: Parser, buffer: bytearray, events: list[Event]) -> bool:
    """The HEAD reader of a server: one request head, then its framing."""
    searched = parser._searched
    # A whole head at the front of the buffer is cut here without a call
    # (a head still arriving waits in ``parse_into``). Anything else (the
    # first bytes of a head, blank lines first, the end of the input)
    # goes through _find_head.
    end = buffer.find(b"\r\n\r\n", searched)
    if end < 0 and searched:
        _wait_for_head(parser, buffer, events, searched)
        return False
    if end <= 0 or buffer[0] == 0x0D:
        end = _find_head(parser, buffer, events, end)
        if end < 0:
            return False
    parser._searched = 0
    lines = cut_lines(buffer, end)
    if end > parser._fast_limit:
        _check_head_sizes(parser, lines, end)
    # Measured on bench/server_inprocess.py: a request line seen before
    # takes 0.25 us less than the pattern and the checks.
    request_line = REQUEST_LINES.get(lines[0]) or _parse_request_line(lines)
    method, target, version = request_line
    del lines[0]
    # parse_fields' common case, inlined: every line seen before, and not
    # too many (callgrind: 0.5k instructions less on case (a), 0.75k on (c)).
    # The looked-up fields go straight into the event's Headers, with no
    # list between (callgrind on case (c): 38.9k -> 38.1k instructions per
    # message); a None among them sends the head to parse_fields.
    headers = new_headers(Headers)
    fill_headers(headers, map(FIELD_LINES.get, lines))  # type: ignore[arg-type]
    if all(headers) and len(lines) <= parser.limits.max_header_count:
        index = dict(headers)
    else:
        items, index = parse_fields(lines, parser.limits)
        headers = new_headers(Headers)
        fill_headers(headers, items)
    distinct = len(index) == len(headers)  # no name repeats
    if distinct:
        host = index.get(b"host")
        length = index.get(b"content-length")
        coding = index.get(b"transfer-encoding")
        connection = index.get(b"connection")
        expect = index.get(b"expect")
        upgrade = index.get(b"upgrade")
    else:
        host = single(headers, b"host")
        length = single(headers, b"content-length")
        coding = joined(headers, b"transfer-encoding")
        connection = joined(headers, b"connection")
        expect = joined(headers, b"expect")
        upgrade = index.get(b"upgrade")
    # RFC 9112 §3.2: 400 for a missing Host in HTTP/1.1, a repeated one
    # (``single``), or one whose value is not a valid authority.
    if host is None:
        if version == b"1.1":
            raise RemoteProtocolError("an HTTP/1.1 request needs a Host header")
    # The Host of the connection's previous request was checked already:
    # measured on bench/server_inprocess.py (Host with a port, so HOST_RE
    # runs), 0.6 us less per keep-alive request. A plain host name needs
    # no pattern: measured on bench/parser.py case (b), the translate
    # takes 0.6x the time of HOST_RE.
    elif host != parser._host:
        # A new connection's first Host is most often one an earlier
        # connection sent: measured with callgrind on
        # bench/server_inprocess.py "ours", connection per request (Host
        # with a port), 4.9k instructions less per connection.
        if HOSTS.get(host) is None:
            if host.translate(None, REG_NAME_OCTETS) and HOST_RE.fullmatch(host) is None:
                raise RemoteProtocolError(f"invalid Host header {quote(host)}")
            HOSTS.remember(host, True, len(host))
        parser._host = host
    parser.http_version = version
    # No call without a Connection field: 0.4k instructions (callgrind).
    if connection is None:
        parser.keep_alive = version == b"1.1"
    else:
        parser.keep_alive = keep_alive(version, connection)
    # RFC 9110 §10.1.1: an HTTP/1.0 request's 100-continue is ignored.
    # Expect is a list (#expectation): empty elements and a repeated line
    # (joined with a comma) still ask for it (RFC 9110 §5.6.1, §5.3).
    parser.expects_continue = (
        expect is not None
        and version == b"1.1"
        and (expect.lower() == b"100-continue" or _asks_continue(expect))
    )
    # RFC 9110 §7.8: a server MUST ignore Upgrade in an HTTP/1.0 request.
    connect = method == b"CONNECT"
    parser.may_switch = may_switch = connect or (upgrade is not None and version == b"1.1")
    if connect and (coding is not None or (length and length.strip(b"0"))):
        # RFC 9110 §9.3.6: a CONNECT request has no content; what follows
        # its head is the tunnel's. A reader that framed a body here would
        # split the bytes differently from one that starts the tunnel.
        raise RemoteProtocolError("a CONNECT request has no content")
    # The Request and its Headers, built in place (see ``OpenRequest``).
    headers._index = index if distinct else None
    headers._raw_names = None
    headers._raw_lines = lines
    event = OpenRequest()
    event.method = method
    event.target = target
    event.headers = headers
    event.http_version = version
    event.__class__ = Request
    events.append(event)
    if coding is not None:
        start_request_coding(parser, coding, length, version)
        return True
    if length is not None:
        size = CONTENT_LENGTHS.get(length)
        if size is None or parser.limits.max_body is not None:
            size = body_size(parser, length)
        if size:
            # _take_sized_body, inlined (a request may switch protocols
            # after it, below). The body that came with its head is handed
            # over here, without the LENGTH reader: measured on
            # bench/parser.py case (c), 0.95x the time (0.96x the
            # instructions of parse_into, callgrind); a body that is all
            # the buffer holds is copied whole, without a slice (0.7k
            # instructions less, callgrind).
            available = len(buffer)
            if available < size:
                parser._remaining = size
                parser._state = LENGTH
                return True
            if available == size:
                data = bytes(buffer)
                buffer.clear()
            else:
                data = bytes(buffer[:size])
                del buffer[:size]
            # new_data(), inlined (see OpenData).
            event = OpenData()
            event.data = data
            event.__class__ = Data
            events.append(event)
    # finish(), inlined (a call costs about 0.45k instructions here,
    # callgrind on case (c)): the state is still HEAD.
    events.append(END_OF_MESSAGE)
    if may_switch:
        parser._state = PAUSED
        return False
    return not parser.pause_after_message


def _asks_continue(expect: bytes) -> bool:
    """Whether an Expect list other than a plain ``100-continue`` holds only that expectation."""
    return set(list_elements(expect)) == {b"100-continue"}


def read_response_head(parser: ResponseParser, buffer: bytearray, events: list[Event]) -> bool:
    """The HEAD reader of a client: 1xx heads, then a final response head.

    The framing of a response depends on the request it answers (RFC 9112
    §6.3): nothing after HEAD, 1xx, 204 and 304, a tunnel after a 2xx to
    CONNECT.
    """
    searched = parser._searched
    end = buffer.find(b"\r\n\r\n", searched)
    if end < 0 and searched:
        _wait_for_head(parser, buffer, events, searched)
        return False
    if end <= 0 or buffer[0] == 0x0D:
        end = _find_head(parser, buffer, events, end)
        if end < 0:
            return False
    parser._searched = 0
    lines = cut_lines(buffer, end)
    if end > parser._fast_limit:
        _check_head_sizes(parser, lines, end)
    status_line = STATUS_LINES.get(lines[0]) or _parse_status_line(lines)
    version, status, reason = status_line
    del lines[0]
    # As in read_request_head: lines all seen before skip parse_fields
    # (callgrind: 0.7k instructions less on case (r)).
    # The looked-up fields go straight into the event's Headers, as in
    # read_request_head; a None among them sends the head to
    # parse_response_fields.
    headers = new_headers(Headers)
    fill_headers(headers, map(FIELD_LINES.get, lines))  # type: ignore[arg-type]
    if all(headers) and len(lines) <= parser.limits.max_header_count:
        index = dict(headers)
    else:
        items, index = parse_response_fields(lines, parser.limits)
        headers = new_headers(Headers)
        fill_headers(headers, items)
    distinct = len(index) == len(headers)  # no name repeats
    # The head and its Headers, built in place (see ``OpenResponseHead``).
    headers._index = index if distinct else None
    headers._raw_names = None
    headers._raw_lines = lines
    event = OpenResponseHead()
    event.status_code = status
    event.headers = headers
    event.reason = reason
    event.http_version = version
    event._wire = None
    methods = parser._methods
    if status < 200:
        event.__class__ = InformationalResponse
        events.append(event)
        if status == 101:
            # RFC 9110 §15.2.2: the bytes after a 101 belong to the new
            # protocol; the request that asked for it is answered.
            if methods:
                methods.popleft()
            parser.may_switch = True
            parser._state = PAUSED
            return False
        return True
    method = methods.popleft() if methods else b"GET"
    event.__class__ = Response
    events.append(event)
    if distinct:
        length = index.get(b"content-length")
        coding = index.get(b"transfer-encoding")
        connection = index.get(b"connection")
    else:
        length = single(headers, b"content-length")
        coding = joined(headers, b"transfer-encoding")
        connection = joined(headers, b"connection")
    parser.http_version = version
    # No call without a Connection field, as in read_request_head.
    if connection is None:
        parser.keep_alive = version == b"1.1"
    else:
        parser.keep_alive = keep_alive(version, connection)
    parser.expects_continue = False
    parser.may_switch = may_switch = method == b"CONNECT" and status < 300
    if method == b"HEAD" or status == 204 or status == 304:
        return finish(parser, events, END_OF_MESSAGE)
    if may_switch:
        parser._state = PAUSED
        events.append(END_OF_MESSAGE)
        return False
    if coding is not None:
        start_response_coding(parser, coding, length, version)
        return True
    if length is None:
        parser.keep_alive = False
        parser._state = UNTIL_CLOSE
        return True
    return _take_sized_body(parser, buffer, events, length)


def _take_sized_body(parser: Parser, buffer: bytearray, events: list[Event], length: bytes) -> bool:
    """After a head with a Content-Length: its body, if it came whole; whether to read on.

    The body that came with its head is handed over here, without the
    LENGTH reader (read_request_head has this inline, see there); a body
    that is all the buffer holds is copied whole, without a slice. A
    message that may switch protocols never gets here. A function, not a
    second inline copy: the call costs 0.7k instructions on bench/parser.py
    case (r) (callgrind, 41.3k -> 42.0k).
    """
    size = CONTENT_LENGTHS.get(length)
    if size is None or parser.limits.max_body is not None:
        size = body_size(parser, length)
    if size:
        available = len(buffer)
        if available < size:
            parser._remaining = size
            parser._state = LENGTH
            return True
        if available == size:
            data = bytes(buffer)
            buffer.clear()
        else:
            data = bytes(buffer[:size])
            del buffer[:size]
        event = OpenData()  # new_data(), inlined (see OpenData)
        event.data = data
        event.__class__ = Data
        events.append(event)
    # finish(), inlined: the state is still HEAD.
    events.append(END_OF_MESSAGE)
    return not parser.pause_after_message


def _find_head(parser: Parser, buffer: bytearray, events: list[Event], end: int) -> int:
    """Where the head at the front of ``buffer`` ends, or -1 if it has not.

    ``end`` is where the search from ``parser._searched`` found the CRLF
    CRLF. -1 also when the input ended cleanly, which appends
    ``ConnectionClosed``.
    """
    searched = parser._searched
    if not searched:
        # RFC 9112 §2.2: a server SHOULD ignore empty lines before a
        # request line. They are dropped as they come, so never pile up.
        if buffer.startswith(_CRLF):
            while buffer.startswith(_CRLF):
                del buffer[:2]
            end = buffer.find(b"\r\n\r\n")
        # Checked after the empty lines are gone: a close that follows
        # them is as clean as one that follows a message.
        if not buffer:
            if parser._eof:
                parser._state = CLOSED
                events.append(CONNECTION_CLOSED)
            return -1
    if end < 0:
        _wait_for_head(parser, buffer, events, searched)
    return end


def _wait_for_head(parser: Parser, buffer: bytearray, events: list[Event], searched: int) -> None:
    """Refuse what no more bytes can make a head; note how far we searched."""
    # A LF LF pair ends the head for a lenient reader but not for us:
    # say so now rather than wait for a CRLF CRLF that may never come.
    if buffer.find(b"\n\n", searched - 1 if searched else 0) >= 0:
        raise RemoteProtocolError(_BARE_LF)
    if not searched:
        # The first wait of this head: whatever the last head's wait noted
        # is reset here, not when each head is cut.
        parser._wait_limit = first_wait_limit(parser._fast_limit, parser.limits)
        parser._fields_at = 0
    size = len(buffer)
    # The size checks only run when they can fail.
    if size > parser._wait_limit or parser._eof:
        _check_partial_head(parser, buffer, events)
    # Keep the last three bytes: they may begin the CRLF CRLF.
    parser._searched = size - 3 if size > 3 else 0


def _check_head_sizes(parser: Parser, lines: list[bytes], end: int) -> None:
    """414/431 for a complete head that breaks a size limit."""
    limits = parser.limits
    if len(lines[0]) > limits.max_request_line:
        raise RemoteProtocolError(*parser._start_line_too_long)
    if end - len(lines[0]) > limits.max_header_block:
        raise RemoteProtocolError("header section is larger than the limit", 431)
    check_line_lengths(lines[1:], limits)


def _check_partial_head(parser: Parser, buffer: bytearray, events: list[Event]) -> None:
    """Fail early on an incomplete head that can already be refused.

    Every limit of a head (start line, field line, field count, header
    section) is checked against the bytes buffered so far. Otherwise note
    in ``_wait_limit`` the size up to which the head, still arriving,
    cannot break one: until then it is not checked again. Each check
    scans only the bytes that came since the last one (``_fields_scanned``),
    so a long head fed one byte per call costs no more per byte than a
    short one (bench/parser.py, ns per byte from 1 KiB to 64 KiB).
    """
    # Only a head still incomplete was cut off by the close: a message
    # this call completed is handed out, and the half head after it fails
    # on the next call.
    if parser._eof and buffer and not events:
        raise RemoteProtocolError("the peer closed the connection in the middle of a head")
    limits = parser.limits
    size = len(buffer)
    line_start = parser._fields_at
    if not line_start:
        line_end = buffer.find(_CRLF, 0, limits.max_request_line + 2)
        if line_end < 0:
            if size <= limits.max_request_line:
                parser._wait_limit = limits.max_request_line
                return
            # One byte past the limit may be the CR of a line exactly at it.
            if size <= limits.max_request_line + 1:
                parser._wait_limit = limits.max_request_line + 1
                return
            raise RemoteProtocolError(*parser._start_line_too_long)
        # The start line is whole: from here on, the field lines.
        parser._fields_at = parser._fields_scanned = line_start = line_end + 2
        parser._fields_end = line_end + limits.max_header_block + 4
        parser._field_count = 0
    if size > parser._fields_end:
        raise RemoteProtocolError("header section is larger than the limit", 431)
    scanned = parser._fields_scanned
    count = parser._field_count + buffer.count(_CRLF, scanned)
    if count > limits.max_header_count:
        raise RemoteProtocolError(f"more than {limits.max_header_count} header fields", 431)
    last = buffer.rfind(_CRLF, scanned)
    if last >= 0:
        # Lines that ended since the last check: only a stretch longer than
        # the limit can hold one over it, so only then are they split.
        if last - line_start > limits.max_header_line and (
            max(map(len, bytes(buffer[line_start:last]).split(_CRLF))) > limits.max_header_line
        ):
            raise RemoteProtocolError("a header field line is longer than the limit", 431)
        line_start = parser._fields_at = last + 2
    # The last byte may be the CR of a CRLF still to come: scanned again.
    parser._fields_scanned = size - 1
    parser._field_count = count
    # As for the start line, one byte past the limit may be a CR.
    if size - line_start > limits.max_header_line + 1:
        raise RemoteProtocolError("a header field line is longer than the limit", 431)
    # Every field line takes at least three bytes (one, and its CRLF; an
    # empty one ends the head), and the one being read at least one more
    # (its LF, after a CR that came last).
    parser._wait_limit = min(
        parser._fields_end,
        line_start + limits.max_header_line + 1,
        size + 3 * (limits.max_header_count - count),
    )


def _parse_request_line(lines: list[bytes]) -> tuple[bytes, bytes, bytes]:
    """Method, target and version of a head's request line, checked; remembered if accepted.

    request-line = method SP request-target SP HTTP-version   (RFC 9112 §3)
    """
    line = lines[0]
    match = REQUEST_LINE_RE.fullmatch(line)
    if match is None:
        raise _bad_request_line(line)
    method, origin_target, other_target, major, minor = match.groups()
    if major != b"1":
        raise _unsupported_version(major, lines)
    # RFC 9110 §2.5: a higher 1.x minor version is handled as 1.1.
    version = _VERSIONS.get(minor, b"1.1")
    if origin_target is not None:
        target = origin_target
        if method == b"CONNECT":
            raise RemoteProtocolError("CONNECT needs an authority-form target")
    else:
        target = _check_other_target(method, other_target)
    parsed = (method, target, version)
    REQUEST_LINES.remember(line, parsed, len(line))
    return parsed


def _parse_status_line(lines: list[bytes]) -> tuple[bytes, int, bytes]:
    """Version, status code and reason of a head's status line, checked; remembered if accepted.

    status-line = HTTP-version SP status-code SP [ reason-phrase ]   (RFC 9112 §4)
    """
    line = lines[0]
    match = STATUS_LINE_RE.fullmatch(line)
    if match is None:
        if line.translate(None, FIELD_OCTETS):
            raise bad_octet(line)
        raise RemoteProtocolError(f"malformed status line {quote(line)}")
    major, minor, code, reason = match.groups()
    if major != b"1":
        raise _unsupported_version(major, lines)
    status = int(code)
    if status < 100:
        raise RemoteProtocolError(f"invalid status code {status}")
    parsed = (_VERSIONS.get(minor, b"1.1"), status, reason or b"")
    STATUS_LINES.remember(line, parsed, len(line))
    return parsed


def _unsupported_version(major: bytes, lines: list[bytes]) -> RemoteProtocolError:
    """505, unless the head holds a LF LF: then the 400 a head fed in pieces gets.

    A reader waiting for the rest of a head refuses a LF LF as soon as it
    sees one (``_wait_for_head``); a head that came whole is split on CRLF
    and each line refuses its bare LF after the start line is read. The
    one status of a start line that is not 400 (or a size's) must not
    depend on how the head arrived.
    """
    if b"\n\n" in b"\r\n".join(lines):
        return RemoteProtocolError(_BARE_LF)
    return RemoteProtocolError(f"HTTP version {major.decode()}.x is not supported", 505)


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
    else:
        scheme, _, rest = target.partition(b":")
        if scheme.lower() in (b"http", b"https"):
            _check_http_authority(target, rest)
    return target


def _check_http_authority(target: bytes, rest: bytes) -> None:
    """An ``http`` or ``https`` target names a host, and no user.

    http-URI = "http" "://" authority path-abempty [ "?" query ]
    (RFC 9110 §4.2.1): a recipient MUST reject one with an empty host as
    invalid; and one with userinfo SHOULD be an error (§4.2.4), since it
    serves to disguise the authority. The authority is what the server
    must use in place of Host (RFC 9112 §3.2.2), so it is held to Host's
    grammar.
    """
    if not rest.startswith(b"//"):
        raise RemoteProtocolError(f"an http(s) request target needs an authority: {quote(target)}")
    authority = rest[2:].partition(b"/")[0].partition(b"?")[0]
    if b"@" in authority:
        raise RemoteProtocolError(f"userinfo in an http(s) request target: {quote(target)}")
    if authority[:1] in (b"", b":") or HOST_RE.fullmatch(authority) is None:
        raise RemoteProtocolError(f"invalid host in request target {quote(target)}")


def _bad_request_line(line: bytes) -> RemoteProtocolError:
    """Say what is wrong with a request line the pattern refused.

    Extra whitespace gets its own message: RFC 9112 §3 allows exactly
    one SP between the parts, and lenient parsers that split on runs of
    whitespace are the usual cause of such lines.
    """
    if line.translate(None, FIELD_OCTETS):
        return bad_octet(line)
    if line[:1] in (b" ", b"\t") or b"  " in line:
        return RemoteProtocolError(f"extra whitespace in the request line {quote(line)}")
    return RemoteProtocolError(f"malformed request line {quote(line)}")

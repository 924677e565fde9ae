"""Message bodies: by Content-Length, chunked with trailers, or until close."""

from __future__ import annotations

from typing import Final

from .._abnf import CHUNK_LINE_RE, MAX_CHUNK_SIZE_DIGITS
from .._errors import RemoteProtocolError, quote
from .._events import END_OF_MESSAGE, Event, new_data, new_end_of_message
from .._memo import Memo
from ._fields import (
    FIELD_LINES,
    check_line_lengths,
    cut_lines,
    parse_fields,
    parse_new_field,
    parse_response_fields,
)
from ._parser import CHUNK_DATA, CHUNK_END, CHUNK_LINE, TRAILERS, Parser, ResponseParser, finish

_CRLF: Final = b"\r\n"
#: The CRLF after a chunk's data, then the last chunk's size line.
_LAST_CHUNK_LINE: Final = b"\r\n0\r\n"
#: ``translate(None, HEXDIGITS)`` leaves whatever in a chunk size is not hex.
_HEXDIGITS: Final = b"0123456789abcdefABCDEF"
#: The size each chunk-size line's digits stand for: senders use few
#: sizes, as a fixed write buffer does (see ``_memo``).
CHUNK_SIZES: Final[Memo[bytes, int]] = Memo(16 * 1024)
#: Chunks up to this size are copied out of the buffer, larger ones viewed
#: (see ``read_chunks``): CPython's small-object allocator serves them.
_SMALL_CHUNK: Final = 512


def read_length(parser: Parser, buffer: bytearray, events: list[Event]) -> bool:
    """Body bytes up to the Content-Length, as they arrive."""
    if not buffer:
        if parser._eof:
            raise RemoteProtocolError(
                f"the peer closed the connection {parser._remaining} bytes before the body's end"
            )
        return False
    if take_remaining(parser, buffer, events):
        return False
    return finish(parser, events, END_OF_MESSAGE)


def take_remaining(parser: Parser, buffer: bytearray, events: list[Event]) -> int:
    """Hand over what is buffered of the ``_remaining`` bytes; return how many are still due."""
    remaining = parser._remaining
    if len(buffer) <= remaining:
        data = bytes(buffer)
        buffer.clear()
    else:
        data = bytes(buffer[:remaining])
        del buffer[:remaining]
    events.append(new_data(data))
    parser._remaining = remaining = remaining - len(data)
    return remaining


def read_chunks(parser: Parser, buffer: bytearray, events: list[Event]) -> bool:
    """Every whole chunk in the buffer, in one pass, as one ``Data``.

    chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF   (RFC 9112 §7.1)

    Chunk boundaries carry no meaning (an intermediary may re-chunk a
    body), so the data of every chunk complete in the buffer comes out
    as one event, as the bytes of a Content-Length body do. Positions move
    through the buffer and its consumed prefix is deleted once at the
    end: measured on bench/parser.py case (d), 3.1x faster than one state
    transition and one deletion per chunk part, and one event for the ten
    chunks 1.3x faster than one per chunk. A chunk whose data has not all
    arrived hands over to ``read_chunk_data``.
    """
    limits = parser.limits
    limit = limits.max_chunk_line
    # A plain size line (no extension) is matched, the others cut and
    # parsed: measured on bench/parser.py case (d), 2.3k instructions less
    # (callgrind) for the first line.
    match = parser._first_chunk_line(buffer)
    if match is not None:
        size = _plain_chunk_size(match[1])
        position = match.end()
        # The line that says the next chunk is as large as this one, as a
        # sender with a fixed write buffer sends it (see the loop).
        repeat = _CRLF + match[0]
        repeat_size = size
        # Its length, kept: 0.1k instructions less per chunk than len().
        repeat_step = len(repeat)
    else:
        end = buffer.find(_CRLF, parser._searched, limit + 2)
        if end < 0:
            _wait_for_chunk_line(parser, buffer, limit)
            return False
        size = _chunk_size(buffer[:end])
        position = end + 2
        repeat = _LAST_CHUNK_LINE
        repeat_size = 0
        repeat_step = len(_LAST_CHUNK_LINE)
    # The CRLF after a chunk's data and a plain size line after it, in one
    # match at a position: measured on bench/parser.py case (d), each of
    # the ten chunks takes 0.74x the time of a find, a slice, a translate
    # and two octet compares (0.65x the instructions, callgrind).
    next_plain_line = parser._next_chunk_line
    available = len(buffer)
    state = TRAILERS
    waiting = False
    pieces: list[bytearray | memoryview] = []
    view: memoryview | None = None
    # Each chunk's data is sliced off and the slices joined once the loop
    # is over: a small chunk as a bytearray, a larger one through a view
    # of the buffer, made when the first one comes. Measured on
    # bench/parser.py case (d) with callgrind, the bytearray takes 0.4k
    # instructions less per chunk; from about 1 KiB a chunk's second copy
    # costs more time than the view saves (16 chunks of 1 KiB: 1.4x).
    # The body limit is checked after the loop, against what it took and
    # the size of a chunk still arriving: 0.2k instructions less per
    # chunk than a check in it.
    try:
        while size:
            data_end = position + size
            # Before the pattern, two compares in place: the CRLF and size
            # line that came last (``repeat``, plain hex within the limit,
            # so it reads here as the pattern read it), and the last-chunk
            # line. Measured on bench/parser.py case (d): 109.7k -> 90.9k
            # instructions per message (callgrind).
            if buffer.startswith(repeat, data_end):
                next_size = repeat_size
                next_position = data_end + repeat_step
            elif buffer.startswith(_LAST_CHUNK_LINE, data_end):
                next_size = 0
                next_position = data_end + 5  # len(_LAST_CHUNK_LINE)
            else:
                match = next_plain_line(buffer, data_end)
                if match is None:
                    if data_end + 2 > available:
                        parser._remaining = size
                        state = CHUNK_DATA
                        break
                    if buffer[data_end] != 0x0D or buffer[data_end + 1] != 0x0A:
                        raise RemoteProtocolError("chunk data is not followed by CRLF")
                    # A chunk with extensions, or a long size line: rare, sliced.
                    pieces.append(buffer[position:data_end])
                    position = data_end + 2
                    end = buffer.find(_CRLF, position, position + limit + 2)
                    if end < 0:
                        waiting = True
                        break
                    size = _chunk_size(buffer[position:end])
                    position = end + 2
                    continue
                # Inlined _plain_chunk_size: a call less per chunk.
                digits = match[1]
                known = CHUNK_SIZES.get(digits)
                if known is None:
                    next_size = int(digits, 16)
                    CHUNK_SIZES.remember(digits, next_size, len(digits))
                else:
                    next_size = known
                next_position = match.end()
                repeat = match[0]
                repeat_size = next_size
                repeat_step = next_position - data_end
            if size <= _SMALL_CHUNK:
                pieces.append(buffer[position:data_end])
            else:
                if view is None:
                    view = memoryview(buffer)
                pieces.append(view[position:data_end])
            size = next_size
            position = next_position
        data = b"".join(pieces) if pieces else b""
    finally:
        if view is not None:
            # The view and its slices export the buffer: release them,
            # even on an error, so that the buffer can be resized again.
            pieces.clear()
            view.release()
    seen = parser._body_seen + len(data)
    if state == CHUNK_DATA:
        seen += size  # the chunk still arriving counts already
    max_body = limits.max_body
    if max_body is not None and seen > max_body:
        raise RemoteProtocolError(f"chunked body is over the limit of {max_body} bytes", 413)
    if data:
        events.append(new_data(data))
    parser._body_seen = seen
    if state == TRAILERS and buffer.startswith(_CRLF, position):
        # No trailer, as in most chunked bodies: the message ends here,
        # without a call of the trailer reader (callgrind: 1.0k instructions
        # less on an empty chunked body).
        del buffer[: position + 2]
        parser._searched = 0
        return finish(parser, events, END_OF_MESSAGE)
    if state == TRAILERS and not waiting:
        # A trailer section whole in the buffer and within its limit, as a
        # checksum line is, is read here as read_trailers reads it, without
        # the call, its search for an empty section, and its search for a
        # second line: measured on bench/parser.py case (d) (callgrind),
        # 88.5k -> 85.2k instructions per message.
        end = buffer.find(b"\r\n\r\n", position, position + limits.max_trailer_block + 4)
        if end >= 0:
            block = bytes(buffer[position:end])
            del buffer[: end + 4]
            parser._searched = 0
            # A known line is one line: no CR or LF is in any.
            item = FIELD_LINES.get(block)
            lines = [block] if item is not None else block.split(_CRLF)
            if end - position > limits.max_header_line:
                check_line_lengths(lines, limits)
            if item is None:
                items, index = _parse_trailer_fields(parser, lines)
            else:
                items = [item]
                index = dict(items)
            return finish(parser, events, new_end_of_message(items, index, lines))
    del buffer[:position]
    if waiting:
        _wait_for_chunk_line(parser, buffer, limit)
        return False
    parser._searched = 0
    parser._state = state
    return True


def _plain_chunk_size(digits: bytes) -> int:
    """The size that the hex digits of a plain chunk-size line announce.

    A size seen before is looked up: measured with callgrind, 0.5k
    instructions less per chunk than ``int(digits, 16)``.
    """
    size = CHUNK_SIZES.get(digits)
    if size is None:
        size = int(digits, 16)
        CHUNK_SIZES.remember(digits, size, len(digits))
    return size


def _chunk_size(line: bytearray) -> int:
    """The size a chunk-size line (without its CRLF) announces."""
    # Plain hex (no extension) is checked without the pattern.
    if 0 < len(line) <= MAX_CHUNK_SIZE_DIGITS and not line.translate(None, _HEXDIGITS):
        return int(line, 16)
    return _chunk_size_with_extensions(bytes(line))


def _wait_for_chunk_line(parser: Parser, buffer: bytearray, limit: int) -> None:
    """Refuse a chunk-size line that can no longer fit; note how far we searched.

    Without the limit a peer could send an endless chunk extension and we
    would buffer it all; searching on from ``_searched`` keeps a line fed
    a byte at a time linear.
    """
    # The line may be exactly ``limit`` long with its CR already here.
    if len(buffer) > limit + 1:
        raise RemoteProtocolError("chunk-size line is longer than the limit", 413)
    if parser._eof:
        raise RemoteProtocolError("the peer closed the connection inside a chunked body")
    parser._searched = max(len(buffer) - 1, 0)


def _chunk_size_with_extensions(line: bytes) -> int:
    """The size of a chunk line that carries extensions, or a bad line.

    chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
    Extensions are checked against the grammar and dropped: no standard
    one exists, and the line's length is capped by ``max_chunk_line``.
    """
    match = CHUNK_LINE_RE.fullmatch(line)
    if match is None:
        raise RemoteProtocolError(f"malformed chunk-size line {quote(line)}")
    # Leading zeros are valid (RFC 9112 §7.1) and add nothing to the size.
    digits = match.group(1).lstrip(b"0") or b"0"
    if len(digits) > MAX_CHUNK_SIZE_DIGITS:
        raise RemoteProtocolError("chunk size is too large", 413)
    return int(digits, 16)


def read_chunk_data(parser: Parser, buffer: bytearray, events: list[Event]) -> bool:
    """The rest of a chunk whose data arrives in pieces."""
    if not buffer:
        if parser._eof:
            raise RemoteProtocolError("the peer closed the connection inside a chunk")
        return False
    if take_remaining(parser, buffer, events):
        return False
    parser._state = CHUNK_END
    return True


def read_chunk_end(parser: Parser, buffer: bytearray, events: list[Event]) -> bool:
    """The CRLF after a chunk's data."""
    if len(buffer) < 2:
        if buffer and buffer[0] != 0x0D:
            raise RemoteProtocolError("chunk data is not followed by CRLF")
        if parser._eof:
            raise RemoteProtocolError("the peer closed the connection inside a chunked body")
        return False
    if buffer[0] != 0x0D or buffer[1] != 0x0A:
        raise RemoteProtocolError("chunk data is not followed by CRLF")
    del buffer[:2]
    parser._state = CHUNK_LINE
    return True


def read_trailers(parser: Parser, buffer: bytearray, events: list[Event]) -> bool:
    """The trailer section after the last chunk (RFC 9112 §7.1.2)."""
    if buffer.startswith(_CRLF):
        del buffer[:2]
        return finish(parser, events, END_OF_MESSAGE)
    limits = parser.limits
    end = buffer.find(b"\r\n\r\n", parser._searched)
    if end < 0:
        if len(buffer) > limits.max_trailer_block + 4:
            raise RemoteProtocolError("trailer section is larger than the limit", 431)
        if buffer.find(b"\n\n", max(parser._searched - 1, 0)) >= 0 or buffer.startswith(b"\n"):
            raise RemoteProtocolError("a line ends with a bare LF; HTTP/1.1 lines end with CRLF")
        if parser._eof:
            raise RemoteProtocolError("the peer closed the connection inside the trailers")
        parser._searched = max(len(buffer) - 3, 0)
        return False
    parser._searched = 0
    if end > limits.max_trailer_block:
        raise RemoteProtocolError("trailer section is larger than the limit", 431)
    if buffer.find(_CRLF, 0, end) < 0:
        # One field line, as a checksum or a signature usually is: no lines
        # to cut and count, and the octet check of a new line also refuses
        # a bare CR or LF in it. Measured on bench/parser.py case (d): the
        # trailer takes about 0.8x the time of the general way (0.75x the
        # instructions, callgrind); two lines pay one search more.
        if end > limits.max_header_line:
            raise RemoteProtocolError("a header field line is longer than the limit", 431)
        line = bytes(buffer[:end])
        del buffer[: end + 4]
        lines = [line]
        items = [FIELD_LINES.get(line) or parse_new_field(line)]
        index = dict(items)
    else:
        lines = cut_lines(buffer, end)
        if end > limits.max_header_line:
            check_line_lengths(lines, limits)
        items, index = _parse_trailer_fields(parser, lines)
    return finish(parser, events, new_end_of_message(items, index, lines))


def read_until_close(parser: Parser, buffer: bytearray, events: list[Event]) -> bool:
    """A response body that ends when the server closes (RFC 9112 §6.3 ¶8)."""
    if buffer:
        seen = parser._body_seen + len(buffer)
        max_body = parser.limits.max_body
        if max_body is not None and seen > max_body:
            raise RemoteProtocolError(f"body is over the limit of {max_body} bytes", 413)
        parser._body_seen = seen
        events.append(new_data(bytes(buffer)))
        buffer.clear()
    if parser._eof:
        finish(parser, events, END_OF_MESSAGE)
        return True
    return False


def read_nothing(parser: Parser, buffer: bytearray, events: list[Event]) -> bool:
    """Paused or closed: the bytes wait, untouched."""
    return False


def _parse_trailer_fields(
    parser: Parser, lines: list[bytes]
) -> tuple[list[tuple[bytes, bytes]], dict[bytes, bytes]]:
    """A trailer section's fields, read by the rules of the message's head.

    Trailer fields have the syntax of header fields (RFC 9112 §7.1.2), so
    a client unfolds an obs-fold in a response's trailers as in its head
    (§5.2), and a server refuses one in a request's.
    """
    if isinstance(parser, ResponseParser):
        return parse_response_fields(lines, parser.limits)
    return parse_fields(lines, parser.limits)

"""Fuzz targets for the parser: each takes the fuzzer's bytes and fails loudly.

A target fails on any exception other than ``RemoteProtocolError`` (the
peer's fault, expected) and on a receive buffer that grows past what the
limits allow; ``fuzz/run.py`` adds a one-second timeout per input.
Limits are small so that the memory bound is tight and reachable.
"""

from __future__ import annotations

from collections.abc import Callable

from sansio_http import (
    SERVER,
    Connection,
    EndOfMessage,
    Limits,
    RemoteProtocolError,
    Request,
    RequestParser,
    Response,
    ResponseParser,
    State,
    parse_into,
)

LIMITS = Limits(
    max_request_line=256,
    max_header_line=256,
    max_header_count=16,
    max_header_block=1024,
    max_chunk_line=64,
    max_trailer_block=256,
)
#: The most a parser may leave buffered between calls, split size aside:
#: a head at its limits with its terminator not yet seen.
BUFFER_BOUND = LIMITS.max_request_line + LIMITS.max_header_block + 8
RESPONSE_METHODS = (b"GET", b"HEAD", b"CONNECT", b"POST")


def _pieces(data: bytes) -> tuple[int, bytes]:
    """The first byte picks the split size (1-64), the rest is the input."""
    if not data:
        return 1, b""
    return data[0] % 64 + 1, data[1:]


def _feed(parser: RequestParser | ResponseParser, data: bytes) -> None:
    step, payload = _pieces(data)
    buffer = bytearray()
    try:
        for start in range(0, len(payload), step):
            buffer += payload[start : start + step]
            parse_into(parser, buffer)
            if not parser.paused and len(buffer) > BUFFER_BOUND + step:
                raise AssertionError(f"{len(buffer)} bytes left buffered")
        parser.feed_eof()
        parse_into(parser, buffer)
    except RemoteProtocolError:
        pass


def request_parser(data: bytes) -> None:
    """``parse_into`` on requests, fed in pieces of a chosen size."""
    _feed(RequestParser(LIMITS), data)


def response_parser(data: bytes) -> None:
    """``parse_into`` on responses to GET, HEAD, CONNECT and POST."""
    parser = ResponseParser(LIMITS)
    for method in RESPONSE_METHODS * 2:
        parser.expect_response_to(method)
    _feed(parser, data)


def server_connection(data: bytes) -> None:
    """A SERVER ``Connection`` that answers every request it is handed."""
    step, payload = _pieces(data)
    conn = Connection(SERVER, limits=LIMITS)
    method = b""
    try:
        for start in range(0, len(payload) + 1, step):
            events = conn.receive_data(payload[start : start + step])
            while events:
                for event in events:
                    if isinstance(event, Request):
                        method = event.method
                    elif isinstance(event, EndOfMessage):
                        # A 2xx to CONNECT opens a tunnel: no body (RFC 9110 §9.3.6).
                        conn.send_complete(Response(200), b"" if method == b"CONNECT" else b"ok")
                events = conn.next_events() if conn.keep_alive else []
            if not conn.keep_alive or conn.our_state is State.SWITCHED_PROTOCOL:
                break
    except RemoteProtocolError:
        pass


TARGETS: dict[str, Callable[[bytes], None]] = {
    "request_parser": request_parser,
    "response_parser": response_parser,
    "server_connection": server_connection,
}

"""Shared drivers for the sansio_http tests: feeding parsers, comparing events.

Every reader case is fed three ways, as h11's reader tests do: in one
piece, one byte at a time, and followed by unrelated bytes. The three
must agree once adjacent ``Data`` events are merged, since how a body is
cut into ``Data`` depends on how the bytes arrived and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pytest

from sansio_http import (
    Data,
    Event,
    Limits,
    RemoteProtocolError,
    RequestParser,
    ResponseParser,
    parse_into,
)

#: Bytes that are no HTTP message and never complete a head: whatever a
#: reader leaves in the buffer after a message must stay there untouched.
TRAILING = b"UNRELATED"

Parser = RequestParser | ResponseParser
MakeParser = Callable[[], Parser]


def normalize(events: Iterable[Event]) -> list[Event]:
    """Merge adjacent ``Data`` events and drop empty ones."""
    merged: list[Event] = []
    for event in events:
        if isinstance(event, Data):
            if not event.data:
                continue
            if merged and isinstance(merged[-1], Data):
                merged[-1] = Data(merged[-1].data + event.data)
                continue
        merged.append(event)
    return merged


def feed(
    parser: Parser, pieces: Iterable[bytes], *, eof: bool = False
) -> tuple[list[Event], bytes]:
    """Feed ``pieces`` one call each; return the events and what stays buffered."""
    buffer = bytearray()
    events: list[Event] = []
    for piece in pieces:
        buffer += piece
        events += parse_into(parser, buffer)
    if eof:
        parser.feed_eof()
        events += parse_into(parser, buffer)
    return events, bytes(buffer)


def request_parser(limits: Limits | None = None) -> MakeParser:
    return lambda: RequestParser(limits)


def response_parser(*methods: bytes, limits: Limits | None = None) -> MakeParser:
    """A ``ResponseParser`` told the method of each request, in order."""

    def make() -> Parser:
        parser = ResponseParser(limits)
        for method in methods or (b"GET",):
            parser.expect_response_to(method)
        return parser

    return make


def bytewise(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def three_ways(make_parser: MakeParser, data: bytes, *, eof: bool = False) -> list[Event]:
    """The events of ``data``, after checking that all three feedings agree.

    With ``eof`` the peer closes after ``data``; the trailing-bytes feeding
    is then skipped, since after a close nothing can follow.
    """
    whole, rest = feed(make_parser(), [data], eof=eof)
    split, split_rest = feed(make_parser(), bytewise(data), eof=eof)
    assert normalize(split) == normalize(whole)
    assert split_rest == rest
    if not eof:
        trailed, trailed_rest = feed(make_parser(), [data + TRAILING])
        assert normalize(trailed) == normalize(whole)
        assert trailed_rest == rest + TRAILING
    return normalize(whole)


def three_ways_error(
    make_parser: MakeParser, data: bytes, *, eof: bool = False
) -> RemoteProtocolError:
    """The error ``data`` raises, after checking all three feedings raise it.

    Fed one byte at a time a reader may notice the fault sooner, but it
    must name the same status.
    """
    errors = []
    feedings: Sequence[tuple[list[bytes], bool]] = [
        ([data], eof),
        (bytewise(data), eof),
        ([data + TRAILING], eof),
    ]
    for pieces, at_eof in feedings:
        with pytest.raises(RemoteProtocolError) as info:
            feed(make_parser(), pieces, eof=at_eof)
        errors.append(info.value)
    assert len({error.status_code for error in errors}) == 1, [str(e) for e in errors]
    return errors[0]

"""``Limits``: the defaults the contract promises, and their validation."""

from __future__ import annotations

import dataclasses

import pytest

from sansio_http import (
    Data,
    EndOfMessage,
    Limits,
    RemoteProtocolError,
    RequestParser,
    parse_into,
)


def test_defaults() -> None:
    """DESIGN.md "Defaults that outside checks rely on"."""
    limits = Limits()
    assert limits.max_request_line == 8 * 1024
    assert limits.max_header_line == 8 * 1024
    assert limits.max_header_count == 100
    assert limits.max_header_block == 64 * 1024
    assert limits.max_chunk_line == 4 * 1024
    assert limits.max_trailer_block == 16 * 1024
    assert limits.max_body is None


def test_limits_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Limits().max_body = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    "name",
    [
        "max_request_line",
        "max_header_line",
        "max_header_count",
        "max_header_block",
        "max_chunk_line",
        "max_trailer_block",
    ],
)
@pytest.mark.parametrize("value", [0, -1])
def test_sizes_must_be_positive(name: str, value: int) -> None:
    with pytest.raises(ValueError, match=name):
        Limits(**{name: value})
    assert getattr(Limits(**{name: 1}), name) == 1


def test_max_body_may_be_zero_but_not_negative() -> None:
    assert Limits(max_body=0).max_body == 0
    with pytest.raises(ValueError, match="max_body"):
        Limits(max_body=-1)


def test_each_parser_keeps_its_own_limits_as_limits_come_and_go() -> None:
    """Parsers remember what they derive from a Limits by its id: ids of freed ones recur."""
    body = b"1\r\nx\r\n001\r\ny\r\n0\r\n\r\n"
    data = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + body
    for round_ in range(300):  # more Limits than the parser remembers, freed as they go
        max_chunk_line = 2 + round_ % 2  # "001" breaks 2, not 3
        parser = RequestParser(Limits(max_chunk_line=max_chunk_line))
        if max_chunk_line == 2:
            with pytest.raises(RemoteProtocolError):
                parse_into(parser, bytearray(data))
        else:
            events = parse_into(parser, bytearray(data))
            assert events[1:] == [Data(b"xy"), EndOfMessage()]
